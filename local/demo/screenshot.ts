// `npm run docs:screenshot`: runs the seed demo, opens its HTML report in headless Chromium and
// saves the page as docs/demo-report.png (the picture README.md shows).
import './standIn';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkReportPage, chromiumAvailable, CHROMIUM_PATH } from './chromium';
import { runDemo } from './run';

const ROOT = path.resolve(__dirname, '../..');
const TARGET = path.join(ROOT, 'docs/demo-report.png');

async function main(): Promise<number> {
  if (!chromiumAvailable()) {
    process.stderr.write(`docs:screenshot: no Chromium at ${CHROMIUM_PATH}; install it (apt-get install -y chromium) or set CHROMIUM_PATH\n`);
    return 1;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-screenshot-'));
  try {
    const html = path.join(dir, 'seed.html');
    let output = '';
    const code = await runDemo(['--report-html', html], {
      stdout: { write: (t: string) => { output += t; } },
      stderr: process.stderr,
      env: { CI: '1' },
      interrupted: () => new Promise<void>(() => undefined),
    });
    if (code !== 0) {
      process.stderr.write(`${output.slice(-3000)}\ndocs:screenshot: the seed demo exited ${code}; no screenshot taken\n`);
      return 1;
    }
    const page = await checkReportPage(html, { screenshot: TARGET, width: 1200 });
    const problems = [...page.consoleErrors, ...page.pageErrors, ...page.failedRequests, ...page.requests.map((r) => `unexpected request ${r}`)];
    if (!page.rendered || problems.length > 0) {
      process.stderr.write(`docs:screenshot: the report did not render cleanly: ${problems.join('; ') || 'no chart'}\n`);
      return 1;
    }
    process.stdout.write(`wrote ${path.relative(process.cwd(), TARGET)}\n`);
    return 0;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => { process.exitCode = code; setTimeout(() => process.exit(code), 2000).unref(); },
  (error: unknown) => { process.stderr.write(`docs:screenshot: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`); process.exitCode = 1; },
);
