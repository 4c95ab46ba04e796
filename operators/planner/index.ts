export { Planner, type PlannerOptions } from './planner.ts';
export { instructionSource, isLongFamily, parseMixKey, type MixEntry } from './mix.ts';
export { hash32, uniform, sampleIndices, permutation } from './rng.ts';
