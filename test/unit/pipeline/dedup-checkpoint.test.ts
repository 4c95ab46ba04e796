import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig, type Config } from '../../../common/config.ts';
import { instructionId } from '../../../operators/generate/instruction.ts';
import type { Instruction } from '../../../schemas/types.ts';
import { dedupSnapshotPath, openCheckpointedDedup } from '../../../pipeline/dedup-checkpoint.ts';

const instr = (text: string, task: number): Instruction => ({
  id: instructionId(text), instruction: text, input: '', instruction_source: 'self_instruct_without_topic',
  generation_mode: 'example_guided', seed_ids: ['a'], topics: [], task_number: task, task_outputs: 1,
  teacher_model: 'm', prompt_version: 'lamini-v1', prompt_tokens: 5, completion_tokens: 7, cost_usd: 0.01, created_at: 1,
});

function setup(dedup: Partial<Config['dedup']> = {}): { config: Config; lines: string[]; open: () => ReturnType<typeof openCheckpointedDedup> } {
  const base = defaultConfig();
  const config: Config = { ...base, dataDir: mkdtempSync(join(tmpdir(), 'lamini-dedup-ckpt-')), dedup: { ...base.dedup, ...dedup } };
  const lines: string[] = [];
  return { config, lines, open: () => openCheckpointedDedup({ config, inputTopic: 'p.instructions.raw', now: () => 1, log: (l) => lines.push(l) }) };
}

test('dedup checkpoint file: saved after enough records and on a clean stop, restored with its positions on the next start', async () => {
  const { config, lines, open } = setup({ snapshotEveryRecords: 3, snapshotEveryMs: 60_000 });
  const first = await open();
  assert.equal(first.checkpoint.covers, undefined);
  assert.match(lines.join('\n'), /restored 0 kept instructions from the corpus/);
  const path = dedupSnapshotPath(config.dataDir, 'p.instructions.raw');
  await first.operator.process(instr('Explain the water cycle to a child', 1));
  await first.checkpoint.save([{ topic: 'p.instructions.raw', partition: 0, offset: 1 }], { records: 1, force: false });
  assert.equal(existsSync(path), false, 'not due after 1 record');
  await first.operator.process(instr('Name three planets of the solar system', 1));
  await first.checkpoint.save([{ topic: 'p.instructions.raw', partition: 0, offset: 3 }], { records: 2, force: false });
  assert.equal(existsSync(path), true, 'due after 3 records');

  const second = await open();
  assert.deepEqual(second.checkpoint.covers, [{ topic: 'p.instructions.raw', partition: 0, offset: 3 }]);
  assert.match(lines.at(-1)!, /restored 2 kept instructions from .*p\.instructions\.raw\.snapshot/);
  const again = await second.operator.process(instr('Explain the water cycle to a child', 1));
  assert.equal((again.emit[0]!.record as { reason?: string }).reason, 'already_committed', 'the restored state knows the task of each kept instruction');
});

test('dedup checkpoint file: a damaged snapshot or one of another index config is said in one line and the corpus is used', async () => {
  const { config, lines, open } = setup();
  const path = dedupSnapshotPath(config.dataDir, 'p.instructions.raw');
  const first = await open();
  await first.checkpoint.save([], { records: 0, force: true });
  const other = await openCheckpointedDedup({ config: { ...config, dedup: { ...config.dedup, threshold: 0.9 } }, inputTopic: 'p.instructions.raw', now: () => 1, log: (l) => lines.push(l) });
  assert.equal(other.checkpoint.covers, undefined);
  assert.match(lines.at(-2)!, /not used \(DEDUP_SNAPSHOT_MISMATCH: .*\); restoring from the corpus$/);
  writeFileSync(path, 'not a snapshot');
  assert.equal((await open()).checkpoint.covers, undefined);
  assert.match(lines.at(-2)!, /not used \(DEDUP_SNAPSHOT_INVALID: .*\); restoring from the corpus$/);
});
