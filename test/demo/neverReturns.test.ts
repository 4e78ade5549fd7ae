// A node that never comes back from its reboot: the demo (run in-process, as `npm run demo`
// runs it) exits non-zero, and its report and summary say which node failed, at which step
// and why, and that it was left cordoned for an operator.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../local/aks/scenario';
import type { DemoReport } from '../../local/demo/report';
import { EXIT, runDemo } from '../../local/demo/run';
import { SEED_SCENARIO } from '../../local/stack';

describe('the demo with a node that never returns', () => {
  let dir: string;
  let code: number;
  let stdout = '';
  let stderr = '';
  let report: DemoReport;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-never-'));
    const scenario = structuredClone(loadScenario(SEED_SCENARIO));
    scenario.name = 'never-returns';
    scenario.faults = { nodesNeverReturn: [{ pool: 'user', index: 1 }] };
    fs.writeFileSync(path.join(dir, 'scenario.json'), JSON.stringify(scenario));
    code = await runDemo(['--scenario', path.join(dir, 'scenario.json'), '--set', 'REBOOT_TIMEOUT=5m', '--report-json', path.join(dir, 'report.json')], {
      stdout: { write: (t: string) => { stdout += t; } },
      stderr: { write: (t: string) => { stderr += t; } },
      env: { CI: '1' },
      interrupted: () => new Promise<void>(() => undefined),
    });
    report = JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8')) as DemoReport;
  }, 120_000);
  afterAll(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  it('exits 1: the run halted and a node was left cordoned', () => {
    expect(code, stderr).toBe(EXIT.problems);
    expect(report.outcome).toBe('halted');
  });

  it('names the node, the step and the reason in the report', () => {
    const failed = report.nodes.filter((n) => n.outcome === 'failed');
    expect(failed).toHaveLength(1);
    const node = failed[0]!;
    expect(node.name).toMatch(/^aks-user-\d+-vmss000001$/);
    expect(node).toMatchObject({ step: 'waiting-ready', leftCordoned: true, rebootCount: 1 });
    expect(node.reason).toMatch(/boot id unchanged|not Ready|did not/);
    expect(report.invariants.nodesLeftCordoned).toEqual([node.name]);
    expect(report.problems).toEqual(expect.arrayContaining([
      expect.stringContaining(`node ${node.name} failed at step waiting-ready`),
      `nodes left cordoned: ${node.name}`,
    ]));
    // The first user node was rebooted before it; the rest were never touched.
    expect(report.nodes.filter((n) => n.outcome === 'rebooted').map((n) => n.name)).toEqual([node.name.replace(/1$/, '0')]);
    expect(report.nodes.filter((n) => n.outcome === 'not-reached')).toHaveLength(4);
    expect(report.nodes.filter((n) => n.outcome === 'not-reached').every((n) => n.rebootCount === 0)).toBe(true);
  });

  it('says so in the summary', () => {
    expect(stdout).toMatch(/NOT OK \(exit 1\):/);
    expect(stdout).toMatch(/✗ nodes left cordoned: aks-user-\d+-vmss000001/);
    expect(stdout).toMatch(/at waiting-ready: /);
  });
});
