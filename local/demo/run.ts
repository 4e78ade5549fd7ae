// `npm run demo`: the AKS simulator and the local durable host on one clock, the real app
// loaded through functions/index.ts, the maintenance timer fired as the window opens; live
// progress while it runs, then the summary, the reports and the verdict as the exit code.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createWindow } from '../../core/window';
import { loadSettings } from '../../functions/settings';
import { isNodeReady } from '../aks/cluster/podState';
import { clusterResourceId } from '../aks/arm/resources';
import { generateScenario } from '../aks/generate';
import { scenarioCriticalPathBound } from '../aks/lowerBound';
import { loadScenario, scenarioStartMs, type Scenario } from '../aks/scenario';
import type { InvocationLog } from '../host/invoke';
import { REBOOT_TIMER, SEED_SCENARIO, startStack, type Stack } from '../stack';
import { desiredHealthy, nodeInfos, podsToDrain, workloadInfos, readiness } from './clusterFacts';
import { demoSettings } from './demoSettings';
import { renderHtml } from './html';
import { createPlainView, createTtyView, type LiveView } from './liveView';
import { parseDemoArgs, USAGE, type DemoOptions } from './options';
import { buildReport, skipOf, type DemoReport } from './report';
import { formatSummary } from './summary';
import { ProgressTracker, type NodeInfo } from './tracker';
import { windowEdges } from './windowEdges';

export interface DemoIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** The terminal to redraw progress on, when stdout is one. */
  tty?: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  /** Resolves when the person presses Ctrl-C (SIGINT or SIGTERM). */
  interrupted(): Promise<void>;
}

export const EXIT = { ok: 0, problems: 1, usage: 2, interrupted: 130 } as const;

const DAY_MS = 86400_000;

/** Paths on the command line are the person's: npm runs scripts from the package root, INIT_CWD is where they typed. */
const fromUser = (env: NodeJS.ProcessEnv, file: string) => path.resolve(env.INIT_CWD ?? process.cwd(), file);

const isAlias = (name: string) => /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name);

function chooseScenario(options: DemoOptions, env: NodeJS.ProcessEnv): { scenario: Scenario; file?: string } | { error: string } {
  if (options.generate) return { scenario: generateScenario(options.generate) };
  const file = options.scenario ? fromUser(env, options.scenario) : SEED_SCENARIO;
  if (!fs.existsSync(file)) return { error: `--scenario: no file ${file}; use --scenario FILE with a scenario JSON (see local/aks/scenarios/).` };
  try {
    return { scenario: loadScenario(file), file: path.relative(process.cwd(), file) || file };
  } catch (error) {
    return { error: `--scenario ${options.scenario ?? file}: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function writeFile(env: NodeJS.ProcessEnv, file: string, text: string): string {
  const target = fromUser(env, file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, text);
  return target;
}

function httpHelp(stack: Stack, kubeconfig: string): string {
  const api = `${stack.host.origin}/api`;
  const key = stack.host.keys.function;
  const h = `-H "x-functions-key: ${key}"`;
  const c = `${api}/clusters/${stack.alias}`;
  return [
    `The app's HTTP API is up at ${api} (function key ${key}). Try:`,
    `  curl -s ${h} ${api}/clusters`,
    `  curl -s ${h} ${c}/reboots                      # the current or latest run`,
    `  curl -s -X POST ${h} ${c}/reboots/current/pause   # also resume, cancel`,
    `  curl -s ${h} ${c}/plan                         # a dry run`,
    `  curl -s -X POST ${h} -H "content-type: application/json" -d '{"reason":"try"}' ${c}/reboots   # start a run (409 while one is alive)`,
    `kubectl sees the simulated cluster with: KUBECONFIG=${kubeconfig} kubectl get nodes`,
    '',
  ].join('\n');
}

/**
 * Waits until the lock instance finished: in virtual time, failing when nothing is left to
 * run first; in real time, until it finished or the person pressed Ctrl-C (false).
 */
async function untilFinished(stack: Stack, tracker: ProgressTracker, interrupted: Promise<void> | undefined): Promise<boolean> {
  if (!interrupted) {
    await stack.host.waitFor(stack.lockInstanceId, { maxRealMs: 60 * 60_000, maxVirtualMs: 90 * DAY_MS });
    return true;
  }
  let stopped = false;
  void interrupted.then(() => { stopped = true; });
  while (!tracker.finished && !stopped) await new Promise((r) => setTimeout(r, 50));
  return tracker.finished;
}

/** The nodes the bound covers: those that needed a reboot, less those the run skipped (by name or pool). */
function rebootedByTheRun(nodes: readonly NodeInfo[], tracker: ProgressTracker): string[] {
  return nodes.filter((n) => n.queued && !skipOf(tracker.run.output, n)).map((n) => n.name);
}

export async function runDemo(argv: readonly string[], io: DemoIo): Promise<number> {
  const parsed = parseDemoArgs(argv);
  if (!parsed.ok) {
    io.stderr.write(`demo: ${parsed.message}\n`);
    return EXIT.usage;
  }
  const options = parsed.options;
  if (options.help) {
    io.stdout.write(USAGE);
    return EXIT.ok;
  }
  const chosen = chooseScenario(options, io.env);
  if ('error' in chosen) {
    io.stderr.write(`demo: ${chosen.error}\n`);
    return EXIT.usage;
  }
  const scenario = chosen.scenario;
  const alias = isAlias(scenario.name) ? scenario.name : 'demo';
  const settings = demoSettings(options.settings, scenarioStartMs(scenario), alias, clusterResourceId(scenario.cluster));
  if (!settings.ok) {
    io.stderr.write(`demo: ${settings.message}\n`);
    return EXIT.usage;
  }

  // The app's namespace exists on a cluster it is installed on (infra/k8s); generated clusters lack it.
  if (!(scenario.namespaces ?? []).includes(settings.namespace)) scenario.namespaces = [...(scenario.namespaces ?? []), settings.namespace];
  const tty = io.env.CI ? undefined : io.tty;
  const say = (line: string) => io.stdout.write(`${line}\n`);
  const logs: InvocationLog[] = [];
  const realTime = options.speed !== undefined;
  // In real time a person may stop early; in virtual time Ctrl-C simply ends the process.
  const interrupted = realTime ? io.interrupted() : undefined;
  say(`Starting the AKS simulator (${scenario.name}) and the local durable host${realTime ? `, real time ×${options.speed}` : ', virtual time'}…`);
  const stack = await startStack({
    scenario,
    settings: settings.settings,
    alias,
    ...(realTime ? { realTimeSpeed: options.speed } : { autoAdvance: true }),
    onLog: (log) => {
      if ((log.level === 'error' || log.level === 'warning') && logs.length < 50) logs.push(log);
    },
  });
  let kubeconfig: string | undefined;
  try {
    const app = loadSettings();
    if (!app.ok) throw new Error(app.message);
    const cluster = stack.sim.cluster;
    const nodes = nodeInfos(cluster);
    const workloads = workloadInfos(cluster);
    const disruptedAtStart = nodes.filter((n) => {
      const node = cluster.node(n.name);
      return !!node && (node.spec.unschedulable === true || !isNodeReady(node));
    }).length;
    const tracker = new ProgressTracker(alias, nodes);
    const startMs = stack.clock.now();
    const podsLeft = (node: string) => podsToDrain(cluster, node);
    const view: LiveView = !tty
      ? createPlainView(say, { timeline: () => stack.sim.recorder.timeline(), clusterStartMs: cluster.startMs, startMs, podsLeft })
      : createTtyView(tty, () => ({
        cluster: `${scenario.cluster.name} (${alias})`,
        now: stack.clock.now(),
        startMs,
        run: tracker.run,
        nodes: [...tracker.nodes.values()],
        podsLeft,
        workloads: readiness(cluster, workloads),
      }));
    stack.host.on((event) => view.push(tracker.onHostEvent(event)));
    if (options.http) {
      kubeconfig = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'demo-kube-')), 'kubeconfig');
      fs.writeFileSync(kubeconfig, stack.sim.kubeconfigYaml());
      say(httpHelp(stack, kubeconfig));
    }
    if (!tty) say(`[fired the maintenance timer ${REBOOT_TIMER} at ${new Date(startMs).toISOString()}; ${nodes.filter((n) => n.queued).length} of ${nodes.length} nodes need a reboot]`);
    await stack.host.fireTimer(REBOOT_TIMER);
    await stack.host.settle();
    if (!stack.host.getStatus(stack.lockInstanceId)) {
      view.stop();
      io.stderr.write(`demo: the timer started no run.${logs.length ? `\nThe app said:\n${logs.map((l) => `  ${l.level}: ${l.message}`).join('\n')}` : ''}\n`);
      return EXIT.problems;
    }
    let finished: boolean;
    try {
      finished = await untilFinished(stack, tracker, interrupted);
    } finally {
      await stack.host.settle();
      view.stop();
    }
    if (!finished) {
      say('Interrupted before the run finished: stopping (the simulated cluster goes with it).');
      return EXIT.interrupted;
    }
    const endMs = stack.clock.now();
    const bound = scenarioCriticalPathBound(scenario, {
      concurrency: app.settings.concurrency,
      nodes: rebootedByTheRun(nodes, tracker),
      implicitBudget: app.settings.implicitBudget === 'rollout',
    });
    const report: DemoReport = buildReport({
      scenario: scenario.name,
      ...(chosen.file ? { scenarioFile: chosen.file } : {}),
      cluster: { name: scenario.cluster.name, nodes: nodes.length, pools: cluster.pools.length, zones: new Set(nodes.map((n) => n.zone).filter(Boolean)).size },
      settings: settings.shown,
      concurrency: app.settings.concurrency,
      window: { describe: createWindow(app.settings.window).describe(), ...windowEdges(createWindow(app.settings.window), startMs, endMs) },
      startMs,
      endMs,
      bound: { seconds: bound.seconds, limitedBy: bound.limitedBy },
      run: tracker.run,
      nodes: [...tracker.nodes.values()],
      recorder: stack.sim.recorder.summary(),
      timeline: stack.sim.recorder.timeline(),
      timelineOffsetSeconds: (startMs - cluster.startMs) / 1000,
      desiredHealthy: Object.fromEntries(workloads.map((w) => [`${w.namespace}/${w.name}`, desiredHealthy(cluster, w)])),
      nodesDisruptedAtStart: disruptedAtStart,
      neededReboot: nodes.filter((n) => n.queued).map((n) => n.name),
      historyEvents: (id) => stack.host.stats(id).historyEvents,
      lockInstanceId: stack.lockInstanceId,
      instanceIds: tracker.instanceIds(),
    });
    say('');
    say(formatSummary(report, !!tty));
    const oneLine = (text: string) => text.replace(/\s+/g, ' ').slice(0, 300);
    if (logs.length > 0 && report.problems.length > 0) say(`\nThe app logged:\n${logs.slice(0, 10).map((l) => `  ${l.level} ${l.functionName}: ${oneLine(l.message)}`).join('\n')}`);
    if (options.reportJson) say(`JSON report: ${writeFile(io.env, options.reportJson, `${JSON.stringify(report, null, 2)}\n`)}`);
    if (options.reportHtml) say(`HTML report: ${writeFile(io.env, options.reportHtml, renderHtml(report))}`);
    const code = report.problems.length === 0 ? EXIT.ok : EXIT.problems;
    if (options.http && interrupted) {
      say(`\nThe run is over; the HTTP API stays up (${stack.host.origin}/api) until Ctrl-C.`);
      await interrupted;
    }
    return code;
  } finally {
    await stack.close();
    if (kubeconfig) fs.rmSync(path.dirname(kubeconfig), { recursive: true, force: true });
  }
}
