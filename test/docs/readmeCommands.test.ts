// README.md tried as a new user would: every command block marked runnable (see
// runnableBlocks.ts) is run as written, from the repository's root, and must succeed. Blocks
// marked `with-demo-http` run while `npm run demo -- --http` serves the API, started the way the
// README says, with BASE and KEY taken from what the demo prints. The setup commands at the top
// are not marked: CI runs them itself.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoHttp, type DemoHttp } from './demoHttp';
import { findRunnableBlocks, type RunnableBlock } from './runnableBlocks';
import { README } from './settingsDoc';
import { runShell, tail } from './shell';

const readme = readFileSync(README, 'utf8');
const parsed = findRunnableBlocks(readme);
const blocks = parsed.ok ? parsed.blocks : [];
const plainBlocks = blocks.filter((b) => b.need === 'none');
const httpBlocks = blocks.filter((b) => b.need === 'demo-http');

/** The demo command the README tells a person to start for the API examples; started here as written. */
const DEMO_HTTP_ARGS = ['--http', '--speed', '60'];
const BLOCK_TIMEOUT_MS = 120_000;
const DEMO_TIMEOUT_MS = 150_000;

const label = (b: RunnableBlock) => `README.md line ${b.line}: ${b.code.split('\n').find((l) => l.trim() !== '' && !l.startsWith('#'))}`;

async function runBlock(block: RunnableBlock, env: Record<string, string> = {}) {
  const result = await runShell(block.code, { env, timeoutMs: BLOCK_TIMEOUT_MS });
  const what = `${label(block)}\n--- stdout\n${tail(result.stdout)}\n--- stderr\n${tail(result.stderr)}`;
  expect(result.timedOut, `timed out after ${BLOCK_TIMEOUT_MS} ms: ${what}`).toBe(false);
  expect(result.code, `exit code ${result.code}: ${what}`).toBe(0);
  return result;
}

/** Each curl of a block prints one JSON answer on its own line (the blocks echo a newline after each). */
function jsonAnswers(block: RunnableBlock, stdout: string): Array<Record<string, unknown>> {
  const answers = stdout.split('\n').filter((l) => l.trim() !== '').map((line) => {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new Error(`${label(block)}: an answer is not JSON: ${line.slice(0, 300)}`);
    }
  });
  expect(answers, `${label(block)}: one answer per curl`).toHaveLength(block.code.match(/\bcurl\b/g)?.length ?? 0);
  return answers;
}

const errorCode = (answer: Record<string, unknown>) => (answer.error as { code?: string } | undefined)?.code;

describe('README.md, tried as a new user would', () => {
  let demo: Promise<DemoHttp> | undefined;

  // Started before the plain blocks run, so that its real-time rollout overlaps them.
  beforeAll(() => {
    if (httpBlocks.length === 0) return;
    demo = startDemoHttp(DEMO_HTTP_ARGS, DEMO_TIMEOUT_MS);
    demo.catch(() => undefined);
  });
  afterAll(async () => {
    await (await demo?.catch(() => undefined))?.stop();
  }, 20_000);

  it('marks its runnable blocks well', () => {
    expect(parsed.ok ? [] : parsed.problems).toEqual([]);
    expect(plainBlocks.length).toBeGreaterThan(0);
    expect(httpBlocks.length).toBeGreaterThan(0);
    expect(httpBlocks.some(startsRun), 'a block starts a run, so the start is tried').toBe(true);
  });

  it('keeps the setup commands for CI and never runs the test suite from itself', () => {
    expect(readme.split('\n').slice(0, 8).join('\n')).toMatch(/npm ci && npm run demo[\s\S]*npm ci && npm test/);
    for (const b of blocks) expect(b.code, label(b)).not.toMatch(/\bnpm (ci|test|install|run test)\b|\bnpx vitest\b/);
  });

  it('tells how to start the API its examples run against, as this test starts it', () => {
    expect(readme).toContain(`npm run demo -- ${DEMO_HTTP_ARGS.join(' ')}`);
  });

  for (const block of plainBlocks) {
    it(`runs ${label(block)}`, async () => {
      await runBlock(block);
    }, BLOCK_TIMEOUT_MS + 10_000);
  }

  describe('with the API of npm run demo -- --http', () => {
    let api: DemoHttp;
    beforeAll(async () => {
      api = await demo!;
      // The examples start runs of their own: the demo's rollout must be over (as the README says).
      await api.runOver;
    }, DEMO_TIMEOUT_MS + 10_000);

    for (const block of httpBlocks) {
      it(`runs ${label(block)}`, async () => {
        const result = await runBlock(block, { BASE: api.base, KEY: api.key });
        const answers = jsonAnswers(block, result.stdout);
        for (const answer of answers) {
          expect(['InternalError', 'InvalidSettings', 'PlanFailed', 'NotFound', 'Unauthorized'], `${label(block)}: ${JSON.stringify(answer).slice(0, 500)}`).not.toContain(errorCode(answer));
        }
        const started = answers.find((a) => typeof a.runId === 'string' && a.requestedBy !== undefined && a.request !== undefined);
        // A block that starts a run must really start one: a 409 would skip the rest unseen.
        if (startsRun(block)) {
          expect(answers.map(errorCode), `${label(block)}: the start was refused`).not.toContain('RunInProgress');
          expect(started, `${label(block)}: no run was started`).toBeDefined();
        }
        if (started) await expectRunToEnd(api, String(started.runId), answers);
      }, BLOCK_TIMEOUT_MS + 70_000);
    }
  });
});

/** Whether a block POSTs a start (`…/reboots`, not `…/reboots/current/<action>`). */
function startsRun(block: RunnableBlock): boolean {
  return block.code.split(/\bcurl\b/).some((call) => /-X POST/.test(call) && /\/api\/clusters\/[^/"\s]+\/reboots"/.test(call));
}

/** A run a block started ends; if the block's cancel was acknowledged, it ends cancelled. */
async function expectRunToEnd(api: DemoHttp, runId: string, answers: Array<Record<string, unknown>>) {
  const cancelHeard = answers.some((a) => a.action === 'cancel' && a.acknowledged === true && a.runId === runId);
  let run: { runtimeStatus?: string; output?: { outcome?: string } } = {};
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
    const response = await fetch(`${api.base}/api/clusters/seed/reboots/${runId}`, { headers: { 'x-functions-key': api.key } });
    run = (await response.json()) as typeof run;
    if (run.runtimeStatus !== 'Running' && run.runtimeStatus !== 'Pending') break;
  }
  expect(run.runtimeStatus, `run ${runId} did not finish: ${JSON.stringify(run).slice(0, 500)}`).toBe('Completed');
  if (cancelHeard) expect(run.output?.outcome, `run ${runId} acknowledged the cancel`).toBe('cancelled');
}
