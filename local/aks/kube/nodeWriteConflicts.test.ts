// faults.nodeWriteConflicts: a background writer changes the node just before a write that
// carries a resourceVersion, so a PUT or a patch with that precondition answers 409 Conflict; a
// patch without one is applied to the latest object and never conflicts.
import { describe, expect, it } from 'vitest';
import { BACKGROUND_WRITES } from '../cluster/backgroundWriters';
import { clusterFor, smallScenario } from '../cluster/testing';
import { createKubeHandler } from './handler';

const body = (o: unknown) => Buffer.from(JSON.stringify(o));

async function call(h: ReturnType<typeof createKubeHandler>, method: string, path: string, payload?: unknown, contentType = 'application/json') {
  const r = await h({ method, path, query: new URLSearchParams(), headers: { 'content-type': contentType }, body: payload === undefined ? Buffer.alloc(0) : body(payload), client: 'test' });
  return r as { status: number; body: { metadata?: { annotations?: Record<string, string>; resourceVersion?: string; labels?: Record<string, string> }; reason?: string } };
}

describe('node write conflicts', () => {
  const setup = () => {
    const c = clusterFor(smallScenario({ faults: { nodeWriteConflicts: { rate: 1 } } }));
    return { c, h: createKubeHandler(c), node: c.nodeNames()[0]! };
  };

  it('a PUT carrying the resourceVersion it read answers 409, and the other writer\'s change stays', async () => {
    const { c, h, node } = setup();
    const read = (await call(h, 'GET', `/api/v1/nodes/${node}`)).body;
    const put = await call(h, 'PUT', `/api/v1/nodes/${node}`, { ...read, metadata: { ...read.metadata, labels: { ...read.metadata!.labels, mine: 'yes' } } });
    expect([put.status, put.body.reason]).toEqual([409, 'Conflict']);
    expect(c.node(node)!.metadata.annotations![BACKGROUND_WRITES]).toBe('1');
    expect(c.node(node)!.metadata.labels!.mine).toBeUndefined();
  });

  it('a merge patch with a resourceVersion precondition conflicts; one without never does', async () => {
    const { c, h, node } = setup();
    const rv = c.node(node)!.metadata.resourceVersion;
    const guarded = await call(h, 'PATCH', `/api/v1/nodes/${node}`, { metadata: { resourceVersion: rv, labels: { a: '1' } } }, 'application/merge-patch+json');
    expect(guarded.status).toBe(409);
    const plain = await call(h, 'PATCH', `/api/v1/nodes/${node}`, { metadata: { labels: { a: '1' } } }, 'application/merge-patch+json');
    expect(plain.status).toBe(200);
    expect(plain.body.metadata!.labels!.a).toBe('1');
    expect(c.backgroundWrites.get(node)).toBe(1);
  });
});
