"""Reference training speed in Python TensorFlow (out of CI): one GPT-2 training step as the TypeScript trainer
takes it, timed with the same wheel (tensorflow-cpu 2.21.0) whose C library tfjs-node runs on.

The model is Hugging Face's GPT-2 op for op: x + attn(ln_1(x)), with c_attn ([d, 3d] + bias) split into q, k, v
heads, scores / sqrt(head_dim), a causal mask, softmax, merged heads and c_proj; then x + mlp(ln_2(x)) with c_fc
[d, 4d], GELU (tanh approximation) and c_proj [4d, d]; ln_f; logits = h @ wte^T (tied); learned positions wpe.
Loss: mean next-token cross-entropy. Update: global-norm clipping to 1.0, then AdamW (lr 1e-4, betas 0.9/0.999,
eps 1e-8, decoupled weight decay 0.01 on matrices and embeddings only). Tokens are seeded random ids.

Usage (venv with tensorflow-cpu==2.21.0):
  python bench/trainer/python_step.py --layers 2 --d-model 128 --heads 4 --vocab 2048 --context 64 --batch 16 \
      --steps 20 --warmup 3 --threads 2 --mode function
Prints one JSON line: {name, mode, params, tokens_per_step, median_tokens_per_second, steps, peak_rss_mb, ...}.
"""
import argparse
import json
import math
import os
import resource
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

LN_EPS = 1e-5
STD = 0.02


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--d-model", type=int, default=128)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--vocab", type=int, default=2048)
    p.add_argument("--context", type=int, default=64)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--steps", type=int, default=20, help="timed steps")
    p.add_argument("--warmup", type=int, default=3, help="untimed steps first")
    p.add_argument("--threads", type=int, default=2, help="intra- and inter-op threads")
    p.add_argument("--mode", choices=["eager", "function"], default="eager")
    p.add_argument("--seed", type=int, default=0)
    return p.parse_args()


def init_params(a, rng):
    """Hugging Face GPT2LMHeadModel names and init: N(0, 0.02), residual projections scaled, biases 0, gains 1."""
    d = a.d_model
    proj_std = STD / math.sqrt(2 * a.layers)
    shapes = [("transformer.wte.weight", (a.vocab, d)), ("transformer.wpe.weight", (a.context, d))]
    for i in range(a.layers):
        at = f"transformer.h.{i}"
        shapes += [
            (f"{at}.ln_1.weight", (d,)), (f"{at}.ln_1.bias", (d,)),
            (f"{at}.attn.c_attn.weight", (d, 3 * d)), (f"{at}.attn.c_attn.bias", (3 * d,)),
            (f"{at}.attn.c_proj.weight", (d, d)), (f"{at}.attn.c_proj.bias", (d,)),
            (f"{at}.ln_2.weight", (d,)), (f"{at}.ln_2.bias", (d,)),
            (f"{at}.mlp.c_fc.weight", (d, 4 * d)), (f"{at}.mlp.c_fc.bias", (4 * d,)),
            (f"{at}.mlp.c_proj.weight", (4 * d, d)), (f"{at}.mlp.c_proj.bias", (d,)),
        ]
    shapes += [("transformer.ln_f.weight", (d,)), ("transformer.ln_f.bias", (d,))]
    params = {}
    for name, shape in shapes:
        if len(shape) > 1:
            std = proj_std if name.endswith("c_proj.weight") else STD
            value = rng.normal(0.0, std, shape)
        elif name.endswith(".weight"):
            value = np.ones(shape)
        else:
            value = np.zeros(shape)
        params[name] = tf.Variable(value.astype(np.float32), name=name.replace(".", "_"))
    return params


def layer_norm(x, g, b):
    mean, var = tf.nn.moments(x, axes=[-1], keepdims=True)
    return (x - mean) * tf.math.rsqrt(var + LN_EPS) * g + b


def gelu_new(x):
    return 0.5 * x * (1.0 + tf.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * tf.pow(x, 3))))


def linear(x2, p, name):
    return tf.matmul(x2, p[f"{name}.weight"]) + p[f"{name}.bias"]


def loss_fn(p, a, idx, targets):
    b, t = idx.shape
    d, h = a.d_model, a.heads
    hd = d // h
    x = tf.gather(p["transformer.wte.weight"], idx) + p["transformer.wpe.weight"][:t]
    mask = tf.linalg.band_part(tf.ones((t, t)), -1, 0)  # lower triangle: a token sees itself and the past
    neg = tf.fill((t, t), tf.float32.min)
    for i in range(a.layers):
        at = f"transformer.h.{i}"
        hin = tf.reshape(layer_norm(x, p[f"{at}.ln_1.weight"], p[f"{at}.ln_1.bias"]), (b * t, d))
        qkv = linear(hin, p, f"{at}.attn.c_attn")
        q, k, v = [tf.transpose(tf.reshape(z, (b, t, h, hd)), (0, 2, 1, 3)) for z in tf.split(qkv, 3, axis=-1)]
        scores = tf.matmul(q, k, transpose_b=True) / math.sqrt(hd)
        scores = tf.where(mask > 0, scores, neg)
        y = tf.matmul(tf.nn.softmax(scores, axis=-1), v)
        y = tf.reshape(tf.transpose(y, (0, 2, 1, 3)), (b * t, d))
        x = x + tf.reshape(linear(y, p, f"{at}.attn.c_proj"), (b, t, d))
        hin = tf.reshape(layer_norm(x, p[f"{at}.ln_2.weight"], p[f"{at}.ln_2.bias"]), (b * t, d))
        m = linear(gelu_new(linear(hin, p, f"{at}.mlp.c_fc")), p, f"{at}.mlp.c_proj")
        x = x + tf.reshape(m, (b, t, d))
    x = layer_norm(x, p["transformer.ln_f.weight"], p["transformer.ln_f.bias"])
    logits = tf.matmul(tf.reshape(x, (b * t, d)), p["transformer.wte.weight"], transpose_b=True)
    ce = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.reshape(targets, (-1,)), logits=logits)
    return tf.reduce_mean(ce)


class AdamW:
    """PyTorch's AdamW: p <- p * (1 - lr * wd) - lr * m_hat / (sqrt(v_hat) + eps); decay on rank >= 2 only."""

    def __init__(self, params, lr=1e-4, b1=0.9, b2=0.999, eps=1e-8, wd=0.01):
        self.lr, self.b1, self.b2, self.eps, self.wd = lr, b1, b2, eps, wd
        self.t = tf.Variable(0.0)
        self.m = {n: tf.Variable(tf.zeros_like(v)) for n, v in params.items()}
        self.v = {n: tf.Variable(tf.zeros_like(v)) for n, v in params.items()}

    def apply(self, params, grads):
        self.t.assign_add(1.0)
        c1 = 1.0 - tf.pow(self.b1, self.t)
        c2 = 1.0 - tf.pow(self.b2, self.t)
        for name, p in params.items():
            g = grads[name]
            m, v = self.m[name], self.v[name]
            m.assign(self.b1 * m + (1.0 - self.b1) * g)
            v.assign(self.b2 * v + (1.0 - self.b2) * tf.square(g))
            update = self.lr * (m / c1) / (tf.sqrt(v / c2) + self.eps)
            if len(p.shape) >= 2:
                p.assign(p * (1.0 - self.lr * self.wd) - update)
            else:
                p.assign(p - update)


def make_step(params, a, opt):
    names = list(params)

    def step(idx, targets):
        with tf.GradientTape() as tape:
            loss = loss_fn(params, a, idx, targets)
        grads = tape.gradient(loss, [params[n] for n in names])
        grads = [tf.convert_to_tensor(g) for g in grads]  # the wte gradient arrives as IndexedSlices + dense
        clipped, _ = tf.clip_by_global_norm(grads, 1.0)
        opt.apply(params, dict(zip(names, clipped)))
        return loss

    return tf.function(step) if a.mode == "function" else step


def main():
    a = parse_args()
    tf.config.threading.set_intra_op_parallelism_threads(a.threads)
    tf.config.threading.set_inter_op_parallelism_threads(a.threads)
    rng = np.random.default_rng(a.seed)
    params = init_params(a, rng)
    opt = AdamW(params)
    step = make_step(params, a, opt)
    batches = [rng.integers(0, a.vocab, (a.batch, a.context + 1), dtype=np.int32) for _ in range(4)]
    times = []
    first_loss = last_loss = None
    for i in range(a.warmup + a.steps):
        tokens = tf.constant(batches[i % len(batches)])
        started = time.perf_counter()
        loss = float(step(tokens[:, :-1], tokens[:, 1:]).numpy())
        elapsed = time.perf_counter() - started
        first_loss = loss if first_loss is None else first_loss
        last_loss = loss
        if i >= a.warmup:
            times.append(elapsed)
    tokens_per_step = a.batch * a.context
    print(json.dumps({
        "name": "python_tf_gpt2_step",
        "mode": a.mode,
        "params": int(sum(int(np.prod(v.shape)) for v in params.values())),
        "tokens_per_step": tokens_per_step,
        "median_tokens_per_second": round(tokens_per_step / statistics.median(times), 1),
        "steps": a.steps,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "warmup": a.warmup,
        "threads": a.threads,
        "shape": {"layers": a.layers, "d_model": a.d_model, "heads": a.heads, "vocab": a.vocab,
                  "context": a.context, "batch": a.batch},
        "tensorflow": tf.__version__,
        "loss_first": round(first_loss, 4),
        "loss_last": round(last_loss, 4),
    }))


if __name__ == "__main__":
    main()
