/** The corpus on disk: shards, manifest, read-only queries and stats. */
export { openCorpus, type Corpus, type CommitBatch } from './corpus.ts';
export {
  readManifest,
  parseManifest,
  emptyManifest,
  advanceTasks,
  corpusDir,
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  type Manifest,
  type ManifestTables,
  type TableEntry,
  type ShardEntry,
  type Progress,
  type Totals,
} from './manifest.ts';
export { TABLES, QUERY_TABLES, WRITTEN_TABLES, schemaFingerprint, type Column, type TableName, type TableSpec } from './schema.ts';
export { runQuery, type QueryOptions } from './query.ts';
export { type OutputFormat } from './format.ts';
export { corpusStats, formatStats, formatLag, EMBEDDED_LAG_NOTE, type CorpusStats, type LagStats } from './stats.ts';
export { diversityStats, formatDiversity, Mattr, Vocabulary, PAPER_TABLE1, MATTR_WINDOW, type DiversityStats, type GroupFigures, type LengthFigures, type PaperRow } from './diversity.ts';
