import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isLaminiError, ErrorCodes } from '../../../../common/errors.ts';
import { parseCursor, streamConfig, type Cursor } from '../../../../trainers/data/cursor.ts';

const valid: Cursor = {
  version: 1,
  seed: 42,
  epochs: 3,
  follow: true,
  shuffleBlock: 65536,
  evalPermille: 10,
  epoch: 1,
  fromSeq: 4,
  toSeq: 7,
  coveredTo: 9,
  passRows: 350,
  passDigest: '3f0c2a9e51d7b604',
  position: 120,
};

function invalidPaths(value: unknown): string[] {
  try {
    parseCursor(value);
  } catch (error) {
    assert.ok(isLaminiError(error, ErrorCodes.CURSOR_INVALID), `expected CURSOR_INVALID, got ${String(error)}`);
    const issues = error.details['issues'];
    return Array.isArray(issues) ? issues.map((i: { path: string }) => i.path) : [];
  }
  assert.fail('parseCursor accepted an invalid cursor');
}

test('a cursor survives JSON: parseCursor(JSON.stringify(c)) equals c, from text or a parsed value', () => {
  assert.deepEqual(parseCursor(JSON.stringify(valid)), valid);
  assert.deepEqual(parseCursor(JSON.parse(JSON.stringify(valid))), valid);
});

test('anything off is CURSOR_INVALID, naming each field', () => {
  assert.deepEqual(invalidPaths('{"version": 1,'), []);
  assert.deepEqual(invalidPaths(null), ['']);
  assert.deepEqual(invalidPaths([valid]), ['']);
  assert.deepEqual(invalidPaths({ ...valid, version: 2 }), ['version']);
  assert.deepEqual(invalidPaths({ ...valid, extra: 1 }), ['extra']);
  assert.deepEqual(invalidPaths({ ...valid, seed: -1 }), ['seed']);
  assert.deepEqual(invalidPaths({ ...valid, seed: 1.5 }), ['seed']);
  assert.deepEqual(invalidPaths({ ...valid, epochs: 0 }), ['epochs']);
  assert.deepEqual(invalidPaths({ ...valid, follow: 'yes' }), ['follow']);
  assert.deepEqual(invalidPaths({ ...valid, shuffleBlock: 0 }), ['shuffleBlock']);
  assert.deepEqual(invalidPaths({ ...valid, evalPermille: 1001 }), ['evalPermille']);
  assert.deepEqual(invalidPaths({ ...valid, epoch: 3 }), ['epoch']);
  assert.deepEqual(invalidPaths({ ...valid, toSeq: 4 }), ['toSeq']);
  assert.deepEqual(invalidPaths({ ...valid, coveredTo: 6 }), ['coveredTo']);
  assert.deepEqual(invalidPaths({ ...valid, follow: false }), ['fromSeq']);
  assert.deepEqual(invalidPaths({ ...valid, position: 351 }), ['position']);
  assert.deepEqual(invalidPaths({ ...valid, passDigest: 'XYZ' }), ['passDigest']);
  const { position: _position, ...withoutPosition } = valid;
  assert.deepEqual(invalidPaths(withoutPosition), ['position']);
  assert.deepEqual(invalidPaths({ ...valid, seed: '42', epoch: -1 }).sort(), ['epoch', 'seed']);
});

test('stream options get defaults, and bad ones are CONFIG_INVALID', () => {
  assert.deepEqual(streamConfig({ seed: 1 }), { seed: 1, epochs: 1, follow: false, shuffleBlock: 65536, evalPermille: 10 });
  assert.deepEqual(streamConfig({ seed: 1, epochs: 2, follow: true, shuffleBlock: 5, evalPermille: 0 }), {
    seed: 1, epochs: 2, follow: true, shuffleBlock: 5, evalPermille: 0,
  });
  assert.throws(() => streamConfig({ seed: 1, epochs: 0 }), (e) => isLaminiError(e, ErrorCodes.CONFIG_INVALID) && /epochs/.test(e.message));
  assert.throws(() => streamConfig({ seed: 1, evalPermille: 2000 }), (e) => isLaminiError(e, ErrorCodes.CONFIG_INVALID));
});
