import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  buildCheckPod,
  buildRebootHelper,
  buildRebootRunCommand,
  checkPodName,
  formatRunId,
  HelperPodInputError,
  rebootHelperName,
  REBOOT_RUN_COMMAND,
  REBOOT_SCRIPT,
  serializeManifest,
  zipContext,
  type CheckPodInput,
  type RebootHelperInput,
} from './helperPods';
import { isDns1123Subdomain } from './k8sNames';

const NODE = 'aks-user-12345678-vmss000000';
const RUN_ID = '20261127T203000Z-ab12';
const BOOT_ID = '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
const IMAGE = 'mcr.microsoft.com/azurelinux/busybox:1.36';
const NAMESPACE = 'aks-reboot-orchestrator';
const check: CheckPodInput = { namespace: NAMESPACE, image: IMAGE, node: NODE, runId: RUN_ID, sentinel: '/var/run/reboot-required' };
const reboot: RebootHelperInput = { namespace: NAMESPACE, image: IMAGE, node: NODE, runId: RUN_ID, bootId: BOOT_ID };

const COMMON_SPEC = {
  nodeName: NODE,
  restartPolicy: 'Never',
  automountServiceAccountToken: false,
  tolerations: [{ operator: 'Exists' }],
};
const RESOURCES = { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } };

function metadata(name: string, role: string) {
  return {
    name,
    namespace: NAMESPACE,
    labels: { 'app.kubernetes.io/managed-by': 'aks-reboot-orchestrator', 'aks-reboot-orchestrator/role': role },
    annotations: { 'aks-reboot-orchestrator/run-id': RUN_ID },
  };
}

function errorOf(fn: () => unknown): HelperPodInputError {
  try {
    fn();
  } catch (error) {
    if (error instanceof HelperPodInputError) return error;
    throw error;
  }
  throw new Error('expected a HelperPodInputError');
}

describe('check pod', () => {
  it('is the manifest docs/design.md describes', () => {
    expect(buildCheckPod(check)).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: metadata(`arc-check-${NODE}-20261127t203000z-ab12`, 'check'),
      spec: {
        ...COMMON_SPEC,
        containers: [{
          name: 'check',
          image: IMAGE,
          command: ['test', '-f', '/sentinel/reboot-required'],
          resources: RESOURCES,
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
          volumeMounts: [{ name: 'sentinel', mountPath: '/sentinel', readOnly: true }],
        }],
        volumes: [{ name: 'sentinel', hostPath: { path: '/var/run', type: 'Directory' } }],
      },
    });
  });

  it.each([
    ['/var/run/reboot-required', '/var/run', '/sentinel/reboot-required'],
    ['/reboot-required', '/', '/sentinel/reboot-required'],
    ['/a/b.c/d_e-f', '/a/b.c', '/sentinel/d_e-f'],
  ])('sentinel %s mounts %s and tests %s', (sentinel, directory, file) => {
    const spec = buildCheckPod({ ...check, sentinel }).spec as { containers: [{ command: string[] }]; volumes: [{ hostPath: { path: string } }] };
    expect(spec.volumes[0].hostPath.path).toBe(directory);
    expect(spec.containers[0].command).toEqual(['test', '-f', file]);
  });
});

describe('reboot helper', () => {
  it('is the manifest docs/design.md describes, the boot id an argument of a constant script', () => {
    expect(buildRebootHelper(reboot)).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: metadata(`arc-reboot-${NODE}-3f1c2d4e`, 'reboot'),
      spec: {
        ...COMMON_SPEC,
        hostPID: true,
        containers: [{
          name: 'reboot',
          image: IMAGE,
          command: ['chroot', '/host', '/bin/sh', '-c', 'test "$(cat /proc/sys/kernel/random/boot_id)" = "$1" && exec systemctl reboot', 'reboot', BOOT_ID],
          resources: RESOURCES,
          securityContext: { privileged: true },
          volumeMounts: [{ name: 'host', mountPath: '/host' }],
        }],
        volumes: [{ name: 'host', hostPath: { path: '/', type: 'Directory' } }],
      },
    });
  });

  it('serialises to JSON that parses back, as JSON and as YAML, to the same object', () => {
    const manifest = buildRebootHelper(reboot);
    const text = serializeManifest(manifest);
    expect(JSON.parse(text)).toEqual(manifest);
    expect(parseYaml(text)).toEqual(manifest);
  });
});

describe('run-command request', () => {
  it('has the constant command and a zip holding exactly reboot-helper.yaml', () => {
    const request = buildRebootRunCommand(reboot);
    expect(request.command).toBe('kubectl create --validate=false -f reboot-helper.yaml');
    expect(request.command).toBe(REBOOT_RUN_COMMAND);
    const files = unzipSync(Buffer.from(request.context, 'base64'));
    expect(Object.keys(files)).toEqual(['reboot-helper.yaml']);
    const text = Buffer.from(files['reboot-helper.yaml']!).toString('utf8');
    expect(text).toBe(serializeManifest(buildRebootHelper(reboot)));
    expect(parseYaml(text)).toEqual(buildRebootHelper(reboot));
  });

  it('is plain base64 of a stored (uncompressed) zip, like the Azure CLI builds', () => {
    const { context } = buildRebootRunCommand(reboot);
    expect(context).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const zip = Buffer.from(context, 'base64');
    expect(zip.readUInt32LE(0)).toBe(0x04034b50); // local file header signature
    expect(zip.readUInt16LE(8)).toBe(0); // compression method: stored
  });

  it('is byte-for-byte deterministic, whatever the process time zone', () => {
    const savedTz = process.env.TZ;
    try {
      const contexts = ['UTC', 'Pacific/Kiritimati', 'America/Los_Angeles', 'Asia/Kathmandu'].map((tz) => {
        process.env.TZ = tz;
        return buildRebootRunCommand(reboot).context;
      });
      expect(new Set(contexts).size).toBe(1);
    } finally {
      if (savedTz === undefined) delete process.env.TZ;
      else process.env.TZ = savedTz;
    }
    const zip = Buffer.from(buildRebootRunCommand(reboot).context, 'base64');
    // DOS time and date of the entry: 12:00:00 on 1980-01-01.
    expect(zip.readUInt16LE(10)).toBe(12 << 11);
    expect(zip.readUInt16LE(12)).toBe((0 << 9) | (1 << 5) | 1);
  });

  it('zips several files in the given order', () => {
    const files = unzipSync(Buffer.from(zipContext({ 'a.yaml': 'a: 1\n', 'b.json': '{}' }), 'base64'));
    expect(Object.keys(files)).toEqual(['a.yaml', 'b.json']);
    expect(Buffer.from(files['a.yaml']!).toString()).toBe('a: 1\n');
  });
});

describe('pod names', () => {
  it.each([
    ['check, short node', () => checkPodName('n1', RUN_ID), 'arc-check-n1-20261127t203000z-ab12'],
    ['check, dotted node', () => checkPodName('node.example.com', RUN_ID), 'arc-check-node.example.com-20261127t203000z-ab12'],
    ['reboot, short node', () => rebootHelperName('n1', BOOT_ID), 'arc-reboot-n1-3f1c2d4e'],
    ['reboot, AKS node', () => rebootHelperName(NODE, BOOT_ID), `arc-reboot-${NODE}-3f1c2d4e`],
  ])('%s', (_, name, expected) => {
    expect(name()).toBe(expected);
  });

  // 253 - "arc-reboot-".length - "-3f1c2d4e".length = 233: the longest node kept whole.
  it.each([
    [233, false],
    [234, true],
    [253, true],
  ])('a node name of %i characters is shortened: %s', (length, shortened) => {
    const node = 'a'.repeat(length);
    const name = rebootHelperName(node, BOOT_ID);
    expect(name.length).toBeLessThanOrEqual(253);
    expect(isDns1123Subdomain(name)).toBe(true);
    expect(name.includes(node)).toBe(!shortened);
    expect(name.startsWith('arc-reboot-aaaa')).toBe(true);
    expect(name.endsWith('-3f1c2d4e')).toBe(true);
  });

  it('shortens deterministically and keeps long names that differ only at the end apart', () => {
    const base = `${'node.'.repeat(49)}ab`;
    const a = `${base}1`;
    const b = `${base}2`;
    expect(checkPodName(a, RUN_ID)).toBe(checkPodName(a, RUN_ID));
    expect(checkPodName(a, RUN_ID)).not.toBe(checkPodName(b, RUN_ID));
    expect(rebootHelperName(a, BOOT_ID)).not.toBe(rebootHelperName(b, BOOT_ID));
  });

  it('a shortened name stays a valid subdomain wherever the cut lands (after ".", "-" or "--")', () => {
    for (let at = 180; at < 250; at++) {
      for (const separator of ['.', '-', '--', '.a-']) {
        const node = `${'a'.repeat(at)}${separator}${'b'.repeat(Math.max(1, 252 - at - separator.length))}`;
        expect(isDns1123Subdomain(node)).toBe(true);
        for (const name of [checkPodName(node, RUN_ID), rebootHelperName(node, BOOT_ID)]) {
          expect(name.length).toBeLessThanOrEqual(253);
          expect(isDns1123Subdomain(name), name).toBe(true);
        }
      }
    }
  });
});

describe('run ids', () => {
  it.each([
    [new Date('2026-11-27T20:30:00.123Z'), 'AB12CD34-0000-0000-0000-000000000000', '20261127T203000Z-ab12'],
    [new Date('2026-01-01T00:00:00Z'), '0f0f', '20260101T000000Z-0f0f'],
  ])('formatRunId(%s, %s) = %s', (at, guid, expected) => {
    expect(formatRunId(at, guid)).toBe(expected);
  });

  it.each([
    [new Date(Number.NaN), 'abcd', 'startedAt'],
    [new Date('2026-01-01T00:00:00Z'), 'zz-1', 'guid'],
    [new Date('2026-01-01T00:00:00Z'), 'ab', 'guid'],
  ])('formatRunId(%s, %j) names %s', (at, guid, field) => {
    expect(errorOf(() => formatRunId(at, guid)).problems.map((p) => p.field)).toEqual([field]);
  });
});

describe('input validation', () => {
  it.each([
    ['node', { node: 'Node_1' }, 'node "Node_1" is not accepted (expected lower-case letters, digits, "-" and "." (RFC 1123 subdomain, at most 253 characters), e.g. aks-user-12345678-vmss000000)'],
    ['namespace', { namespace: 'a.b' }, 'namespace "a.b" is not accepted (expected lower-case letters, digits and "-" (RFC 1123 label, at most 63 characters), e.g. aks-reboot-orchestrator)'],
    ['image', { image: 'busybox;reboot' }, 'image "busybox;reboot" is not accepted (expected an image reference such as mcr.microsoft.com/azurelinux/busybox:1.36 or …@sha256:<64 hex>)'],
    ['runId', { runId: '20261127t203000z-ab12' }, 'runId "20261127t203000z-ab12" is not accepted (expected yyyymmddThhmmssZ-xxxx (UTC start time, then 4 lower-case hex digits), e.g. 20261127T203000Z-ab12)'],
    ['bootId', { bootId: '$(reboot)' }, 'bootId "$(reboot)" is not accepted (expected a lower-case UUID as in status.nodeInfo.bootID, e.g. 3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f)'],
  ])('a bad %s is named with its value and the accepted form', (_, bad, message) => {
    const error = errorOf(() => buildRebootHelper({ ...reboot, ...bad }));
    expect(error.message).toBe(`invalid helper pod input: ${message}`);
  });

  it.each([
    ['/var/run/../../etc/shadow'],
    ['var/run/reboot-required'],
    ['/var/run/reboot required'],
    ['/var/run/'],
    ['/'],
  ])('rejects the sentinel %j', (sentinel) => {
    const error = errorOf(() => buildCheckPod({ ...check, sentinel }));
    expect(error.problems).toEqual([{ field: 'sentinel', value: JSON.stringify(sentinel), accepted: expect.stringContaining('absolute path') }]);
  });

  it('reports every bad field at once, in a single line', () => {
    const error = errorOf(() => buildCheckPod({ namespace: 'NS', image: 'x y', node: 'a\nb', runId: 'now', sentinel: 'rel' }));
    expect(error.problems.map((p) => p.field)).toEqual(['namespace', 'node', 'image', 'runId', 'sentinel']);
    expect(error.message).toContain('node "a\\nb" is not accepted');
    expect(error.message).not.toContain('\n');
  });

  it('truncates long values and says how long they were', () => {
    const error = errorOf(() => buildRebootHelper({ ...reboot, node: `${'x'.repeat(10_000)}"` }));
    expect(error.problems[0]!.value).toBe(`${JSON.stringify('x'.repeat(64))}… (10001 characters)`);
    expect(error.message.length).toBeLessThan(400);
  });

  it.each([
    ['a line separator', 'a\u2028b', '"a\\u2028b"'],
    ['a bidi override', 'a\u202eb', '"a\\u202eb"'],
    ['a next-line and an accent', '\u0085é', '"\\u0085\\u00e9"'],
    ['an emoji', '🙂', '"\\ud83d\\ude42"'],
  ])('quotes %s as printable ASCII', (_, node, quoted) => {
    const error = errorOf(() => buildRebootHelper({ ...reboot, node }));
    expect(error.problems[0]!.value).toBe(quoted);
    expect(JSON.parse(quoted)).toBe(node);
  });

  it('rejects values that are not strings, as JSON input may carry', () => {
    const error = errorOf(() => buildRebootHelper({ ...reboot, bootId: 42, node: undefined } as unknown as RebootHelperInput));
    expect(error.problems.map((p) => [p.field, p.value])).toEqual([['node', 'undefined'], ['bootId', '42 (a number)']]);
  });

  it('never splices the boot id into the script', () => {
    const command = (buildRebootHelper(reboot).spec as { containers: [{ command: string[] }] }).containers[0].command;
    expect(command[4]).toBe(REBOOT_SCRIPT);
    expect(command[4]).not.toContain(BOOT_ID);
  });
});
