/**
 * The report in a real headless Chromium (Debian's /usr/bin/chromium through playwright-core): every chart
 * canvas holds a Chart.js chart that drew something, the page logs no errors and asks the network for nothing,
 * and corpus text with HTML in it stays text. The full page is kept as a screenshot in
 * .cache/test-artifacts/report.png (and report-empty.png), with the HTML beside it, to look at.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { access, mkdir, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PAPER_MIX } from '../../../common/config.ts';
import { generateReport } from '../../../report/index.ts';
import { tempDataDir } from '../../unit/corpus/fixtures.ts';
import { HOSTILE_INSTRUCTION, HOSTILE_RESPONSE, writeFixture } from '../../unit/report/fixture.ts';
import { CANVAS_PROBE, FRAMES_PROBE, HEIGHT_PROBE, isCanvasProbes, PWNED_PROBE, WIDTH_PROBE, type CanvasProbe } from './probes.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../../.cache/test-artifacts/', import.meta.url));
const found = await access(CHROMIUM).then(() => true, () => false);

interface Opened {
  page: Page;
  errors: string[];
  requests: string[];
  close(): Promise<void>;
}

async function open(browser: Browser, file: string): Promise<Opened> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  const url = pathToFileURL(file).href;
  page.on('request', (r) => {
    if (r.url() !== url) requests.push(r.url());
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, errors, requests, close: () => context.close() };
}

async function canvases(page: Page): Promise<CanvasProbe[]> {
  const got: unknown = await page.evaluate(CANVAS_PROBE);
  assert.ok(isCanvasProbes(got), `canvas probe answered ${JSON.stringify(got)}`);
  return got;
}

test('the report renders every chart in headless Chromium, offline, with corpus HTML kept as text', { skip: found ? false : `${CHROMIUM} is not installed` }, async (t) => {
  const dir = await tempDataDir(t);
  const facts = await writeFixture(dir);
  const out = join(dir, 'report.html');
  const report = await generateReport({ dataDir: dir, out, mix: PAPER_MIX });
  assert.ok(report.bytes > 200_000, 'Chart.js is inlined');

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  t.after(() => browser.close());
  const { page, errors, requests, close } = await open(browser, out);

  const drawn = await canvases(page);
  const metrics = new Set(facts.results.filter((r) => r.metric !== 'rating').map((r) => r.metric));
  const expected = ['mix-sources', 'mix-modes', 'length-means', 'length-instruction', 'length-response', 'drops-time', 'drops-reason',
    'dead-time', 'dead-reason', 'teacher-requests', 'teacher-spend', 'diversity-ratios', 'leading-words', 'training-loss', 'ratings',
    ...[...metrics].map(() => 'eval-results')]; // one results chart per metric
  assert.deepEqual(drawn.map((c) => c.name).sort(), [...expected].sort(), 'one canvas per chart');
  for (const c of drawn) {
    assert.ok(c.chart, `${c.name}: a Chart.js chart`);
    assert.ok(c.width > 100 && c.height > 100, `${c.name}: sized ${c.width}x${c.height}`);
    assert.ok(c.painted > 0.02 * c.width * c.height, `${c.name}: drew ${c.painted} pixels of ${c.width * c.height}`);
    assert.ok(c.points > 0, `${c.name}: has data points`);
  }

  // Corpus HTML is text: no script ran, no image element came from it, and the sample table shows it verbatim.
  assert.equal(await page.evaluate(PWNED_PROBE), 'undefined', 'no corpus text ran as script');
  assert.equal(await page.locator('img').count(), 0);
  const samples = await page.locator('#samples').innerText();
  assert.ok(samples.includes(HOSTILE_INSTRUCTION), 'the hostile instruction shows as text');
  assert.ok(samples.includes(HOSTILE_RESPONSE), 'and so does its response');

  assert.deepEqual(errors, [], 'no console errors or warnings');
  assert.deepEqual(requests, [], 'no network requests');

  await mkdir(ARTIFACTS, { recursive: true });
  // Grow the window to the whole page and let Chart.js follow the resize (it redraws on the next frames), then
  // capture: the screenshot is what a reader scrolling the page sees. No chart may push the page wider than the
  // window after a resize (a grid column growing to its canvas's width did once, in a full-page capture).
  await page.setViewportSize({ width: 1400, height: Math.min(16_000, Number(await page.evaluate(HEIGHT_PROBE))) });
  await page.evaluate(FRAMES_PROBE);
  assert.equal(await page.evaluate(WIDTH_PROBE), true, 'the page is no wider than the window after a resize');
  assert.deepEqual((await canvases(page)).filter((c) => c.painted === 0).map((c) => c.name), [], 'every chart redrawn after the resize');
  await page.screenshot({ path: join(ARTIFACTS, 'report.png') });
  await copyFile(out, join(ARTIFACTS, 'report.html'));
  await close();
});

test('an empty data dir gives a page of explanations and no canvases, still without errors', { skip: found ? false : `${CHROMIUM} is not installed` }, async (t) => {
  const dir = await tempDataDir(t);
  const out = join(dir, 'empty.html');
  await generateReport({ dataDir: dir, out, mix: PAPER_MIX });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  t.after(() => browser.close());
  const { page, errors, requests, close } = await open(browser, out);
  assert.deepEqual(await canvases(page), []);
  const notes = await page.locator('p.empty').allInnerTexts();
  assert.ok(notes.some((n) => n.includes('lamini run')), 'says how to grow the corpus');
  assert.ok(notes.some((n) => n.includes('lamini train')), 'says how to get loss curves');
  assert.ok(notes.some((n) => n.includes('lamini eval')), 'says how to get evaluation results');
  assert.deepEqual(errors, []);
  assert.deepEqual(requests, []);
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'report-empty.png'), fullPage: true });
  await close();
});
