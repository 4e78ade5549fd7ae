// Parses a kubectl command line as kubectl (cobra + pflag) does, for the one command the
// simulator's run-command interprets: `kubectl create -f <file>…`. Flags may come before or
// after the subcommand, as `--flag=v`, `--flag v`, `-f v`, `-fv` or `-f=v`; `-f a,b` names two
// files. Errors carry kubectl's own wording and exit code.

export type Validation = 'strict' | 'warn' | 'ignore';
export type OutputFormat = 'name' | 'json' | 'yaml';

export interface CreateCommand {
  filenames: string[];
  namespace?: string;
  validate: Validation;
  output?: OutputFormat;
  fieldManager: string;
  recursive: boolean;
}

export type ParsedKubectl =
  | { ok: true; create: CreateCommand }
  | { ok: false; exitCode: number; stderr: string };

interface FlagSpec {
  long: string;
  short?: string;
  /** Value used when the flag is given without `=value` (pflag's NoOptDefVal); bool flags have 'true'. */
  noOptDefault?: string;
  global: boolean;
}

const FLAGS: FlagSpec[] = [
  { long: 'namespace', short: 'n', global: true },
  { long: 'request-timeout', global: true },
  { long: 'v', short: 'v', global: true },
  { long: 'filename', short: 'f', global: false },
  { long: 'validate', noOptDefault: 'strict', global: false },
  { long: 'output', short: 'o', global: false },
  { long: 'field-manager', global: false },
  { long: 'recursive', short: 'R', noOptDefault: 'true', global: false },
];

const KUBECTL_COMMANDS = new Set([
  'annotate', 'api-resources', 'api-versions', 'apply', 'attach', 'auth', 'autoscale', 'certificate', 'cluster-info',
  'completion', 'config', 'cordon', 'cp', 'debug', 'delete', 'describe', 'diff', 'drain', 'edit', 'events', 'exec',
  'explain', 'expose', 'get', 'kustomize', 'label', 'logs', 'options', 'patch', 'plugin', 'port-forward', 'proxy',
  'replace', 'rollout', 'run', 'scale', 'set', 'taint', 'top', 'uncordon', 'version', 'wait', 'help',
]);
const CREATE_SUBCOMMANDS = new Set([
  'clusterrole', 'clusterrolebinding', 'configmap', 'cm', 'cronjob', 'cj', 'deployment', 'deploy', 'ingress', 'ing', 'job',
  'namespace', 'ns', 'poddisruptionbudget', 'pdb', 'priorityclass', 'pc', 'quota', 'resourcequota', 'role', 'rolebinding',
  'secret', 'service', 'svc', 'serviceaccount', 'sa', 'token',
]);
const PRINTERS = ['go-template', 'go-template-file', 'json', 'jsonpath', 'jsonpath-as-json', 'jsonpath-file', 'name', 'template', 'templatefile', 'yaml'];

/** `args` are the words after `kubectl`. */
export function parseKubectl(args: string[]): ParsedKubectl {
  const values = new Map<string, string[]>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      const early = notInterpreted(positional);
      if (early) return early;
      continue;
    }
    const taken = takeFlag(args, i, values, positional[0]);
    if ('error' in taken) return taken.error;
    i = taken.next;
  }
  const [command, ...rest] = positional;
  if (command === undefined) return fail(0, '');
  return createCommand(values, rest);
}

/** Other kubectl commands (and `create <generator>`) are recognised as soon as they are named, before their flags. */
function notInterpreted(positional: string[]): ParsedKubectl | undefined {
  const [command, sub] = positional;
  if (command === undefined || (command === 'create' && positional.length === 1)) return undefined;
  if (command !== 'create') {
    if (KUBECTL_COMMANDS.has(command)) return fail(127, notInterpretedMessage(command));
    return fail(1, `error: unknown command "${command}" for "kubectl"\n`);
  }
  if (positional.length === 2 && sub !== undefined && CREATE_SUBCOMMANDS.has(sub)) return fail(127, notInterpretedMessage(`create ${sub}`));
  return undefined;
}

function notInterpretedMessage(command: string): string {
  return `/bin/sh: kubectl ${command}: not interpreted (the simulator's run-command runs only "kubectl create -f <file>")\n`;
}

function createCommand(values: Map<string, string[]>, rest: string[]): ParsedKubectl {
  const filenames = (values.get('filename') ?? []).flatMap((v) => v.split(',')).filter((f) => f !== '');
  if (filenames.length === 0) return fail(1, 'error: must specify one of -f and -k\n');
  const validateValue = (values.get('validate') ?? ['strict']).at(-1)!;
  const validate = parseValidation(validateValue);
  if (!validate) return fail(1, `error: invalid - validate option "${validateValue}"; must be one of: strict (or true), warn, ignore (or false)\n`);
  const outputValue = values.get('output')?.at(-1);
  if (outputValue !== undefined && outputValue !== '' && !PRINTERS.includes(outputValue)) {
    return fail(1, `error: unable to match a printer suitable for the output format "${outputValue}", allowed formats are: ${PRINTERS.join(',')}\n`);
  }
  if (outputValue !== undefined && outputValue !== '' && outputValue !== 'name' && outputValue !== 'json' && outputValue !== 'yaml') {
    return fail(127, `/bin/sh: kubectl create -o ${outputValue}: not interpreted (the simulator prints name, json or yaml)\n`);
  }
  if (rest.length > 0) return fail(1, `error: Unexpected args: [${rest.join(' ')}]\nSee 'kubectl create -h' for help and examples\n`);
  const recursive = values.get('recursive')?.at(-1);
  return {
    ok: true,
    create: {
      filenames,
      namespace: values.get('namespace')?.at(-1),
      validate,
      output: outputValue === '' ? undefined : (outputValue as OutputFormat | undefined),
      fieldManager: values.get('field-manager')?.at(-1) ?? 'kubectl-create',
      recursive: recursive === 'true',
    },
  };
}

function parseValidation(value: string): Validation | undefined {
  switch (value.toLowerCase()) {
    case 'true':
    case 'strict':
      return 'strict';
    case 'warn':
      return 'warn';
    case 'false':
    case 'ignore':
      return 'ignore';
    default:
      return undefined;
  }
}

type Taken = { next: number } | { error: ParsedKubectl };

function takeFlag(args: string[], i: number, values: Map<string, string[]>, command: string | undefined): Taken {
  const arg = args[i]!;
  const usage = `See 'kubectl${command ? ` ${command}` : ''} --help' for usage.\n`;
  const record = (spec: FlagSpec, value: string) => values.set(spec.long, [...(values.get(spec.long) ?? []), value]);
  if (arg.startsWith('--')) {
    const [name, inline] = splitOnce(arg.slice(2));
    const spec = FLAGS.find((f) => f.long === name);
    if (!spec || (!spec.global && command !== undefined && command !== 'create')) return { error: fail(1, `Error: unknown flag: --${name}\n${usage}`) };
    if (inline !== undefined || spec.noOptDefault !== undefined) {
      record(spec, inline ?? spec.noOptDefault!);
      return { next: i };
    }
    const value = args[i + 1];
    if (value === undefined) return { error: fail(1, `Error: flag needs an argument: --${name}\n${usage}`) };
    record(spec, value);
    return { next: i + 1 };
  }
  // Shorthands: `-f x`, `-fx`, `-f=x`, and bool shorthands combined (`-R`).
  for (let j = 1; j < arg.length; j++) {
    const letter = arg[j]!;
    const spec = FLAGS.find((f) => f.short === letter);
    if (!spec) return { error: fail(1, `Error: unknown shorthand flag: '${letter}' in ${arg}\n${usage}`) };
    if (spec.noOptDefault !== undefined && arg[j + 1] !== '=') {
      record(spec, spec.noOptDefault);
      continue;
    }
    const attached = arg.slice(j + 1);
    if (attached !== '') {
      record(spec, attached.startsWith('=') ? attached.slice(1) : attached);
      return { next: i };
    }
    const value = args[i + 1];
    if (value === undefined) return { error: fail(1, `Error: flag needs an argument: '${letter}' in ${arg}\n${usage}`) };
    record(spec, value);
    return { next: i + 1 };
  }
  return { next: i };
}

function splitOnce(text: string): [string, string | undefined] {
  const at = text.indexOf('=');
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

function fail(exitCode: number, stderr: string): ParsedKubectl {
  return { ok: false, exitCode, stderr };
}
