/**
 * Writes a byte-level BPE as Hugging Face `tokenizer.json`, laid out as HF's own pretty writer does (GPT-2's file):
 * version, truncation, padding, added_tokens, normalizer, pre_tokenizer, post_processor, decoder, model, with the
 * model's vocab in id order.
 *
 * Merges are written as `"left right"` strings, GPT-2's original form: every reader accepts it (Python `tokenizers`
 * of any version, `@huggingface/tokenizers`, transformers.js), while the `["left", "right"]` pairs that Python
 * `tokenizers` ≥ 0.20 writes are rejected by older ones. It is unambiguous here because byte-level symbols never
 * contain a space (a space byte is `Ġ`).
 *
 * The vocab is written by hand: a JavaScript object would move keys like "0" or "2019" to the front.
 */
import type { ByteLevelBpeSpec } from './spec.ts';

/** The ByteLevel settings of GPT-2's pre-tokenizer; the post-processor and decoder get the same. */
export const BYTE_LEVEL = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true } as const;

export function writeTokenizerJson(spec: ByteLevelBpeSpec): string {
  const head = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: spec.addedTokens.map((t) => ({
      id: t.id,
      content: t.content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: t.normalized,
      special: t.special,
    })),
    normalizer: null,
    pre_tokenizer: BYTE_LEVEL,
    post_processor: BYTE_LEVEL,
    decoder: BYTE_LEVEL,
  };
  const modelHead = {
    type: 'BPE',
    dropout: null,
    unk_token: null,
    continuing_subword_prefix: null,
    end_of_word_suffix: null,
    fuse_unk: false,
    byte_fallback: false,
    ignore_merges: false,
  };
  const vocab = [...spec.vocab].sort((x, y) => x[1] - y[1]).map(([token, id]) => `      ${JSON.stringify(token)}: ${id}`);
  const merges = spec.merges.map(([left, right]) => `      ${JSON.stringify(`${left} ${right}`)}`);
  const lines = [
    withoutClose(JSON.stringify(head, null, 2)) + ',',
    '  "model": ' + withoutClose(JSON.stringify(modelHead, null, 2).replaceAll('\n', '\n  ')) + ',',
    '    "vocab": ' + block('{', vocab, '}') + ',',
    '    "merges": ' + block('[', merges, ']'),
    '  }',
    '}',
  ];
  return lines.join('\n') + '\n';
}

/** `{...\n}` → `{...` (drops the closing line, to append more members). */
function withoutClose(json: string): string {
  return json.slice(0, json.lastIndexOf('\n'));
}

function block(open: string, items: readonly string[], close: string): string {
  return items.length === 0 ? open + close : `${open}\n${items.join(',\n')}\n    ${close}`;
}
