/**
 * How close the teacher chain runs to a server's rate limits without being refused. The scripted teacher
 * enforces 600 requests and 150,000 tokens a minute (buckets holding a minute's worth, as OpenAI states its
 * limits), answers after 200 ms and sends `x-ratelimit-*` headers; the chain starts with no configured RPM/TPM
 * and learns them from the headers. Prints one JSON line.
 *
 * `achieved_rpm` is the sustained rate: a server whose bucket starts full admits `limit` requests at once and
 * `limit` a minute after that, so N requests in T minutes at the limit means (N - limit) / T = limit. The raw
 * rate N / T is printed too. Goal (issue 4): fraction_of_limit >= 0.95 with at most 1% of requests answered 429.
 *
 *   node bench/teacher/ratelimit.ts [--requests 2000] [--rpm 600] [--tpm 150000] [--latency 200] [--concurrency 64]
 */
import { TeacherChain } from '../../teacher/chain.ts';
import { OpenAITeacher } from '../../teacher/openai-teacher.ts';
import { startScriptedTeacher } from '../../test/helpers/scripted-teacher.ts';
import { commit, flag, request } from './common.ts';

const requests = flag('requests', 2000);
const rpm = flag('rpm', 600);
const tpm = flag('tpm', 150_000);
const latencyMs = flag('latency', 200);
const concurrency = flag('concurrency', 64);
const promptChars = 400; // ~100 prompt tokens + 100 max_tokens: ~215 charged up front (150k TPM / 600 RPM = 250 each)
const maxTokens = 100;

const server = await startScriptedTeacher({ limits: { rpm, tpm }, latencyMs });
const client = new OpenAITeacher({ baseURL: server.baseURL, apiKey: '', model: server.model, timeoutMs: 30_000, maxRetries: 0, prices: {} });
const chain = new TeacherChain(client, { baseURL: server.baseURL, budget: { concurrency, rpm: 0, tpm: 0 } });

const started = performance.now();
let next = 0;
let failed = 0;
await Promise.all(Array.from({ length: concurrency }, async () => {
  while (next < requests) {
    const k = next++;
    await chain.chat(request(k, promptChars, maxTokens)).catch(() => failed++);
  }
}));
const minutes = (performance.now() - started) / 60_000;
const t = chain.ledger.totals;
const sustained = (requests - rpm) / minutes;
process.stdout.write(`${JSON.stringify({
  name: 'teacher.ratelimit',
  commit: commit(),
  node: process.versions.node,
  params: { requests, rpm_limit: rpm, tpm_limit: tpm, latency_ms: latencyMs, concurrency, prompt_chars: promptChars, max_tokens: maxTokens },
  elapsed_s: +(minutes * 60).toFixed(1),
  achieved_rpm: +sustained.toFixed(1),
  fraction_of_limit: +(sustained / rpm).toFixed(3),
  raw_rpm: +(requests / minutes).toFixed(1),
  http_requests: server.count,
  http_429: server.rateLimited,
  fraction_429: +(server.rateLimited / Math.max(1, server.count)).toFixed(4),
  retries: t.retries,
  failed,
  learned: { rpm: chain.budget.requests.perMinute, tpm: chain.budget.tokens.perMinute },
})}\n`);
await chain.close();
await server.close();
