"""Makes test/fixtures/gpt2-tiny/: a tiny random GPT-2 saved by `transformers` itself, and its logits.

Run once, by hand, and commit the output (docs/formats/checkpoint.md says how to make the venv):

    /work/venv-hf/bin/python bench/trainer/hf_make_fixture.py [--out test/fixtures/gpt2-tiny]

Writes, with a fixed seed:
  config.json, generation_config.json, model.safetensors   GPT2LMHeadModel.save_pretrained (F32, names
                                                             with the `transformer.` prefix, no buffers)
  tokenizer.json, tokenizer_config.json, special_tokens_map.json
                                                             a 96-token byte-level BPE: the 95 printable
                                                             ASCII bytes and `<|endoftext|>` (id 95), no merges
  reference.json                                            fixed ids, their logits and the hidden state
                                                             after ln_f (float32 values, 9 significant digits)
  original/config.json, original/model.safetensors          the same weights as F16 with the ORIGINAL GPT-2
                                                             naming: no `transformer.` prefix, the
                                                             `attn.bias` (BOOL) and `attn.masked_bias` buffers,
                                                             and no `lm_head.weight` (from_pretrained rejects a
                                                             head in a prefix-less file)
Checks before writing reference.json that from_pretrained and AutoTokenizer open both folders.
"""
import argparse, json, os, shutil, sys, tempfile

import torch
import transformers
from safetensors.torch import save_file
from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, processors
from transformers import AutoTokenizer, GPT2Config, GPT2LMHeadModel, GPT2TokenizerFast
from transformers.models.gpt2.tokenization_gpt2 import bytes_to_unicode

SEED = 20240531
SHAPE = dict(vocab_size=96, n_positions=32, n_embd=32, n_layer=2, n_head=4)
EOS_ID = 95
IDS = [5, 17, 94, 3, 60, 95, 41, 0, 88, 12, 29, 73]
TEXT = "Hi there, tiny GPT-2!"


def f32(x):
    """A float32 value as a JSON number that reads back to the same float32."""
    return float("%.9g" % x)


def build_tokenizer(context, scratch):
    b2u = bytes_to_unicode()
    symbols = [b2u[b] for b in range(0x21, 0x7F)] + [b2u[0x20]]
    vocab = {s: i for i, s in enumerate(symbols)}
    vocab["<|endoftext|>"] = EOS_ID
    tok = Tokenizer(models.BPE(vocab=vocab, merges=[]))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    tok.add_special_tokens([AddedToken("<|endoftext|>", special=True, normalized=False)])
    tok.save(scratch)
    eot = "<|endoftext|>"
    return GPT2TokenizerFast(
        tokenizer_file=scratch, bos_token=eot, eos_token=eot, unk_token=eot, add_prefix_space=False,
        model_max_length=context, clean_up_tokenization_spaces=False,
    )


def save_original(model, config, out):
    """The same weights, F16, named as the original GPT-2 files are (with the buffers they carry)."""
    os.makedirs(out, exist_ok=True)
    sd = {}
    p = config.n_positions
    for name, t in model.state_dict().items():
        if name == "lm_head.weight":
            continue
        sd[name.removeprefix("transformer.")] = t.detach().clone().half().contiguous()
    for i in range(config.n_layer):
        sd[f"h.{i}.attn.bias"] = torch.tril(torch.ones((p, p), dtype=torch.bool)).view(1, 1, p, p).contiguous()
        sd[f"h.{i}.attn.masked_bias"] = torch.tensor(-1e4, dtype=torch.float16)
    save_file(sd, os.path.join(out, "model.safetensors"), metadata={"format": "pt"})
    config.save_pretrained(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "gpt2-tiny"))
    out = os.path.normpath(ap.parse_args().out)
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)

    torch.manual_seed(SEED)
    config = GPT2Config(**SHAPE, bos_token_id=EOS_ID, eos_token_id=EOS_ID)
    model = GPT2LMHeadModel(config).eval()
    model.save_pretrained(out, safe_serialization=True)
    with tempfile.TemporaryDirectory() as scratch:
        tokenizer = build_tokenizer(config.n_positions, os.path.join(scratch, "tokenizer.json"))
        tokenizer.save_pretrained(out, legacy_format=False)
    save_original(model, config, os.path.join(out, "original"))

    # Both folders must open unchanged; the original naming must give (nearly) the same model.
    reopened = GPT2LMHeadModel.from_pretrained(out).eval()
    original = GPT2LMHeadModel.from_pretrained(os.path.join(out, "original")).eval()
    tok = AutoTokenizer.from_pretrained(out)
    text_ids = tok(TEXT)["input_ids"]
    assert tok.decode(text_ids) == TEXT, tok.decode(text_ids)
    ids = torch.tensor([IDS])
    with torch.no_grad():
        res = reopened(ids, output_hidden_states=True)
        logits = res.logits[0]
        hidden = res.hidden_states[-1][0]  # after ln_f
        orig_logits = original(ids).logits[0]
    assert torch.equal(logits, model(ids).logits[0])
    orig_diff = (orig_logits - logits).abs().max().item()
    assert orig_diff < 1e-2, orig_diff

    reference = {
        "note": "made by bench/trainer/hf_make_fixture.py; logits and hidden are float32 at 9 significant digits",
        "transformers_version": transformers.__version__,
        "torch_version": torch.__version__,
        "seed": SEED,
        "ids": IDS,
        "logits": [[f32(v) for v in row] for row in logits.tolist()],
        "hidden_after_ln_f": [[f32(v) for v in row] for row in hidden.tolist()],
        "text": TEXT,
        "text_ids": text_ids,
        "original_f16_max_abs_logit_diff": f32(orig_diff),
    }
    with open(os.path.join(out, "reference.json"), "w") as f:
        json.dump(reference, f, separators=(",", ":"))
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(d, n)) for d, _, names in os.walk(out) for n in names)
    print(json.dumps({"name": "hf_make_fixture", "out": out, "bytes": total, "ids": len(IDS),
                      "original_f16_max_abs_logit_diff": orig_diff}))


if __name__ == "__main__":
    sys.exit(main())
