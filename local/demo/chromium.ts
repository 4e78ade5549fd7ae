// Opens an HTML report in headless Chromium (Debian's `chromium` through playwright-core) and
// says whether its charts rendered: every console error, page error and request that went out
// or failed is collected, since the page must work with no network at all.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export interface PageCheck {
  /** Both charts were built and the page said it finished (body[data-rendered]). */
  rendered: boolean;
  charts: { id: string; datasets: number; points: number; width: number; height: number; inkPixels: number }[];
  consoleErrors: string[];
  pageErrors: string[];
  /** Requests other than the report file itself (none expected: it is self-contained). */
  requests: string[];
  failedRequests: string[];
  tables: { nodes: number; workloads: number };
}

// Run in the page (strings: this project's TypeScript has no DOM types).
const CHART_PROBE = `(window.demoCharts || []).map((chart) => {
  const canvas = chart.canvas;
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let ink = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) ink++;
  return { id: canvas.id, datasets: chart.data.datasets.length, points: chart.data.datasets.reduce((n, d) => n + d.data.length, 0), width: canvas.width, height: canvas.height, inkPixels: ink };
})`;
const TABLE_PROBE = `({ nodes: document.querySelectorAll('#nodes tbody tr').length, workloads: document.querySelectorAll('#workloads tbody tr').length })`;

export function chromiumAvailable(): boolean {
  return fs.existsSync(CHROMIUM_PATH);
}

/** Loads `htmlFile`, checks it and, when `screenshot` is given, writes a full-page PNG there. */
export async function checkReportPage(htmlFile: string, options: { screenshot?: string; width?: number } = {}): Promise<PageCheck> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-chromium-'));
  // A fresh profile each time (playwright passes it to Chromium as --user-data-dir).
  const browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, args: ARGS, headless: true, viewport: { width: options.width ?? 1280, height: 900 } });
  try {
    const page = browser.pages()[0] ?? (await browser.newPage());
    const check: PageCheck = { rendered: false, charts: [], consoleErrors: [], pageErrors: [], requests: [], failedRequests: [], tables: { nodes: 0, workloads: 0 } };
    const url = pathToFileURL(path.resolve(htmlFile)).href;
    page.on('console', (m) => { if (m.type() === 'error') check.consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => check.pageErrors.push(e.message));
    page.on('request', (r) => { if (r.url() !== url) check.requests.push(r.url()); });
    page.on('requestfailed', (r) => check.failedRequests.push(`${r.url()}: ${r.failure()?.errorText ?? ''}`));
    await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
    await page.waitForSelector('body[data-rendered="true"]', { timeout: 10_000 }).catch(() => undefined);
    check.rendered = (await page.getAttribute('body', 'data-rendered')) === 'true';
    check.charts = await page.evaluate<PageCheck['charts']>(CHART_PROBE);
    check.tables = await page.evaluate<PageCheck['tables']>(TABLE_PROBE);
    if (options.screenshot) {
      fs.mkdirSync(path.dirname(options.screenshot), { recursive: true });
      await page.screenshot({ path: options.screenshot, fullPage: true });
    }
    return check;
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}
