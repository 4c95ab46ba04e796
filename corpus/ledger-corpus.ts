/**
 * The teacher ledger rides along with the corpus commits: every commit through this wrapper takes the ledger's
 * pending entries into the same manifest version as the records they paid for (`teacher_requests` shards).
 * A failed commit puts them back. `flush()` commits what is left on its own (calls that ended after the last
 * sink commit, at the end of a run).
 */
import type { CommitBatch, Corpus } from './index.ts';
import type { Manifest } from './index.ts';
import type { TeacherLedger } from '../teacher/ledger.ts';

export interface LedgerCorpus extends Corpus {
  flush(): Promise<void>;
}

export function withLedger(corpus: Corpus, ledger: TeacherLedger): LedgerCorpus {
  const commit = async (batch: CommitBatch): Promise<Manifest> => {
    const entries = ledger.drain();
    try {
      return await corpus.commit({ ...batch, teacherRequests: [...(batch.teacherRequests ?? []), ...entries] });
    } catch (error) {
      ledger.restore(entries);
      throw error;
    }
  };
  return {
    get dataDir() {
      return corpus.dataDir;
    },
    get orphansRemoved() {
      return corpus.orphansRemoved;
    },
    manifest: () => corpus.manifest(),
    committedExampleIds: () => corpus.committedExampleIds(),
    committedInstructionIds: () => corpus.committedInstructionIds(),
    commit,
    close: () => corpus.close(),
    async flush() {
      if (ledger.pending > 0) await commit({});
    },
  };
}
