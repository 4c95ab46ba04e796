/**
 * Sets up native TensorFlow for `@tensorflow/tfjs-node` offline (CI runs it after `npm ci`): the TensorFlow C
 * library from the PyPI tensorflow-cpu wheel into the cache, tfjs-node's files back into node_modules, its
 * addon built or copied. Prints one line of what it did; a fast no-op when all is in place. Progress lines go
 * to stderr; exit 1 with one line on failure.
 *
 * Usage: node scripts/install-tensorflow.ts [--quiet]
 */
import { describeError } from '../common/errors.ts';
import { ensureNativeTensorflow } from '../trainers/backend/native-install.ts';

const quiet = process.argv.includes('--quiet');
try {
  const log = (line: string): void => {
    if (!quiet) process.stderr.write(`${line}\n`);
  };
  const r = await ensureNativeTensorflow({ log });
  const what =
    r.library === 'own'
      ? 'tfjs-node was installed its own way; left alone'
      : r.status === 'ready'
      ? 'already set up'
      : `library ${r.library === 'cache' ? 'from cache' : 'downloaded'}, tfjs-node ${r.package}, addon ${r.addon}`;
  console.log(`install-tensorflow: ${what} in ${r.seconds.toFixed(1)} s (${r.libDir})`);
} catch (error) {
  console.error(`install-tensorflow: ${describeError(error)}`);
  process.exitCode = 1;
}
