import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PAPER_MIX } from '../../../common/config.ts';
import { collectReport, loadAssets, renderPage } from '../../../report/index.ts';
import { tempDataDir } from '../corpus/fixtures.ts';
import { HOSTILE_INSTRUCTION, writeFixture } from './fixture.ts';

test('the page inlines Chart.js and the data, loads nothing, and escapes corpus text in both', async (t) => {
  const dir = await tempDataDir(t);
  await writeFixture(dir);
  const data = await collectReport({ dataDir: dir, mix: PAPER_MIX });
  const assets = await loadAssets();
  const html = renderPage(data, assets);

  assert.ok(html.includes(assets.chartJs), 'Chart.js inlined whole');
  // Chart.js's own licence comment names its web site; everything else on the page names no URL.
  const ours = html.replace(assets.chartJs, '');
  assert.equal(/<script[^>]*\ssrc=|<link[^>]*\shref=|https?:\/\//i.exec(ours)?.[0], undefined, 'no external script, style or URL');
  // Exactly the three script elements the page means to have: data, Chart.js, the page script.
  assert.equal(html.match(/<script[\s>]/g)?.length, 3);
  assert.equal(html.match(/<\/script>/g)?.length, 3);
  assert.ok(!html.includes(HOSTILE_INSTRUCTION), 'the raw text is nowhere');
  assert.doesNotMatch(html, /<img/i);

  const block = /<script type="application\/json" id="report-data">([^]*?)<\/script>/.exec(html)?.[1];
  assert.ok(block !== undefined);
  assert.deepEqual(JSON.parse(block), data, 'the data block reads back as the report data');
});

test('sections with nothing to show explain themselves and get no canvas', async (t) => {
  const dir = await tempDataDir(t);
  const assets = await loadAssets();
  const html = renderPage(await collectReport({ dataDir: dir, mix: PAPER_MIX }), assets).replace(assets.chartJs, '');
  assert.equal(/<canvas/.exec(html)?.[0], undefined);
  for (const hint of ['lamini run', 'lamini train', 'lamini eval', 'No dead letters', 'No teacher calls']) assert.ok(html.includes(hint), hint);
});
