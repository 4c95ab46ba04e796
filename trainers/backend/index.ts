/**
 * The trainer's compute backends: choosing one (`selectBackend`), what it can do (`backendCapabilities`),
 * and setting up native TensorFlow offline (`ensureNativeTensorflow`, and `ensureBackend` for first use).
 */
export { BACKEND_CHOICES, backendCapabilities, selectBackend } from './select.ts';
export type { BackendCapabilities, BackendChoice, BackendName, SelectOptions, SelectedBackend } from './select.ts';
export { ensureNativeTensorflow, nativeInstallSupported, nativeTensorflowInstalled } from './native-install.ts';
export type { NativeInstallOptions, NativeInstallResult } from './native-install.ts';
export { ensureBackend } from './ensure.ts';
export type { EnsureOptions } from './ensure.ts';
export { TENSORFLOW_VERSION, TFJS_NODE_VERSION, tensorflowPaths } from './paths.ts';
