import { describe, expect, it } from 'vitest';

describe('runtime', () => {
  it('npm scripts run on Node 22, the production runtime (the pinned `node` devDependency)', () => {
    expect(process.version).toMatch(/^v22\./);
  });
});
