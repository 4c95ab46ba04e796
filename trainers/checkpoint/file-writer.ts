/**
 * How checkpoint files reach the disk: one call per file, which creates it, writes its chunks in order and
 * makes it durable (fsync) before returning. The store takes a `FileWriter` so that tests can inject one that
 * fails (a full disk) at a chosen file.
 */
import { open } from 'node:fs/promises';

export interface FileWriter {
  /** Creates `path` (it must not exist), writes `chunks` in order, fsyncs and closes it. */
  writeFile(path: string, chunks: Iterable<Uint8Array>): Promise<void>;
}

/** Largest single write: Linux writes at most about 2 GiB per call. */
const MAX_WRITE = 1 << 30;

export const nodeFileWriter: FileWriter = {
  async writeFile(path, chunks) {
    const handle = await open(path, 'wx');
    try {
      for (const chunk of chunks) {
        let done = 0;
        while (done < chunk.byteLength) {
          const { bytesWritten } = await handle.write(chunk, done, Math.min(MAX_WRITE, chunk.byteLength - done));
          if (bytesWritten === 0) throw new Error(`write to ${path} made no progress`);
          done += bytesWritten;
        }
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
};
