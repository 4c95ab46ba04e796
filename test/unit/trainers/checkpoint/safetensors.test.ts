/** safetensors read / write: the transformers-made fixture byte for byte, half precision, and every kind of corrupt file. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCodes } from '../../../../common/errors.ts';
import { gpt2TensorSpecs, isGpt2Buffer } from '../../../../trainers/checkpoint/gpt2-tensors.ts';
import {
  decodeSafetensors, encodeSafetensors, readSafetensors, readSafetensorsHeader, writeSafetensors, type FloatTensor,
} from '../../../../trainers/checkpoint/safetensors.ts';
import { FIXTURE, fixtureConfig, fixtureTensors, ORIGINAL, rawSafetensors, rejectsWith, tempDir } from './helpers.ts';

test('the fixture saved by transformers reads with the names and shapes of gpt2TensorSpecs', async () => {
  const tensors = await fixtureTensors();
  const specs = gpt2TensorSpecs(await fixtureConfig());
  assert.deepEqual([...tensors.keys()].sort(), specs.map((s) => s.name).sort());
  for (const spec of specs) {
    const t = tensors.get(spec.name);
    assert.deepEqual(t?.shape, spec.shape, spec.name);
    assert.equal(t?.data.length, spec.shape.reduce((a, b) => a * b, 1));
  }
  // LayerNorm weights start at 1 in GPT2LMHeadModel: a sanity check that bytes were not shifted.
  assert.ok(tensors.get('transformer.ln_f.weight')?.data.every((v) => v === 1));
  assert.ok(tensors.get('transformer.ln_f.bias')?.data.every((v) => v === 0));
});

test('writing the fixture tensors gives back transformers\' file byte for byte, and reading it gives the same tensors', async () => {
  const hf = new Uint8Array(await readFile(join(FIXTURE, 'model.safetensors')));
  const tensors = await fixtureTensors();
  const ours = encodeSafetensors(tensors);
  assert.equal(Buffer.compare(ours, hf), 0);
  const dir = await tempDir();
  await writeSafetensors(join(dir, 'model.safetensors'), tensors);
  assert.equal(Buffer.compare(await readFile(join(dir, 'model.safetensors')), hf), 0);
  const again = await readSafetensors(join(dir, 'model.safetensors'));
  assert.deepEqual(again, tensors);
  assert.equal(Buffer.compare(encodeSafetensors(again), hf), 0);
});

test('decoding in memory gives the same tensors as reading the file, as views for aligned F32 data', async () => {
  const bytes = new Uint8Array(await readFile(join(FIXTURE, 'model.safetensors')));
  const decoded = decodeSafetensors(bytes, 'model.safetensors');
  assert.deepEqual(decoded, await fixtureTensors());
  const wte = decoded.get('transformer.wte.weight');
  assert.equal(wte?.data.buffer, bytes.buffer, 'no copy');
});

test('F16 (the original-naming fixture) reads as float32 within half-precision rounding of the F32 weights', async () => {
  const half = await readSafetensors(join(ORIGINAL, 'model.safetensors'), { select: (n) => !isGpt2Buffer(n) });
  const full = await fixtureTensors();
  assert.equal(half.size, full.size);
  for (const [name, t] of full) {
    const h = half.get(name.replace(/^transformer\./, ''));
    assert.ok(h !== undefined, name);
    assert.deepEqual(h.shape, t.shape);
    for (let i = 0; i < t.data.length; i++) {
      const want = t.data[i] ?? NaN;
      const got = h.data[i] ?? NaN;
      assert.ok(Math.abs(got - want) <= Math.max(Math.abs(want) * 2 ** -11, 2 ** -25), `${name}[${i}]: ${got} vs ${want}`);
    }
  }
});

test('the header lists every tensor with its dtype, including ones that cannot be read as floats', async () => {
  const header = await readSafetensorsHeader(join(ORIGINAL, 'model.safetensors'));
  const bias = header.entries.find((e) => e.name === 'h.0.attn.bias');
  assert.deepEqual(bias && { dtype: bias.dtype, shape: bias.shape }, { dtype: 'BOOL', shape: [1, 1, 32, 32] });
  const masked = header.entries.find((e) => e.name === 'h.1.attn.masked_bias');
  assert.deepEqual(masked && { dtype: masked.dtype, shape: masked.shape }, { dtype: 'F16', shape: [] });
  assert.deepEqual(header.metadata, { format: 'pt' });
  await rejectsWith(() => readSafetensors(join(ORIGINAL, 'model.safetensors')), ErrorCodes.CHECKPOINT_INVALID, /"h\.0\.attn\.bias" has dtype BOOL/);
});

test('F16 and BF16 special values convert exactly', () => {
  // F16: 1, -2, 65504 (max), 2^-24 (smallest subnormal), -0, +inf, NaN; BF16: 1, -2, 2^-133 (subnormal), -inf
  const f16 = new Uint16Array([0x3c00, 0xc000, 0x7bff, 0x0001, 0x8000, 0x7c00, 0x7e00]);
  const bf16 = new Uint16Array([0x3f80, 0xc000, 0x0001, 0xff80]);
  const bytes = rawSafetensors({
    a: { dtype: 'F16', shape: [7], data_offsets: [0, 14] },
    b: { dtype: 'BF16', shape: [2, 2], data_offsets: [14, 22] },
  }, Buffer.concat([new Uint8Array(f16.buffer), new Uint8Array(bf16.buffer)]));
  const t = decodeSafetensors(bytes, 'half.safetensors');
  const a = [...(t.get('a')?.data ?? [])];
  assert.deepEqual(a.slice(0, 6), [1, -2, 65504, 2 ** -24, -0, Infinity]);
  assert.ok(Object.is(a[4], -0));
  assert.ok(Number.isNaN(a[6]));
  assert.deepEqual([...(t.get('b')?.data ?? [])], [1, -2, Math.fround(2 ** -133), -Infinity]);
  assert.deepEqual(t.get('b')?.shape, [2, 2]);
});

test('a scalar, an empty tensor and an unaligned F32 tensor decode', () => {
  const data = new Uint8Array(12);
  new DataView(data.buffer).setFloat32(2, 3.5, true);
  new DataView(data.buffer).setFloat32(6, -1.25, true);
  const bytes = rawSafetensors({
    h: { dtype: 'F16', shape: [], data_offsets: [0, 2] },
    e: { dtype: 'F32', shape: [0, 4], data_offsets: [2, 2] },
    f: { dtype: 'F32', shape: [2], data_offsets: [2, 10] },
    pad: { dtype: 'U8', shape: [2], data_offsets: [10, 12] },
  }, data);
  const t = decodeSafetensors(bytes, 'x', { select: (n) => n !== 'pad' });
  assert.deepEqual(t.get('h'), { shape: [], data: new Float32Array([0]) });
  assert.deepEqual(t.get('e'), { shape: [0, 4], data: new Float32Array(0) });
  assert.deepEqual([...(t.get('f')?.data ?? [])], [3.5, -1.25]);
  assert.equal(t.has('pad'), false);
});

const ONE = { dtype: 'F32', shape: [1], data_offsets: [0, 4] };
const FOUR = new Uint8Array(4);

const corrupt: Array<[string, () => Uint8Array, RegExp]> = [
  ['too short', () => new Uint8Array(5), /5 bytes is too short/],
  ['header length past the end', () => rawSafetensors({ a: ONE }, FOUR, { declaredLength: 1000 }), /header length 1000 exceeds the file/],
  ['header not JSON', () => rawSafetensors('{"a": ', FOUR), /not UTF-8 JSON/],
  ['header not an object', () => rawSafetensors('[1, 2]  ', FOUR), /not a JSON object/],
  ['unknown dtype', () => rawSafetensors({ a: { ...ONE, dtype: 'F31' } }, FOUR), /"a" has unknown dtype "F31"/],
  ['offsets past the data', () => rawSafetensors({ a: { ...ONE, shape: [2], data_offsets: [0, 8] } }, FOUR), /ends at byte 8, past the data \(4 bytes\)/],
  ['byte count not shape × dtype', () => rawSafetensors({ a: { ...ONE, shape: [2] } }, FOUR), /holds 4 bytes but F32 \[2\] needs 8/],
  ['overlapping tensors', () => rawSafetensors({ a: ONE, b: { ...ONE, data_offsets: [2, 6] } }, new Uint8Array(6)), /"b" overlaps/],
  ['a gap between tensors', () => rawSafetensors({ a: ONE, b: { ...ONE, data_offsets: [6, 10] } }, new Uint8Array(10)), /"b" leaves a gap/],
  ['trailing bytes no tensor covers', () => rawSafetensors({ a: ONE }, new Uint8Array(8)), /cover 4 of the 8 data bytes/],
  ['bad shape', () => rawSafetensors({ a: { ...ONE, shape: [-1] } }, FOUR), /"a" has a bad shape/],
  ['bad offsets', () => rawSafetensors({ a: { ...ONE, data_offsets: [4, 0] } }, FOUR), /end before they begin/],
  ['metadata not strings', () => rawSafetensors({ __metadata__: { format: 1 }, a: ONE }, FOUR), /__metadata__\.format is not a string/],
];

for (const [name, make, pattern] of corrupt) {
  test(`a corrupt file is CHECKPOINT_INVALID naming the file: ${name}`, async () => {
    const dir = await tempDir();
    const path = join(dir, 'bad.safetensors');
    await writeFile(path, make());
    await rejectsWith(() => readSafetensors(path), ErrorCodes.CHECKPOINT_INVALID, new RegExp(`^${escape(path)}: .*${pattern.source}`));
    await rejectsWith(() => decodeSafetensors(make(), 'mem.safetensors'), ErrorCodes.CHECKPOINT_INVALID, pattern);
  });
}

test('a truncated fixture is CHECKPOINT_INVALID', async () => {
  const dir = await tempDir();
  const path = join(dir, 'model.safetensors');
  const bytes = await readFile(join(FIXTURE, 'model.safetensors'));
  await writeFile(path, bytes.subarray(0, bytes.byteLength - 100));
  await rejectsWith(() => readSafetensors(path), ErrorCodes.CHECKPOINT_INVALID, /past the data/);
});

test('a missing file is FILE_NOT_FOUND', async () => {
  const dir = await tempDir();
  await rejectsWith(() => readSafetensors(join(dir, 'none.safetensors')), ErrorCodes.FILE_NOT_FOUND, /none\.safetensors/);
});

test('the writer refuses a tensor whose data does not fill its shape, and the reserved name', () => {
  const bad = new Map<string, FloatTensor>([['a', { shape: [2, 2], data: new Float32Array(3) }]]);
  assert.throws(() => encodeSafetensors(bad), (e: unknown) => e instanceof Error && /"a": shape \[2,2\] with 3/.test(e.message));
  const reserved = new Map<string, FloatTensor>([['__metadata__', { shape: [1], data: new Float32Array(1) }]]);
  assert.throws(() => encodeSafetensors(reserved), /"__metadata__"/);
});

test('written headers are space-padded to a multiple of 8 and tensors are sorted by name', () => {
  const tensors = new Map<string, FloatTensor>([
    ['b', { shape: [1], data: new Float32Array([2]) }],
    ['a', { shape: [2], data: new Float32Array([0, 1]) }],
  ]);
  const bytes = encodeSafetensors(tensors);
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  assert.equal(n % 8, 0);
  const header = Buffer.from(bytes.subarray(8, 8 + n)).toString('utf8');
  assert.match(header, /^\{"__metadata__":\{"format":"pt"\},"a":\{"dtype":"F32","shape":\[2\],"data_offsets":\[0,8\]\},"b":.*\} *$/);
  assert.deepEqual([...new Float32Array(bytes.slice(8 + n).buffer)], [0, 1, 2]);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
