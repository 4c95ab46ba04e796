/**
 * The generation mix: which `instruction_source` each task makes, and how. Keys are instruction
 * sources (DESIGN.md): `self_instruct_without_topic`, `self_instruct_with_topic`, `generated_<family>`,
 * `original_<family>`, or a bare family name (its seeds re-answered, e.g. `alpaca`).
 */
import type { GenerationMode } from '../../schemas/types.ts';

export interface MixEntry {
  source: string;
  mode: GenerationMode;
  family: string;
}

export function parseMixKey(key: string): MixEntry {
  if (key === 'self_instruct_without_topic') return { source: key, mode: 'example_guided', family: 'self_instruct' };
  if (key === 'self_instruct_with_topic') return { source: key, mode: 'topic_guided', family: 'self_instruct' };
  if (key.startsWith('generated_')) return { source: key, mode: 'example_guided', family: key.slice('generated_'.length) };
  if (key.startsWith('original_')) return { source: key, mode: 'seed', family: key.slice('original_'.length) };
  return { source: key, mode: 'seed', family: key };
}

/** The `instruction_source` of a record made in `mode` from seeds of `family`. */
export function instructionSource(mode: GenerationMode, family: string): string {
  if (family === 'self_instruct') {
    if (mode === 'topic_guided') return 'self_instruct_with_topic';
    if (mode === 'example_guided') return 'self_instruct_without_topic';
    return 'self_instruct';
  }
  if (mode === 'seed') return family === 'p3' || family === 'flan' ? `original_${family}` : family;
  return `generated_${family}`;
}

/** P3 and FLAN prompts are long: fewer new instructions are asked for, from one subset. */
export function isLongFamily(family: string): boolean {
  return family === 'p3' || family === 'flan';
}
