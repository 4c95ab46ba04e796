/**
 * Memory per million kept records: --records (default 1,000,000) distinct synthetic texts of about 100
 * tokens, generated on the fly (never held), go through the default MinHash index; the retained heap and
 * array buffers after a full GC, minus the same before, divided by kept records. Run with --expose-gc
 * (the script re-executes itself with it). One JSON line.
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { MinHashIndex } from '../../operators/dedup/minhash/index.ts';
import { syntheticTexts } from './corpus.ts';
import { arg, report } from './common.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  process.stdout.write(execFileSync(process.execPath, ['--expose-gc', '--max-old-space-size=4096', ...process.argv.slice(1)], { encoding: 'utf8' }));
  process.exit(0);
}
const loadBefore = loadavg();
const records = Number(arg('records', '1000000'));
const used = (): number => {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const before = used();
const index = new MinHashIndex();
const t0 = performance.now();
for (const r of syntheticTexts({ records, duplicateShare: 0, seed: 9 })) index.offer(r.id, r.text);
const seconds = (performance.now() - t0) / 1000;
const after = used();
const perRecord = (after - before) / index.size;
report('dedup.memory', {
  records, kept: index.size, index: index.name, seconds: Math.round(seconds * 10) / 10,
  retained_bytes: after - before, typed_array_bytes: index.bytes,
  bytes_per_kept_record: Math.round(perRecord), gb_per_million_kept: Math.round(perRecord * 1e6 / 1e9 * 1000) / 1000,
  target_gb_per_million_kept: 1, rss_bytes: process.memoryUsage().rss,
}, loadBefore);
