/**
 * From one raw record (any object) to the text fields of a seed. Fields named in a field map are taken from
 * there (dotted paths, numeric segments index arrays: `instances.0.input`); the rest are found by the
 * record's shape:
 * - self-instruct seed tasks: `instruction`, `instances[0].input` / `instances[0].output`
 * - Alpaca (and Dolly-like): `instruction`, `input` (or `context`), `output` (or `response`)
 * - P3 / FLAN: `inputs` (or `inputs_pretokenized`) as the instruction, `targets` (or `targets_pretokenized`)
 *   as the output, the subset from `subset`, `task_name`, `task`, `template_name` or `template`.
 * A record that cannot give a seed gets a stable reason code and a one-line message.
 */

export interface FieldMap {
  instruction?: string;
  input?: string;
  output?: string;
  subset?: string;
}

export interface SeedFields {
  instruction: string;
  input: string;
  output: string;
  subset: string;
}

export interface ShapeOptions {
  fieldMap?: FieldMap;
  /** Subset for records that name none (a mapped subset field wins over it). */
  subset?: string;
  /** Longest instruction, and longest input, in characters (code points). */
  maxChars: number;
}

export type ShapeResult = { ok: true; fields: SeedFields } | { ok: false; reason: string; message: string };

/** `obj[path]` if that key exists as written, else the dotted walk; undefined when any step is missing. */
export function getPath(value: unknown, path: string): unknown {
  if (isObject(value) && Object.hasOwn(value, path)) return value[path];
  let current: unknown = value;
  for (const segment of path.split('.')) {
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(segment)) return undefined;
      current = current[Number(segment)];
    } else if (isObject(current) && Object.hasOwn(current, segment)) {
      current = current[segment];
    } else {
      return undefined;
    }
  }
  return current;
}

const SUBSET_KEYS = ['subset', 'task_name', 'task', 'template_name', 'template'];

export function extractSeedFields(record: unknown, options: ShapeOptions): ShapeResult {
  if (!isObject(record)) {
    const kind = record === null ? 'null' : Array.isArray(record) ? 'an array' : typeof record;
    return fail('not_an_object', `expected an object, found ${kind}`);
  }
  const map = options.fieldMap ?? {};
  const detected = detect(record);

  let instructionValue: unknown;
  if (map.instruction !== undefined) {
    instructionValue = getPath(record, map.instruction);
    if (instructionValue === undefined || instructionValue === null) {
      return fail('missing_instruction', `no field "${map.instruction}" (mapped to instruction)`);
    }
  } else if (detected === undefined) {
    const keys = Object.keys(record).slice(0, 8).join(', ');
    return fail('missing_instruction', `no instruction field (looked for instruction, inputs); keys: ${keys || 'none'}`);
  } else {
    instructionValue = detected.instruction;
    if (instructionValue === null) return fail('missing_instruction', `field "${detected.instructionKey}" is null`);
  }

  const pick = (field: 'input' | 'output' | 'subset'): unknown => {
    const path = map[field];
    return path !== undefined ? getPath(record, path) : detected?.[field];
  };

  const texts: Partial<Record<keyof SeedFields, string>> = {};
  const values: Record<keyof SeedFields, unknown> = {
    instruction: instructionValue,
    input: pick('input'),
    output: pick('output'),
    subset: pick('subset'),
  };
  for (const key of ['instruction', 'input', 'output', 'subset'] as const) {
    const text = toText(values[key]);
    if (text === undefined) {
      const where = map[key] ?? (key === 'instruction' ? detected?.instructionKey : key);
      return fail('field_not_text', `${key} ("${where}") holds ${Array.isArray(values[key]) ? 'an array' : 'an object'}, not text`);
    }
    texts[key] = clean(text);
  }
  const instruction = texts.instruction ?? '';
  const input = texts.input ?? '';
  if (instruction === '') return fail('instruction_empty', 'the instruction is empty');
  const instructionChars = countChars(instruction, options.maxChars);
  if (instructionChars > options.maxChars) {
    return fail('instruction_too_long', `the instruction has ${instructionChars} characters, more than ${options.maxChars}`);
  }
  const inputChars = countChars(input, options.maxChars);
  if (inputChars > options.maxChars) {
    return fail('input_too_long', `the input has ${inputChars} characters, more than ${options.maxChars}`);
  }
  const subset = (map.subset !== undefined ? texts.subset : '') || options.subset || texts.subset || '';
  return { ok: true, fields: { instruction, input, output: texts.output ?? '', subset } };
}

interface Detected {
  instructionKey: string;
  instruction: unknown;
  input: unknown;
  output: unknown;
  subset: unknown;
}

function detect(record: Record<string, unknown>): Detected | undefined {
  const subset = SUBSET_KEYS.map((k) => record[k]).find((v) => typeof v === 'string' && v !== '');
  if (Object.hasOwn(record, 'instruction')) {
    const first = Array.isArray(record['instances']) ? (record['instances'][0] as unknown) : undefined;
    const instance = isObject(first) ? first : {};
    return {
      instructionKey: 'instruction',
      instruction: record['instruction'],
      input: firstDefined(record['input'], record['context'], instance['input']),
      output: firstDefined(record['output'], record['response'], instance['output']),
      subset,
    };
  }
  for (const key of ['inputs', 'inputs_pretokenized']) {
    if (Object.hasOwn(record, key) && (typeof record[key] === 'string' || record[key] === null)) {
      return {
        instructionKey: key,
        instruction: record[key],
        input: '',
        output: firstDefined(record['targets_pretokenized'], textOnly(record['targets'])),
        subset,
      };
    }
  }
  return undefined;
}

function firstDefined(...values: unknown[]): unknown {
  return values.find((v) => v !== undefined && v !== null);
}

/** P3's `targets` may be token ids; only a string is the answer text. */
function textOnly(value: unknown): unknown {
  return typeof value === 'string' ? value : undefined;
}

function toText(value: unknown): string | undefined {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return undefined;
}

function clean(text: string): string {
  return text.replace(/\r\n?/g, '\n').trim();
}

/** Code points in `text`, counted exactly only when they could exceed `limit` (UTF-16 length is an upper bound). */
function countChars(text: string, limit: number): number {
  if (text.length <= limit) return text.length;
  return text.length - (text.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)?.length ?? 0);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(reason: string, message: string): ShapeResult {
  return { ok: false, reason, message };
}
