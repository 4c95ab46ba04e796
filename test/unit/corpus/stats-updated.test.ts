/** The first line of `lamini stats`: when the corpus was last committed, or that nothing is yet. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpusStats, formatStats } from '../../../corpus/index.ts';

test('regression: stats before the first commit say "nothing committed yet", not "updated 1970-01-01"', async () => {
  const stats = await corpusStats(mkdtempSync(join(tmpdir(), 'lamini-stats-empty-')));
  const first = formatStats(stats).split('\n')[0];
  assert.equal(first, 'corpus at manifest sequence 0 (nothing committed yet), run seed none');
  const committed = formatStats({ ...stats, manifest_sequence: 3, updated_at: '2026-05-01T10:00:00.000Z' }).split('\n')[0];
  assert.equal(committed, 'corpus at manifest sequence 3 (updated 2026-05-01T10:00:00.000Z), run seed none');
});
