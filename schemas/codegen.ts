/**
 * Writes `schemas/types.ts` from the current `schemas/*.avsc`: one exported type per named Avro type, with the
 * schema's `doc` attributes as doc comments, and a `RecordTypes` map from record name to shape.
 *
 *   node schemas/codegen.ts           rewrite schemas/types.ts
 *   node schemas/codegen.ts --check   exit 1 when schemas/types.ts is stale
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCodes, LaminiError } from '../common/errors.ts';
import type { AvroSchema } from './fingerprint.ts';
import { defaultSchemaDir, readSchemaDir } from './load.ts';

const HEADER = '// generated from schemas/*.avsc by schemas/codegen.ts — do not edit';
const PRIMITIVE_TS: Record<string, string> = {
  null: 'null', boolean: 'boolean', int: 'number', long: 'number', float: 'number', double: 'number',
  bytes: 'Uint8Array', string: 'string',
};

type Obj = Record<string, unknown>;
interface Declaration { name: string; kind: 'enum' | 'record' | 'fixed'; text: string; }

function docComment(doc: unknown, indent: string): string {
  if (typeof doc !== 'string' || doc.trim() === '') return '';
  const one = `${indent}/** ${doc.trim()} */`;
  if (one.length <= 115) return `${one}\n`;
  const lines: string[] = [];
  let line = '';
  for (const word of doc.trim().split(/\s+/)) {
    if (line !== '' && indent.length + 3 + line.length + word.length >= 115) { lines.push(line); line = ''; }
    line = line === '' ? word : `${line} ${word}`;
  }
  lines.push(line);
  return `${indent}/**\n${lines.map((l) => `${indent} * ${l}`).join('\n')}\n${indent} */\n`;
}

const shortName = (full: string): string => full.slice(full.lastIndexOf('.') + 1);

class Generator {
  readonly declarations: Declaration[] = [];
  readonly #byName = new Map<string, string>(); // fullname -> canonical JSON, to catch conflicting definitions

  tsType(schema: unknown, namespace: string): string {
    if (typeof schema === 'string') return PRIMITIVE_TS[schema] ?? shortName(schema);
    if (Array.isArray(schema)) return schema.map((s) => this.tsType(s, namespace)).join(' | ');
    const s = schema as Obj;
    const type = s['type'];
    if (typeof type !== 'string') return this.tsType(type, namespace);
    if (type === 'array') {
      const items = this.tsType(s['items'], namespace);
      return /[ |]/.test(items) ? `Array<${items}>` : `${items}[]`;
    }
    if (type === 'map') return `Record<string, ${this.tsType(s['values'], namespace)}>`;
    if (type !== 'record' && type !== 'enum' && type !== 'fixed') return PRIMITIVE_TS[type] ?? shortName(type);
    const name = String(s['name']);
    const ns = typeof s['namespace'] === 'string' ? s['namespace'] : namespace;
    const full = name.includes('.') || ns === '' ? name : `${ns}.${name}`;
    this.#declare(full, type, s, full.includes('.') ? full.slice(0, full.lastIndexOf('.')) : '');
    return shortName(full);
  }

  #declare(full: string, kind: Declaration['kind'], s: Obj, inner: string): void {
    const json = JSON.stringify(s);
    const seen = this.#byName.get(full);
    if (seen !== undefined) {
      if (seen !== json) throw new LaminiError(ErrorCodes.SCHEMA_INVALID, `${full} is defined differently in two schemas`);
      return;
    }
    this.#byName.set(full, json);
    const name = shortName(full);
    const doc = docComment(s['doc'], '');
    if (kind === 'enum') {
      const symbols = (s['symbols'] as string[]).map((x) => `'${x}'`).join(' | ');
      this.declarations.push({ name, kind, text: `${doc}export type ${name} = ${symbols};\n` });
    } else if (kind === 'fixed') {
      this.declarations.push({ name, kind, text: `${doc}export type ${name} = Uint8Array;\n` });
    } else {
      const fields = (s['fields'] as Obj[]).map((f) => `${docComment(f['doc'], '  ')}  ${String(f['name'])}: ${this.tsType(f['type'], inner)};\n`);
      this.declarations.push({ name, kind, text: `${doc}export interface ${name} {\n${fields.join('')}}\n` });
    }
  }
}

/** The text of `types.ts` for these (current) schemas. */
export function generateTypes(schemas: AvroSchema[]): string {
  const gen = new Generator();
  const top = schemas.map((s) => gen.tsType(s, ''));
  const order = (d: Declaration): number => (d.kind === 'record' ? 1 : 0);
  const decls = [...gen.declarations].sort((a, b) => order(a) - order(b)).map((d) => d.text);
  const map = top.map((name) => `  ${name}: ${name};\n`).join('');
  return [
    `${HEADER}\n/**\n * TypeScript shapes of the records that cross topics. The \`.avsc\` files in schemas/ are the source of truth;\n`
      + ' * after changing one, run `node schemas/codegen.ts` (a unit test fails while this file is stale).\n */\n',
    ...decls,
    `/** Each record type by name, as \`SchemaRegistry.encode\` and \`decode\` take it. */\nexport interface RecordTypes {\n${map}}\n`,
    'export type RecordTypeName = keyof RecordTypes;\n',
  ].join('\n');
}

export function typesPath(dir: string = defaultSchemaDir()): string {
  return join(dir, 'types.ts');
}

function main(args: string[]): number {
  const dir = defaultSchemaDir();
  const text = generateTypes(readSchemaDir(dir).current.map((f) => f.schema));
  if (args.includes('--check')) {
    const stale = readFileSync(typesPath(dir), 'utf8') !== text;
    if (stale) process.stderr.write('schemas/types.ts is stale: run node schemas/codegen.ts\n');
    return stale ? 1 : 0;
  }
  writeFileSync(typesPath(dir), text);
  process.stdout.write(`wrote ${typesPath(dir)}\n`);
  return 0;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
