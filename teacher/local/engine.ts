/**
 * The local teacher's model: one GGUF loaded once through node-llama-cpp, one context sequence, requests run
 * one at a time in arrival order. Each request starts from a cleared sequence (no history bleed, same seed gives
 * the same text), is rendered with the model's own chat template, and may be constrained by a JSON-schema grammar.
 */
import { getLlama, JinjaTemplateChatWrapper, LlamaChat, LlamaLogLevel } from 'node-llama-cpp';
import type { ChatHistoryItem, ChatWrapper, Llama, LlamaContext, LlamaGrammar, LlamaModel, GbnfJsonSchema } from 'node-llama-cpp';
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import type { ChatMessage } from '../types.ts';

export interface EngineOptions {
  ggufPath: string;
  /** Tokens of context per request (prompt + completion). */
  contextSize?: number;
  /** CPU threads; node-llama-cpp's default (all cores) when absent. */
  threads?: number;
  /** `false` (default) keeps to the CPU binaries; `'auto'` lets node-llama-cpp use a GPU it finds. */
  gpu?: false | 'auto';
  /**
   * `'model'` (default): render with the GGUF's own Jinja chat template (SmolLM2's adds its default system
   * message when none is given); `'auto'`: node-llama-cpp's matching built-in wrapper (ChatML for SmolLM2).
   */
  chatTemplate?: 'model' | 'auto';
}

export interface GenerateRequest {
  messages: ChatMessage[];
  maxTokens: number;
  temperature: number;
  seed?: number;
  stop?: string[];
  jsonSchema?: Record<string, unknown>;
  signal?: AbortSignal;
  /** Told each piece of the reply's text as it is generated (streaming); the result still holds all of it. */
  onTextChunk?: (text: string) => void;
}

export interface GenerateResult {
  text: string;
  promptTokens: number;
  completionTokens: number;
  finishReason: 'stop' | 'length';
  /** Wall time of the decode, prompt evaluation included. */
  ms: number;
}

export class LocalEngine {
  readonly modelName: string;
  private readonly llama: Llama;
  private readonly model: LlamaModel;
  private readonly context: LlamaContext;
  private readonly chat: LlamaChat;
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>();
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(llama: Llama, model: LlamaModel, context: LlamaContext, modelName: string, chatWrapper: ChatWrapper | 'auto') {
    this.llama = llama;
    this.model = model;
    this.context = context;
    this.modelName = modelName;
    this.chat = new LlamaChat({ contextSequence: context.getSequence(), chatWrapper });
  }

  /** The chat wrapper's name (`JinjaTemplate`, `ChatML`, …), for logs and benchmarks. */
  get chatTemplate(): string {
    return this.chat.chatWrapper.wrapperName;
  }

  static async load(options: EngineOptions): Promise<LocalEngine> {
    const llama = await getLlama({ build: 'never', gpu: options.gpu ?? false, logLevel: LlamaLogLevel.error });
    const model = await llama.loadModel({ modelPath: options.ggufPath });
    const context = await model.createContext({
      contextSize: options.contextSize ?? 2048,
      sequences: 1,
      ...(options.threads === undefined ? {} : { threads: options.threads }),
    });
    const name = model.fileInfo.metadata.general?.name ?? options.ggufPath.split('/').pop() ?? 'local';
    return new LocalEngine(llama, model, context, String(name), modelChatWrapper(model, options.chatTemplate ?? 'model'));
  }

  /** Compiles (once per distinct schema) the grammar for a JSON schema; throws on an unsupported schema. */
  grammarFor(schema: Record<string, unknown>): Promise<LlamaGrammar> {
    const key = JSON.stringify(schema);
    let grammar = this.grammars.get(key);
    if (grammar === undefined) {
      grammar = this.llama.createGrammarForJsonSchema<GbnfJsonSchema>(toGbnfSchema(schema));
      grammar.catch(() => this.grammars.delete(key));
      this.grammars.set(key, grammar);
    }
    return grammar;
  }

  get contextSize(): number {
    return this.context.contextSize;
  }

  /** Tokens of the prompt as the chat template renders it (what `usage.prompt_tokens` reports). */
  countPromptTokens(messages: ChatMessage[]): number {
    return this.chat.chatWrapper
      .generateContextState({ chatHistory: toHistory(messages) })
      .contextText.tokenize(this.model.tokenizer).length;
  }

  /** Queued: one request decodes at a time. */
  generate(request: GenerateRequest): Promise<GenerateResult> {
    const run = this.queue.then(() => this.generateNow(request));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async generateNow(request: GenerateRequest): Promise<GenerateResult> {
    request.signal?.throwIfAborted();
    const grammar = request.jsonSchema === undefined ? undefined : await this.grammarFor(request.jsonSchema);
    const history = toHistory(request.messages);
    const sequence = this.chat.sequence;
    await sequence.clearHistory();
    const promptTokens = this.countPromptTokens(request.messages);
    const before = sequence.tokenMeter.usedOutputTokens;
    const started = performance.now();
    const reply = await this.chat.generateResponse(history, {
      maxTokens: request.maxTokens,
      temperature: request.temperature,
      ...(request.seed === undefined ? {} : { seed: request.seed }),
      ...(request.stop === undefined || request.stop.length === 0 ? {} : { customStopTriggers: request.stop }),
      ...(grammar === undefined ? {} : { grammar }),
      ...(request.signal === undefined ? {} : { signal: request.signal }),
      ...(request.onTextChunk === undefined ? {} : { onTextChunk: request.onTextChunk }),
    });
    const ms = performance.now() - started;
    return {
      text: reply.response,
      promptTokens,
      completionTokens: sequence.tokenMeter.usedOutputTokens - before,
      finishReason: reply.metadata.stopReason === 'maxTokens' ? 'length' : 'stop',
      ms,
    };
  }

  async close(): Promise<void> {
    await this.queue;
    this.chat.dispose();
    await this.context.dispose();
    await this.model.dispose();
    await this.llama.dispose();
  }
}

function modelChatWrapper(model: LlamaModel, choice: 'model' | 'auto'): ChatWrapper | 'auto' {
  const template = model.fileInfo.metadata.tokenizer?.chat_template;
  if (choice === 'auto' || typeof template !== 'string' || template === '') return 'auto';
  try {
    return new JinjaTemplateChatWrapper({ template });
  } catch {
    return 'auto';
  }
}

/** OpenAI messages to node-llama-cpp history, ending with an empty model turn for the reply. */
function toHistory(messages: ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = messages.map((m): ChatHistoryItem => {
    if (m.role === 'system') return { type: 'system', text: m.content };
    if (m.role === 'user') return { type: 'user', text: m.content };
    return { type: 'model', response: [m.content] };
  });
  history.push({ type: 'model', response: [] });
  return history;
}

/**
 * A request's JSON schema as node-llama-cpp's schema type. The check here is the shape's entry point (a known
 * `type`, or one of `oneOf`, `enum`, `const`, `$ref`); node-llama-cpp validates the rest when it compiles the
 * grammar and throws on what it does not support, which the server answers with a 400.
 */
function toGbnfSchema(schema: Record<string, unknown>): GbnfJsonSchema {
  if (!isGbnfSchema(schema)) throw new LaminiError(ErrorCodes.USAGE, 'the JSON schema has no type, oneOf, enum, const or $ref at its top');
  return schema;
}

const GBNF_TYPES = new Set(['object', 'array', 'string', 'number', 'integer', 'boolean', 'null']);

function isGbnfSchema(schema: Record<string, unknown>): schema is Record<string, unknown> & GbnfJsonSchema {
  const type = schema.type;
  const typed = typeof type === 'string' ? GBNF_TYPES.has(type) : Array.isArray(type) && type.every((t) => typeof t === 'string' && GBNF_TYPES.has(t));
  return typed || 'oneOf' in schema || 'enum' in schema || 'const' in schema || '$ref' in schema;
}
