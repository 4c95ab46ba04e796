/** Tiny structural checks that collect every issue with its path (zod style) instead of stopping at one. */

export interface Issue {
  path: string;
  message: string;
}
export type Issues = Issue[];

export function issue(issues: Issues, path: string, message: string): void {
  issues.push({ path, message });
}

export function expectObject(value: unknown, path: string, issues: Issues): Record<string, unknown> | undefined {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  issue(issues, path, 'expected an object');
  return undefined;
}

export function expectArray(value: unknown, path: string, issues: Issues): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  issue(issues, path, 'expected an array');
  return undefined;
}

export function expectString(value: unknown, path: string, issues: Issues): string | undefined {
  if (typeof value === 'string') return value;
  issue(issues, path, 'expected a string');
  return undefined;
}

export function expectNumber(value: unknown, path: string, issues: Issues): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  issue(issues, path, 'expected a finite number');
  return undefined;
}

export function expectInt(value: unknown, path: string, issues: Issues, min = Number.MIN_SAFE_INTEGER): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min) return value;
  issue(issues, path, `expected an integer >= ${min}`);
  return undefined;
}
