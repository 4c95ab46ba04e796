/** Small helpers for reading an untyped tokenizer.json: object checks, one-line descriptions, the failure type. */
import { isObject, type Fail } from '../json-file.ts';

export { isObject, type Fail, type Json } from '../json-file.ts';

/** `"Type"` for a typed component, else the JSON of the value. */
export function describe(value: unknown): string {
  if (isObject(value) && typeof value['type'] === 'string') return JSON.stringify(value['type']);
  return JSON.stringify(value) ?? String(value);
}

/** A `{"String": s}` or `{"Regex": r}` pattern, as Replace and Split write it. */
export function readPattern(value: unknown, where: string, fail: Fail): { string: string } | { regex: string } {
  if (isObject(value)) {
    const string = value['String'];
    const regex = value['Regex'];
    if (typeof string === 'string' && string !== '') return { string };
    if (typeof regex === 'string' && regex !== '') return { regex };
  }
  throw fail(`${where}.pattern ${JSON.stringify(value)} is not a non-empty {"String"} or {"Regex"}`);
}
