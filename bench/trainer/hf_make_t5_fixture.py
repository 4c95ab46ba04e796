"""Makes test/fixtures/t5-tiny/ and test/fixtures/t5-v1_1-tiny/: tiny random T5 models saved by `transformers`
itself, with the encoder output, the decoder logits and the relative position buckets for fixed inputs.

Run once, by hand, and commit the output (docs/formats/checkpoint.md says how to make the venv):

    /work/venv-hf/bin/python bench/trainer/hf_make_t5_fixture.py [--out test/fixtures]

The two variants of the T5 paper's architecture as T5ForConditionalGeneration implements them:
  t5-tiny        T5: ReLU feed-forward (`DenseReluDense.wi`), output head tied to `shared` (the decoder output
                 is scaled by d_model ** -0.5 before it), vocab 128, d_model 32, d_kv 8 (inner 32), d_ff 64,
                 2 encoder + 2 decoder layers, 4 heads, 8 buckets, max distance 16
  t5-v1_1-tiny   T5 v1.1 / Flan-T5: gated-GELU feed-forward (`wi_0`, `wi_1`), untied `lm_head`, vocab 128,
                 d_model 24, d_kv 8 (inner 32 != d_model, as in flan-t5-small), d_ff 40, 2 encoder + 3 decoder
                 layers (num_decoder_layers != num_layers), 4 heads, 8 buckets, max distance 16
Each folder: config.json, generation_config.json, model.safetensors (save_pretrained, F32) and reference.json.
Every weight is random, the layer-norm weights too (HF starts them at 1, which would hide a misplaced norm).
Deterministic: a fixed seed, and rerunning writes the same bytes.
"""
import argparse, hashlib, json, os, shutil, sys

import torch
import transformers
from transformers import T5Config, T5ForConditionalGeneration
from transformers.models.t5.modeling_t5 import T5Attention

SEED = 20240607
COMMON = dict(vocab_size=128, num_heads=4, relative_attention_num_buckets=8, relative_attention_max_distance=16,
              layer_norm_epsilon=1e-6, dropout_rate=0.1, pad_token_id=0, eos_token_id=1, decoder_start_token_id=0)
VARIANTS = {
    "t5-tiny": dict(d_model=32, d_kv=8, d_ff=64, num_layers=2, num_decoder_layers=2,
                    feed_forward_proj="relu", tie_word_embeddings=True),
    "t5-v1_1-tiny": dict(d_model=24, d_kv=8, d_ff=40, num_layers=2, num_decoder_layers=3,
                         feed_forward_proj="gated-gelu", tie_word_embeddings=False),
}
ENCODER_IDS = [37, 5, 99, 12, 64, 2, 127, 80, 1]  # ends with eos (1)
DECODER_IDS = [0, 44, 7, 101, 19, 3]               # starts with decoder_start_token_id (0)
BUCKET_GRID = (24, 32)                             # query length, key length: distances past max_distance
WIDE = dict(num_buckets=32, max_distance=128, span=200)  # the presets' settings, relative positions -200..200


def f32(x):
    """A float32 value as a JSON number that reads back to the same float32."""
    return float("%.9g" % x)


def buckets(relative, bidirectional, num_buckets, max_distance):
    return T5Attention._relative_position_bucket(relative, bidirectional=bidirectional, num_buckets=num_buckets,
                                                 max_distance=max_distance).tolist()


def bucket_tables(config):
    q, k = BUCKET_GRID
    relative = torch.arange(k, dtype=torch.long)[None, :] - torch.arange(q, dtype=torch.long)[:, None]
    n, m = config.relative_attention_num_buckets, config.relative_attention_max_distance
    line = torch.arange(-WIDE["span"], WIDE["span"] + 1, dtype=torch.long)
    return {
        "note": "bucket[query][key] of relative position key - query; bidirectional: the encoder's, "
                "unidirectional: the decoder's self-attention",
        "num_buckets": n, "max_distance": m, "query_length": q, "key_length": k,
        "bidirectional": buckets(relative, True, n, m),
        "unidirectional": buckets(relative, False, n, m),
        "wide": {
            "num_buckets": WIDE["num_buckets"], "max_distance": WIDE["max_distance"],
            "relative_positions": line.tolist(),
            "bidirectional": buckets(line, True, WIDE["num_buckets"], WIDE["max_distance"]),
            "unidirectional": buckets(line, False, WIDE["num_buckets"], WIDE["max_distance"]),
        },
    }


def make(name, out):
    folder = os.path.join(out, name)
    if os.path.exists(folder):
        shutil.rmtree(folder)
    os.makedirs(folder)
    torch.manual_seed(SEED)
    config = T5Config(**COMMON, **VARIANTS[name])
    model = T5ForConditionalGeneration(config).eval()
    with torch.no_grad():
        for pname, p in model.named_parameters():
            if pname.endswith("layer_norm.weight"):
                p.copy_(1 + 0.2 * torch.randn_like(p))
    model.save_pretrained(folder, safe_serialization=True)

    reopened = T5ForConditionalGeneration.from_pretrained(folder).eval()
    enc = torch.tensor([ENCODER_IDS])
    dec = torch.tensor([DECODER_IDS])
    with torch.no_grad():
        res = reopened(input_ids=enc, decoder_input_ids=dec)
        assert torch.equal(res.logits, model(input_ids=enc, decoder_input_ids=dec).logits)
    assert DECODER_IDS[0] == config.decoder_start_token_id

    reference = {
        "note": "made by bench/trainer/hf_make_t5_fixture.py; hidden states and logits are float32 at 9 "
                "significant digits; no attention masks (every position attends)",
        "transformers_version": transformers.__version__,
        "torch_version": torch.__version__,
        "seed": SEED,
        "num_parameters": reopened.num_parameters(),
        "encoder_input_ids": ENCODER_IDS,
        "decoder_input_ids": DECODER_IDS,
        "encoder_last_hidden_state": [[f32(v) for v in row] for row in res.encoder_last_hidden_state[0].tolist()],
        "logits": [[f32(v) for v in row] for row in res.logits[0].tolist()],
        "relative_position_buckets": bucket_tables(config),
    }
    with open(os.path.join(folder, "reference.json"), "w") as f:
        json.dump(reference, f, separators=(",", ":"))
        f.write("\n")
    files = sorted(os.listdir(folder))
    digest = hashlib.sha256()
    for n in files:
        with open(os.path.join(folder, n), "rb") as f:
            digest.update(n.encode() + b"\0" + f.read())
    size = sum(os.path.getsize(os.path.join(folder, n)) for n in files)
    return {"folder": folder, "bytes": size, "sha256": digest.hexdigest(), "num_parameters": reference["num_parameters"]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures"))
    out = os.path.normpath(ap.parse_args().out)
    made = {name: make(name, out) for name in VARIANTS}
    print(json.dumps({"name": "hf_make_t5_fixture", "made": made}))


if __name__ == "__main__":
    sys.exit(main())
