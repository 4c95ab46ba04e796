/** Checkpoint folders: save / read round trip, pruning, picking the latest, and a full disk mid-save (a failing writer double). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCodes } from '../../../../common/errors.ts';
import { nodeFileWriter, type FileWriter } from '../../../../trainers/checkpoint/file-writer.ts';
import { latestCheckpoint, listCheckpoints, readCheckpoint, saveCheckpoint } from '../../../../trainers/checkpoint/store.ts';
import { FIXTURE, fixtureParts, rejectsWith, tempDir } from './helpers.ts';

/** A FileWriter double: writes the first bytes of `failOn`, then fails as a full disk does. */
class FailingFileWriter implements FileWriter {
  readonly failOn: string;
  readonly written: string[] = [];

  constructor(failOn: string) {
    this.failOn = failOn;
  }

  async writeFile(path: string, chunks: Iterable<Uint8Array>): Promise<void> {
    if (!path.endsWith(`/${this.failOn}`)) {
      this.written.push(path);
      return nodeFileWriter.writeFile(path, chunks);
    }
    const [first] = chunks;
    await writeFile(path, first ?? new Uint8Array(0));
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  }
}

test('a saved checkpoint reads back equal, its model file is transformers\' byte for byte, and so are its tokenizer files', async () => {
  const root = await tempDir();
  const parts = await fixtureParts(3);
  const saved = await saveCheckpoint(root, 1200, parts);
  assert.deepEqual(saved, { step: 1200, dir: join(root, 'checkpoint-1200'), pruned: [] });
  assert.deepEqual(await readdir(root), ['checkpoint-1200']);
  assert.deepEqual((await readdir(saved.dir)).sort(), [
    'config.json', 'generation_config.json', 'model.safetensors', 'optimizer.safetensors', 'special_tokens_map.json',
    'tokenizer.json', 'tokenizer_config.json', 'trainer_state.json',
  ]);
  assert.deepEqual(await readCheckpoint(saved.dir), parts);
  for (const file of ['model.safetensors', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json']) {
    assert.equal(Buffer.compare(await readFile(join(saved.dir, file)), await readFile(join(FIXTURE, file))), 0, file);
  }
  const { _from_model_config: _, ...generation } = JSON.parse(await readFile(join(FIXTURE, 'generation_config.json'), 'utf8'));
  assert.deepEqual(JSON.parse(await readFile(join(saved.dir, 'generation_config.json'), 'utf8')), generation);
});

test('keep prunes the oldest checkpoints, never the new one', async () => {
  const root = await tempDir();
  const parts = await fixtureParts();
  const pruned: number[][] = [];
  for (const step of [10, 20, 30, 40]) pruned.push((await saveCheckpoint(root, step, parts, { keep: 2 })).pruned);
  assert.deepEqual(pruned, [[], [], [10], [20]]);
  assert.deepEqual((await listCheckpoints(root)).map((c) => c.step), [30, 40]);
  // A run resumed from an earlier step: the new checkpoint survives even though a later one exists.
  await saveCheckpoint(root, 35, parts, { keep: 1 });
  assert.deepEqual((await listCheckpoints(root)).map((c) => c.step), [35]);
  assert.deepEqual((await readdir(root)).sort(), ['checkpoint-35']);
  await rejectsWith(() => saveCheckpoint(root, 36, parts, { keep: 0 }), ErrorCodes.CONFIG_INVALID, /keep must be an integer >= 1/);
});

test('latestCheckpoint picks the highest complete step, ignores incomplete and foreign folders, removes stale temp ones', async () => {
  const root = await tempDir();
  assert.equal(await latestCheckpoint(join(root, 'none')), undefined);
  const parts = await fixtureParts();
  await saveCheckpoint(root, 9, parts);
  await saveCheckpoint(root, 100, parts);
  await mkdir(join(root, 'checkpoint-200'));
  await writeFile(join(root, 'checkpoint-200', 'config.json'), '{}');
  for (const name of ['.checkpoint-300.tmp', '.checkpoint-5.old']) {
    await mkdir(join(root, name));
    await writeFile(join(root, name, 'model.safetensors'), 'partial');
  }
  await mkdir(join(root, 'checkpoint-0400'));
  await mkdir(join(root, 'notes'));
  assert.deepEqual(await latestCheckpoint(root), { step: 100, dir: join(root, 'checkpoint-100') });
  assert.deepEqual((await readdir(root)).sort(), ['checkpoint-0400', 'checkpoint-100', 'checkpoint-200', 'checkpoint-9', 'notes']);
  assert.deepEqual((await listCheckpoints(root)).map((c) => c.step), [9, 100]);
});

test('a full disk mid-save is CHECKPOINT_WRITE_FAILED on one line; the temp folder is gone and the previous checkpoint intact', async () => {
  const root = await tempDir();
  const before = await fixtureParts(1);
  await saveCheckpoint(root, 10, before);
  const writer = new FailingFileWriter('model.safetensors');
  await rejectsWith(() => saveCheckpoint(root, 20, before, { keep: 1, writer }), ErrorCodes.CHECKPOINT_WRITE_FAILED,
    /^cannot write checkpoint-20 in .+: model\.safetensors: ENOSPC: no space left on device, write$/);
  assert.deepEqual(writer.written.map((p) => p.split('/').slice(-2).join('/')), ['.checkpoint-20.tmp/config.json', '.checkpoint-20.tmp/generation_config.json']);
  assert.deepEqual(await readdir(root), ['checkpoint-10']);
  assert.deepEqual(await latestCheckpoint(root), { step: 10, dir: join(root, 'checkpoint-10') });
  assert.deepEqual(await readCheckpoint(join(root, 'checkpoint-10')), before);
  // The next save works.
  await saveCheckpoint(root, 20, await fixtureParts(2), { keep: 1 });
  assert.deepEqual((await listCheckpoints(root)).map((c) => c.step), [20]);
});

test('saving a step that already has a checkpoint is refused and leaves it alone', async () => {
  const root = await tempDir();
  const first = await fixtureParts(1);
  await saveCheckpoint(root, 10, first);
  const second = await fixtureParts(2);
  await rejectsWith(() => saveCheckpoint(root, 10, second), ErrorCodes.CHECKPOINT_WRITE_FAILED, /checkpoint-10 in .*: it already exists$/);
  assert.deepEqual(await readCheckpoint(join(root, 'checkpoint-10')), first);
  assert.deepEqual(await readdir(root), ['checkpoint-10']);
});

test('parts that do not match their config are refused before anything is written', async () => {
  const root = await tempDir();
  const parts = await fixtureParts();
  await rejectsWith(() => saveCheckpoint(root, 1, { ...parts, config: { ...parts.config, layers: 3 } }), ErrorCodes.CHECKPOINT_MISMATCH,
    /weights given to saveCheckpoint has no tensor transformer\.h\.2\.ln_1\.weight/);
  await rejectsWith(() => saveCheckpoint(root, 1, { ...parts, config: { ...parts.config, vocabSize: 90, eosTokenId: 5 } }),
    ErrorCodes.CHECKPOINT_MISMATCH, /shape \[96, 32\], config\.json says \[90, 32\]/);
  await rejectsWith(() => saveCheckpoint(root, 1, { ...parts, tokenizerJson: '{"model":{"vocab":{"a":0,"b":96}}}' }), ErrorCodes.CHECKPOINT_INVALID,
    /tokenizer\.json given to saveCheckpoint: token id 96 is outside the model's vocabulary \(vocab_size 96\)/);
  assert.deepEqual(await readdir(root), []);
});

test('a corrupt or missing part makes readCheckpoint fail with CHECKPOINT_INVALID naming it', async () => {
  const root = await tempDir();
  const { dir } = await saveCheckpoint(root, 5, await fixtureParts());
  const model = join(dir, 'model.safetensors');
  const bytes = await readFile(model);
  bytes[8] = 0x5b; // the header's "{" becomes "["
  await writeFile(model, bytes);
  await rejectsWith(() => readCheckpoint(dir), ErrorCodes.CHECKPOINT_INVALID, /model\.safetensors: safetensors header is not UTF-8 JSON$/);
  await writeFile(model, bytes.subarray(0, 4));
  await rejectsWith(() => readCheckpoint(dir), ErrorCodes.CHECKPOINT_INVALID, /model\.safetensors: 4 bytes is too short/);

  const { dir: other } = await saveCheckpoint(root, 6, await fixtureParts());
  await writeFile(join(other, 'trainer_state.json'), '["not an object"]');
  await rejectsWith(() => readCheckpoint(other), ErrorCodes.CHECKPOINT_INVALID, /trainer_state\.json: not a JSON object$/);
  await rm(join(other, 'optimizer.safetensors'));
  await rejectsWith(() => readCheckpoint(other), ErrorCodes.CHECKPOINT_INVALID, /checkpoint-6 is not a complete checkpoint: it has no optimizer\.safetensors$/);
  assert.deepEqual((await listCheckpoints(root)).map((c) => c.step), [5]);
});

test('weights given under the original names, with a tied head, are written under the canonical names only', async () => {
  const root = await tempDir();
  const parts = await fixtureParts();
  const original = new Map([...parts.weights].map(([name, t]) => [name.replace(/^transformer\./, ''), t]));
  const wte = parts.weights.get('transformer.wte.weight');
  assert.ok(wte !== undefined);
  original.set('lm_head.weight', wte);
  const { dir } = await saveCheckpoint(root, 1, { ...parts, weights: original });
  assert.equal(Buffer.compare(await readFile(join(dir, 'model.safetensors')), await readFile(join(FIXTURE, 'model.safetensors'))), 0);
});
