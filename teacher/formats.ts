/**
 * Which structured-output mode a teacher accepts, learned from its answers. Servers differ: OpenAI, vLLM and
 * the local teacher take `response_format: json_schema`; llama-cpp-python knows only `text` and `json_object`
 * (it answers json_schema with HTTP 500); other servers take neither. The generate operator asks for the best
 * mode not refused yet — json_schema, then json_object, then the paper's `<example>` tags (no response_format
 * at all). A refusal (TEACHER_FORMAT_UNSUPPORTED, which is never retried) moves the teacher down for good,
 * with one log line per refused mode; the chain holds one of these, so every caller of a teacher shares it.
 */
import { isLaminiError } from '../common/errors.ts';
import type { StructuredFormat } from './types.ts';

/** A structured-output mode, or `tags`: plain text with each instruction in `<example>` tags. */
export type GenerationFormat = StructuredFormat | 'tags';

/** Best first. */
export const FORMAT_ORDER: readonly GenerationFormat[] = ['json_schema', 'json_object', 'tags'];

export class FormatSupport {
  readonly #refused = new Set<GenerationFormat>();
  readonly #model: string;
  readonly #log: (line: string) => void;

  constructor(options: { model: string; log?: (line: string) => void }) {
    this.#model = options.model;
    this.#log = options.log ?? (() => {});
  }

  /** The first of `wanted` (best first) this teacher has not refused; undefined when it refused every one. */
  pick(wanted: readonly GenerationFormat[]): GenerationFormat | undefined {
    return wanted.find((f) => !this.#refused.has(f));
  }

  refused(format: GenerationFormat): boolean {
    return this.#refused.has(format);
  }

  /**
   * Records that the teacher refused `format` (`error`: the refusal); the first refusal of a mode logs one
   * line naming what `wanted` falls back to. Returns whether this was news (calls in flight refuse it too).
   */
  refuse(format: GenerationFormat, error: unknown, wanted: readonly GenerationFormat[]): boolean {
    if (this.#refused.has(format)) return false;
    this.#refused.add(format);
    const next = this.pick(wanted);
    const then = next === undefined
      ? 'no other mode is allowed (teacher.structuredOutput "json"): generation tasks are dead-lettered teacher_format_unsupported'
      : `asking it for ${next === 'tags' ? '<example> tags' : next} from now on`;
    this.#log(`teacher ${this.#model} does not accept response_format ${format} (${reason(error)}); ${then}`);
    return true;
  }
}

/** `HTTP 500: <the server's words, clipped>` from a TEACHER_FORMAT_UNSUPPORTED error. */
function reason(error: unknown): string {
  if (!isLaminiError(error)) return 'refused';
  const status = error.details['status'];
  const said = error.details['serverMessage'];
  const words = typeof said === 'string' && said !== '' ? `: ${clip(said.replace(/\s+/g, ' '), 160)}` : '';
  return typeof status === 'number' ? `HTTP ${status}${words}` : error.code;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
