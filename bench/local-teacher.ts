/**
 * Local teacher speed and usefulness, free text vs. a JSON-schema grammar, through our server (HTTP + openai
 * client) and through node-llama-cpp in-process (LlamaChat with the model's own chat template: the same rendered
 * prompt, seed and threads, so the two paths decode the same tokens and differ only by our server), interleaved.
 * Prints one JSON line. Usage: node bench/local-teacher.ts [--iterations 3] [--threads N] [--gen-max-tokens 256]
 *   [--samples-out FILE]  (every reply text, as JSON lines, for reading the quality yourself)
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { getLlama, JinjaTemplateChatWrapper, LlamaChat } from 'node-llama-cpp';
import type { ChatHistoryItem, GbnfJsonSchema } from 'node-llama-cpp';
import { OpenAITeacher } from '../teacher/openai-teacher.ts';
import { resolveTeacherGguf } from '../teacher/local/model-fetch.ts';
import { defaultThreads, startLocalTeacher } from '../teacher/local/server.ts';
import type { ChatRequest } from '../teacher/types.ts';
import { MODES, SCHEMA, usableInstructions } from './local-teacher-prompts.ts';
import type { Mode } from './local-teacher-prompts.ts';

const { values } = parseArgs({
  options: {
    iterations: { type: 'string', default: '3' },
    threads: { type: 'string' },
    'gen-max-tokens': { type: 'string', default: '256' },
    'samples-out': { type: 'string' },
  },
});
const genMaxTokens = Number(values['gen-max-tokens']);
const modes: Mode[] = MODES.map((m) => (m.name === 'respond' ? m : { ...m, maxTokens: genMaxTokens }));
const iterations = Number(values.iterations);
const threads = values.threads === undefined ? defaultThreads() : Number(values.threads);

interface Sample {
  ms: number;
  tokens: number;
  usable: number;
  /** Usable after keeping the finished items of a JSON reply cut off by max_tokens. */
  usableSalvaged: number;
  finish: string;
  text: string;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const ggufPath = await resolveTeacherGguf({ log: (l) => process.stderr.write(`${l}\n`) });
const load0 = loadavg()[0];

// Ours: HTTP server + the project's teacher client.
const handle = await startLocalTeacher({ ggufPath, threads });
const teacher = new OpenAITeacher({ baseURL: handle.baseURL, apiKey: '', model: handle.model, timeoutMs: 600_000, maxRetries: 0, prices: {} });

// Reference: node-llama-cpp in-process, its own model instance.
const llama = await getLlama({ build: 'never', gpu: false, logLevel: 'error' as never });
const refModel = await llama.loadModel({ modelPath: ggufPath });
const refContext = await refModel.createContext({ contextSize: 2048, sequences: 1, threads });
const refSequence = refContext.getSequence();
const template = refModel.fileInfo.metadata.tokenizer?.chat_template;
const refChat = new LlamaChat({ contextSequence: refSequence, chatWrapper: typeof template === 'string' ? new JinjaTemplateChatWrapper({ template }) : 'auto' });
const refGrammar = await llama.createGrammarForJsonSchema(SCHEMA as GbnfJsonSchema as never);

async function viaServer(mode: Mode, seed: number): Promise<Sample> {
  const request: ChatRequest = {
    messages: [...(mode.system === undefined ? [] : [{ role: 'system' as const, content: mode.system }]), { role: 'user', content: mode.user }],
    maxTokens: mode.maxTokens,
    temperature: 0.7,
    seed,
    taskNumber: seed,
    ...(mode.schema === undefined ? {} : { jsonSchema: { name: 'instructions', schema: mode.schema } }),
  };
  const t0 = performance.now();
  const reply = await teacher.chat(request);
  const ms = performance.now() - t0;
  return { ms, tokens: reply.completionTokens, usable: usableInstructions(mode.name, reply.text).length, usableSalvaged: usableInstructions(mode.name, reply.text, true).length, finish: reply.finishReason, text: reply.text };
}

async function inProcess(mode: Mode, seed: number): Promise<Sample> {
  await refSequence.clearHistory();
  const history: ChatHistoryItem[] = [
    ...(mode.system === undefined ? [] : [{ type: 'system' as const, text: mode.system }]),
    { type: 'user', text: mode.user },
    { type: 'model', response: [] },
  ];
  const before = refSequence.tokenMeter.usedOutputTokens;
  const t0 = performance.now();
  const result = await refChat.generateResponse(history, {
    maxTokens: mode.maxTokens,
    temperature: 0.7,
    seed,
    ...(mode.schema === undefined ? {} : { grammar: refGrammar }),
  });
  const ms = performance.now() - t0;
  const text = result.response;
  return { ms, tokens: refSequence.tokenMeter.usedOutputTokens - before, usable: usableInstructions(mode.name, text).length, usableSalvaged: usableInstructions(mode.name, text, true).length, finish: result.metadata.stopReason, text };
}

const samples: Record<string, { server: Sample[]; in_process: Sample[] }> = {};
for (const m of modes) samples[m.name] = { server: [], in_process: [] };
for (let i = 0; i < iterations; i++) {
  for (const mode of modes) {
    // Alternate which path goes first, so neither always runs on a warmer cache.
    const order = i % 2 === 0 ? (['server', 'in_process'] as const) : (['in_process', 'server'] as const);
    for (const path of order) {
      const s = path === 'server' ? await viaServer(mode, i + 1) : await inProcess(mode, i + 1);
      samples[mode.name]![path].push(s);
      process.stderr.write(`${mode.name} ${path} seed=${i + 1} ${s.ms.toFixed(0)} ms ${s.tokens} tok usable=${s.usable} ${s.finish} ${JSON.stringify(s.text.slice(0, 160))}\n`);
    }
  }
}

const summary = (xs: Sample[]) => ({
  median_ms: Math.round(median(xs.map((s) => s.ms))),
  median_tokens: median(xs.map((s) => s.tokens)),
  max_ms: Math.round(Math.max(...xs.map((s) => s.ms))),
  // Median of per-call rates: one call stalled by another process on the machine does not swamp it.
  median_tokens_per_s: Number(median(xs.map((s) => (s.tokens * 1000) / s.ms)).toFixed(1)),
  usable_instructions_per_call: xs.map((s) => s.usable),
  usable_with_salvage_per_call: xs.map((s) => s.usableSalvaged),
  finish: xs.map((s) => s.finish),
});
const results: Record<string, unknown> = {};
for (const [name, s] of Object.entries(samples)) results[name] = { server: summary(s.server), in_process: summary(s.in_process) };

if (values['samples-out'] !== undefined) {
  const lines: string[] = [];
  for (const [mode, s] of Object.entries(samples)) {
    for (const path of ['server', 'in_process'] as const) s[path].forEach((x, i) => lines.push(JSON.stringify({ mode, path, seed: i + 1, ...x })));
  }
  writeFileSync(values['samples-out'], `${lines.join('\n')}\n`);
}

let commit = 'unknown';
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
} catch {
  /* not a checkout */
}
console.log(
  JSON.stringify({
    name: 'local-teacher',
    commit,
    model: handle.model,
    params: { threads, temperature: 0.7, generate_max_tokens: genMaxTokens, respond_max_tokens: 128, context: 2048, schema: SCHEMA },
    iterations,
    loadavg_1m: { before: Number(load0?.toFixed(2)), after: Number(loadavg()[0]?.toFixed(2)) },
    results,
  }),
);

await teacher.close();
await handle.close();
refChat.dispose();
await refContext.dispose();
await refModel.dispose();
await llama.dispose();
