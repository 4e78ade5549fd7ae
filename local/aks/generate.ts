// Generates large, realistic clusters deterministically from a seed: a system pool with the
// usual add-ons, user pools spread over zones, DaemonSets on every node, and a workload mix
// of Deployments and StatefulSets with anti-affinity, zone spread, PDBs, slow and fast
// startups. `tsx local/aks/generate.ts --nodes 1000 --pools 5 --zones 3 --seed 1` prints one.
import { Prng } from './cluster/prng';
import type { Scenario, ScenarioPdb, ScenarioPoolSpec, ScenarioWorkload } from './scenario';
import { DEFAULT_RBAC } from './kubeAccess';

export interface GenerateOptions {
  nodes: number;
  pools?: number;
  zones?: number;
  seed?: number;
  name?: string;
  /** Fraction of nodes whose sentinel is set (default 1: all). */
  rebootFraction?: number;
  /** Average pods per node the workload mix aims at (default 8). */
  podsPerNode?: number;
}

export function generateScenario(options: GenerateOptions): Scenario {
  const seed = options.seed ?? 1;
  const prng = new Prng(seed);
  const zones = Array.from({ length: Math.max(0, Math.min(options.zones ?? 3, 3)) }, (_, i) => String(i + 1));
  const poolCount = Math.max(1, options.pools ?? 3);
  const total = Math.max(poolCount, options.nodes);
  const systemCount = poolCount === 1 ? total : Math.max(2, Math.min(10, Math.round(total * 0.05)));
  const userTotal = total - (poolCount === 1 ? 0 : systemCount);
  const pools: ScenarioPoolSpec[] = [{ name: 'system', mode: 'System', count: systemCount, zones, rebootSeconds: 90 + prng.int(60), vmSize: 'Standard_D4s_v5', maxPods: 110 }];
  for (let i = 1; i < poolCount; i++) {
    const count = Math.floor(userTotal / (poolCount - 1)) + (i <= userTotal % (poolCount - 1) ? 1 : 0);
    pools.push({ name: `user${i}`, mode: 'User', count, zones, rebootSeconds: 90 + prng.int(90), vmSize: prng.next() < 0.5 ? 'Standard_D8s_v5' : 'Standard_E8s_v5', maxPods: 110 });
  }

  const workloads: ScenarioWorkload[] = [
    { name: 'coredns', kind: 'Deployment', namespace: 'kube-system', replicas: 2, pool: 'system', antiAffinity: 'hostname', startupSeconds: 15, graceSeconds: 30, pdb: { maxUnavailable: 1 } },
    { name: 'metrics-server', kind: 'Deployment', namespace: 'kube-system', replicas: 2, pool: 'system', antiAffinity: 'hostname', startupSeconds: 30, graceSeconds: 30, pdb: { minAvailable: 1 } },
    { name: 'konnectivity-agent', kind: 'Deployment', namespace: 'kube-system', replicas: 2, pool: 'system', startupSeconds: 10, graceSeconds: 30, pdb: { maxUnavailable: 1 } },
    { name: 'kube-proxy', kind: 'DaemonSet', namespace: 'kube-system', startupSeconds: 5, graceSeconds: 30 },
    { name: 'azure-cns', kind: 'DaemonSet', namespace: 'kube-system', startupSeconds: 10, graceSeconds: 30 },
    { name: 'log-agent', kind: 'DaemonSet', namespace: 'monitoring', startupSeconds: 20, graceSeconds: 10 },
  ];

  const teams = Math.max(1, Math.min(20, Math.ceil(userTotal / 50)));
  const targetPods = userTotal * (options.podsPerNode ?? 8);
  const user = pools.filter((p) => p.mode === 'User');
  let placed = 0;
  for (let i = 0; placed < targetPods && user.length; i++) {
    const pool = user[i % user.length]!;
    const stateful = prng.next() < 0.15;
    const replicas = stateful ? 3 : [2, 2, 3, 3, 4, 6, 8][prng.int(7)]!;
    const affinityRoll = prng.next();
    const antiAffinity = stateful && zones.length >= 3 ? 'zone' : affinityRoll < 0.4 && replicas <= pool.count ? 'hostname' : undefined;
    const pdbRoll = prng.next();
    const pdb: ScenarioPdb | undefined = pdbRoll < 0.35 ? { minAvailable: replicas - 1 } : pdbRoll < 0.6 ? { maxUnavailable: 1 } : pdbRoll < 0.7 ? { maxUnavailable: '25%' } : undefined;
    workloads.push({
      name: `${stateful ? 'db' : 'app'}-${i}`,
      kind: stateful ? 'StatefulSet' : 'Deployment',
      namespace: `team-${i % teams}`,
      replicas,
      pool: pool.name,
      ...(antiAffinity ? { antiAffinity } : {}),
      ...(!antiAffinity && zones.length > 1 && prng.next() < 0.3 ? { zoneSpread: true } : {}),
      startupSeconds: [5, 10, 20, 30, 60, 120, 240][prng.int(7)]!,
      graceSeconds: [10, 30, 30, 30, 60, 90][prng.int(6)]!,
      ...(prng.next() < 0.1 ? { emptyDir: true } : {}),
      ...(pdb ? { pdb } : {}),
    });
    placed += replicas;
  }

  const rebootFraction = options.rebootFraction ?? 1;
  return {
    name: options.name ?? `generated-${total}n-${poolCount}p-${zones.length}z-s${seed}`,
    description: `Generated: ${total} nodes in ${poolCount} pools over ${zones.length} zone(s), ${workloads.length} workloads (seed ${seed}).`,
    seed,
    startTime: '2026-01-05T02:00:00Z',
    cluster: {
      subscriptionId: '00000000-0000-4000-8000-00000000000a',
      resourceGroup: 'rg-generated',
      name: `aks-gen-${total}`,
      location: 'westeurope',
      kubernetesVersion: '1.32.4',
      entraEnabled: true,
      rbac: DEFAULT_RBAC,
      nodeOsUpgradeChannel: 'Unmanaged',
      runCommandStartSeconds: 20,
    },
    pools,
    rebootRequired: rebootFraction >= 1 ? 'all' : { count: Math.round(total * rebootFraction) },
    workloads,
  };
}

function flag(args: string[], name: string): number | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : undefined;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const nodes = flag(args, 'nodes');
  if (!nodes || !Number.isInteger(nodes) || nodes < 1) {
    process.stderr.write('usage: generate.ts --nodes N [--pools P] [--zones Z] [--seed S] [--reboot-fraction F]\n');
    process.exit(2);
  }
  const scenario = generateScenario({ nodes, pools: flag(args, 'pools'), zones: flag(args, 'zones'), seed: flag(args, 'seed'), rebootFraction: flag(args, 'reboot-fraction') });
  process.stdout.write(`${JSON.stringify(scenario, null, 2)}\n`);
}
