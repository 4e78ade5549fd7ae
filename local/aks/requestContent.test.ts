import { describe, expect, it } from 'vitest';
import type { SimRequest } from './contracts';
import { requestTarget, runCommandContent, writeBody } from './requestContent';
import { zipCommandContext } from './runCommand/zipContext';

const request = (method: string, path: string, query: string, body: string): SimRequest =>
  ({ method, path, query: new URLSearchParams(query), headers: { authorization: 'Bearer secret-token' }, body: Buffer.from(body) });

describe('what the recorder keeps of a request', () => {
  it('the path with its query, as received', () => {
    expect(requestTarget(request('GET', '/api/v1/pods', 'labelSelector=app%3Dweb&limit=500', ''))).toBe('/api/v1/pods?labelSelector=app%3Dweb&limit=500');
    expect(requestTarget(request('GET', '/api/v1/nodes/aks-a', '', ''))).toBe('/api/v1/nodes/aks-a');
  });

  it("a write's body, never a read's", () => {
    expect(writeBody(request('PATCH', '/api/v1/nodes/a', '', '{"spec":{"unschedulable":true}}'))).toBe('{"spec":{"unschedulable":true}}');
    expect(writeBody(request('GET', '/api/v1/nodes/a', '', 'ignored'))).toBeUndefined();
    expect(writeBody(request('DELETE', '/api/v1/nodes/a', '', ''))).toBeUndefined();
  });

  it("a run-command's command and context files, without its clusterToken", () => {
    const context = zipCommandContext({ 'reboot-helper.yaml': 'kind: Pod\nmetadata:\n  name: reboot-aks-a\n' });
    const body = JSON.stringify({ command: 'kubectl create -f reboot-helper.yaml', context, clusterToken: 'secret-token' });
    const content = runCommandContent(request('POST', '/subscriptions/s/runCommand', 'api-version=2024-09-01', body));
    expect(content).toEqual({ command: 'kubectl create -f reboot-helper.yaml', files: { 'reboot-helper.yaml': 'kind: Pod\nmetadata:\n  name: reboot-aks-a\n' } });
    expect(JSON.stringify(content)).not.toContain('secret-token');
  });

  it('keeps the command of a body whose context is not a zip, and nothing of a body that is not a command', () => {
    expect(runCommandContent(request('POST', '/x', '', JSON.stringify({ command: 'ls', context: 'bm90IGEgemlw' })))).toEqual({ command: 'ls', files: {} });
    expect(runCommandContent(request('POST', '/x', '', 'null'))).toBeUndefined();
    expect(runCommandContent(request('POST', '/x', '', '{'))).toBeUndefined();
  });
});
