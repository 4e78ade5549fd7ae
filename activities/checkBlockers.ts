// Whether anything holds the next reboot back (core/blockers): pods matching a blocking
// selector on the node, firing Prometheus alerts (the URL is a secret read from the settings),
// a NotReady node other than the candidate, kured's lock. Fails closed: a fact that could not
// be fetched blocks, with the reason.
import { z } from 'zod';
import {
  clusterHealthBlocker, compileAlertFilterRegexp, kuredLockBlocker, podSelectorBlocker, prometheusBlocker, summarizeBlockers,
  type AlertNameMatcher, type BlockerVerdict, type Fact,
} from '../core/blockers';
import { fetchAlertsFact } from '../adapters/prometheus/queryAlerts';
import type { BlockersResult, CheckBlockersInput } from './contracts';
import { retried } from './retryRead';
import { atMs, errorMessage, kubeFor, parseInput, stepLogger, type ActivityContext } from './runtime';
import { activityBase, nodeName } from './schemas';

const checkBlockersInput: z.ZodType<CheckBlockersInput> = z.object({
  ...activityBase,
  node: nodeName.optional(),
  nodes: z.array(nodeName).optional(),
  disrupting: z.array(nodeName).optional(),
  blockingPodSelectors: z.array(z.string()),
  alerts: z.object({ filterRegexp: z.string().optional(), matchOnly: z.boolean(), firingOnly: z.boolean() }).optional(),
});

async function fact<T>(fetch: () => Promise<T>): Promise<Fact<T>> {
  try {
    return { ok: true, value: await fetch() };
  } catch (error) {
    return { ok: false, error: errorMessage(error) };
  }
}

// kured 1.x keeps its lock in weave.works/kured-node-lock; its development branch moved it to kured.dev/.
const KURED_LOCK_ANNOTATIONS = ['weave.works/kured-node-lock', 'kured.dev/kured-node-lock'];

export async function checkBlockers(raw: unknown, context: ActivityContext): Promise<BlockersResult> {
  const input = parseInput('checkBlockers', checkBlockersInput, raw);
  const log = stepLogger(context, input, 'blockers');
  const now = atMs(input);
  const kube = await fact(() => kubeFor(context, input));
  // Each Kubernetes read retried on its own (activities/retryRead.ts), so one flaky call does not
  // block the round; one that still fails blocks, with its reason.
  const fromKube = <T>(fetch: (k: Awaited<ReturnType<typeof kubeFor>>) => Promise<T>): Promise<Fact<T>> =>
    kube.ok ? fact(() => retried(context.deps.sleep, () => fetch(kube.value))) : Promise.resolve({ ok: false, error: kube.error });

  const daemonSets = fromKube((k) => k.listDaemonSetAnnotations());
  const candidates = [...new Set([...(input.node ? [input.node] : []), ...(input.nodes ?? [])])];
  const checks: Array<Promise<BlockerVerdict>> = [
    fromKube((k) => k.listNodes()).then((nodes) => clusterHealthBlocker({ candidates, disrupting: input.disrupting ?? [], nodes })),
    ...KURED_LOCK_ANNOTATIONS.map((annotation) => daemonSets.then((sets) => kuredLockBlocker({ daemonSets: sets, now, annotation }))),
  ];
  if (input.blockingPodSelectors.length > 0) {
    for (const node of candidates) {
      checks.push(fromKube((k) => k.listPodsOnNode(node)).then((pods) => podSelectorBlocker({ node, selectors: input.blockingPodSelectors, pods })));
    }
  }
  if (input.alerts) checks.push(alertsVerdict(input.alerts, context, now));

  const summary = summarizeBlockers(await Promise.all(checks));
  if (!summary.blocked) return { blocked: false };
  const reasons = summary.blockedBy.map((v) => v.reason ?? v.blocker);
  log.warn('blocked', { reasons });
  return { blocked: true, reasons };
}

async function alertsVerdict(alerts: NonNullable<CheckBlockersInput['alerts']>, context: ActivityContext, now: number): Promise<BlockerVerdict> {
  const url = context.deps.prometheusUrl;
  if (url === '') return { blocker: 'prometheus', blocked: true, reason: 'the alert blocker is on but REBOOT_PROMETHEUS_URL is not set in this app' };
  let regexp: AlertNameMatcher | undefined;
  if (alerts.filterRegexp) {
    const compiled = compileAlertFilterRegexp(alerts.filterRegexp);
    if (!compiled.ok) return { blocker: 'prometheus', blocked: true, reason: `REBOOT_ALERT_FILTER_REGEXP: ${compiled.error}` };
    regexp = compiled.regexp;
  }
  const samples = await fetchAlertsFact(url, { now, ...(context.deps.fetch && { fetch: context.deps.fetch }) });
  return prometheusBlocker({ alerts: samples, filter: { ...(regexp && { regexp }), matchOnly: alerts.matchOnly, firingOnly: alerts.firingOnly } });
}
