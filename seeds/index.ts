export { importSeeds, iterateSeeds, validateSourceName, DEFAULT_MAX_CHARS, REJECTION_REASONS } from './import.ts';
export type { ImportOptions, ImportResult, Rejection, RejectionReason, Duplicate, SeedEvent } from './import.ts';
export { formatFromPath, SEED_FORMATS, RAW_CAP_BYTES } from './readers.ts';
export type { SeedFormat } from './readers.ts';
export { extractSeedFields, getPath } from './shape.ts';
export type { FieldMap, SeedFields } from './shape.ts';
export { parseCsv } from './csv.ts';
export type { CsvRecord } from './csv.ts';
export { seedId } from './seed-id.ts';
export {
  addSeeds,
  loadSeedPool,
  loadTopics,
  poolFingerprint,
  poolFile,
  packageRoot,
  defaultSeedsDir,
  defaultTopicsPath,
  writeAtomically,
} from './store.ts';
export type { AddResult, LoadPoolOptions, SeedPool, PoolRejection } from './store.ts';
