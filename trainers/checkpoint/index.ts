/**
 * Checkpoints as Hugging Face GPT-2 or T5 model folders plus the trainer's state (docs/formats/checkpoint.md): the
 * safetensors codec, config.json, the GPT-2 state dict, reading a user's pretrained folder, and the store.
 */
export {
  decodeSafetensors, encodeSafetensors, encodeSafetensorsChunks, readSafetensors, readSafetensorsHeader, writeSafetensors,
  type FloatTensor, type FloatTensors, type HeaderEntry, type ReadOptions, type SafetensorsHeader,
} from './safetensors.ts';
export { DTYPE_BYTES, type Dtype } from './safetensors-header.ts';
export {
  formatGpt2Config, gpt2Config, gpt2ConfigJson, parseGpt2Config, parseGpt2ConfigText, TRANSFORMERS_VERSION, type Gpt2Config,
} from './gpt2-config.ts';
export { gpt2TensorSpecs, isGpt2Buffer, loadGpt2Weights, type TensorSpec } from './gpt2-tensors.ts';
export {
  formatT5Config, parseT5Config, parseT5ConfigText, t5ConfigJson, T5_FEED_FORWARDS,
  type T5Config, type T5FeedForward, type T5Shape,
} from './t5-config.ts';
export { isT5PresetName, t5ParameterCount, T5_PRESETS, type T5Preset, type T5PresetName } from './t5-presets.ts';
export { loadT5Weights, t5TensorSpecs } from './t5-tensors.ts';
export { readPretrainedGpt2, type PretrainedGpt2 } from './hf-folder.ts';
export { checkT5Tokenizer, readPretrainedT5, type PretrainedT5 } from './t5-folder.ts';
export { readModelType } from './model-type.ts';
export { nodeFileWriter, type FileWriter } from './file-writer.ts';
export type { CheckpointArch, CheckpointParts, Gpt2CheckpointParts, T5CheckpointParts } from './parts.ts';
export {
  latestCheckpoint, listCheckpoints, readCheckpoint, saveCheckpoint,
  type CheckpointInfo, type SaveOptions, type SavedCheckpoint,
} from './store.ts';
