/**
 * TensorFlow kernels that tfjs does not expose, called through tfjs-node's backend when it is the one running
 * (`executeMultipleOutputs` runs any op of the TensorFlow C library by name). Each returns undefined elsewhere,
 * and the caller falls back to tfjs ops.
 *
 * SparseSoftmaxCrossEntropyWithLogits computes, in one pass over the logits, each row's loss and its gradient
 * (softmax − onehot), which tfjs would spend about ten ops and as many [rows, vocab] buffers on.
 */
import { tf, type Tensor } from '../tf.ts';

interface OpAttr {
  name: string;
  type: number;
  value: number;
}

interface NativeBackend {
  binding: { TF_ATTR_TYPE: number; TF_FLOAT: number; TF_INT32: number };
  executeMultipleOutputs(name: string, attrs: OpAttr[], inputs: Tensor[], outputs: number): Tensor[];
}

function isNativeBackend(b: object): b is NativeBackend {
  if (!('executeMultipleOutputs' in b) || typeof b.executeMultipleOutputs !== 'function') return false;
  if (!('binding' in b) || typeof b.binding !== 'object' || b.binding === null) return false;
  const binding = b.binding;
  return ['TF_ATTR_TYPE', 'TF_FLOAT', 'TF_INT32'].every((key) => key in binding && typeof Reflect.get(binding, key) === 'number');
}

function nativeBackend(): NativeBackend | undefined {
  if (tf.getBackend() !== 'tensorflow') return undefined;
  const backend = tf.backend();
  return isNativeBackend(backend) ? backend : undefined;
}

/** Per-row loss [rows] and its gradient with respect to the logits [rows, vocab]; labels are int32 [rows]. */
export function sparseSoftmaxCrossEntropy(logits: Tensor, labels: Tensor): { loss: Tensor; backprop: Tensor } | undefined {
  const native = nativeBackend();
  if (native === undefined) return undefined;
  const { binding } = native;
  const [loss, backprop] = native.executeMultipleOutputs(
    'SparseSoftmaxCrossEntropyWithLogits',
    [
      { name: 'T', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT },
      { name: 'Tlabels', type: binding.TF_ATTR_TYPE, value: binding.TF_INT32 },
    ],
    [logits, labels],
    2,
  );
  if (loss === undefined || backprop === undefined) throw new Error('SparseSoftmaxCrossEntropyWithLogits gave fewer than 2 outputs');
  return { loss, backprop };
}
