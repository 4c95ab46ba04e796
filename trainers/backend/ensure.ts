/**
 * The first-use hook for `lamini train`: before selecting a backend, set up native TensorFlow when the
 * choice could use it (`auto`, `tensorflow`) and it is missing. With `auto` a failed install is logged and
 * training goes on with the next backend; with `tensorflow` it is the error.
 */
import { describeError } from '../../common/errors.ts';
import { ensureNativeTensorflow, nativeInstallSupported, nativeTensorflowInstalled, type NativeInstallOptions, type NativeInstallResult } from './native-install.ts';
import type { BackendChoice } from './select.ts';

export interface EnsureOptions extends NativeInstallOptions {
  log: (line: string) => void;
  /** The install step; injectable for tests. */
  install?: (options: NativeInstallOptions) => Promise<NativeInstallResult>;
  /** Whether it is already set up; injectable for tests. */
  installed?: () => boolean;
}

/** Returns what the install did, or undefined when nothing was needed (or `auto` gave up on native). */
export async function ensureBackend(choice: BackendChoice, options: EnsureOptions): Promise<NativeInstallResult | undefined> {
  if (choice !== 'auto' && choice !== 'tensorflow') return undefined;
  if (choice === 'auto' && !nativeInstallSupported(options.platform, options.arch)) return undefined;
  const installed = options.installed ?? (() => nativeTensorflowInstalled(pickInstalledOptions(options)));
  if (installed()) return undefined;
  options.log('lamini: native TensorFlow is not set up yet; setting it up once (274 MB download, under a minute here)');
  try {
    const result = await (options.install ?? ensureNativeTensorflow)(options);
    options.log(`lamini: native TensorFlow ready in ${result.seconds.toFixed(1)} s (${result.libDir})`);
    return result;
  } catch (error) {
    if (choice === 'tensorflow') throw error;
    options.log(`lamini: ${describeError(error)}`);
    options.log('lamini: going on without native TensorFlow');
    return undefined;
  }
}

function pickInstalledOptions(options: EnsureOptions): { env?: NodeJS.ProcessEnv; projectRoot?: string } {
  const out: { env?: NodeJS.ProcessEnv; projectRoot?: string } = {};
  if (options.env !== undefined) out.env = options.env;
  if (options.projectRoot !== undefined) out.projectRoot = options.projectRoot;
  return out;
}
