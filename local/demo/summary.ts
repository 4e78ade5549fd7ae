// The summary printed when the run ends: per-node timings, each workload's lowest ready count,
// the invariants, the rollout time against its critical-path bound, the cost, and the verdict.
import pc from 'picocolors';
import { fit, formatDuration, plural } from './format';
import { overBoundText, type DemoReport } from './report';

const NODE_ROWS_MAX = 40;

export function formatSummary(report: DemoReport, colors = true): string {
  const c = pc.createColors(colors);
  const lines: string[] = [];
  const ok = report.problems.length === 0;
  lines.push(c.bold(`Summary — ${report.scenario} (${report.cluster.name}: ${plural(report.cluster.nodes, 'node')}, ${plural(report.cluster.pools, 'pool')}, ${plural(report.cluster.zones, 'zone')})`));
  lines.push(`run ${report.runId ?? '(none)'}: ${report.outcome === 'completed' ? c.green(report.outcome) : c.red(report.outcome)}${report.reason ? ` — ${report.reason}` : ''}`);
  lines.push(`rollout ${formatDuration(report.virtualSeconds)} of virtual time (${report.virtualSeconds}s); critical-path bound ${formatDuration(report.criticalPathBoundSeconds)} (${report.criticalPathBoundSeconds}s, set by ${report.boundLimitedBy}) at concurrency ${report.concurrency}: ${overBoundText(report)}`);
  lines.push('');

  const nameWidth = Math.min(40, Math.max(4, ...report.nodes.map((n) => n.name.length)));
  lines.push(c.dim(`${fit('NODE', nameWidth)}  ${fit('OUTCOME', 11)} REBOOTS  ${['DELAY', 'GATE', 'DRAIN', 'REBOOT', 'RECOVERY'].map((h) => h.padStart(8)).join(' ')}`));
  const rows = report.nodes.length > NODE_ROWS_MAX ? [...report.nodes.filter((n) => n.outcome !== 'rebooted'), ...report.nodes.filter((n) => n.outcome === 'rebooted')].slice(0, NODE_ROWS_MAX) : report.nodes;
  for (const n of rows) {
    const outcome = n.outcome === 'rebooted' ? c.green(fit(n.outcome, 11)) : n.outcome === 'failed' ? c.red(fit(n.outcome, 11)) : c.yellow(fit(n.outcome, 11));
    const s = n.seconds;
    lines.push(`${fit(n.name, nameWidth)}  ${outcome} ${String(n.rebootCount).padStart(7)}  ${[s.delay, s.gate, s.drain, s.reboot, s.recovery].map((x) => formatDuration(x).padStart(8)).join(' ')}`);
    if (n.reason && n.outcome !== 'rebooted') lines.push(c.dim(`${' '.repeat(nameWidth + 2)}${n.step ? `at ${n.step}: ` : ''}${n.reason}`));
  }
  if (rows.length < report.nodes.length) lines.push(c.dim(`… ${plural(report.nodes.length - rows.length, 'more node')} rebooted (all in the JSON report)`));
  lines.push('');

  const wWidth = Math.min(44, Math.max(8, ...report.workloads.map((w) => w.namespace.length + w.name.length + 1)));
  lines.push(c.dim(`${fit('WORKLOAD', wWidth)}  ${fit('KIND', 11)} REPLICAS  MIN READY  PDB WANTS  BELOW DESIRED`));
  for (const w of report.workloads) {
    const below = w.desiredHealthy !== undefined && w.minReady < w.desiredHealthy;
    const min = String(w.minReady).padStart(9);
    lines.push(`${fit(`${w.namespace}/${w.name}`, wWidth)}  ${fit(w.kind, 11)} ${String(w.replicas).padStart(8)}  ${below ? c.red(min) : min}  ${String(w.desiredHealthy ?? '—').padStart(9)}  ${formatDuration(w.secondsBelowDesired).padStart(13)}`);
  }
  lines.push('');

  const inv = report.invariants;
  const check = (good: boolean, text: string) => `${good ? c.green('✓') : c.red('✗')} ${text}`;
  lines.push(c.bold('Invariants'));
  lines.push(check(inv.maxNodesDisrupted <= report.concurrency + inv.nodesDisruptedAtStart, `max nodes disrupted at once: ${inv.maxNodesDisrupted} (REBOOT_CONCURRENCY ${report.concurrency}${inv.nodesDisruptedAtStart ? `, ${inv.nodesDisruptedAtStart} disrupted before the run` : ''})`));
  lines.push(check(inv.pdbViolations.length === 0, `PDB violations: ${inv.pdbViolations.length}`));
  lines.push(check(inv.workloadsBelowBudget.length === 0, `workloads below their PDB's desiredHealthy: ${inv.workloadsBelowBudget.map((w) => `${w.name} ${w.minReady}/${w.desiredHealthy}`).join(', ') || 'none'}`));
  lines.push(check(inv.nodesLeftCordoned.length === 0, `nodes left cordoned: ${inv.nodesLeftCordoned.join(', ') || 'none'}`));
  lines.push('');
  lines.push(`API requests: ${report.apiRequests.kube} kube (${report.apiRequests.kubeErrors} errors), ${report.apiRequests.arm} ARM (${report.apiRequests.armErrors} errors)`);
  const perNode = Object.values(report.history.perNode);
  const maxNode = perNode.length ? Math.max(...perNode) : 0;
  lines.push(`history events: ${report.history.events} in ${plural(report.history.instances, 'instance')} (lock ${report.history.lock}, run ${report.history.run}, per node up to ${maxNode})`);
  lines.push('');
  if (ok) lines.push(c.green(c.bold('OK: the run completed and every invariant held.')));
  else lines.push(c.red(c.bold(`NOT OK (exit 1):\n${report.problems.map((p) => `  - ${p}`).join('\n')}`)));
  return lines.join('\n');
}
