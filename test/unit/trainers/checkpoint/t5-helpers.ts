/**
 * Shared by the T5 checkpoint tests: the two `transformers`-made fixtures (test/fixtures/t5-tiny: ReLU, tied;
 * test/fixtures/t5-v1_1-tiny: gated-GELU, untied; written by bench/trainer/hf_make_t5_fixture.py), their
 * config.json text, tensors and reference.json.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSafetensors, type FloatTensor } from '../../../../trainers/checkpoint/safetensors.ts';
import { parseT5ConfigText, type T5Config } from '../../../../trainers/checkpoint/t5-config.ts';

export const T5_FIXTURES = {
  t5: fileURLToPath(new URL('../../../fixtures/t5-tiny/', import.meta.url)),
  v1_1: fileURLToPath(new URL('../../../fixtures/t5-v1_1-tiny/', import.meta.url)),
} as const;

export type T5FixtureName = keyof typeof T5_FIXTURES;
export const T5_FIXTURE_NAMES: readonly T5FixtureName[] = ['t5', 'v1_1'];

export interface BucketTable {
  numBuckets: number;
  maxDistance: number;
  bidirectional: number[][];
  unidirectional: number[][];
}

export interface T5Reference {
  numParameters: number;
  encoderInputIds: number[];
  decoderInputIds: number[];
  encoderLastHiddenState: number[][];
  logits: number[][];
  /** bucket[query][key] for relative position key − query, with the fixture's buckets and max distance. */
  grid: BucketTable;
  /** One row: relative positions `wideRelative`, with the presets' 32 buckets and max distance 128. */
  wide: BucketTable;
  wideRelative: number[];
}

export function t5ConfigText(name: T5FixtureName): Promise<string> {
  return readFile(join(T5_FIXTURES[name], 'config.json'), 'utf8');
}

export async function t5FixtureConfig(name: T5FixtureName): Promise<T5Config> {
  return parseT5ConfigText(await t5ConfigText(name), `${name} config.json`);
}

export function t5FixtureTensors(name: T5FixtureName): Promise<Map<string, FloatTensor>> {
  return readSafetensors(join(T5_FIXTURES[name], 'model.safetensors'));
}

export async function t5Reference(name: T5FixtureName): Promise<T5Reference> {
  const raw: unknown = JSON.parse(await readFile(join(T5_FIXTURES[name], 'reference.json'), 'utf8'));
  const buckets = object(field(raw, 'relative_position_buckets'));
  const wide = object(field(buckets, 'wide'));
  return {
    numParameters: integer(field(raw, 'num_parameters')),
    encoderInputIds: numbers(field(raw, 'encoder_input_ids')),
    decoderInputIds: numbers(field(raw, 'decoder_input_ids')),
    encoderLastHiddenState: matrix(field(raw, 'encoder_last_hidden_state')),
    logits: matrix(field(raw, 'logits')),
    grid: table(buckets, (rows) => matrix(rows)),
    wide: table(wide, (row) => [numbers(row)]),
    wideRelative: numbers(field(wide, 'relative_positions')),
  };
}

function table(raw: object, rows: (value: unknown) => number[][]): BucketTable {
  return {
    numBuckets: integer(field(raw, 'num_buckets')),
    maxDistance: integer(field(raw, 'max_distance')),
    bidirectional: rows(field(raw, 'bidirectional')),
    unidirectional: rows(field(raw, 'unidirectional')),
  };
}

function field(raw: unknown, key: string): unknown {
  const value = object(raw);
  return Object.getOwnPropertyDescriptor(value, key)?.value;
}

function object(value: unknown): object {
  assert.ok(typeof value === 'object' && value !== null && !Array.isArray(value), 'a JSON object');
  return value;
}

function integer(value: unknown): number {
  assert.ok(typeof value === 'number' && Number.isSafeInteger(value), `an integer: ${String(value)}`);
  return value;
}

function numbers(value: unknown): number[] {
  assert.ok(Array.isArray(value) && value.every((v) => typeof v === 'number'), 'an array of numbers');
  return value.map(Number);
}

function matrix(value: unknown): number[][] {
  assert.ok(Array.isArray(value), 'an array of rows');
  return value.map(numbers);
}

/** Elements of a tensor of this shape. */
export function elements(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
