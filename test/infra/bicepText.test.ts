import { describe, expect, it } from 'vitest';
import { defaultSettingValue, delimitedBlock, objectEntries, params, stringLiteral } from './bicepText';

describe('stringLiteral', () => {
  it.each([
    ["'plain'", 'plain'],
    ["''", ''],
    ["'it\\'s'", "it's"],
    ["'back\\\\slash'", 'back\\slash'],
    ["'\\${not interpolated}'", '${not interpolated}'],
    ["'a ${b} c'", undefined],
    ['someParam', undefined],
    ["'unterminated", undefined],
  ])('%s → %j', (expression, expected) => {
    expect(stringLiteral(expression)).toBe(expected);
  });
});

describe('delimitedBlock', () => {
  it('returns the lines between the markers', () => {
    expect(delimitedBlock('a\n// BEGIN x\nb\nc\n// END x\nd', 'x')).toEqual(['b', 'c']);
  });

  it.each([
    ['a\nb', 'missing markers'],
    ['// BEGIN x\n// BEGIN x\n// END x', 'two begins'],
    ['// END x\n// BEGIN x', 'end before begin'],
  ])('refuses %j (%s)', (text) => {
    expect(() => delimitedBlock(text, 'x')).toThrow(/BEGIN x/);
  });
});

describe('objectEntries', () => {
  it('reads NAME: value lines and skips the frame, comments and blanks', () => {
    expect(objectEntries(['var s = {', '  // why', '', "  A_B: 'x'", '  c__d: foo.bar', '}'])).toEqual([
      { name: 'A_B', value: "'x'" },
      { name: 'c__d', value: 'foo.bar' },
    ]);
  });

  it('refuses a line of another shape, naming it', () => {
    expect(() => objectEntries(['  A: {', '  }'])).toThrow(/" {2}A: \{"/);
  });
});

describe('defaultSettingValue', () => {
  const declared = params("param s string = 'x'\nparam b bool = false\nparam n int = 3\nparam noDefault string\n");

  it.each([
    ["'lit'", 'lit'],
    ['s', 'x'],
    ["b ? 'true' : 'false'", 'false'],
    ['n', undefined],
    ['noDefault', undefined],
    ["s ? 'true' : 'false'", undefined],
    ['unknown', undefined],
  ])('%s → %j', (value, expected) => {
    expect(defaultSettingValue(value, declared)).toBe(expected);
  });
});
