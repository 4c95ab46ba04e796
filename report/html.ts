/**
 * The report page: one self-contained HTML file. Chart.js (its UMD build, read from node_modules when the
 * report is made), the page's own script and style are inlined; the figures are one JSON block
 * (`<script type="application/json" id="report-data">`) that the script draws from. Which charts a section
 * has is decided here: a section with nothing to show gets a sentence saying why and what makes it appear,
 * and no canvas, so every canvas on the page is a chart that was drawn.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { packageRoot } from '../seeds/store.ts';
import type { ReportData } from './data.ts';
import { escapeHtml as e, inlineScript, jsonForScript } from './escape.ts';
import { checkpointsTable, diversityTable, latestTable, problemsList, samplesTables } from './tables.ts';

export interface PageAssets {
  chartJs: string;
  script: string;
  style: string;
}

export async function loadAssets(): Promise<PageAssets> {
  const require = createRequire(import.meta.url);
  // The package exports only its module builds; the UMD build (one script, global `Chart`) sits beside them.
  const chartPath = join(dirname(require.resolve('chart.js')), 'chart.umd.min.js');
  const [chartJs, script, style] = await Promise.all([
    readFile(chartPath, 'utf8'),
    // From the package root, so the build in dist/ finds them too (tsc copies no .js or .css assets).
    readFile(join(packageRoot(), 'report', 'assets', 'report.js'), 'utf8'),
    readFile(join(packageRoot(), 'report', 'assets', 'report.css'), 'utf8'),
  ]);
  return { chartJs, script, style };
}

const chart = (id: string, title: string, wide = false, metric?: string): string =>
  `<figure class="chart${wide ? ' wide' : ''}"><figcaption>${e(title)}</figcaption><div class="canvas"><canvas data-chart="${id}"${
    metric === undefined ? '' : ` data-metric="${e(metric)}"`} role="img" aria-label="${e(title)}"></canvas></div></figure>`;

const empty = (text: string): string => `<p class="empty">${e(text)}</p>`;

function section(id: string, title: string, intro: string, body: string): string {
  return `<section id="${id}"><h2>${e(title)}</h2>${intro === '' ? '' : `<p class="intro">${e(intro)}</p>`}\n${body}\n</section>`;
}

function grid(...charts: string[]): string {
  return `<div class="grid">${charts.join('')}</div>`;
}

/** A chart over time beside its breakdown by reason (two thirds and one third of the row). */
function timeAndReason(...charts: string[]): string {
  return `<div class="grid time-reason">${charts.join('')}</div>`;
}

const words = (n: number): string => `${n} word${n === 1 ? '' : 's'}`;

const NAV: ReadonlyArray<[string, string]> = [
  ['latest', 'Latest'], ['mix', 'Mix'], ['lengths', 'Lengths'], ['drops', 'Drops'], ['dead-letters', 'Dead letters'], ['teacher', 'Teacher'],
  ['diversity', 'Diversity'], ['training', 'Training'], ['evaluation', 'Evaluation'], ['samples', 'Samples'],
];

/** The metrics of the evaluation results, in order of first appearance. */
const metrics = (d: ReportData): string[] => [...new Set(d.evaluation.results.map((r) => r.metric))];

export function renderPage(d: ReportData, assets: PageAssets): string {
  const examples = d.latest.examples > 0;
  const bucket = d.timeline.bucket === null ? '' : ` (one bar per ${d.timeline.bucket})`;
  const div = d.diversity;
  const sampled = div.rows < div.of ? ` Computed on a fixed sample of ${div.rows.toLocaleString('en-US')} of ${div.of.toLocaleString('en-US')} examples.` : '';
  const sections = [
    section('latest', 'Latest stats', `From manifest sequence ${d.latest.manifest_sequence} of ${d.data_dir}.`, latestTable(d)),
    section('mix', 'Mix', 'Examples by instruction_source beside the LaMini-LM paper\'s Table 1 (its 2.58M pairs; the configured generation.mix too when it differs), and by generation_mode.',
      examples ? grid(chart('mix-sources', 'Share of examples by instruction_source'), chart('mix-modes', 'Examples by generation_mode'))
        : empty('No examples committed yet: "lamini run" grows the corpus, and the mix appears here.')),
    section('lengths', 'Lengths', `Instruction and response lengths in whitespace words per instruction_source, beside Table 1's means (which count the paper's tokens, so they are a guide). Histogram bins are ${words(d.lengths.instruction_bin_width)} wide for instructions and ${words(d.lengths.response_bin_width)} for responses; the last bin holds everything longer.`,
      examples ? grid(chart('length-means', 'Mean length: this corpus and the paper', true), chart('length-instruction', 'Instruction length distribution (% of the source\'s examples)'),
        chart('length-response', 'Response length distribution (% of the source\'s examples)'))
        : empty('No examples yet, so no lengths.')),
    section('drops', 'Near-duplicates and other drops', `Instructions dropped by dedup, echo and repeat checks and the generation filters, over time${bucket} and by reason.`,
      d.latest.dropped > 0 || d.reasons.dropped.length > 0 ? timeAndReason(chart('drops-time', 'Drops over time by reason'), chart('drops-reason', 'Drops by reason'))
        : empty('Nothing dropped yet: drops appear when dedup finds near-duplicates or a filter rejects an instruction.')),
    section('dead-letters', 'Dead letters', `Records an operator could not handle, over time${bucket} and by reason (see docs/troubleshooting.md for each reason and docs/dead-letters.md for replaying them).`,
      d.reasons.dead_letters.length > 0 ? timeAndReason(chart('dead-time', 'Dead letters over time by reason'), chart('dead-reason', 'Dead letters by reason (operator)'))
        : empty('No dead letters: every record was handled.')),
    section('teacher', 'Teacher', `Calls to the teacher from the ledger (teacher_requests)${bucket}: paid, answered from the cache, failed; 429s are calls that failed rate limited (TEACHER_RATE_LIMITED), retries count every retried attempt.`,
      d.latest.teacher.requests > 0 ? grid(chart('teacher-requests', 'Teacher requests, cache hits, 429s and retries', true), chart('teacher-spend', 'Teacher spend (USD)', true))
        : empty('No teacher calls recorded: the ledger fills as "lamini run" calls the teacher (corpora from before the ledger have none).')),
    section('diversity', 'Diversity', `Distinct instructions (after lowercasing and collapsing whitespace), MATTR of instructions and responses, and the most frequent leading words, as "lamini stats" computes them.${sampled}`,
      div.figures === null ? empty('No examples yet, so no diversity figures.')
        : `${grid(chart('diversity-ratios', 'Distinct-instruction ratio and MATTR per source'), chart('leading-words', 'Top leading words of instructions'))}${diversityTable(d)}`),
    section('training', 'Training', `Training and evaluation loss (nats per response token) from trainer_state.json of the checkpoints found under ${d.training.searched.join(', ')}.`,
      `${d.training.runs.some((r) => r.history.some((h) => h.loss !== null || h.eval_loss !== null)) ? grid(chart('training-loss', 'Loss by step', true))
        : empty('No checkpoints with a logged loss found: "lamini train" writes checkpoints under <data-dir>/checkpoints (or give --checkpoints DIR).')}${checkpointsTable(d)}${problemsList(d)}`),
    section('evaluation', 'Evaluation', 'Scores per checkpoint and task from the results store ("lamini eval"), and the distribution of human ratings (A best, D worst) when there are any.',
      d.evaluation.note !== null ? empty(d.evaluation.note) : `${grid(
        ...metrics(d).map((m) => chart('eval-results', `${m} by checkpoint and task`, false, m)),
        ...(d.evaluation.ratings.length > 0 ? [chart('ratings', 'Human ratings by checkpoint')] : []),
      )}${d.evaluation.ratings.length > 0 ? '' : empty('No human ratings yet: "lamini rate" records them (grades A to D, the paper\'s scale).')}`),
    section('samples', 'Sample rows', 'A few examples per instruction_source (the same ones every time), texts cut at 600 characters.',
      d.samples.length > 0 ? samplesTables(d) : empty('No examples yet.')),
  ];
  const nav = NAV.map(([id, label]) => `<a href="#${id}">${label}</a>`).join('');
  const timings = Object.entries(d.timings_ms).map(([k, v]) => `${k} ${v} ms`).join(', ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>lamini report — ${e(d.data_dir)}</title>
<style>${assets.style}</style>
</head>
<body>
<header><h1>lamini report</h1><p>${e(d.data_dir)} · generated ${e(d.generated_at)} · ${d.latest.examples.toLocaleString('en-US')} examples</p><nav>${nav}</nav></header>
<main>
${sections.join('\n')}
</main>
<footer>Gathered in ${e(timings)}. Charts by Chart.js, bundled into this file; the page loads nothing from the network.</footer>
<script type="application/json" id="report-data">${jsonForScript(d)}</script>
<script>${inlineScript(assets.chartJs, 'chart.js')}</script>
<script>${inlineScript(assets.script, 'report.js')}</script>
</body>
</html>
`;
}
