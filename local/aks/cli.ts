// `npm run sim -- --scenario FILE [--speed X] [--out DIR]`: the simulator on a real-time clock
// (X times faster than the wall clock), for people, kubectl and the demo. Prints where to
// connect, writes a kubeconfig (and the CA and an ARM token) to a directory, runs until stopped.
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createRealTimeClock } from '../clock';
import { startSimulator } from './index';
import { bundledScenarioPath, loadScenario, scenarioStartMs } from './scenario';

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

interface CliOptions {
  scenarioPath: string;
  speed: number;
  outDir: string | undefined;
}

function parseCli(argv: string[]): CliOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      scenario: { type: 'string' },
      speed: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write('usage: npm run sim -- [--scenario FILE] [--speed X] [--out DIR]\n  --scenario  a scenario JSON file (default: the seed scenario)\n  --speed     how many times faster than the wall clock the cluster runs (default 1)\n  --out       where to write kubeconfig, ca.pem and arm-token (default: a new temp dir)\n');
    process.exit(0);
  }
  const speed = values.speed === undefined ? 1 : Number(values.speed);
  if (!(speed > 0) || !Number.isFinite(speed)) throw new Error(`--speed must be a positive number (e.g. 1, 60), got "${values.speed}"`);
  return { scenarioPath: values.scenario ? resolve(values.scenario) : bundledScenarioPath('seed'), speed, outDir: values.out };
}

async function main(): Promise<void> {
  const options = parseCli(process.argv.slice(2));
  const scenario = loadScenario(options.scenarioPath);
  const clock = createRealTimeClock({ start: scenarioStartMs(scenario, Date.now()), speed: options.speed });
  const sim = await startSimulator(scenario, clock);
  const dir = options.outDir ? resolve(options.outDir) : mkdtempSync(join(tmpdir(), 'aks-sim-'));
  mkdirSync(dir, { recursive: true });
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, sim.kubeconfigYaml({ tokenLifetimeMs: 10 * YEAR_MS }), { mode: 0o600 });
  writeFileSync(join(dir, 'ca.pem'), sim.caPem);
  writeFileSync(join(dir, 'arm-token'), sim.tokens.mint('arm', 'cli', 10 * YEAR_MS).token, { mode: 0o600 });
  process.stdout.write([
    `AKS simulator: scenario "${scenario.name}", ${sim.cluster.nodeNames().length} nodes, clock x${options.speed}`,
    `ARM endpoint:   ${sim.armEndpoint}`,
    `subscription:   ${sim.subscriptionId}`,
    `cluster:        ${sim.resourceId}`,
    `kube endpoint:  ${sim.kubeEndpoint}`,
    `kubeconfig:     ${kubeconfigPath}`,
    `CA:             ${join(dir, 'ca.pem')}`,
    `ARM token:      ${join(dir, 'arm-token')}`,
    `try:            KUBECONFIG=${kubeconfigPath} kubectl get nodes`,
    'Ctrl-C stops it.',
    '',
  ].join('\n'));
  const stop = async (signal: string) => {
    process.stdout.write(`${signal}: stopping\n`);
    clock.stop();
    await sim.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
