/** What a checkpoint holds, as the trainer hands it to `saveCheckpoint` and gets it back from `readCheckpoint`. */
import type { Gpt2Config } from './gpt2-config.ts';
import type { FloatTensors } from './safetensors.ts';

export interface CheckpointParts {
  config: Gpt2Config;
  /** The model's parameters under their canonical names (`gpt2TensorSpecs`), float32. */
  weights: FloatTensors;
  /** tokenizer.json's text, written and read back verbatim. */
  tokenizerJson: string;
  /** The trainer's own state (trainer_state.json): any JSON object, opaque here. */
  trainerState: Record<string, unknown>;
  /** The optimizer's moments (optimizer.safetensors), any names, float32. */
  optimizer: FloatTensors;
}
