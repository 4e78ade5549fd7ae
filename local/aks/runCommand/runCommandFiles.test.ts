import { describe, expect, it } from 'vitest';
import { zipSync } from 'fflate';
import { filesForPath, normalizePath, unpackContext, zipCommandContext } from './zipContext';
import { parseManifest } from './manifest';

describe('run-command context (base64 zip)', () => {
  it('unpacks what az aks command invoke sends: base64 wrapped at 76 columns, "./" entries from --file .', () => {
    const zip = zipSync({ './reboot-helper.yaml': new TextEncoder().encode('a: 1\n'), 'dir/x.json': new TextEncoder().encode('{}') });
    const wrapped = Buffer.from(zip).toString('base64').replace(/.{76}/g, '$&\n');
    const files = unpackContext(wrapped);
    expect([...files.keys()].sort()).toEqual(['dir/x.json', 'reboot-helper.yaml']);
    expect(files.get('reboot-helper.yaml')!.toString()).toBe('a: 1\n');
  });

  it('round-trips zipCommandContext, flattening paths to base names as az does for --file', () => {
    const files = unpackContext(zipCommandContext({ 'some/dir/reboot-helper.yaml': 'kind: Pod\n' }));
    expect([...files.entries()].map(([k, v]) => [k, v.toString()])).toEqual([['reboot-helper.yaml', 'kind: Pod\n']]);
  });

  it('rejects a context that is not a zip, naming the field', () => {
    expect(() => unpackContext(Buffer.from('not a zip at all').toString('base64'))).toThrow(/run-command context: not a base64 zip/);
  });

  it.each([
    ['./a//b/../c.yaml', 'a/c.yaml'],
    ['/abs/x.yaml', '/abs/x.yaml'],
    ['x.yaml', 'x.yaml'],
  ])('normalizes %s to %s', (input, output) => {
    expect(normalizePath(input)).toBe(output);
  });

  it('resolves -f to a file, a directory\'s manifests, or their subdirectories with -R', () => {
    const files = new Map(['d/a.yaml', 'd/b.json', 'd/readme.txt', 'd/sub/c.yml', 'top.yaml'].map((n) => [n, Buffer.from('')]));
    expect(filesForPath(files, './top.yaml', false)).toEqual(['top.yaml']);
    expect(filesForPath(files, 'd', false)).toEqual(['d/a.yaml', 'd/b.json']);
    expect(filesForPath(files, 'd/', true)).toEqual(['d/a.yaml', 'd/b.json', 'd/sub/c.yml']);
    expect(filesForPath(files, 'missing.yaml', false)).toBeUndefined();
  });
});

describe('parseManifest (kubectl decoding)', () => {
  it('reads YAML documents, skips empty ones and expands a List', () => {
    const text = '---\napiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\n---\nkind: List\napiVersion: v1\nitems:\n- {apiVersion: v1, kind: Pod, metadata: {name: b}}\n';
    const parsed = parseManifest('f.yaml', text);
    expect(parsed.ok && parsed.objects.map((o) => o.metadata?.name)).toEqual(['a', 'b']);
  });

  it('reads a stream of JSON objects', () => {
    const parsed = parseManifest('f.json', '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}}\n{"apiVersion":"v1","kind":"Pod","metadata":{"name":"b"}}');
    expect(parsed.ok && parsed.objects.map((o) => o.metadata?.name)).toEqual(['a', 'b']);
  });

  it.each([
    ['f.json', '{"apiVersion":"v1","kind":"Pod"', 'error: error parsing f.json: unexpected EOF'],
    ['f.yaml', 'apiVersion: v1\nmetadata: {name: a}\n', `error: unable to decode "f.yaml": Object 'Kind' is missing in '{"apiVersion":"v1","metadata":{"name":"a"}}'`],
    ['f.yaml', '- 1\n', 'error: unable to decode "f.yaml": json: cannot unmarshal array into Go value of type unstructured.detector'],
    ['f.yaml', 'hello\n', 'error: unable to decode "f.yaml": json: cannot unmarshal string into Go value of type unstructured.detector'],
  ])('%s %j → %s', (file, text, error) => {
    expect(parseManifest(file, text)).toEqual({ ok: false, error });
  });

  it('reports a YAML syntax error with kubectl\'s prefix and the line', () => {
    const parsed = parseManifest('bad.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {name: a\n');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(/^error: error parsing bad\.yaml: error converting YAML to JSON: yaml: line \d+: /);
  });
});
