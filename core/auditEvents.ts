// The app's audit log events that alerts and operators query by name. Each is logged once, by
// the run orchestrator when not replaying, as `<Name> { cluster, runId, … }` (the message starts
// with the name). The names are a contract with infra/modules/alerts.bicep and
// docs/operations.md ("Log events"): rename one only together with them.
import type { NodeResult, RunOutcome } from './runTypes';

export const auditEvents = {
  /** Every run's end: `outcome`, `reason`, counts. */
  runEnded: 'RunEnded',
  /** A run stopped because a node failed (REBOOT_ON_FAILURE=halt, or a node left cordoned). */
  runHalted: 'RunHalted',
  /** A run gave up after REBOOT_BLOCKED_TIMEOUT of blockers. */
  runBlocked: 'RunBlocked',
  /** A node's reboot failed (any step). */
  rebootFailed: 'RebootFailed',
  /** A failed node was left cordoned for an operator (it did not come back). */
  nodeLeftCordoned: 'NodeLeftCordoned',
} as const;

export type AuditEventName = (typeof auditEvents)[keyof typeof auditEvents];

export interface AuditEvent {
  name: AuditEventName;
  fields: Record<string, unknown>;
}

/** The events one wave's node results raise: a failure, and a node left cordoned. */
export function nodeResultEvents(where: { cluster: string; runId: string }, results: readonly NodeResult[]): AuditEvent[] {
  return results
    .filter((r) => r.outcome === 'failed')
    .flatMap((r) => {
      const fields = { ...where, node: r.node, step: r.step, reason: r.reason };
      return r.leftCordoned ? [{ name: auditEvents.rebootFailed, fields }, { name: auditEvents.nodeLeftCordoned, fields }] : [{ name: auditEvents.rebootFailed, fields }];
    });
}

/** The events a run's end raises: always RunEnded, and RunHalted or RunBlocked by outcome. */
export function runEndEvents(where: { cluster: string; runId: string }, outcome: RunOutcome, reason: string | undefined, counts: { rebooted: number; failed: number; remaining: number }): AuditEvent[] {
  const fields = { ...where, outcome, reason: reason ?? outcome, ...counts };
  const events: AuditEvent[] = [{ name: auditEvents.runEnded, fields }];
  if (outcome === 'halted') events.push({ name: auditEvents.runHalted, fields });
  if (outcome === 'blocked') events.push({ name: auditEvents.runBlocked, fields });
  return events;
}
