// Watches as the apiserver streams them: one JSON object per line, `{type, object}`. Without a
// resourceVersion (or with "0") the stream starts with ADDED for what exists; with one, it
// replays the changes since then, or sends a 410 Expired ERROR when they are no longer kept.
// The stream ends after `timeoutSeconds` of clock time (default 30 minutes) or when the
// reader stops.
import type { StoreEvent } from '../cluster/store';
import type { KubeObject } from '../cluster/types';
import { apiVersionOf } from './resources';
import { statusBody } from './status';
import { requestMatcher, type Ctx } from './crud';

export function watchStream(ctx: Ctx, name: string | undefined): AsyncIterable<string> {
  const { cluster, info } = ctx;
  const matches = requestMatcher(ctx, name);
  const line = (type: string, o: unknown) => `${JSON.stringify({ type, object: o })}\n`;
  const withType = (o: KubeObject) => ({ ...o, apiVersion: apiVersionOf(info), kind: info.kind });

  const rvParam = ctx.query.get('resourceVersion');
  const timeoutMs = Number(ctx.query.get('timeoutSeconds') ?? '1800') * 1000;
  const initial: string[] = [];
  let expired = false;
  if (!rvParam || rvParam === '0') {
    for (const o of cluster.store.list(info.store, ctx.namespace)) if (matches(o)) initial.push(line('ADDED', withType(o)));
  } else {
    const past = cluster.store.since(info.store, Number(rvParam));
    if (!past) expired = true;
    else for (const e of past) if (matches(e.object)) initial.push(line(e.type, withType(e.object)));
  }

  return {
    [Symbol.asyncIterator](): AsyncIterator<string> {
      const queue = [...initial];
      let done = false;
      let wake: (() => void) | undefined;
      if (expired) {
        queue.push(line('ERROR', statusBody(410, 'Expired', `too old resource version: ${rvParam} (${cluster.store.oldestResumable})`)));
        done = true;
      }
      const unsubscribe = done ? () => {} : cluster.store.subscribe((e: StoreEvent) => {
        if (e.resource !== info.store || !matches(e.object)) return;
        queue.push(line(e.type, withType(e.object)));
        wake?.();
      });
      const timer = done ? undefined : cluster.clock.after(timeoutMs, () => {
        done = true;
        wake?.();
      });
      const finish = () => {
        done = true;
        unsubscribe();
        timer?.cancel();
        wake?.();
      };
      return {
        async next(): Promise<IteratorResult<string>> {
          for (;;) {
            const v = queue.shift();
            if (v !== undefined) return { value: v, done: false };
            if (done) {
              finish();
              return { value: undefined, done: true };
            }
            await new Promise<void>((resolve) => { wake = resolve; });
            wake = undefined;
          }
        },
        async return(): Promise<IteratorResult<string>> {
          finish();
          queue.length = 0;
          return { value: undefined, done: true };
        },
      };
    },
  };
}
