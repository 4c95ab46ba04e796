/**
 * `lamini rate` end to end in a real headless Chromium (playwright-core with Debian's chromium): two checkpoints
 * of a tiny student, three instructions; rate three answers, reload (the ratings are still there, the answers in
 * the same order), stop and start the command again (it resumes at the first unrated instruction and generates
 * nothing again), and the results store holds the three ratings, each on the checkpoint whose answer was shown.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { readResults } from '../../../eval/index.ts';
import { answersFile } from '../../../rate/index.ts';
import { lamini, startLamini, stopAll, type LaminiProcess } from '../../helpers/cli.ts';
import { waitFor } from '../../helpers/wait.ts';
import { trainTinyStudent } from '../serve/tiny-student.ts';

const CHROMIUM = '/usr/bin/chromium';
const INSTRUCTIONS = [
  { id: 'colours', instruction: 'Describe river stone in one sentence.' },
  { id: 'list', instruction: 'List three things found in a garden.' },
  { id: 'poem', instruction: 'Write a poem about', input: 'a copper lantern' },
];

let dir = '';
let dataDir = '';
let args: string[] = [];
let checkpoints: string[] = [];
let browser: Browser | undefined;
const running: LaminiProcess[] = [];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lamini-rate-test-'));
  const root = await trainTinyStudent(dir, { steps: 20, saveEvery: 10 });
  checkpoints = [join(root, 'checkpoint-10'), join(root, 'checkpoint-20')];
  const file = join(dir, 'user-oriented.jsonl');
  await writeFile(file, INSTRUCTIONS.map((i) => JSON.stringify(i)).join('\n') + '\n');
  dataDir = join(dir, 'data');
  args = ['rate', ...checkpoints.flatMap((c) => ['--checkpoint', c]), '--instructions', file, '--port', '0', '--rater', 'tester',
    '--data-dir', dataDir, '--backend', 'tensorflow', '--max-tokens', '24'];
});

after(async () => {
  await browser?.close();
  await stopAll(running);
  await rm(dir, { recursive: true, force: true });
});

async function startRate(): Promise<{ proc: LaminiProcess; url: string }> {
  const proc = startLamini(args);
  running.push(proc);
  const url = await waitFor(() => (/^http:\/\/127\.0\.0\.1:\d+\/$/m.exec(proc.stdout())?.[0]) ?? (!proc.running && Promise.reject(new Error(proc.stderr()))), {
    timeoutMs: 60_000, what: 'the rating page URL',
  });
  return { proc, url };
}

async function stop(proc: LaminiProcess): Promise<string> {
  proc.child.kill('SIGTERM');
  assert.equal(await proc.exited, 0, proc.stderr());
  return proc.stderr();
}

/** Waits until the page shows item `n` (1-based), drawn. */
async function shown(page: Page, n: number): Promise<void> {
  await page.waitForSelector(`body[data-ready="true"][data-item="${n}"]`);
}

async function answerTexts(page: Page): Promise<string[]> {
  return page.locator('.answer .text').allTextContents();
}

async function rate(page: Page, slot: number, grade: string): Promise<void> {
  await page.locator(`.answer[data-slot="${slot}"] button.rate[data-grade="${grade}"]`).click();
  await page.waitForSelector(`.answer[data-slot="${slot}"] button.rate[data-grade="${grade}"][aria-pressed="true"]`);
}

/** The pressed grade of each answer, in slot order (null: not rated). */
async function pressed(page: Page): Promise<Array<string | null>> {
  return page.locator('.answer').evaluateAll((boxes) =>
    boxes.map((box) => box.querySelector('button.rate[aria-pressed="true"]')?.getAttribute('data-grade') ?? null));
}

test('rate three answers in Chromium, reload, restart: the ratings stay, and the results store has them', { timeout: 300_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) {
    t.skip(`${CHROMIUM} is not installed (apt-get install chromium)`);
    return;
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const first = await startRate();
  const page = await browser.newPage();
  await page.goto(first.url);
  await shown(page, 1);
  assert.equal(await page.locator('#position').textContent(), 'Instruction 1 of 3');
  assert.equal(await page.locator('#instruction-text').textContent(), INSTRUCTIONS[0]?.instruction);
  assert.equal(await page.locator('.answer').count(), 2);
  const body = (await page.locator('body').textContent()) ?? '';
  assert.doesNotMatch(body, /checkpoint/, 'answers are not labelled with their student');
  assert.match(await page.locator('#legend').textContent() ?? '', /A.*valid and acceptable.*B.*minor.*C.*significant errors.*D.*irrelevant or invalid/is);
  const firstTexts = await answerTexts(page);

  await rate(page, 0, 'A');
  await rate(page, 1, 'C');
  await page.locator('#next').click();
  await shown(page, 2);
  const secondTexts = await answerTexts(page);
  await rate(page, 0, 'B');
  assert.match(await page.locator('#progress').textContent() ?? '', /^3 of 6 answers rated · 1 of 3 instructions done$/);

  // Reload: the same item (from the address), its rating, and the first item's ratings and order unchanged.
  await page.reload();
  await shown(page, 2);
  assert.deepEqual(await pressed(page), ['B', null]);
  assert.deepEqual(await answerTexts(page), secondTexts);
  await page.locator('#prev').click();
  await shown(page, 1);
  assert.deepEqual(await pressed(page), ['A', 'C']);
  assert.deepEqual(await answerTexts(page), firstTexts);
  // Visit the last item so every answer exists before the restart.
  await page.goto(`${first.url}#item-3`);
  await shown(page, 3);
  assert.match(await page.locator('#input-text').textContent() ?? '', /copper lantern/);
  const stderr1 = await stop(first.proc);
  assert.match(stderr1, /3 of 6 answers rated; 6 answer\(s\) generated this time/);

  // Start again: it resumes at the first instruction with an unrated answer and generates nothing again.
  const second = await startRate();
  const again = await browser.newPage();
  await again.goto(second.url);
  await shown(again, 2);
  assert.deepEqual(await pressed(again), ['B', null]);
  assert.deepEqual(await answerTexts(again), secondTexts);
  assert.match(await again.locator('#progress').textContent() ?? '', /^3 of 6 answers rated/);
  const stderr2 = await stop(second.proc);
  assert.match(stderr2, /0 answer\(s\) generated this time/);

  // The results store: three rating rows, each on the checkpoint that wrote the answer shown in its slot.
  const rows = (await readResults(dataDir, { latest: true })).filter((r) => r.metric === 'rating');
  assert.equal(rows.length, 3);
  const cached = (await readFile(answersFile(dataDir), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { checkpoint: string; item: string; answer: string });
  const shownText: Record<string, Array<string | undefined>> = { colours: firstTexts, list: secondTexts };
  const expected = [['colours', 0, 'A'], ['colours', 1, 'C'], ['list', 0, 'B']] as const;
  for (const [item, slot, grade] of expected) {
    const row = rows.find((r) => r.item === item && r.label === grade);
    assert.ok(row !== undefined, `${item} ${grade}`);
    assert.equal(row.source, 'rate');
    assert.equal(row.task, 'user-oriented');
    assert.ok(checkpoints.includes(row.checkpoint), row.checkpoint);
    assert.equal(row.value, { A: 4, B: 3, C: 2, D: 1 }[grade]);
    assert.equal(row.details?.['rater'], 'tester');
    const answer = cached.find((c) => c.checkpoint === row.checkpoint && c.item === item)?.answer;
    assert.equal(answer, shownText[item]?.[slot], `${item} slot ${slot} was ${row.checkpoint}'s answer`);
  }
  assert.notEqual(rows.find((r) => r.label === 'A')?.checkpoint, rows.find((r) => r.label === 'C')?.checkpoint, 'the two answers of one item are two students');

  // And `lamini query` reads them as the view results.
  const query = await lamini(['query', "select label, count(*) as n from results where metric = 'rating' group by label order by label", '--format', 'json', '--data-dir', dataDir]);
  assert.equal(query.code, 0, query.stderr);
  assert.deepEqual(JSON.parse(query.stdout), [{ label: 'A', n: 1 }, { label: 'B', n: 1 }, { label: 'C', n: 1 }]);
});
