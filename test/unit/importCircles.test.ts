// No two files of the repository import each other, directly or round a longer circle: a
// folder's index that imports its plug-ins gets the types they share from a file of their own.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { circlesIn, importGraph } from '../support/importGraph';

const root = path.resolve(__dirname, '../..');

describe('import circles', () => {
  it('are found: two files importing each other, a longer circle, a file importing itself', () => {
    const graph = new Map([
      ['index.ts', ['a.ts', 'shared.ts']],
      ['a.ts', ['index.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['d.ts']],
      ['d.ts', ['b.ts', 'shared.ts']],
      ['self.ts', ['self.ts']],
      ['shared.ts', []],
    ]);
    expect(circlesIn(graph)).toEqual(expect.arrayContaining([['a.ts', 'index.ts'], ['b.ts', 'c.ts', 'd.ts'], ['self.ts']]));
    expect(circlesIn(graph)).toHaveLength(3);
  });

  it('are none in the repository', () => {
    const graph = importGraph(root, ['functions', 'orchestrations', 'activities', 'core', 'adapters', 'local', 'bench', 'test'], ['test/lint-fixtures']);
    expect(graph.get('orchestrations/nodeReboot.ts')).toContain('orchestrations/flow.ts');
    expect(circlesIn(graph)).toEqual([]);
  });
});
