"""Reference training speed of an encoder-decoder student in Python TensorFlow (out of CI): one T5 v1.1 training
step as the TypeScript trainer takes it (bench/trainer/t5-step.ts), timed with the wheel (tensorflow-cpu 2.21)
whose C library tfjs-node runs on.

The model is Hugging Face's T5ForConditionalGeneration op for op (trainers/model/t5.ts): shared embedding,
pre-norm sub-layers with RMS norm (weight only), attention without 1/sqrt(d_kv) scaling, one relative-position
bias table per stack (bidirectional buckets in the encoder, causal in the decoder), cross-attention without one,
gated-GELU feed-forward wo(gelu_new(wi_0 x) * wi_1 x), untied lm_head. Loss: mean cross-entropy over every
decoder position. Update: global-norm clipping to 1.0, then AdamW (lr 1e-4, decay 0.01 on matrices). Tokens are
seeded random ids; the init is T5's (_init_weights).

  /work/venv-tf/bin/python bench/trainer/t5_step.py --layers 4 --d-model 256 --d-kv 32 --heads 8 --d-ff 1024 \
      --vocab 4096 --source 128 --target 64 --batch 8 --steps 8 --warmup 3 --threads 2
Prints one JSON line: {name, mode, params, tokens_per_step, median_tokens_per_second, steps, peak_rss_mb, ...}.
"""
import argparse, json, math, os, resource, statistics, time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from python_step import AdamW  # noqa: E402  (the same PyTorch-style AdamW as the GPT-2 reference)

BUCKETS, MAX_DISTANCE, EPS = 32, 128, 1e-6


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    for name, default in [("layers", 4), ("d-model", 256), ("d-kv", 32), ("heads", 8), ("d-ff", 1024), ("vocab", 4096),
                          ("source", 128), ("target", 64), ("batch", 8), ("steps", 8), ("warmup", 3), ("threads", 2), ("seed", 0)]:
        p.add_argument(f"--{name}", type=int, default=default)
    p.add_argument("--mode", choices=["eager", "function"], default="function")
    return p.parse_args()


def bucket(relative, bidirectional):
    n, b = BUCKETS, 0
    if bidirectional:
        n //= 2
        b = n if relative > 0 else 0
        distance = abs(relative)
    else:
        distance = -min(relative, 0)
    exact = n // 2
    if distance < exact:
        return b + distance
    large = exact + int(math.log(distance / exact) / math.log(MAX_DISTANCE / exact) * (n - exact))
    return b + min(large, n - 1)


def buckets(q, k, bidirectional):
    return np.array([[bucket(j - i, bidirectional) for j in range(k)] for i in range(q)], dtype=np.int32)


def init_params(a, rng):
    d, inner, f = a.d_model, a.heads * a.d_kv, a.d_ff
    shapes = {"shared": ((a.vocab, d), 1.0), "lm_head": ((a.vocab, d), 1.0)}

    def attention(at, table):
        shapes.update({f"{at}.q": ((d, inner), (d * a.d_kv) ** -0.5), f"{at}.k": ((d, inner), d ** -0.5),
                       f"{at}.v": ((d, inner), d ** -0.5), f"{at}.o": ((inner, d), inner ** -0.5)})
        if table:
            shapes[f"{at}.bias"] = ((BUCKETS, a.heads), d ** -0.5)

    def ff(at):
        shapes.update({f"{at}.wi_0": ((d, f), d ** -0.5), f"{at}.wi_1": ((d, f), d ** -0.5), f"{at}.wo": ((f, d), f ** -0.5)})

    for stack, norms in [("encoder", 2), ("decoder", 3)]:
        for i in range(a.layers):
            at = f"{stack}.{i}"
            attention(f"{at}.self", i == 0)
            if stack == "decoder":
                attention(f"{at}.cross", False)
            ff(f"{at}.ff")
            for j in range(norms):
                shapes[f"{at}.norm{j}"] = ((d,), None)
        shapes[f"{stack}.final"] = ((d,), None)
    return {name: tf.Variable((np.ones(shape) if std is None else rng.normal(0.0, std, shape)).astype(np.float32))
            for name, (shape, std) in shapes.items()}


def rms(x, w):
    return x * tf.math.rsqrt(tf.reduce_mean(tf.square(x), -1, keepdims=True) + EPS) * w


def gelu_new(x):
    return 0.5 * x * (1.0 + tf.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * tf.pow(x, 3))))


def attend(p, at, x, kv, bias, a):
    b, tq, tk = tf.shape(x)[0], x.shape[1], kv.shape[1]
    split = lambda z, t: tf.transpose(tf.reshape(z, (-1, t, a.heads, a.d_kv)), (0, 2, 1, 3))  # noqa: E731
    q, k, v = split(x @ p[f"{at}.q"], tq), split(kv @ p[f"{at}.k"], tk), split(kv @ p[f"{at}.v"], tk)
    scores = tf.matmul(q, k, transpose_b=True)
    if bias is not None:
        scores += bias
    y = tf.transpose(tf.matmul(tf.nn.softmax(scores, -1), v), (0, 2, 1, 3))
    return tf.reshape(y, (b, tq, a.heads * a.d_kv)) @ p[f"{at}.o"]


def position_bias(p, stack, q, k, bidirectional):
    table = tf.gather(p[f"{stack}.0.self.bias"], buckets(q, k, bidirectional))  # [q, k, heads]
    return tf.transpose(table, (2, 0, 1))[None]


def loss_fn(p, a, src, dec, targets):
    s, t = src.shape[1], dec.shape[1]
    x = tf.gather(p["shared"], src)
    bias = position_bias(p, "encoder", s, s, True)
    for i in range(a.layers):
        at = f"encoder.{i}"
        h = rms(x, p[f"{at}.norm0"])
        x += attend(p, f"{at}.self", h, h, bias, a)
        h = rms(x, p[f"{at}.norm1"])
        x += (gelu_new(h @ p[f"{at}.ff.wi_0"]) * (h @ p[f"{at}.ff.wi_1"])) @ p[f"{at}.ff.wo"]
    memory = rms(x, p["encoder.final"])
    causal = tf.constant(np.triu(np.full((t, t), -1e9, dtype=np.float32), 1))
    bias = position_bias(p, "decoder", t, t, False) + causal
    y = tf.gather(p["shared"], dec)
    for i in range(a.layers):
        at = f"decoder.{i}"
        h = rms(y, p[f"{at}.norm0"])
        y += attend(p, f"{at}.self", h, h, bias, a)
        y += attend(p, f"{at}.cross", rms(y, p[f"{at}.norm1"]), memory, None, a)
        h = rms(y, p[f"{at}.norm2"])
        y += (gelu_new(h @ p[f"{at}.ff.wi_0"]) * (h @ p[f"{at}.ff.wi_1"])) @ p[f"{at}.ff.wo"]
    y = rms(y, p["decoder.final"])
    logits = tf.reshape(y, (-1, a.d_model)) @ tf.transpose(p["lm_head"])
    ce = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.reshape(targets, (-1,)), logits=logits)
    return tf.reduce_mean(ce)


def main():
    a = parse_args()
    tf.config.threading.set_intra_op_parallelism_threads(a.threads)
    tf.config.threading.set_inter_op_parallelism_threads(a.threads)
    rng = np.random.default_rng(a.seed)
    params = init_params(a, rng)
    opt = AdamW(params)
    names = list(params)

    def step(src, dec, targets):
        with tf.GradientTape() as tape:
            loss = loss_fn(params, a, src, dec, targets)
        grads = [tf.convert_to_tensor(g) for g in tape.gradient(loss, [params[n] for n in names])]
        clipped, _ = tf.clip_by_global_norm(grads, 1.0)
        opt.apply(params, dict(zip(names, clipped)))
        return loss

    run = tf.function(step) if a.mode == "function" else step
    batches = [(rng.integers(0, a.vocab, (a.batch, a.source), dtype=np.int32),
                rng.integers(0, a.vocab, (a.batch, a.target + 1), dtype=np.int32)) for _ in range(4)]
    times, losses = [], []
    for i in range(a.warmup + a.steps):
        src, tgt = batches[i % len(batches)]
        started = time.perf_counter()
        losses.append(float(run(tf.constant(src), tf.constant(tgt[:, :-1]), tf.constant(tgt[:, 1:])).numpy()))
        if i >= a.warmup:
            times.append(time.perf_counter() - started)
    tokens = a.batch * (a.source + a.target)
    print(json.dumps({
        "name": "python_tf_t5_step", "mode": a.mode, "params": int(sum(int(np.prod(v.shape)) for v in params.values())),
        "tokens_per_step": tokens, "median_tokens_per_second": round(tokens / statistics.median(times), 1), "steps": a.steps,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1), "threads": a.threads,
        "tensorflow": tf.__version__, "loss_first": round(losses[0], 4), "loss_last": round(losses[-1], 4),
    }))


if __name__ == "__main__":
    main()
