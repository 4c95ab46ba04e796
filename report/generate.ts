/**
 * Gather, render and write the report atomically (a reader never opens half a page). The folder of `out` must
 * exist: creating folders is left to the user (Node's recursive mkdir never returns on some paths, /proc/x).
 */
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ErrorCodes, LaminiError, describeError } from '../common/errors.ts';
import { writeFileAtomic } from '../corpus/fsutil.ts';
import { collectReport, type CollectOptions } from './collect.ts';
import type { ReportData } from './data.ts';
import { loadAssets, renderPage } from './html.ts';

export interface GenerateOptions extends CollectOptions {
  out: string;
}

export interface GeneratedReport {
  path: string;
  bytes: number;
  ms: number;
  data: ReportData;
}

export async function generateReport(options: GenerateOptions): Promise<GeneratedReport> {
  const started = performance.now();
  const path = resolve(options.out);
  // Checked first, so a wrong --out fails before the corpus is read.
  const folder = await stat(dirname(path)).catch(() => undefined);
  if (folder === undefined || !folder.isDirectory()) {
    throw new LaminiError(ErrorCodes.FILE_NOT_FOUND, `cannot write the report to ${path}: no folder ${dirname(path)}`, { details: { path } });
  }
  const [data, assets] = await Promise.all([collectReport(options), loadAssets()]);
  const html = renderPage(data, assets);
  try {
    await writeFileAtomic(path, html);
  } catch (error) {
    throw new LaminiError(ErrorCodes.FILE_UNREADABLE, `cannot write ${path}: ${describeError(error)}`, { cause: error, details: { path } });
  }
  return { path, bytes: Buffer.byteLength(html), ms: Math.round(performance.now() - started), data };
}
