// `pods/log`: what a container printed. Simulated containers print one line when they start
// and one when they exit; helper pods' commands print nothing, as `test` and the guarded
// reboot script do.
import type { Cluster } from '../cluster/cluster';
import { PODS } from '../cluster/resourceNames';
import type { Pod } from '../cluster/types';
import type { SimResponse } from '../contracts';
import { containerBehaviour } from '../cluster/helperPods';
import { ApiError, badRequest, notFound } from './status';

export function podLogs(cluster: Cluster, namespace: string, name: string, query: URLSearchParams): SimResponse {
  const pod = cluster.store.get<Pod>(PODS, namespace, name);
  if (!pod) throw notFound('pods', name);
  const names = pod.spec.containers.map((c) => c.name);
  let container = query.get('container') ?? undefined;
  if (!container) {
    if (names.length !== 1) throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]`);
    container = names[0]!;
  }
  const spec = pod.spec.containers.find((c) => c.name === container);
  if (!spec) throw badRequest(`container ${container} is not valid for pod ${name}`);
  const status = pod.status.containerStatuses?.find((s) => s.name === container);
  const previous = query.get('previous') === 'true';
  const state = previous ? status?.lastState : status?.state;
  if (previous && !state?.terminated) throw badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
  if (!state || state.waiting || (!state.running && !state.terminated)) {
    throw new ApiError(400, 'BadRequest', `container "${container}" in pod "${name}" is waiting to start: ${state?.waiting?.reason ?? 'ContainerCreating'}`);
  }
  const lines: string[] = [];
  if (containerBehaviour(pod, spec).kind === 'run') {
    const started = state.running?.startedAt ?? state.terminated?.startedAt;
    if (started) lines.push(`${started} ${container} started`);
    if (state.terminated) lines.push(`${state.terminated.finishedAt} ${container} exited with code ${state.terminated.exitCode}`);
  }
  const tail = Number(query.get('tailLines') ?? '-1');
  const out = tail >= 0 ? lines.slice(Math.max(0, lines.length - tail)) : lines;
  return { status: 200, headers: { 'content-type': 'text/plain' }, body: out.map((l) => `${l}\n`).join('') };
}
