/**
 * The student's tokenizer over HTTP, in the shape of vLLM's endpoints, which lm-evaluation-harness's
 * `tokenizer_backend=remote` (and its auto-detection) reads from the server root:
 *
 *   GET  /tokenizer_info   {"eos_token", "bos_token", "pad_token", "model_max_length"}  (GPT-2: bos = eos)
 *   POST /tokenize         {"prompt": TEXT, "add_special_tokens": false} → {"tokens": [ids], "count": n}
 *   POST /detokenize       {"tokens": [ids]} → {"prompt": TEXT}
 *
 * With it the harness counts and splits tokens exactly as the student does, with no tokenizer of its own.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorBody, readJson, sendJson } from '../teacher/local/wire.ts';
import { asBody } from './request-fields.ts';
import type { ServedStudent } from './student.ts';

type Handler = (req: IncomingMessage, res: ServerResponse, student: ServedStudent) => Promise<void>;

export function tokenizerRoute(method: string, path: string): Handler | undefined {
  if (method === 'GET' && path === '/tokenizer_info') return info;
  if (method === 'POST' && path === '/tokenize') return tokenize;
  if (method === 'POST' && path === '/detokenize') return detokenize;
  return undefined;
}

async function info(_req: IncomingMessage, res: ServerResponse, student: ServedStudent): Promise<void> {
  const eos = student.tokenizer.decode([student.tokenizer.eosId]);
  sendJson(res, 200, { eos_token: eos, bos_token: eos, pad_token: eos, model_max_length: student.maxContextTokens });
}

async function tokenize(req: IncomingMessage, res: ServerResponse, student: ServedStudent): Promise<void> {
  const prompt = asBody(await readJson(req))?.['prompt'];
  if (typeof prompt !== 'string') return sendJson(res, 400, errorBody('prompt: expected a string', 'invalid_request_error'));
  const tokens = student.tokenizer.encode(prompt);
  sendJson(res, 200, { tokens, count: tokens.length, max_model_len: student.maxContextTokens });
}

async function detokenize(req: IncomingMessage, res: ServerResponse, student: ServedStudent): Promise<void> {
  const tokens = asBody(await readJson(req))?.['tokens'];
  const vocab = student.tokenizer.vocabSize;
  if (!Array.isArray(tokens) || !tokens.every((t): t is number => typeof t === 'number' && Number.isInteger(t) && t >= 0 && t < vocab)) {
    return sendJson(res, 400, errorBody(`tokens: expected a list of token ids below ${vocab}`, 'invalid_request_error'));
  }
  sendJson(res, 200, { prompt: student.tokenizer.decode(tokens) });
}
