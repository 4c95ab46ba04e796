/** Reading an OpenAI request body's fields: each problem is reported with its path, none stops the reading. */
export type Body = Readonly<Record<string, unknown>>;

export function asBody(value: unknown): Body | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return Object.fromEntries(Object.entries(value));
}

export class Fields {
  readonly issues: string[] = [];
  private readonly body: Body;

  constructor(body: Body) {
    this.body = body;
  }

  has(key: string): boolean {
    return this.body[key] !== undefined && this.body[key] !== null;
  }

  raw(key: string): unknown {
    return this.body[key];
  }

  string(key: string): string | undefined {
    const v = this.body[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    this.issues.push(`${key}: expected a string`);
    return undefined;
  }

  number(key: string, check: (n: number) => boolean = () => true, what = 'a number'): number | undefined {
    const v = this.body[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'number' && Number.isFinite(v) && check(v)) return v;
    this.issues.push(`${key}: expected ${what}`);
    return undefined;
  }

  integer(key: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
    return this.number(key, (n) => Number.isInteger(n) && n >= min && n <= max, max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`);
  }

  boolean(key: string): boolean | undefined {
    const v = this.body[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'boolean') return v;
    this.issues.push(`${key}: expected a boolean`);
    return undefined;
  }

  /** `stop`: a string or up to 4 strings (OpenAI's limit). */
  stop(): string[] {
    const v = this.body['stop'];
    if (v === undefined || v === null) return [];
    if (typeof v === 'string') return v === '' ? [] : [v];
    if (Array.isArray(v) && v.length <= 4 && v.every((s) => typeof s === 'string')) return v.filter((s): s is string => typeof s === 'string' && s !== '');
    this.issues.push('stop: expected a string or an array of at most 4 strings');
    return [];
  }

  /** A field this server does not implement: accepted only at the value that means "off". */
  onlyDefault(key: string, isDefault: (v: unknown) => boolean, why: string): void {
    const v = this.body[key];
    if (v !== undefined && v !== null && !isDefault(v)) this.issues.push(`${key}: ${why}`);
  }
}
