/** What a checkpoint holds, as the trainer hands it to `saveCheckpoint` and gets it back from `readCheckpoint`. */
import type { Gpt2Config } from './gpt2-config.ts';
import type { FloatTensors } from './safetensors.ts';
import type { T5Config } from './t5-config.ts';

interface PartsCommon {
  /** The model's parameters under their canonical names (`gpt2TensorSpecs` / `t5TensorSpecs`), float32. */
  weights: FloatTensors;
  /** tokenizer.json's text, written and read back verbatim. */
  tokenizerJson: string;
  /** The trainer's own state (trainer_state.json): any JSON object, opaque here. */
  trainerState: Record<string, unknown>;
  /** The optimizer's moments (optimizer.safetensors), any names, float32. */
  optimizer: FloatTensors;
}

/** A decoder-only student: config.json with model_type "gpt2". */
export interface Gpt2CheckpointParts extends PartsCommon {
  arch: 'gpt2';
  config: Gpt2Config;
}

/** An encoder-decoder student: config.json with model_type "t5". */
export interface T5CheckpointParts extends PartsCommon {
  arch: 't5';
  config: T5Config;
}

export type CheckpointParts = Gpt2CheckpointParts | T5CheckpointParts;

/** The `model_type`s a checkpoint may hold. */
export type CheckpointArch = CheckpointParts['arch'];
