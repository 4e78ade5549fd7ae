import { describe, expect, it } from 'vitest';
import {
  compileLabelSelector,
  matchesLabelSelector,
  parseLabelSelector,
  requirementsOf,
  type LabelSelector,
  type Labels,
} from './labelSelector';

const web: Labels = { app: 'web', tier: 'frontend', zone: '2', 'example.com/owner': 'team-a', empty: '' };

describe('parseLabelSelector + matching (the string form)', () => {
  it.each([
    ['', web, true],
    ['   ', web, true],
    ['app=web', web, true],
    ['app==web', web, true],
    ['app = web', web, true],
    ['app=db', web, false],
    ['app!=db', web, true],
    ['app!=web', web, false],
    ['missing!=x', web, true],
    ['app=web,tier=frontend', web, true],
    ['app=web,tier=backend', web, false],
    ['zone in (1,2)', web, true],
    ['zone in(3)', web, false],
    ['zone notin (1,3)', web, true],
    ['zone notin (2)', web, false],
    ['missing notin (a)', web, true],
    ['missing in (a)', web, false],
    ['app', web, true],
    ['missing', web, false],
    ['!missing', web, true],
    ['!app', web, false],
    ['example.com/owner=team-a', web, true],
    ['empty=', web, true],
    ['empty', web, true],
    ['app=', web, false],
    ['empty in ()', web, true],
    ['empty in (a,)', web, true],
    ['empty in (a,b)', web, false],
    // apimachinery's labels/selector.go gives this as valid syntax: "()" and ",," are the empty value.
    ['x in (foo,,baz),y,z notin ()', { x: '', y: '1', z: 'a' }, true],
    ['x in (foo,,baz),y,z notin ()', { x: '', y: '1', z: '' }, false],
    ['zone>1', web, true],
    ['zone>2', web, false],
    ['zone<3', web, true],
    ['app>1', web, false],
    ['missing>1', web, false],
    ['in in (notin)', { in: 'notin' }, true],
    ['app=in', { app: 'in' }, true],
    ['a=b,c!=d,e in (x,y),!f,g', { a: 'b', c: 'e', e: 'y', g: '' }, true],
    ['a=b,c!=d,e in (x,y),!f,g', { a: 'b', c: 'd', e: 'y', g: '' }, false],
    ['a=b,c!=d,e in (x,y),!f,g', { a: 'b', e: 'y', f: '1', g: '' }, false],
    ['a=b,c!=d,e in (x,y),!f,g', { a: 'b', e: 'y' }, false],
    ['\tapp=web ,\n tier in ( frontend , backend ) ', web, true],
    // Keys must be own labels, never inherited properties of a JavaScript object.
    ['constructor', {}, false],
    ['!toString', {}, true],
    ['valueOf notin (x)', {}, true],
  ] as const)('%j on %j is %j', (text, labels, expected) => {
    const parsed = parseLabelSelector(text);
    expect(parsed.ok).toBe(true);
    expect(compileLabelSelector(text)(labels)).toBe(expected);
  });

  it('normalises operators', () => {
    expect(parseLabelSelector('a=b,c!=d,e in (x,y),f notin (z),g,!h,i>3,j<10')).toEqual({
      ok: true,
      requirements: [
        { key: 'a', operator: 'In', values: ['b'] },
        { key: 'c', operator: 'NotIn', values: ['d'] },
        { key: 'e', operator: 'In', values: ['x', 'y'] },
        { key: 'f', operator: 'NotIn', values: ['z'] },
        { key: 'g', operator: 'Exists', values: [] },
        { key: 'h', operator: 'DoesNotExist', values: [] },
        { key: 'i', operator: 'Gt', values: ['3'] },
        { key: 'j', operator: 'Lt', values: ['10'] },
      ],
    });
  });

  it.each([
    ['a=b,', "found end of string at position 4, expected a label key"],
    [',a=b', "found ',' at position 0, expected a label key"],
    ['a=b c=d', "found 'c' at position 4, expected ',' or end of string"],
    ['!a=b', "found '=' at position 2, expected ',' or end of string"],
    ['a in x', "found 'x' at position 5, expected '('"],
    ['a in (x', "found end of string at position 7, expected ',' or ')'"],
    ['a in (x y)', "found 'y' at position 8, expected ',' or ')'"],
    ['a in (x=)', "found '=' at position 7, expected ',' or ')'"],
    ['a foo b', "found 'foo' at position 2, expected one of =, ==, !=, in, notin, >, <"],
    ['a=(b)', "found '(' at position 2, expected a label value"],
    ['a>b', "'>' needs an integer, found \"b\" at position 2"],
    ['a<', "'<' needs an integer, found \"\""],
    ['Bad Key=x', "found 'Key' at position 4"],
    ['-bad=x', 'invalid label key "-bad" at position 0'],
    ['a/b/c=x', 'invalid label key "a/b/c"'],
    ['__proto__', 'invalid label key "__proto__"'],
    ['a=has$dollar', 'invalid label value "has$dollar" at position 2'],
    [`a=${'v'.repeat(64)}`, 'invalid label value'],
    ['a in (ok,-no)', 'invalid label value "-no" at position 9'],
  ])('rejects %j: %s', (text, fragment) => {
    const parsed = parseLabelSelector(text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toContain(`label selector ${JSON.stringify(text)}: `);
    expect(parsed.error).toContain(fragment);
    expect(parsed.error).toContain('accepted form: comma-separated requirements');
  });

  it('compileLabelSelector throws the parse error', () => {
    expect(() => compileLabelSelector('a in')).toThrow(/label selector "a in": found end of string at position 4, expected '\('/);
  });
});

describe('matchesLabelSelector (the object form)', () => {
  it.each<[string, LabelSelector | null | undefined, Labels, boolean]>([
    ['{} selects everything', {}, web, true],
    ['{} selects even no labels', {}, {}, true],
    ['null selects nothing', null, web, false],
    ['undefined selects nothing', undefined, web, false],
    ['matchLabels all equal', { matchLabels: { app: 'web', tier: 'frontend' } }, web, true],
    ['matchLabels one differs', { matchLabels: { app: 'web', tier: 'backend' } }, web, false],
    ['In', { matchExpressions: [{ key: 'zone', operator: 'In', values: ['1', '2'] }] }, web, true],
    ['NotIn without the key', { matchExpressions: [{ key: 'gpu', operator: 'NotIn', values: ['true'] }] }, web, true],
    ['Exists', { matchExpressions: [{ key: 'example.com/owner', operator: 'Exists' }] }, web, true],
    ['DoesNotExist', { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, web, false],
    ['labels AND expressions', { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['frontend'] }] }, web, false],
    ['inherited key is not a label', { matchExpressions: [{ key: 'hasOwnProperty', operator: 'Exists' }] }, {}, false],
  ])('%s', (_name, selector, labels, expected) => {
    expect(matchesLabelSelector(selector, labels)).toBe(expected);
  });

  it('turns matchLabels into In requirements and rejects unknown operators by name', () => {
    expect(requirementsOf({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'x', operator: 'Exists' }] })).toEqual([
      { key: 'app', operator: 'In', values: ['web'] },
      { key: 'x', operator: 'Exists', values: [] },
    ]);
    const bad = { matchExpressions: [{ key: 'x', operator: 'Equals' }] } as unknown as LabelSelector;
    expect(() => requirementsOf(bad)).toThrow('matchExpressions operator "Equals" for key "x": expected In, NotIn, Exists or DoesNotExist');
  });
});
