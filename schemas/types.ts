// generated from schemas/*.avsc by schemas/codegen.ts — do not edit
/**
 * TypeScript shapes of the records that cross topics. The `.avsc` files in schemas/ are the source of truth;
 * after changing one, run `node schemas/codegen.ts` (a unit test fails while this file is stale).
 */

/** How an instruction came to be (DESIGN.md). */
export type GenerationMode = 'seed' | 'example_guided' | 'topic_guided';

/** A record an operator could not handle, with the reason. */
export interface DeadLetter {
  /** Hash of (operator, reason, source position or payload). */
  id: string;
  operator: string;
  /** Stable reason code, e.g. `teacher_no_examples`, `instruction_empty`, `decode_failed`. */
  reason: string;
  /** One line for a person; never holds a secret. */
  message: string;
  source_topic: string;
  source_partition: number;
  source_offset: number;
  /** The bytes (or JSON text) that could not be handled. */
  payload: Uint8Array;
  /** -1 when the record is not tied to a generation task. */
  task_number: number;
  task_outputs: number;
  /** Epoch milliseconds. */
  created_at: number;
}

/** An instruction that dedup dropped: counted and kept, never lost. */
export interface Dropped {
  id: string;
  duplicate_of: string;
  reason: string;
  instruction: string;
  instruction_source: string;
  task_number: number;
  task_outputs: number;
  /** Epoch milliseconds. */
  created_at: number;
}

/** An instruction with the teacher's response: a row of the corpus. */
export interface Example {
  /** Hash of (instruction id, teacher model, prompt version). */
  id: string;
  instruction_id: string;
  instruction: string;
  input: string;
  response: string;
  instruction_source: string;
  generation_mode: GenerationMode;
  seed_ids: string[];
  topics: string[];
  teacher_model: string;
  prompt_version: string;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number;
  task_number: number;
  task_outputs: number;
  /** Epoch milliseconds. */
  created_at: number;
}

/** One numbered unit of generation work; a pure function of (run seed, number). */
export interface GenerationTask {
  task_number: number;
  mode: GenerationMode;
  /** Seed family the task draws from. */
  source: string;
  seed_ids: string[];
  topics: string[];
  /** How many instructions to ask for (0 for `seed` tasks). */
  count: number;
  prompt_version: string;
}

/** An instruction on its way to dedup and the respond operator. */
export interface Instruction {
  /** Content hash of the normalised `instruction` text. */
  id: string;
  /** With an input joined as `instruction : input`, as in the paper. */
  instruction: string;
  input: string;
  instruction_source: string;
  generation_mode: GenerationMode;
  seed_ids: string[];
  topics: string[];
  task_number: number;
  /** How many terminal records task `task_number` produces (examples + drops + dead letters). */
  task_outputs: number;
  teacher_model: string;
  prompt_version: string;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number;
  /** Epoch milliseconds. */
  created_at: number;
}

/** A seed instruction imported from a file or shipped with the project. */
export interface Seed {
  /** Content hash of the normalised instruction + input. */
  id: string;
  instruction: string;
  /** The original input alone, empty when none. */
  input: string;
  /** The original answer, empty when none (never used as the response; the teacher re-answers). */
  output: string;
  /** Seed family: `self_instruct`, `p3`, `flan`, `alpaca`, or a user's own name. */
  source: string;
  /** Subset or task name inside a family (P3/FLAN templates are grouped by it); empty when none. */
  subset: string;
}

/**
 * One teacher call as the operator saw it: a row of the teacher ledger (teacher_requests), sent by Kafka operator
 * processes for the sink to commit.
 */
export interface TeacherRequest {
  /** Unique per call (a UUID): the sink and the corpus keep one row per id. */
  id: string;
  request_hash: string;
  task_number: number;
  model: string;
  /** ok, cached, or the TEACHER_* code the call failed with. */
  status: string;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number;
  /** What a cache hit would have cost. */
  saved_usd: number;
  retries: number;
  cached: boolean;
  latency_ms: number;
  /** Epoch milliseconds. */
  created_at: number;
  /** The failure, one line; empty on success. */
  error: string;
  /**
   * The model the server named in its reply (llama-server: the loaded file's path), beside the configured name in
   * model; empty when it named none or the call failed. Added in v2 (history/teacher_request.v1.avsc).
   */
  server_model: string;
}

/** Each record type by name, as `SchemaRegistry.encode` and `decode` take it. */
export interface RecordTypes {
  DeadLetter: DeadLetter;
  Dropped: Dropped;
  Example: Example;
  GenerationTask: GenerationTask;
  Instruction: Instruction;
  Seed: Seed;
  TeacherRequest: TeacherRequest;
}

export type RecordTypeName = keyof RecordTypes;
