/**
 * Reading one record of a public dataset file by field name, with each missing or mistyped field reported as a
 * problem rather than thrown, so a converter can list every problem of a file at once.
 */

export class Fields {
  readonly problems: string[] = [];
  readonly #fields: Map<string, unknown>;

  constructor(record: object) {
    this.#fields = new Map<string, unknown>(Object.entries(record));
  }

  has(key: string): boolean {
    return this.#fields.has(key) && this.#fields.get(key) !== null;
  }

  raw(key: string): unknown {
    return this.#fields.get(key);
  }

  string(key: string): string {
    const v = this.#fields.get(key);
    if (typeof v === 'string') return v;
    this.problems.push(`"${key}" must be a string`);
    return '';
  }

  strings(key: string): string[] {
    const v = this.#fields.get(key);
    if (Array.isArray(v) && v.every((x): x is string => typeof x === 'string')) return v;
    this.problems.push(`"${key}" must be a list of strings`);
    return [];
  }

  /** A nested object, as its own Fields (its problems are prefixed with `key.` and added to this one's). */
  object(key: string): Fields {
    const v = this.#fields.get(key);
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return new Fields(v);
    this.problems.push(`"${key}" must be an object`);
    return new Fields({});
  }

  /** A list of objects, each as Fields. */
  objects(key: string): Fields[] {
    const v = this.#fields.get(key);
    if (Array.isArray(v) && v.every((x): x is object => typeof x === 'object' && x !== null && !Array.isArray(x))) return v.map((x) => new Fields(x));
    this.problems.push(`"${key}" must be a list of objects`);
    return [];
  }

  /** An integer label, given as a number or a string of digits ("1"); undefined when absent, empty or negative. */
  label(key: string): number | undefined {
    const v = this.#fields.get(key);
    if (v === undefined || v === null || v === '') return undefined;
    const n = typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v.trim()) : v;
    if (typeof n === 'number' && Number.isInteger(n)) return n < 0 ? undefined : n;
    this.problems.push(`"${key}" must be an integer label`);
    return undefined;
  }

  /** The record's own id: the first of `keys` present, as a string. */
  id(keys: readonly string[], fallback: string): string {
    for (const key of keys) {
      const v = this.#fields.get(key);
      if (typeof v === 'string' || typeof v === 'number') return String(v);
    }
    return fallback;
  }
}
