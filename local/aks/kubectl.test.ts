// A client no one here wrote: kubectl 1.32 against the simulator in real-time mode (x25), and
// the run-command interpreter checked against it. REQUIRE_KUBECTL=1 (set by .ci/run) turns a
// missing kubectl into a failure instead of a skip.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContainerServiceClient } from '@azure/arm-containerservice';
import { createRealTimeClock, type RealTimeClock } from '../clock';
import { AKS_SCOPE, startSimulator, zipCommandContext, type Simulator } from './index';
import { bundledScenarioPath, loadScenario, scenarioStartMs } from './scenario';
import { REBOOT_HELPER_COMMAND, REBOOT_HELPER_FILE, rebootHelperManifest, rebootHelperName } from './fixtures/rebootHelper';
import type { Node, Pod } from './cluster/types';

const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';
const available = existsSync(KUBECTL);
const required = process.env.REQUIRE_KUBECTL === '1';
const SPEED = 25;
const SKIPPED = available ? '' : ` [skipped: kubectl not found at ${KUBECTL}; REQUIRE_KUBECTL=1 makes this a failure]`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

interface Rig {
  sim: Simulator;
  clock: RealTimeClock;
  dir: string;
  kubectl(args: string[], timeoutMs?: number): Promise<Run>;
}

async function startRig(): Promise<Rig> {
  const scenario = loadScenario(bundledScenarioPath('seed'));
  // kubectl's semantics, not RBAC: the run-command side signs in as the app (its clusterToken)
  // and creates where the app may not, to compare answers with kubectl's (kubeAccess.test.ts checks RBAC).
  delete scenario.cluster.rbac;
  const clock = createRealTimeClock({ start: scenarioStartMs(scenario), speed: SPEED });
  const sim = await startSimulator(scenario, clock);
  const dir = mkdtempSync(join(tmpdir(), 'kubectl-sim-'));
  writeFileSync(join(dir, 'kubeconfig'), sim.kubeconfigYaml(), { mode: 0o600 });
  const kubectl = (args: string[], timeoutMs = 30_000) => new Promise<Run>((resolve) => {
    execFile(KUBECTL, args, {
      cwd: dir, timeout: timeoutMs,
      env: { PATH: process.env.PATH, HOME: dir, KUBECONFIG: join(dir, 'kubeconfig'), KUBECACHEDIR: join(dir, 'cache') },
    }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
  return { sim, clock, dir, kubectl };
}

async function stopRig(rig: Rig | undefined): Promise<void> {
  if (!rig) return;
  rig.clock.stop();
  await rig.sim.stop();
  rmSync(rig.dir, { recursive: true, force: true });
}

/** Polls the model (real time passes, the clock runs by itself) until `check` holds, bounded. */
async function waitFor(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const nodeOf = (sim: Simulator, name: string) => sim.cluster.node(name) as Node;
const isReady = (pod: Pod) => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
const javaPods = (sim: Simulator) => sim.cluster.pods('shop').filter((p) => p.metadata.labels?.app === 'java-app');

describe.runIf(required)('REQUIRE_KUBECTL=1', () => {
  it('kubectl must be installed', () => {
    expect(available, `kubectl not found at ${KUBECTL}; install kubectl 1.32 or unset REQUIRE_KUBECTL`).toBe(true);
  });
});

describe.skipIf(!available)(`kubectl 1.32 against the simulator (real-time clock x${SPEED})${SKIPPED}`, () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig();
  });
  afterAll(async () => {
    await stopRig(rig);
  });

  it('kubectl get nodes lists the six seed nodes, Ready, with the server-side table', async () => {
    const run = await rig.kubectl(['get', 'nodes']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 2))).toEqual(
      rig.sim.cluster.nodeNames().sort().map((n) => [n, 'Ready']),
    );
  });

  it('kubectl cordon marks the node unschedulable', async () => {
    const node = rig.sim.cluster.nodeNames('system')[0]!;
    const run = await rig.kubectl(['cordon', node]);
    expect(run).toMatchObject({ code: 0, stdout: `node/${node} cordoned\n` });
    expect(nodeOf(rig.sim, node).spec.unschedulable).toBe(true);
    expect((await rig.kubectl(['uncordon', node])).stdout).toBe(`node/${node} uncordoned\n`);
  });

  it('kubectl drain retries the PDB refusal (429) while another java-app pod is not Ready, then finishes', async () => {
    const [drained, other] = rig.sim.cluster.nodeNames('user');
    const otherPod = javaPods(rig.sim).find((p) => p.spec.nodeName === other)!;
    expect((await rig.kubectl(['delete', 'pod', '-n', 'shop', otherPod.metadata.name, '--wait=false'])).code).toBe(0);
    await waitFor(() => javaPods(rig.sim).filter(isReady).length === 3);

    const run = await rig.kubectl(['drain', drained!, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=90s'], 120_000);
    expect(run.stderr).toMatch(/error when evicting pods\/"java-app-[a-z0-9-]+" -n "shop" \(will retry after 5s\): Cannot evict pod as it would violate the pod's disruption budget\./);
    expect(run.stdout).toContain(`node/${drained} cordoned`);
    expect(run.stderr).toMatch(/Warning: ignoring DaemonSet-managed Pods: kube-system\/node-agent-/);
    expect(run.stdout).toContain(`node/${drained} drained`);
    expect(run.code).toBe(0);
    expect(rig.sim.cluster.podsOnNode(drained!).filter((p) => p.metadata.namespace === 'shop')).toEqual([]);
    expect(javaPods(rig.sim).filter(isReady).length).toBeGreaterThanOrEqual(3);
    // The simulator saw what kubectl printed: at least one 429 refusal, then the evictions.
    const { evictions } = rig.sim.recorder.summary();
    expect(evictions.byStatus['429']).toBeGreaterThanOrEqual(1);
    expect(evictions.byStatus['201']).toBeGreaterThanOrEqual(1);
  });
});

describe.skipIf(!available)(`the run-command interpreter agrees with kubectl create --validate=false -f${SKIPPED}`, () => {
  let viaKubectl: Rig;
  let viaRunCommand: Rig;
  let arm: ContainerServiceClient;
  beforeAll(async () => {
    [viaKubectl, viaRunCommand] = await Promise.all([startRig(), startRig()]);
    arm = new ContainerServiceClient(viaRunCommand.sim.credential, viaRunCommand.sim.subscriptionId, {
      endpoint: viaRunCommand.sim.armEndpoint, tlsOptions: { ca: viaRunCommand.sim.caPem },
    });
  });
  afterAll(async () => {
    await Promise.all([stopRig(viaKubectl), stopRig(viaRunCommand)]);
  });

  const runCommand = async (files: Record<string, string>, command = REBOOT_HELPER_COMMAND, token?: string) => {
    const clusterToken = token ?? (await viaRunCommand.sim.credential.getToken(AKS_SCOPE)).token;
    const context = Object.keys(files).length ? zipCommandContext(files) : undefined;
    return arm.managedClusters.beginRunCommandAndWait(
      viaRunCommand.sim.resourceGroup, viaRunCommand.sim.clusterName, { command, context, clusterToken }, { updateIntervalInMs: 20 },
    );
  };
  const kubectlCreate = (content: string | undefined) => {
    if (content !== undefined) writeFileSync(join(viaKubectl.dir, REBOOT_HELPER_FILE), content);
    else rmSync(join(viaKubectl.dir, REBOOT_HELPER_FILE), { force: true });
    return viaKubectl.kubectl(REBOOT_HELPER_COMMAND.split(' ').slice(1));
  };

  it('creates the same reboot helper pod, which reboots the node once; a second create is AlreadyExists both ways', async () => {
    // Same scenario and seed: both simulators have the same node names and boot ids.
    const node = viaKubectl.sim.cluster.nodeNames('user')[2]!;
    const bootId = nodeOf(viaKubectl.sim, node).status.nodeInfo!.bootID!;
    expect(nodeOf(viaRunCommand.sim, node).status.nodeInfo!.bootID).toBe(bootId);
    const manifest = rebootHelperManifest(node, bootId);
    const helper = rebootHelperName(node, bootId);

    const byKubectl = await kubectlCreate(manifest);
    const byRunCommand = await runCommand({ [REBOOT_HELPER_FILE]: manifest });
    expect(byKubectl).toEqual({ code: 0, stdout: `pod/${helper} created\n`, stderr: '' });
    expect(byRunCommand).toMatchObject({ provisioningState: 'Succeeded', exitCode: byKubectl.code, logs: byKubectl.stdout });

    const shape = (sim: Simulator) => {
      const pod = sim.cluster.pod('aks-reboot-orchestrator', helper)!;
      const container = pod.spec.containers[0]!;
      const hostMount = container.volumeMounts?.find((m) => m.mountPath === '/host');
      return {
        name: pod.metadata.name, labels: pod.metadata.labels, nodeName: pod.spec.nodeName, hostPID: pod.spec.hostPID,
        privileged: container.securityContext?.privileged, command: container.command,
        hostVolume: pod.spec.volumes?.find((v) => v.name === hostMount?.name)?.hostPath?.path,
      };
    };
    expect(shape(viaRunCommand.sim)).toEqual(shape(viaKubectl.sim));
    expect(shape(viaKubectl.sim)).toMatchObject({ nodeName: node, hostPID: true, privileged: true, hostVolume: '/', labels: { 'aks-reboot-orchestrator/role': 'reboot' } });

    for (const sim of [viaKubectl.sim, viaRunCommand.sim]) {
      await waitFor(() => {
        const n = nodeOf(sim, node);
        return n.status.nodeInfo!.bootID !== bootId && n.status.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
      });
    }
    expect(viaKubectl.sim.cluster.nodeRuntime(node)!.rebootCount).toBe(1);
    expect(viaRunCommand.sim.cluster.nodeRuntime(node)!.rebootCount).toBe(1);

    const secondByKubectl = await kubectlCreate(manifest);
    const secondByRunCommand = await runCommand({ [REBOOT_HELPER_FILE]: manifest });
    expect(secondByKubectl).toEqual({
      code: 1, stdout: '',
      stderr: `Error from server (AlreadyExists): error when creating "${REBOOT_HELPER_FILE}": pods "${helper}" already exists\n`,
    });
    expect(secondByRunCommand).toMatchObject({ exitCode: 1, logs: secondByKubectl.stderr });
    expect(viaKubectl.sim.cluster.nodeRuntime(node)!.rebootCount).toBe(1);
    expect(viaRunCommand.sim.cluster.nodeRuntime(node)!.rebootCount).toBe(1);
  });

  it.each([
    ['no file at all', undefined],
    ['a manifest without a kind', 'apiVersion: v1\nmetadata:\n  name: x\n'],
    ['an empty file', ''],
    ['a YAML list instead of an object', '- a\n- b\n'],
    ['a kind the server does not serve', 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n'],
    ['a namespace that does not exist', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: nope\nspec:\n  containers:\n  - name: c\n    image: busybox\n'],
  ])('answers %s with kubectl\'s own message and exit code', async (_what, content) => {
    const byKubectl = await kubectlCreate(content);
    const byRunCommand = await runCommand(content === undefined ? {} : { [REBOOT_HELPER_FILE]: content });
    expect(byKubectl.code).not.toBe(0);
    expect(byRunCommand).toMatchObject({ exitCode: byKubectl.code, logs: byKubectl.stdout + byKubectl.stderr });
  });

  const pod = (name: string, namespace?: string) =>
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n${namespace ? `  namespace: ${namespace}\n` : ''}spec:\n  containers:\n  - name: c\n    image: busybox\n`;
  it.each([
    ['validation on, and the server serves no OpenAPI', 'create -f p.yaml', pod('v1')],
    ['-o name', 'create --validate=false -f p.yaml -o name', pod('o1')],
    ['--filename= and --namespace= into a namespace that does not exist', 'create --validate=false --filename=p.yaml --namespace=other', pod('n1')],
    ['-n that contradicts the object', 'create --validate=false -n other -f p.yaml', pod('n2', 'shop')],
    ['two documents in one file', 'create --validate=false -f p.yaml', `${pod('m1')}---\n${pod('m2')}`],
    ['a JSON manifest', "create '--validate=false' -f \"p.yaml\"", JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'j1' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } })],
    ['flags before the subcommand', '-n shop create --validate=false -f p.yaml', pod('s1')],
  ])('%s: same output and exit code', async (_what, args, content) => {
    writeFileSync(join(viaKubectl.dir, 'p.yaml'), content);
    const byKubectl = await viaKubectl.kubectl(args.split(' ').map((a) => a.replace(/^'(.*)'$|^"(.*)"$/, '$1$2')));
    const byRunCommand = await runCommand({ 'p.yaml': content }, `kubectl ${args}`);
    expect(byRunCommand).toMatchObject({ exitCode: byKubectl.code, logs: byKubectl.stdout + byKubectl.stderr });
  });

  it('a bad token: kubectl cannot map the object (the klog line aside, same text)', async () => {
    const badConfig = readFileSync(join(viaKubectl.dir, 'kubeconfig'), 'utf8').replace(/token: .*/, 'token: simtok.bad.bad');
    writeFileSync(join(viaKubectl.dir, 'bad-kubeconfig'), badConfig);
    writeFileSync(join(viaKubectl.dir, 'p.yaml'), pod('u1'));
    // A fresh discovery cache, like the command pod's: kubectl then fails at discovery, not at the POST.
    const byKubectl = await viaKubectl.kubectl(['--kubeconfig', join(viaKubectl.dir, 'bad-kubeconfig'), '--cache-dir', join(viaKubectl.dir, 'cold-cache'), 'create', '--validate=false', '-f', 'p.yaml']);
    const byRunCommand = await runCommand({ 'p.yaml': pod('u1') }, 'kubectl create --validate=false -f p.yaml', 'simtok.bad.bad');
    const withoutKlog = (text: string) => text.split('\n').filter((l) => !/^E\d{4} /.test(l)).join('\n');
    expect(byKubectl.code).toBe(1);
    expect(byRunCommand.exitCode).toBe(1);
    expect(withoutKlog(byRunCommand.logs!)).toBe(withoutKlog(byKubectl.stdout + byKubectl.stderr));
    expect(byRunCommand.logs).toMatch(/^E\d{4} \d\d:\d\d:\d\d\.\d{6} .*couldn't get current server API group list/m);
  });
});

describe.skipIf(!available)(`npm run sim (the CLI) serves kubectl until SIGINT${SKIPPED}`, () => {
  it('prints the endpoints and the kubeconfig path; kubectl reads the nodes through it; SIGINT stops it cleanly', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sim-cli-'));
    const child = spawn(process.execPath, [join(__dirname, '../../node_modules/tsx/dist/cli.mjs'), join(__dirname, 'cli.ts'), '--speed', '50', '--out', out], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let printed = '';
      child.stdout.on('data', (chunk: Buffer) => { printed += chunk.toString(); });
      child.stderr.on('data', (chunk: Buffer) => { printed += chunk.toString(); });
      await waitFor(() => printed.includes('Ctrl-C stops it.') || child.exitCode !== null, 60_000);
      expect(printed).toMatch(/ARM endpoint: +https:\/\/127\.0\.0\.1:\d+/);
      expect(printed).toContain('subscription:   00000000-0000-4000-8000-000000000001');
      expect(printed).toContain('/providers/Microsoft.ContainerService/managedClusters/aks-shop-prod');
      expect(printed).toContain(`kubeconfig:     ${join(out, 'kubeconfig')}`);
      const run = await new Promise<Run>((resolve) => execFile(KUBECTL, ['get', 'nodes', '-o', 'name'], {
        timeout: 30_000, env: { PATH: process.env.PATH, HOME: out, KUBECONFIG: join(out, 'kubeconfig') },
      }, (error, stdout, stderr) => resolve({ code: error ? -1 : 0, stdout, stderr })));
      expect(run.code).toBe(0);
      expect(run.stdout.trim().split('\n')).toHaveLength(6);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(out, { recursive: true, force: true });
    }
  }, 90_000);
});
