/**
 * The stream's resume state: a small JSON object saved with each checkpoint. Because the order is a pure
 * function (see order.ts), the cursor holds the stream's settings, the current pass and a position in it,
 * never a replay log:
 *
 *   { "version": 1, "seed": 42, "epochs": 3, "follow": true, "shuffleBlock": 65536, "evalPermille": 10,
 *     "epoch": 1, "fromSeq": 0, "toSeq": 7, "coveredTo": 9, "passRows": 350000,
 *     "passDigest": "3f0c2a9e51d7b604", "position": 120032 }
 *
 * The pass covers example shards with fromSeq < seq <= toSeq; coveredTo is the highest seq any pass has
 * covered so far (later epochs go over (0, coveredTo]); position counts rows of the pass consumed, eval rows
 * included; passRows and passDigest pin the pass's shard list, so a manifest that no longer names the same
 * shards is caught instead of silently giving another order.
 */
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import { expectInt, expectObject, issue, type Issues } from '../../corpus/validate.ts';
import { DEFAULT_EVAL_PERMILLE } from './eval-split.ts';

export const CURSOR_VERSION = 1;
export const DEFAULT_SHUFFLE_BLOCK = 65_536;

/** What fixes the whole sequence of a stream (besides the manifest). */
export interface StreamConfig {
  seed: number;
  /** Passes over the start snapshot (and, with follow, over everything covered so far). */
  epochs: number;
  /** Pick up shards committed after the stream started. */
  follow: boolean;
  shuffleBlock: number;
  /** Thousandths of the ids held out for evaluation. */
  evalPermille: number;
}

export interface Cursor extends StreamConfig {
  version: typeof CURSOR_VERSION;
  epoch: number;
  fromSeq: number;
  toSeq: number;
  coveredTo: number;
  passRows: number;
  passDigest: string;
  position: number;
}

/** Settings for a stream that starts at the beginning; every field but `seed` has a default. */
export interface NewStreamOptions {
  seed: number;
  /** Default 1. */
  epochs?: number;
  /** Default false. */
  follow?: boolean;
  /** Default 65,536 rows. */
  shuffleBlock?: number;
  /** Default 10 (1%). */
  evalPermille?: number;
}

const CURSOR_KEYS = [
  'version', 'seed', 'epochs', 'follow', 'shuffleBlock', 'evalPermille',
  'epoch', 'fromSeq', 'toSeq', 'coveredTo', 'passRows', 'passDigest', 'position',
] as const;

/** Fill in defaults and check the settings; CONFIG_INVALID lists every problem. */
export function streamConfig(options: NewStreamOptions): StreamConfig {
  const issues: Issues = [];
  const config = checkConfig(
    {
      seed: options.seed,
      epochs: options.epochs ?? 1,
      follow: options.follow ?? false,
      shuffleBlock: options.shuffleBlock ?? DEFAULT_SHUFFLE_BLOCK,
      evalPermille: options.evalPermille ?? DEFAULT_EVAL_PERMILLE,
    },
    issues,
  );
  if (config === undefined || issues.length > 0) {
    throw new LaminiError(ErrorCodes.CONFIG_INVALID, `stream options are invalid: ${show(issues)}`, { details: { issues } });
  }
  return config;
}

/** Parse a cursor from JSON text or an already parsed value; CURSOR_INVALID lists every problem. */
export function parseCursor(json: unknown): Cursor {
  let raw = json;
  if (typeof json === 'string') {
    try {
      raw = JSON.parse(json);
    } catch (error) {
      throw new LaminiError(ErrorCodes.CURSOR_INVALID, 'the stream cursor is not JSON', { cause: error });
    }
  }
  const issues: Issues = [];
  const fields = expectObject(raw, '', issues);
  const cursor = fields === undefined ? undefined : checkCursor(fields, issues);
  if (cursor === undefined || issues.length > 0) {
    throw new LaminiError(ErrorCodes.CURSOR_INVALID, `the stream cursor is invalid: ${show(issues)}`, { details: { issues } });
  }
  return cursor;
}

function checkConfig(c: Record<string, unknown>, issues: Issues): StreamConfig | undefined {
  const seed = expectInt(c['seed'], 'seed', issues, 0);
  const epochs = expectInt(c['epochs'], 'epochs', issues, 1);
  const follow = c['follow'];
  if (typeof follow !== 'boolean') issue(issues, 'follow', 'expected a boolean');
  const shuffleBlock = expectInt(c['shuffleBlock'], 'shuffleBlock', issues, 1);
  let evalPermille = expectInt(c['evalPermille'], 'evalPermille', issues, 0);
  if (evalPermille !== undefined && evalPermille > 1000) {
    issue(issues, 'evalPermille', 'expected an integer <= 1000');
    evalPermille = undefined;
  }
  if (seed === undefined || epochs === undefined || typeof follow !== 'boolean' || shuffleBlock === undefined || evalPermille === undefined) {
    return undefined;
  }
  return { seed, epochs, follow, shuffleBlock, evalPermille };
}

function checkCursor(c: Record<string, unknown>, issues: Issues): Cursor | undefined {
  if (c['version'] !== CURSOR_VERSION) issue(issues, 'version', `expected ${CURSOR_VERSION}`);
  for (const key of Object.keys(c)) if (!(CURSOR_KEYS as readonly string[]).includes(key)) issue(issues, key, 'unknown field');
  const config = checkConfig(c, issues);
  const epoch = expectInt(c['epoch'], 'epoch', issues, 0);
  if (epoch !== undefined && config !== undefined && epoch >= config.epochs) issue(issues, 'epoch', `expected an epoch below epochs (${config.epochs})`);
  const fromSeq = expectInt(c['fromSeq'], 'fromSeq', issues, 0);
  const toSeq = expectInt(c['toSeq'], 'toSeq', issues, 1);
  const coveredTo = expectInt(c['coveredTo'], 'coveredTo', issues, 1);
  if (fromSeq !== undefined && toSeq !== undefined && toSeq <= fromSeq) issue(issues, 'toSeq', 'expected toSeq > fromSeq');
  if (toSeq !== undefined && coveredTo !== undefined && coveredTo < toSeq) issue(issues, 'coveredTo', 'expected coveredTo >= toSeq');
  if (config?.follow === false && (fromSeq !== 0 || toSeq !== coveredTo)) issue(issues, 'fromSeq', 'without follow every pass covers (0, coveredTo]');
  const passRows = expectInt(c['passRows'], 'passRows', issues, 0);
  const position = expectInt(c['position'], 'position', issues, 0);
  if (passRows !== undefined && position !== undefined && position > passRows) issue(issues, 'position', `expected at most passRows (${passRows})`);
  const passDigest = c['passDigest'];
  if (typeof passDigest !== 'string' || !/^[0-9a-f]{16}$/.test(passDigest)) issue(issues, 'passDigest', 'expected 16 lower-case hex digits');
  if (
    config === undefined || epoch === undefined || fromSeq === undefined || toSeq === undefined || coveredTo === undefined ||
    passRows === undefined || position === undefined || typeof passDigest !== 'string'
  ) {
    return undefined;
  }
  return { version: CURSOR_VERSION, ...config, epoch, fromSeq, toSeq, coveredTo, passRows, passDigest, position };
}

function show(issues: Issues): string {
  return issues.slice(0, 5).map((i) => `${i.path || '(top)'}: ${i.message}`).join('; ');
}
