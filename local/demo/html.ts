// The HTML report: one self-contained page (Chart.js inlined from node_modules, the report's
// data inlined as JSON) that opens with no network. It draws the timeline — each node's steps
// as bars over time, the maintenance window's edges — the ready replicas of each workload as
// lines on the same time axis, and the summary tables.
import fs from 'node:fs';
import path from 'node:path';
import { formatDuration } from './format';
import { overBoundText, type DemoReport } from './report';

/** Chart.js's UMD build, without its source-map comment (the page must ask for nothing). */
function chartJsSource(): string {
  const dist = path.dirname(require.resolve('chart.js'));
  return fs.readFileSync(path.join(dist, 'chart.umd.min.js'), 'utf8').replace(/\/\/# sourceMappingURL=\S*\s*$/, '').replace(/<\/script/gi, '<\\/script');
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

/** JSON safe inside a <script> element. */
const inlineJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

function nodeRows(report: DemoReport): string {
  return report.nodes
    .map((n) => {
      const s = n.seconds;
      const cls = n.outcome === 'rebooted' ? 'ok' : n.outcome === 'failed' ? 'bad' : 'warn';
      const why = n.reason && n.outcome !== 'rebooted' ? `<div class="why">${escapeHtml(`${n.step ? `at ${n.step}: ` : ''}${n.reason}`)}</div>` : '';
      return `<tr><td>${escapeHtml(n.name)}${why}</td><td>${escapeHtml(n.pool)}</td><td>${escapeHtml(n.zone)}</td><td class="${cls}">${n.outcome}</td><td>${n.rebootCount}</td>${[s.delay, s.gate, s.drain, s.reboot, s.recovery].map((x) => `<td>${formatDuration(x)}</td>`).join('')}<td>${n.historyEvents}</td></tr>`;
    })
    .join('\n');
}

function workloadRows(report: DemoReport): string {
  return report.workloads
    .map((w) => {
      const below = w.desiredHealthy !== undefined && w.minReady < w.desiredHealthy;
      return `<tr><td>${escapeHtml(`${w.namespace}/${w.name}`)}</td><td>${w.kind}</td><td>${w.replicas}</td><td class="${below ? 'bad' : ''}">${w.minReady}</td><td>${w.desiredHealthy ?? '—'}</td><td>${formatDuration(w.secondsBelowDesired)}</td></tr>`;
    })
    .join('\n');
}

function invariantItems(report: DemoReport): string {
  const inv = report.invariants;
  const item = (good: boolean, text: string) => `<li class="${good ? 'ok' : 'bad'}">${good ? '✓' : '✗'} ${escapeHtml(text)}</li>`;
  return [
    item(inv.maxNodesDisrupted <= report.concurrency + inv.nodesDisruptedAtStart, `max nodes disrupted at once: ${inv.maxNodesDisrupted} (REBOOT_CONCURRENCY ${report.concurrency})`),
    item(inv.pdbViolations.length === 0, `PDB violations: ${inv.pdbViolations.length}`),
    item(inv.workloadsBelowBudget.length === 0, `workloads below their PDB's desiredHealthy: ${inv.workloadsBelowBudget.map((w) => `${w.name} ${w.minReady}/${w.desiredHealthy}`).join(', ') || 'none'}`),
    item(inv.nodesLeftCordoned.length === 0, `nodes left cordoned: ${inv.nodesLeftCordoned.join(', ') || 'none'}`),
  ].join('\n');
}

/** The page's own script: builds both charts from the inlined report. */
const PAGE_SCRIPT = String.raw`
(function () {
  const report = JSON.parse(document.getElementById('report-data').textContent);
  const COLORS = { lock: '#9e9e9e', delay: '#b0bec5', gate: '#ffb300', drain: '#fb8c00', reboot: '#e53935', 'waiting-ready': '#8e24aa', recovery: '#43a047' };
  const LINE_COLORS = ['#1e88e5', '#d81b60', '#00897b', '#f4511e', '#5e35b1', '#7cb342', '#6d4c41', '#3949ab', '#c0ca33', '#00acc1'];
  const end = Math.max(report.virtualSeconds, 1);
  const clock = (s) => { const d = new Date(Date.parse(report.startedAt) + s * 1000); return d.toISOString().slice(11, 16); };
  const edges = report.window.edges;
  const windowPlugin = {
    id: 'maintenanceWindow',
    beforeDatasetsDraw(chart) {
      const { ctx, chartArea, scales } = chart;
      const x = scales.x;
      ctx.save();
      let open = report.window.openBefore, from = 0;
      const spans = [];
      for (const e of edges) {
        if (open && !e.opens) spans.push([from, e.at]);
        if (!open && e.opens) from = e.at;
        open = e.opens;
      }
      if (open) spans.push([from, end]);
      ctx.fillStyle = 'rgba(67, 160, 71, 0.07)';
      for (const [a, b] of spans) ctx.fillRect(x.getPixelForValue(a), chartArea.top, x.getPixelForValue(b) - x.getPixelForValue(a), chartArea.bottom - chartArea.top);
      ctx.setLineDash([6, 4]);
      ctx.lineWidth = 2;
      for (const e of edges) {
        const px = x.getPixelForValue(e.at);
        ctx.strokeStyle = e.opens ? '#2e7d32' : '#c62828';
        ctx.beginPath(); ctx.moveTo(px, chartArea.top); ctx.lineTo(px, chartArea.bottom); ctx.stroke();
        ctx.fillStyle = ctx.strokeStyle;
        ctx.fillText(e.opens ? 'window opens' : 'window closes', px + 4, chartArea.top + 10);
      }
      ctx.restore();
    },
  };
  const stepSize = [60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400].find((s) => end / s <= 12) || 86400;
  const xAxis = { type: 'linear', min: 0, max: end, title: { display: true, text: 'virtual time (UTC)' }, ticks: { stepSize, callback: (v) => clock(v) } };
  // Rows in the order the run reached the nodes; nodes it never reached last.
  const firstStart = (n) => (n.phases.length ? n.phases[0].start : Infinity);
  const nodes = report.nodes.slice().sort((a, b) => firstStart(a) - firstStart(b)).map((n) => n.name);
  const phases = Object.keys(COLORS);
  const timeline = new Chart(document.getElementById('timeline'), {
    type: 'bar',
    data: {
      labels: nodes,
      datasets: phases.map((phase) => ({
        label: phase,
        backgroundColor: COLORS[phase],
        data: report.nodes.flatMap((n) => n.phases.filter((p) => p.phase === phase).map((p) => ({ x: [p.start, Math.max(p.end, p.start + end / 1000)], y: n.name }))),
        borderSkipped: false,
        barPercentage: 0.8,
        categoryPercentage: 1,
        grouped: false,
      })),
    },
    options: {
      indexAxis: 'y', animation: false, responsive: true, maintainAspectRatio: false,
      scales: { x: xAxis, y: { stacked: true } },
      plugins: { legend: { position: 'top' }, tooltip: { callbacks: { label: (c) => c.dataset.label + ': ' + clock(c.raw.x[0]) + '–' + clock(c.raw.x[1]) } } },
    },
    plugins: [windowPlugin],
  });
  const ready = new Chart(document.getElementById('ready'), {
    type: 'line',
    data: {
      datasets: report.workloads.map((w, i) => ({
        label: w.namespace + '/' + w.name + ' (' + w.kind + ')',
        data: w.ready.concat([[end, w.ready[w.ready.length - 1][1]]]).map(([x, y]) => ({ x, y })),
        stepped: 'before', borderColor: LINE_COLORS[i % LINE_COLORS.length], backgroundColor: LINE_COLORS[i % LINE_COLORS.length],
        pointRadius: 0, borderWidth: 2, hidden: w.kind === 'DaemonSet',
      })),
    },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false, parsing: true,
      scales: { x: xAxis, y: { beginAtZero: true, title: { display: true, text: 'ready replicas' }, ticks: { precision: 0 } } },
      plugins: { legend: { position: 'top' } },
    },
    plugins: [windowPlugin],
  });
  window.demoCharts = [timeline, ready];
  document.body.dataset.rendered = 'true';
})();
`;

export function renderHtml(report: DemoReport): string {
  const ok = report.problems.length === 0;
  const timelineHeight = Math.max(220, Math.min(report.nodes.length * 22 + 90, 20000));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Reboot rollout — ${escapeHtml(report.scenario)}</title>
<style>
  body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px; color: #212121; max-width: 1200px; }
  h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 24px 0 8px; }
  .meta { color: #616161; } .verdict { padding: 8px 12px; border-radius: 4px; margin: 12px 0; }
  .verdict.ok { background: #e8f5e9; color: #1b5e20; } .verdict.bad { background: #ffebee; color: #b71c1c; }
  table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid #eee; font-variant-numeric: tabular-nums; }
  th { color: #616161; font-weight: 600; } td.ok, li.ok { color: #2e7d32; } td.bad, li.bad { color: #c62828; } td.warn { color: #ef6c00; }
  .why { color: #757575; font-size: 12px; } ul.inv { list-style: none; padding: 0; } .chart { position: relative; width: 100%; }
</style>
</head>
<body>
<h1>Reboot rollout — ${escapeHtml(report.scenario)}</h1>
<div class="meta">${escapeHtml(report.cluster.name)}: ${report.cluster.nodes} nodes, ${report.cluster.pools} pools, ${report.cluster.zones} zones · run ${escapeHtml(report.runId ?? '(none)')} · ${escapeHtml(report.startedAt)} → ${escapeHtml(report.finishedAt)} · window ${escapeHtml(report.window.describe)}</div>
<div class="verdict ${ok ? 'ok' : 'bad'}" id="verdict">${ok ? 'OK: the run completed and every invariant held.' : `NOT OK: ${report.problems.map(escapeHtml).join('; ')}`}</div>
<p>Outcome <b>${escapeHtml(report.outcome)}</b>${report.reason ? ` (${escapeHtml(report.reason)})` : ''}; rollout <b>${formatDuration(report.virtualSeconds)}</b> against a critical-path bound of ${formatDuration(report.criticalPathBoundSeconds)} (set by ${escapeHtml(report.boundLimitedBy)}) at concurrency ${report.concurrency} (${escapeHtml(overBoundText(report))}).
API requests: ${report.apiRequests.kube} kube, ${report.apiRequests.arm} ARM. History events: ${report.history.events} in ${report.history.instances} instances.</p>
<h2>Timeline: each node's steps</h2>
<div class="chart" style="height:${timelineHeight}px"><canvas id="timeline" role="img" aria-label="node steps over time"></canvas></div>
<h2>Ready replicas per workload</h2>
<div class="chart" style="height:${320 + Math.ceil(report.workloads.length / 5) * 22}px"><canvas id="ready" role="img" aria-label="ready replicas over time"></canvas></div>
<h2>Invariants</h2>
<ul class="inv">${invariantItems(report)}</ul>
<h2>Nodes</h2>
<table id="nodes"><thead><tr><th>node</th><th>pool</th><th>zone</th><th>outcome</th><th>reboots</th><th>delay</th><th>gate</th><th>drain</th><th>reboot</th><th>recovery</th><th>history events</th></tr></thead>
<tbody>
${nodeRows(report)}
</tbody></table>
<h2>Workloads</h2>
<table id="workloads"><thead><tr><th>workload</th><th>kind</th><th>replicas</th><th>min ready</th><th>PDB wants</th><th>below desired</th></tr></thead>
<tbody>
${workloadRows(report)}
</tbody></table>
<script id="report-data" type="application/json">${inlineJson(report)}</script>
<script>${chartJsSource()}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
