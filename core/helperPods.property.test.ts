// Hostile input in every field of the helper pods: each value is either rejected with an error
// that names the field, or lands unchanged as a whole field value where the contract puts it,
// with the rest of the manifest (and so every command) exactly as for benign input.
import * as fc from 'fast-check';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  buildCheckPod,
  buildRebootHelper,
  buildRebootRunCommand,
  HelperPodInputError,
  REBOOT_HELPER_FILE,
  REBOOT_RUN_COMMAND,
  serializeManifest,
  type CheckPodInput,
  type PodManifest,
  type RebootHelperInput,
} from './helperPods';
import { isBootId, isDns1123Label, isDns1123Subdomain, isImageReference, isSafeAbsolutePath } from './k8sNames';

// Every run puts one hostile string in each field.
const RUNS_PER_FIELD = 10_000;
const RUN_ID = /^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{4}$/;

const baseCheck: CheckPodInput = {
  namespace: 'aks-reboot-orchestrator',
  image: 'mcr.microsoft.com/azurelinux/busybox:1.36',
  node: 'aks-user-12345678-vmss000000',
  runId: '20261127T203000Z-ab12',
  sentinel: '/var/run/reboot-required',
};
const { sentinel: _sentinel, ...settingsAndRun } = baseCheck;
const baseReboot: RebootHelperInput = { ...settingsAndRun, bootId: '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f' };

// Shell, quoting, YAML and JSON syntax, control characters and awkward unicode.
const FRAGMENTS = [
  ';', '&&', '||', '|', '`', '$(', ')', '${IFS}', '$1', "'", '"', '\\', '\n', '\r\n', '\r', '\t', '\0', ' ',
  '#', ': ', '- ', '---', '...', '{', '}', '[', ']', '*x', '&x', '!!str', '%YAML 1.2', '? ', '>', '|-', ',', '=',
  '/', '..', '../', '%', '@', '~', '\u2028', '\u0085', '\ufeff', '\u202e', 'é', 'İ', 'ß', 'ﬁ', '🙂', '\ud800', '\udfff',
  'A', '_', '.', '-', 'reboot', ' && systemctl reboot', '"; reboot; "', '\n  privileged: true', '{"hostPID":true}',
  '", "x": "', '<script>', '\u0000\u0001',
];
const fragment = fc.constantFrom(...FRAGMENTS);

function hostile(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ unit: 'binary', maxLength: 64 }),
    fc.string({ unit: fragment, maxLength: 16 }),
    // A valid value with a fragment spliced in anywhere (anchors, separators, trailing newline).
    fc.tuple(valid, fragment, fc.nat()).map(([v, f, n]) => {
      const at = n % (v.length + 1);
      return v.slice(0, at) + f + v.slice(at);
    }),
    valid.map((v) => v.toUpperCase()),
    // At least 10 kB.
    fc.tuple(valid, fragment).map(([v, f]) => (v + f).repeat(Math.ceil(10_240 / (v.length + f.length)))),
    fc.constantFrom('', ' ', '\n', '.', '-', '/', 'null', '~', '0', 'true'),
  );
}

const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
const valid = {
  namespace: label,
  // Up to 253 characters, so that long names are shortened with a hash.
  node: fc.array(label, { minLength: 1, maxLength: 6 }).map((labels) => labels.join('.')).filter((n) => n.length <= 253),
  image: fc.stringMatching(/^([a-z0-9]{1,12}(\.[a-z0-9]{1,12}){0,2}(:[0-9]{1,5})?\/)?[a-z0-9]{1,12}(\/[a-z0-9]{1,12}){0,2}(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,20})?(@sha256:[0-9a-f]{64})?$/),
  runId: fc.stringMatching(RUN_ID),
  sentinel: fc.stringMatching(/^(\/[A-Za-z0-9_-][A-Za-z0-9._-]{0,20}){1,5}$/),
  bootId: fc.uuid(),
};

// The oracle: k8sNames' checks (tested on their own), applied to every field.
const isValid: Record<string, (v: string) => boolean> = {
  namespace: isDns1123Label,
  node: isDns1123Subdomain,
  image: isImageReference,
  runId: (v) => RUN_ID.test(v),
  sentinel: isSafeAbsolutePath,
  bootId: isBootId,
};

// Plain checks instead of expect() where a check runs tens of thousands of times.
function ensure(condition: boolean, what: string): void {
  if (!condition) throw new Error(what);
}

// The YAML parser takes about a millisecond per manifest: every accepted manifest is parsed back
// as JSON (how kubectl reads it), and the first ones of each property as YAML too.
const YAML_CHECKS_PER_PROPERTY = 100;
let yamlChecksLeft = YAML_CHECKS_PER_PROPERTY;

function expectParsesBack(text: string, manifest: PodManifest): void {
  ensure(JSON.stringify(JSON.parse(text)) === JSON.stringify(manifest), `JSON does not parse back: ${text}`);
  if (yamlChecksLeft-- > 0) expect(parseYaml(text)).toEqual(manifest);
}

type Leaves = Map<string, unknown>;

/** Every leaf of a JSON value, keyed by its path. */
function leaves(value: unknown, path: (string | number)[] = [], into: Leaves = new Map()): Leaves {
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) leaves(child, [...path, Array.isArray(value) ? Number(key) : key], into);
  } else {
    into.set(JSON.stringify(path), value);
  }
  return into;
}

const at = (...path: (string | number)[]) => JSON.stringify(path);
const NAME = at('metadata', 'name');

/** Where each input lands as a whole value; the sentinel is split into its directory and file. */
function expectedLeaves(input: Partial<CheckPodInput & RebootHelperInput>): Map<string, unknown> {
  const expected = new Map<string, unknown>([
    [at('metadata', 'namespace'), input.namespace],
    [at('metadata', 'annotations', 'aks-reboot-orchestrator/run-id'), input.runId],
    [at('spec', 'nodeName'), input.node],
    [at('spec', 'containers', 0, 'image'), input.image],
  ]);
  if (input.bootId !== undefined) expected.set(at('spec', 'containers', 0, 'command', 6), input.bootId);
  if (input.sentinel !== undefined) {
    const cut = input.sentinel.lastIndexOf('/');
    expected.set(at('spec', 'volumes', 0, 'hostPath', 'path'), cut === 0 ? '/' : input.sentinel.slice(0, cut));
    expected.set(at('spec', 'containers', 0, 'command', 2), `/sentinel/${input.sentinel.slice(cut + 1)}`);
  }
  return expected;
}

/** The manifest, parsed back, has the baseline's shape; only the inputs' own leaves differ. */
function expectLanded(manifest: PodManifest, baseline: PodManifest, input: CheckPodInput | RebootHelperInput, prefix: string, nameSuffix: string): void {
  const text = serializeManifest(manifest);
  expectParsesBack(text, manifest);
  const got = leaves(JSON.parse(text));
  const base = leaves(baseline);
  const expected = expectedLeaves(input);
  ensure(JSON.stringify([...got.keys()]) === JSON.stringify([...base.keys()]), `manifest shape changed: ${text}`);
  for (const [path, value] of got) {
    if (path === NAME) continue;
    const want = expected.has(path) ? expected.get(path) : base.get(path);
    ensure(value === want, `${path} is ${JSON.stringify(value)}, expected ${JSON.stringify(want)}`);
  }
  const name = manifest.metadata.name;
  ensure(isDns1123Subdomain(name) && name.startsWith(`${prefix}-`) && name.endsWith(`-${nameSuffix}`), `bad pod name ${name}`);
  const whole = `${prefix}-${input.node}-${nameSuffix}`;
  ensure(whole.length > 253 || name === whole, `pod name ${name} instead of ${whole}`);
}

function expectRunCommand(input: RebootHelperInput, manifest: PodManifest): void {
  const request = buildRebootRunCommand(input);
  ensure(request.command === REBOOT_RUN_COMMAND && request.command === 'kubectl create --validate=false -f reboot-helper.yaml', `command changed: ${request.command}`);
  const files = unzipSync(Buffer.from(request.context, 'base64'));
  ensure(JSON.stringify(Object.keys(files)) === JSON.stringify([REBOOT_HELPER_FILE]), `zip holds ${Object.keys(files).join()}`);
  const text = Buffer.from(files[REBOOT_HELPER_FILE]!).toString('utf8');
  expectParsesBack(text, manifest);
}

const QUOTED = /^"[\x20-\x7e]*"(… \(\d+ characters\))?$/;
const LINE_BREAKERS = /[\n\r\u0085\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function expectRejected(build: () => unknown, badFields: readonly string[]): void {
  let error: unknown;
  try {
    build();
  } catch (caught) {
    error = caught;
  }
  ensure(error instanceof HelperPodInputError, `expected a HelperPodInputError, got ${String(error)}`);
  const { problems, message } = error as HelperPodInputError;
  ensure(JSON.stringify(problems.map((p) => p.field)) === JSON.stringify(badFields), `fields named: ${problems.map((p) => p.field).join()} instead of ${badFields.join()}`);
  for (const p of problems) {
    ensure(message.includes(`${p.field} ${p.value} is not accepted (expected ${p.accepted})`), `message does not name ${p.field}: ${message}`);
    // Printable ASCII, at most 64 characters' worth: no value can break or disguise a log line.
    ensure(QUOTED.test(p.value) && p.value.length < 64 * 12 + 30, `badly quoted value ${p.value}`);
  }
  ensure(!LINE_BREAKERS.test(message), `message breaks lines: ${message}`);
}

type Field = 'namespace' | 'node' | 'image' | 'runId' | 'sentinel' | 'bootId';
type Values = Record<Field, string>;

const pods = {
  check: {
    fields: ['namespace', 'node', 'image', 'runId', 'sentinel'] as const,
    baseline: buildCheckPod(baseCheck),
    run({ namespace, node, image, runId, sentinel }: Values, bad: readonly string[]) {
      const input: CheckPodInput = { namespace, node, image, runId, sentinel };
      if (bad.length > 0) return expectRejected(() => buildCheckPod(input), bad);
      expectLanded(buildCheckPod(input), this.baseline, input, 'arc-check', runId.toLowerCase());
    },
  },
  reboot: {
    fields: ['namespace', 'node', 'image', 'runId', 'bootId'] as const,
    baseline: buildRebootHelper(baseReboot),
    run({ namespace, node, image, runId, bootId }: Values, bad: readonly string[]) {
      const input: RebootHelperInput = { namespace, node, image, runId, bootId };
      if (bad.length > 0) {
        expectRejected(() => buildRebootHelper(input), bad);
        return expectRejected(() => buildRebootRunCommand(input), bad);
      }
      const manifest = buildRebootHelper(input);
      expectLanded(manifest, this.baseline, input, 'arc-reboot', bootId.slice(0, 8));
      expectRunCommand(input, manifest);
    },
  },
};

const FIELDS = Object.keys(valid) as Field[];

/** Builds both pods from the values, checks the outcome, and counts each pod's acceptances. */
function runBoth(values: Values, accepted: Record<string, number>): void {
  for (const [kind, pod] of Object.entries(pods)) {
    const bad = pod.fields.filter((f) => !isValid[f]!(values[f]));
    if (bad.length === 0) accepted[kind] = (accepted[kind] ?? 0) + 1;
    pod.run(values, bad);
  }
}

describe('helper pods under hostile input', () => {
  it(`${RUNS_PER_FIELD} hostile strings in every field at once: each bad field is named, the rest land unchanged`, () => {
    // How many generated values each field's own validator refused: the property is only worth
    // something if the hostile strings really were hostile.
    const refused = Object.fromEntries(FIELDS.map((f) => [f, 0])) as Record<Field, number>;
    const record = fc.record(Object.fromEntries(FIELDS.map((f) => [f, hostile(valid[f])])) as Record<Field, fc.Arbitrary<string>>);
    yamlChecksLeft = YAML_CHECKS_PER_PROPERTY;
    fc.assert(
      fc.property(record, (values) => {
        for (const f of FIELDS) if (!isValid[f]!(values[f])) refused[f]++;
        runBoth(values, {});
      }),
      { numRuns: RUNS_PER_FIELD, seed: 20261127 },
    );
    // Seeded: 8,162 (sentinel) to 10,000 (bootId) of 10,000 values were refused per field.
    for (const f of FIELDS) expect(refused[f], f).toBeGreaterThanOrEqual(RUNS_PER_FIELD * 0.75);
  });

  it('any mix of valid and hostile fields is reported field by field, or lands whole in both pods and the zip', () => {
    const record = fc.record(Object.fromEntries(FIELDS.map((f) => [f, fc.oneof({ arbitrary: valid[f], weight: 3 }, { arbitrary: hostile(valid[f]), weight: 1 })])) as Record<Field, fc.Arbitrary<string>>);
    const accepted: Record<string, number> = {};
    yamlChecksLeft = YAML_CHECKS_PER_PROPERTY;
    fc.assert(fc.property(record, (values) => runBoth(values, accepted)), { numRuns: 2_000, seed: 1123 });
    // Both sides are exercised: many manifests were built and checked, many inputs refused.
    expect(accepted.check).toBeGreaterThan(200);
    expect(accepted.reboot).toBeGreaterThan(200);
    expect(accepted.check).toBeLessThan(1_800);
  });
});
