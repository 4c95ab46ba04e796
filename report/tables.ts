/**
 * The report's HTML tables, rendered here so the page reads without scripts: the latest stats, diversity per
 * source, the checkpoints found and the sample rows. Every value from the corpus goes through escapeHtml.
 */
import type { ReportData } from './data.ts';
import { escapeHtml as e } from './escape.ts';

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const usd = (n: number): string => `$${n.toFixed(4)}`;
const pct = (n: number): string => `${(100 * n).toFixed(1)}%`;

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

function table(head: readonly string[], body: ReadonlyArray<readonly string[]>, cls = ''): string {
  const th = head.map((h) => `<th>${e(h)}</th>`).join('');
  // Cells arrive escaped (or built from escaped parts), so they are joined as they are.
  const tr = body.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table${cls === '' ? '' : ` class="${cls}"`}><thead><tr>${th}</tr></thead><tbody>\n${tr}\n</tbody></table>`;
}

export function latestTable(d: ReportData): string {
  const l = d.latest;
  const t = l.teacher;
  const rows: Array<[string, string]> = [
    ['manifest sequence', `${l.manifest_sequence} (${l.updated_at === null ? 'nothing committed yet' : `updated ${e(l.updated_at)}`})`],
    ['run seed', l.run_seed === null ? 'none' : String(l.run_seed)],
    ['tasks done up to', l.task_watermark < 0 ? 'none yet' : String(l.task_watermark)],
    ['examples', int(l.examples)],
    ['drops (dedup, echoes, repeats, filters)', int(l.dropped)],
    ['dead letters', int(l.dead_letters)],
    ['tokens (prompt / completion)', `${int(l.prompt_tokens)} / ${int(l.completion_tokens)}`],
    ['cost of the examples', usd(l.cost_usd)],
    ['teacher requests', `${int(t.requests)}: ${int(t.ok)} paid, ${int(t.cache_hits)} cache hits, ${int(t.failed)} failed (${int(t.rate_limited)} rate limited), ${int(t.retries)} retries`],
    ['teacher spend / saved by the cache', `${usd(t.spend_usd)} / ${usd(t.saved_usd)}`],
    ...l.shards.map((s): [string, string] => [`shards ${e(s.table)}`, `${int(s.shards)} files, ${int(s.rows)} rows, ${bytes(s.bytes)}`]),
  ];
  return table(['', 'latest'], rows.map(([k, v]) => [e(k), v]), 'kv');
}

export function diversityTable(d: ReportData): string {
  const f = d.diversity.figures;
  if (f === null) return '';
  const row = (name: string, g: (typeof f)['all']): string[] => [
    e(name), int(g.pairs), g.pairs > 0 ? pct(g.distinct_instructions / g.pairs) : '-',
    `${g.instruction_length.mean.toFixed(1)} / ${g.instruction_length.p50} / ${g.instruction_length.p90}`,
    `${g.response_length.mean.toFixed(1)} / ${g.response_length.p50} / ${g.response_length.p90}`,
    `${g.mattr_instructions.toFixed(3)} / ${g.mattr_responses.toFixed(3)}`,
    g.paper === null ? '-' : `${(g.paper.pairs / 1e6).toFixed(2)}M`,
    g.paper === null ? '-' : `${g.paper.instruction_length.toFixed(2)} / ${g.paper.response_length.toFixed(2)}`,
  ];
  const body = [...Object.entries(f.by_instruction_source).map(([k, g]) => row(k, g)), row('all', f.all)];
  return table(['instruction_source', 'pairs', 'distinct instructions', 'instruction words mean / p50 / p90',
    'response words mean / p50 / p90', `MATTR (window ${f.mattr_window}) instr / resp`, 'paper pairs', 'paper instr / resp'], body);
}

export function checkpointsTable(d: ReportData): string {
  const runs = d.training.runs;
  if (runs.length === 0) return '';
  return table(['run', 'newest checkpoint', 'step', 'examples seen', 'tokens seen', 'checkpoints'], runs.map((r) => [
    e(r.name), e(r.checkpoint), r.total_steps === null ? int(r.step) : `${int(r.step)} / ${int(r.total_steps)}`,
    int(r.examples_seen), int(r.tokens_seen), e(r.checkpoints.join(', ')),
  ]));
}

export function problemsList(d: ReportData): string {
  if (d.training.problems.length === 0) return '';
  // The message names the file already.
  const items = d.training.problems.map((p) => `<li>${e(p.message)}</li>`).join('');
  return `<p>Checkpoints that could not be read:</p><ul class="problems">${items}</ul>`;
}

export function samplesTables(d: ReportData): string {
  return d.samples.map((s) => `<h3>${e(s.source === '' ? '(no source)' : s.source)}</h3>\n${table(['id', 'mode', 'instruction', 'response'],
    s.rows.map((r) => [`<code>${e(r.id)}</code>`, e(r.generation_mode), `<div class="text">${e(r.instruction)}</div>`, `<div class="text">${e(r.response)}</div>`]),
    'samples')}`).join('\n');
}
