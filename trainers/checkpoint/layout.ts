/**
 * The names in a checkpoint root (docs/formats/checkpoint.md):
 *
 *   <root>/checkpoint-<step>/          a published checkpoint (step: decimal, no padding)
 *   <root>/.checkpoint-<step>.tmp/     one being written; renamed to the name above when complete
 *   <root>/.checkpoint-<step>.old/     one being pruned; renamed to this first, then removed
 *
 * Hidden folders are never read as checkpoints: a crash leaves at worst a stale one, which `latestCheckpoint`
 * removes.
 */

export const FILES = {
  config: 'config.json',
  generationConfig: 'generation_config.json',
  model: 'model.safetensors',
  tokenizer: 'tokenizer.json',
  tokenizerConfig: 'tokenizer_config.json',
  specialTokensMap: 'special_tokens_map.json',
  trainerState: 'trainer_state.json',
  optimizer: 'optimizer.safetensors',
} as const;

/** A folder missing any of these is not a checkpoint. */
export const REQUIRED_FILES = [FILES.config, FILES.model, FILES.tokenizer, FILES.trainerState, FILES.optimizer] as const;

const PUBLISHED = /^checkpoint-(0|[1-9]\d*)$/;
const STALE = /^\.checkpoint-(0|[1-9]\d*)\.(tmp|old)$/;

export function checkpointName(step: number): string {
  return `checkpoint-${step}`;
}

export function tempName(step: number): string {
  return `.checkpoint-${step}.tmp`;
}

export function prunedName(step: number): string {
  return `.checkpoint-${step}.old`;
}

/** The step a published checkpoint's folder name carries, or undefined for any other name. */
export function stepOf(name: string): number | undefined {
  const match = PUBLISHED.exec(name);
  const step = match?.[1] === undefined ? undefined : Number(match[1]);
  return step !== undefined && Number.isSafeInteger(step) ? step : undefined;
}

export function isStaleName(name: string): boolean {
  return STALE.test(name);
}
