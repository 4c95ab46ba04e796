/** The printed table of a run, in lm-evaluation-harness's layout: task, metric, value ± stderr, items. */
import type { EvalReport } from './run.ts';

export function formatReport(report: EvalReport): string {
  const lines: string[][] = [['task', 'metric', 'value', '', 'stderr', 'n']];
  const fmt = (v: number | null): string => (v === null || !Number.isFinite(v) ? 'N/A' : v.toFixed(4));
  for (const t of report.tasks) for (const m of t.metrics) lines.push([t.task, m.metric, fmt(m.value), '±', fmt(m.stderr), String(m.n)]);
  if (report.heldout !== null) for (const m of report.heldout.metrics) lines.push(['heldout', m.metric, fmt(m.value), '±', fmt(m.stderr), String(m.n)]);
  const widths = lines[0]?.map((_, c) => Math.max(...lines.map((l) => (l[c] ?? '').length))) ?? [];
  const numeric = new Set([2, 4, 5]);
  const body = lines.map((l) => `|${l.map((cell, c) => ` ${numeric.has(c) ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0)} `).join('|')}|`);
  const rule = `|${widths.map((w, c) => (numeric.has(c) ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  const head = [
    `${report.checkpoint} (${report.family}, ${report.backend}), ${report.style.wrapper ? 'Alpaca wrapper' : 'raw prompts'}, ` +
      `delimiter ${JSON.stringify(report.style.delimiter)}, corpus ${report.corpus.seq === null ? 'none' : `seq ${report.corpus.seq}`}`,
  ];
  return [...head, body[0] ?? '', rule, ...body.slice(1)].join('\n');
}
