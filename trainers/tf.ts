/**
 * The one TensorFlow.js entry the trainer uses: `@tensorflow/tfjs-core`'s ops, with every gradient registered.
 * tfjs-core alone registers no gradients; the `@tensorflow/tfjs` bundle registers them (and the pure-JS cpu
 * backend) on the same engine, which is also the one `@tensorflow/tfjs-node` and the wasm backend register on.
 */
import '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs-core';

// Production mode: no debug checks and no banners (the pure-JS backend otherwise asks on stderr to install
// tfjs-node, which `lamini train` already uses when it can).
tf.enableProdMode();

export { tf };
export type { Tensor, Tensor1D, Tensor2D, Tensor3D, Tensor4D, Variable, Scalar, Rank } from '@tensorflow/tfjs-core';
