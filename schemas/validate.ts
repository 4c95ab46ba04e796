/**
 * Checking a record against its schema before encoding, reporting every issue with its field path (as zod
 * does) rather than avsc's first `invalid "string": undefined`.
 */
import type { Type, types } from 'avsc';

export interface RecordIssue {
  /** Dotted field path, e.g. `seed_ids.2`; empty for the record itself. */
  path: string;
  message: string;
}

function describeType(type: Type): string {
  if (type.typeName === 'enum') return `one of ${(type as types.EnumType).symbols.join(', ')}`;
  if (type.typeName === 'record') return `a ${type.name ?? 'record'} object`;
  if (type.typeName.startsWith('union')) return `a value of ${JSON.stringify(type.schema())}`;
  return type.typeName === 'bytes' ? 'bytes (Uint8Array)' : `a ${type.typeName}`;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (field missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return `${typeof value} ${text.length > 40 ? `${text.slice(0, 40)}…` : text}`;
}

/** Every issue that keeps `record` from being written with `type`; empty when it is valid. */
export function recordIssues(type: Type, record: unknown): RecordIssue[] {
  if (type.isValid(record, { noUndeclaredFields: true })) return [];
  const issues: RecordIssue[] = [];
  // First pass: wrong or missing values, field by field.
  type.isValid(record, {
    errorHook: (path, value, t) => {
      issues.push({ path: path.join('.'), message: `expected ${describeType(t)}, got ${describeValue(value)}` });
    },
  });
  // Second pass: fields the schema does not declare (avsc reports the record, not the field, so name them).
  type.isValid(record, {
    noUndeclaredFields: true,
    errorHook: (path, value, t) => {
      if (t.typeName !== 'record' || value === null || typeof value !== 'object') return;
      const declared = new Set((t as types.RecordType).fields.map((f) => f.name));
      for (const key of Object.keys(value)) {
        if (!declared.has(key)) issues.push({ path: [...path, key].join('.'), message: `not a field of ${t.name ?? 'the record'}` });
      }
    },
  });
  return issues;
}
