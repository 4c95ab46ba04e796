/**
 * Two avsc primitive types replaced, through `typeHook`, so that records stay plain TypeScript values:
 *
 * - `long` ↔ JS number over the whole safe integer range, exactly. avsc's own long type refuses ±(2^53 − 1)
 *   and, measured on avsc 5.7.9, writes wrong bytes for negatives below −2^52 (−(2^52 + 1) came back as
 *   +2^52). Ours keeps avsc's fast float path where it is exact (|n| < 2^52) and uses BigInt beyond it.
 * - `bytes` also accepts a plain Uint8Array (avsc wants a Buffer); decoding still gives a Buffer.
 */
import avsc from 'avsc';
import { LaminiError, ErrorCodes } from '../common/errors.ts';
import type { Type } from 'avsc';

interface Tap {
  buf: Buffer;
  pos: number;
  readLong(): number;
  writeLong(n: number): void;
}
type Hook = (value: unknown, type: Type) => void;

/** avsc's float arithmetic reads and writes longs exactly below this magnitude. */
const FAST = 2 ** 52;
const MAX = BigInt(Number.MAX_SAFE_INTEGER);

function readExactLong(tap: Tap): number {
  let zigzag = 0n;
  let shift = 0n;
  let byte: number;
  do {
    byte = tap.buf[tap.pos++] ?? 0; // past the end: tap turns invalid and fromBuffer reports truncation
    zigzag |= BigInt(byte & 0x7f) << shift;
    shift += 7n;
  } while (byte & 0x80);
  const n = (zigzag >> 1n) ^ -(zigzag & 1n);
  if (n > MAX || n < -MAX) throw new LaminiError(ErrorCodes.RECORD_INVALID, `long ${n} is outside the safe integer range of a JS number`);
  return Number(n);
}

function writeExactLong(tap: Tap, value: number): void {
  const n = BigInt(value);
  let zigzag = n >= 0n ? n << 1n : (-n << 1n) - 1n;
  do {
    let byte = Number(zigzag & 0x7fn);
    zigzag >>= 7n;
    if (zigzag !== 0n) byte |= 0x80;
    tap.buf[tap.pos++] = byte; // past the end is ignored; the tap reports the missing room
  } while (zigzag !== 0n);
}

class SafeLongType extends avsc.types.LongType {
  _check(value: unknown, _flags?: unknown, hook?: Hook): boolean {
    const ok = Number.isSafeInteger(value);
    if (!ok && hook) hook(value, this);
    return ok;
  }

  // No `this` here: avsc's resolvers borrow this method (`resolver._read = this._read`).
  _read(tap: Tap): number {
    const start = tap.pos;
    const n = tap.readLong();
    if (n > -FAST && n < FAST) return n;
    tap.pos = start;
    return readExactLong(tap);
  }

  _write(tap: Tap, value: unknown): void {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new LaminiError(ErrorCodes.RECORD_INVALID, `invalid "long": ${String(value)}`);
    if (value > -FAST && value < FAST) tap.writeLong(value);
    else writeExactLong(tap, value);
  }
}

type Check = (this: Type, value: unknown, ...rest: unknown[]) => boolean;
type Write = (this: Type, tap: unknown, value: unknown) => void;
const bytesBase = avsc.types.BytesType.prototype as unknown as { _check: Check; _write: Write };

const asBuffer = (v: unknown): unknown =>
  v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v;

class Uint8ArrayBytesType extends avsc.types.BytesType {
  _check(value: unknown, ...rest: unknown[]): boolean {
    return bytesBase._check.call(this, asBuffer(value), ...rest);
  }

  _write(tap: unknown, value: unknown): void {
    bytesBase._write.call(this, tap, asBuffer(value));
  }
}

function primitiveName(schema: unknown): unknown {
  if (typeof schema === 'string') return schema;
  if (typeof schema !== 'object' || schema === null || 'logicalType' in schema) return undefined;
  return (schema as Record<string, unknown>)['type'];
}

/** avsc `typeHook` putting our `long` and `bytes` in place of avsc's own. */
export function typeHook(schema: unknown): Type | undefined {
  const name = primitiveName(schema);
  if (name === 'long') return new SafeLongType();
  if (name === 'bytes') return new Uint8ArrayBytesType();
  return undefined;
}
