// The demo's command line: parsed into options or refused with a message that names the option
// and the form it accepts. Pure: no file or settings checks here (see run.ts).

export interface DemoOptions {
  /** A scenario file (default: the seed scenario). */
  scenario?: string;
  /** A generated cluster instead of a scenario file. */
  generate?: { nodes: number; pools: number; zones: number };
  /** Real-time clock factor; absent: virtual time, as fast as possible. */
  speed?: number;
  reportJson?: string;
  reportHtml?: string;
  /** App settings, in the order given (a later one wins). */
  settings: Record<string, string>;
  /** Keep the host's HTTP API up in real time until Ctrl-C. */
  http: boolean;
  help: boolean;
}

export type ParsedArgs = { ok: true; options: DemoOptions } | { ok: false; message: string };

export const USAGE = `Usage: npm run demo -- [options]

Runs the real app end to end on one machine: the AKS simulator (local/aks) and the local
durable host (local/host), the maintenance timer fired as a window opening would fire it,
live progress, then a summary. Exit code 0 when the run completed and every invariant held,
1 when the run failed or halted or an invariant was violated, 2 for bad options or settings.

Options:
  --scenario FILE        scenario JSON (default local/aks/scenarios/seed.json)
  --nodes N              generate a cluster of N nodes instead (with --pools, --zones)
  --pools P              node pools of the generated cluster (default 3)
  --zones Z              availability zones of the generated cluster, 0-3 (default 3)
  --speed X              real-time clock, X times faster than the wall clock
                         (default: virtual time, as fast as the machine allows)
  --report-json FILE     write the JSON report
  --report-html FILE     write the HTML report (timeline chart and summary, self-contained)
  --set NAME=VALUE       an app setting, e.g. --set REBOOT_CONCURRENCY=2 (repeatable)
  --http                 real time (speed 1 unless --speed), keep the local host's HTTP API
                         up after the run and print its URLs and function key; Ctrl-C stops
  --help                 this text
`;

interface Flag {
  value?: string;
  describe: string;
}

const FLAGS: Record<string, Flag> = {
  '--scenario': { value: 'FILE', describe: '--scenario FILE' },
  '--nodes': { value: 'N', describe: '--nodes N (a whole number from 1 to 5000)' },
  '--pools': { value: 'P', describe: '--pools P (a whole number from 1 to 50)' },
  '--zones': { value: 'Z', describe: '--zones Z (a whole number from 0 to 3)' },
  '--speed': { value: 'X', describe: '--speed X (a number greater than 0, e.g. 60)' },
  '--report-json': { value: 'FILE', describe: '--report-json FILE' },
  '--report-html': { value: 'FILE', describe: '--report-html FILE' },
  '--set': { value: 'NAME=VALUE', describe: '--set NAME=VALUE (e.g. --set REBOOT_CONCURRENCY=2)' },
  '--http': { describe: '--http' },
  '--help': { describe: '--help' },
};

const fail = (message: string): ParsedArgs => ({ ok: false, message: `${message}\nRun with --help for every option.` });

function wholeNumber(flag: string, text: string, min: number, max: number): number | string {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) return `${flag}: ${JSON.stringify(text)} is not valid; use ${FLAGS[flag]!.describe}.`;
  return n;
}

/** `NAME=VALUE` of a `--set` (NAME a setting-like identifier, VALUE anything), or undefined. */
export function settingAssignment(text: string): { name: string; value: string } | undefined {
  const at = text.indexOf('=');
  const name = text.slice(0, Math.max(at, 0));
  return at > 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? { name, value: text.slice(at + 1) } : undefined;
}

export function parseDemoArgs(argv: readonly string[]): ParsedArgs {
  const values = new Map<string, string>();
  const settings: Record<string, string> = {};
  let http = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const flag = FLAGS[name];
    if (!flag) return fail(`unknown option ${JSON.stringify(arg)}; the options are ${Object.keys(FLAGS).join(', ')}.`);
    if (!flag.value) {
      if (eq > 0) return fail(`${name} takes no value; use ${flag.describe}.`);
      if (name === '--http') http = true;
      else help = true;
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '' || (eq < 0 && value.startsWith('--'))) return fail(`${name} needs a value; use ${flag.describe}.`);
    if (name === '--set') {
      const setting = settingAssignment(value);
      if (!setting) return fail(`--set: ${JSON.stringify(value)} is not valid; use ${flag.describe}.`);
      settings[setting.name] = setting.value;
      continue;
    }
    if (values.has(name)) return fail(`${name} is given twice; give it once.`);
    values.set(name, value);
  }
  if (help) return { ok: true, options: { settings, http, help } };

  const options: DemoOptions = { settings, http, help };
  const scenario = values.get('--scenario');
  if (scenario !== undefined) options.scenario = scenario;
  const generated = ['--nodes', '--pools', '--zones'].filter((f) => values.has(f));
  if (generated.length > 0) {
    if (scenario !== undefined) return fail(`--scenario and ${generated.join(', ')} exclude each other; use a scenario file or a generated cluster.`);
    if (!values.has('--nodes')) return fail(`${generated.join(', ')} need --nodes; use --nodes N [--pools P] [--zones Z].`);
    const nodes = wholeNumber('--nodes', values.get('--nodes')!, 1, 5000);
    const pools = wholeNumber('--pools', values.get('--pools') ?? '3', 1, 50);
    const zones = wholeNumber('--zones', values.get('--zones') ?? '3', 0, 3);
    for (const n of [nodes, pools, zones]) if (typeof n === 'string') return fail(n);
    if ((nodes as number) < (pools as number)) return fail(`--nodes ${nodes} is fewer than --pools ${pools}; every pool needs a node.`);
    options.generate = { nodes: nodes as number, pools: pools as number, zones: zones as number };
  }
  const speed = values.get('--speed');
  if (speed !== undefined) {
    const x = /^\d+(\.\d+)?$/.test(speed) ? Number(speed) : NaN;
    if (!(x > 0) || !Number.isFinite(x)) return fail(`--speed: ${JSON.stringify(speed)} is not valid; use ${FLAGS['--speed']!.describe}.`);
    options.speed = x;
  }
  if (http && options.speed === undefined) options.speed = 1;
  const json = values.get('--report-json');
  if (json !== undefined) options.reportJson = json;
  const html = values.get('--report-html');
  if (html !== undefined) options.reportHtml = html;
  return { ok: true, options };
}
