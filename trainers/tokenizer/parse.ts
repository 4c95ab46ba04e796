/**
 * Reads a Hugging Face `tokenizer.json` holding a byte-level BPE: ours, or a GPT-2 checkpoint's. Anything else —
 * another model type, a normalizer, options that would change the ids (prefix space, dropout, byte fallback,
 * `ignore_merges`, stripping added tokens) — is refused with TOKENIZER_INVALID rather than encoded differently
 * from HF. `truncation` and `padding` are ignored: they shape batches, which the trainer does itself.
 */
import type { LaminiError } from '../../common/errors.ts';
import { isObject, parseRoot, readAddedTokens, readTokenizerText } from './json-file.ts';
import { invalidTokenizer, type ByteLevelBpeSpec } from './spec.ts';
import { ByteLevelBpeTokenizer, type Tokenizer } from './tokenizer.ts';

export function parseTokenizerJson(text: string, source = 'tokenizer.json'): Tokenizer {
  const fail = (problem: string, cause?: unknown): LaminiError => invalidTokenizer(source, problem, cause);
  const root = parseRoot(text, fail);

  if (root['normalizer'] != null) throw fail(`unsupported normalizer ${describe(root['normalizer'])}; only null is supported`);
  checkByteLevel(root['pre_tokenizer'], 'pre_tokenizer', true, fail);
  checkByteLevel(root['decoder'], 'decoder', false, fail);
  if (root['post_processor'] != null) checkByteLevel(root['post_processor'], 'post_processor', false, fail);

  const model = root['model'];
  if (!isObject(model)) throw fail('model is missing or not an object');
  if (model['type'] !== 'BPE') throw fail(`unsupported model.type ${describe(model['type'])}; only "BPE" is supported`);
  for (const field of ['dropout', 'continuing_subword_prefix', 'end_of_word_suffix']) {
    const value = model[field];
    if (value != null && value !== '') throw fail(`unsupported model.${field} ${JSON.stringify(value)}`);
  }
  for (const field of ['byte_fallback', 'ignore_merges']) {
    if (model[field] != null && model[field] !== false) throw fail(`unsupported model.${field} ${JSON.stringify(model[field])}`);
  }

  const spec: ByteLevelBpeSpec = {
    vocab: readVocab(model['vocab'], fail),
    merges: readMerges(model['merges'], fail),
    addedTokens: readAddedTokens(root['added_tokens'], fail),
  };
  return new ByteLevelBpeTokenizer(spec, source);
}

/** Reads and parses a tokenizer.json file; a missing or unreadable file is FILE_NOT_FOUND / FILE_UNREADABLE. */
export async function loadTokenizer(path: string): Promise<Tokenizer> {
  return parseTokenizerJson(await readTokenizerText(path), path);
}

type Fail = (problem: string) => LaminiError;

function checkByteLevel(value: unknown, where: string, isPreTokenizer: boolean, fail: Fail): void {
  if (!isObject(value) || value['type'] !== 'ByteLevel') {
    throw fail(`unsupported ${where} ${describe(value)}; only ByteLevel is supported`);
  }
  if (!isPreTokenizer) return;
  // HF's own default for a missing add_prefix_space is true.
  if (value['add_prefix_space'] !== false) throw fail(`unsupported pre_tokenizer.add_prefix_space ${JSON.stringify(value['add_prefix_space'] ?? true)}`);
  if (value['use_regex'] != null && value['use_regex'] !== true) throw fail('unsupported pre_tokenizer.use_regex false');
}

function readVocab(value: unknown, fail: Fail): Map<string, number> {
  if (!isObject(value)) throw fail('model.vocab is missing or not an object');
  const vocab = new Map<string, number>();
  for (const [token, id] of Object.entries(value)) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
      throw fail(`model.vocab[${JSON.stringify(token)}] is ${JSON.stringify(id)}, not a non-negative integer id`);
    }
    vocab.set(token, id);
  }
  return vocab;
}

function readMerges(value: unknown, fail: Fail): [string, string][] {
  if (!Array.isArray(value)) throw fail('model.merges is missing or not an array');
  return value.map((merge: unknown, i): [string, string] => {
    if (typeof merge === 'string') {
      const parts = merge.split(' ');
      if (parts.length === 2 && parts[0] !== undefined && parts[1] !== undefined) return [parts[0], parts[1]];
    } else if (Array.isArray(merge) && merge.length === 2) {
      const [left, right]: unknown[] = merge;
      if (typeof left === 'string' && typeof right === 'string') return [left, right];
    }
    throw fail(`model.merges[${i}] is ${JSON.stringify(merge)}, not "left right" or ["left", "right"]`);
  });
}

function describe(value: unknown): string {
  if (isObject(value) && typeof value['type'] === 'string') return JSON.stringify(value['type']);
  return JSON.stringify(value) ?? String(value);
}
