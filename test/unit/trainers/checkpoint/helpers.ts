/**
 * Shared by the checkpoint tests: the `transformers`-made fixture (test/fixtures/gpt2-tiny, written by
 * bench/trainer/hf_make_fixture.py), temp folders, hand-built safetensors files and error matchers.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isLaminiError, type ErrorCode } from '../../../../common/errors.ts';
import { parseGpt2ConfigText, type Gpt2Config } from '../../../../trainers/checkpoint/gpt2-config.ts';
import type { Gpt2CheckpointParts } from '../../../../trainers/checkpoint/parts.ts';
import { readSafetensors, type FloatTensor } from '../../../../trainers/checkpoint/safetensors.ts';

export const FIXTURE = fileURLToPath(new URL('../../../fixtures/gpt2-tiny/', import.meta.url));
export const ORIGINAL = join(FIXTURE, 'original');

export interface Reference {
  ids: number[];
  logits: number[][];
  hidden_after_ln_f: number[][];
  text: string;
  text_ids: number[];
}

export async function fixtureConfig(): Promise<Gpt2Config> {
  return parseGpt2ConfigText(await readFile(join(FIXTURE, 'config.json'), 'utf8'), 'fixture config.json');
}

export async function fixtureTensors(): Promise<Map<string, FloatTensor>> {
  return readSafetensors(join(FIXTURE, 'model.safetensors'));
}

export async function reference(): Promise<Reference> {
  const raw: unknown = JSON.parse(await readFile(join(FIXTURE, 'reference.json'), 'utf8'));
  assert.ok(typeof raw === 'object' && raw !== null);
  const field = (key: string): unknown => (key in raw ? Object.getOwnPropertyDescriptor(raw, key)?.value : undefined);
  const text = field('text');
  assert.equal(typeof text, 'string');
  return {
    ids: numbers(field('ids')),
    logits: matrix(field('logits')),
    hidden_after_ln_f: matrix(field('hidden_after_ln_f')),
    text: String(text),
    text_ids: numbers(field('text_ids')),
  };
}

function numbers(value: unknown): number[] {
  assert.ok(Array.isArray(value) && value.every((v) => typeof v === 'number'));
  return value.map(Number);
}

function matrix(value: unknown): number[][] {
  assert.ok(Array.isArray(value));
  return value.map(numbers);
}

/** Checkpoint parts built from the fixture: its weights, tokenizer, and a small optimizer state. */
export async function fixtureParts(stepTag = 0): Promise<Gpt2CheckpointParts> {
  const weights = await fixtureTensors();
  const optimizer = new Map<string, FloatTensor>();
  for (const name of ['transformer.ln_f.weight', 'transformer.wpe.weight']) {
    const w = weights.get(name);
    assert.ok(w !== undefined);
    optimizer.set(`m.${name}`, { shape: [...w.shape], data: w.data.map((v) => v * 0.5 + stepTag) });
    optimizer.set(`v.${name}`, { shape: [...w.shape], data: w.data.map((v) => v * v) });
  }
  return {
    arch: 'gpt2',
    config: await fixtureConfig(),
    weights,
    tokenizerJson: await readFile(join(FIXTURE, 'tokenizer.json'), 'utf8'),
    trainerState: { step: stepTag, note: 'opaque to the store' },
    optimizer,
  };
}

/** A fresh temp folder, removed when the test file ends. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lamini-ckpt-'));
  after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A safetensors file from a header object and raw data bytes (for malformed files the writer never makes). */
export function rawSafetensors(header: unknown, data: Uint8Array, options: { declaredLength?: number } = {}): Uint8Array {
  const json = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header), 'utf8');
  const out = new Uint8Array(8 + json.byteLength + data.byteLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(options.declaredLength ?? json.byteLength), true);
  out.set(json, 8);
  out.set(data, 8 + json.byteLength);
  return out;
}

/** Asserts `fn` rejects with a LaminiError of `code` whose one-line message matches `pattern`. */
export async function rejectsWith(fn: () => Promise<unknown> | unknown, code: ErrorCode, pattern: RegExp): Promise<void> {
  await assert.rejects(async () => fn(), (error: unknown) => {
    assert.ok(isLaminiError(error, code), `expected ${code}, got ${String(error)}`);
    assert.match(error.message, pattern);
    assert.ok(!error.message.includes('\n'), `message is one line: ${error.message}`);
    return true;
  });
}
