/**
 * Test fixtures for the native install: a fake `tensorflow-cpu` wheel (a real zip holding small stand-ins for
 * the two libraries and the C headers), a scratch project whose node_modules has the packages the install
 * checks, and test doubles for the steps that would reach pip, npm and a compiler.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { HEADERS, HEADER_PREFIX, LIBRARIES, TFJS_NODE_VERSION } from '../../../../trainers/backend/paths.ts';

/** A stored/deflated zip with the members given; enough for `teacher/local/zip.ts` to read. */
export function zip(members: readonly { name: string; data: Buffer }[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name);
    const body = deflateRawSync(m.data);
    const crc = crc32(m.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(m.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    parts.push(local, name, body);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(body.length, 20);
    entry.writeUInt32LE(m.data.length, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    central.push(entry, name);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cd, end]);
}

export function libraryBytes(file: string): Buffer {
  return Buffer.from(`fake ${file}\n`.repeat(100));
}

/** The members of a fake wheel; `omit` leaves one out to make a broken wheel. */
export function fakeWheel(omit?: string): Buffer {
  const members = [
    ...LIBRARIES.map((l) => ({ name: l.member, data: libraryBytes(l.file) })),
    ...HEADERS.map((h) => ({ name: HEADER_PREFIX + h, data: Buffer.from(`/* ${h} */\n`) })),
    { name: 'tensorflow/include/tensorflow/core/framework/tensor.h', data: Buffer.from('/* not needed */\n') },
    { name: 'tensorflow/__init__.py', data: Buffer.from('') },
  ];
  return zip(members.filter((m) => m.name !== omit));
}

/** A download double: counts its calls and writes the fake wheel where pip would. */
export function downloadDouble(wheel: Buffer = fakeWheel()): { calls: number; download: (dir: string) => Promise<void> } {
  const state = {
    calls: 0,
    download: async (dir: string): Promise<void> => {
      state.calls += 1;
      writeFileSync(join(dir, 'tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl'), wheel);
    },
  };
  return state;
}

function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(value)}\n`);
}

/** A scratch project: package.json and the tfjs packages the install resolves, but no tfjs-node yet. */
export function scratchProject(): { root: string; cache: string; cleanup: () => void } {
  const base = mkdtempSync(join(tmpdir(), 'lamini-backend-test-'));
  const root = join(base, 'project');
  writeJson(join(root, 'package.json'), { name: 'scratch', version: '0.0.0' });
  writeJson(join(root, 'node_modules', '@tensorflow', 'tfjs-core', 'package.json'), { name: '@tensorflow/tfjs-core', version: '4.22.0' });
  writeJson(join(root, 'node_modules', '@tensorflow', 'tfjs', 'package.json'), { name: '@tensorflow/tfjs', version: '4.22.0' });
  return { root, cache: join(base, 'cache'), cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

/** An npm double: writes the files of tfjs-node 4.22 that the install looks at. */
export function restoreDouble(): { calls: number; restore: (root: string) => Promise<void> } {
  const state = {
    calls: 0,
    restore: async (root: string): Promise<void> => {
      state.calls += 1;
      const dir = join(root, 'node_modules', '@tensorflow', 'tfjs-node');
      writeJson(join(dir, 'package.json'), {
        name: '@tensorflow/tfjs-node',
        version: TFJS_NODE_VERSION,
        binary: { module_name: 'tfjs_binding', module_path: './lib/napi-v{napi_build_version}', napi_versions: [3, 4, 5, 6, 7, 8] },
      });
      mkdirSync(join(dir, 'dist'), { recursive: true });
      writeFileSync(join(dir, 'dist', 'index.js'), '');
    },
  };
  return state;
}

/** A node-gyp double: counts its calls and writes a stand-in addon where node-gyp's copy step would. */
export function buildDouble(): { calls: number; build: (packageDir: string, moduleDir: string) => Promise<void> } {
  const state = {
    calls: 0,
    build: async (_packageDir: string, moduleDir: string): Promise<void> => {
      state.calls += 1;
      mkdirSync(moduleDir, { recursive: true });
      writeFileSync(join(moduleDir, 'tfjs_binding.node'), 'fake addon');
    },
  };
  return state;
}
