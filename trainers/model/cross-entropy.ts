/**
 * Weighted token cross-entropy with its gradient written out: Σ_i w_i (logsumexp(z_i) − z_i[y_i]), whose gradient
 * with respect to the logits is w_i (softmax(z_i) − onehot(y_i)). On native TensorFlow one kernel
 * (SparseSoftmaxCrossEntropyWithLogits) gives both; elsewhere tfjs ops compute them. Either way there is no
 * backward pass through logsumexp and the one-hot product, which on a large vocabulary is most of the head's cost.
 */
import { tf, type Scalar, type Tensor, type Tensor2D } from '../tf.ts';
import { sparseSoftmaxCrossEntropy } from './native-ops.ts';

export function crossEntropySum(logits: Tensor2D, targets: Tensor, weights: Tensor): Scalar {
  const vocab = logits.shape[1];
  const f = tf.customGrad<Scalar>((z, save) => {
    if (!(z instanceof tf.Tensor) || typeof save !== 'function') throw new Error('cross-entropy called without logits');
    // Made inside the gradient scope and saved: tensors from outside it are gone by the time the gradient runs.
    const w = weights.toFloat().expandDims(1);
    const native = sparseSoftmaxCrossEntropy(z, targets.toInt());
    if (native !== undefined) {
      save([native.backprop, w]);
      const gradFunc = (dy: Scalar, saved: Tensor[]): Tensor => {
        const [backprop, w0] = saved;
        if (backprop === undefined || w0 === undefined) throw new Error('cross-entropy saved tensors are missing');
        return backprop.mul(w0.mul(dy));
      };
      return { value: tf.sum<Scalar>(native.loss.mul(w.squeeze([1]))), gradFunc };
    }
    const labels = tf.oneHot(targets.toInt(), vocab);
    const lse = tf.logSumExp(z, 1, true);
    const picked = tf.sum(z.mul(labels), 1, true);
    save([z, lse, labels, w]);
    const gradFunc = (dy: Scalar, saved: Tensor[]): Tensor => {
      const [z0, lse0, labels0, w0] = saved;
      if (z0 === undefined || lse0 === undefined || labels0 === undefined || w0 === undefined) {
        throw new Error('cross-entropy saved tensors are missing');
      }
      return tf.exp(z0.sub(lse0)).sub(labels0).mul(w0.mul(dy));
    };
    return { value: tf.sum<Scalar>(lse.sub(picked).mul(w)), gradFunc };
  });
  return f(logits);
}
