"""Opens an encoder-decoder checkpoint written by `lamini train` (or any folder `openStudent` reads) with
`transformers` and compares it with ours (bench/trainer/t5-logits.ts): the tokenizer's ids for a prompt and a
target, the decoder logits for them (T5ForConditionalGeneration.from_pretrained), and a greedy answer of a few
tokens (model.generate vs the student interface's generate).

    source scripts/node22.sh && /work/venv-hf/bin/python bench/trainer/hf_check_t5.py CHECKPOINT_DIR

Prints one JSON line; exits 1 when a check fails (logits beyond 1e-4, different ids or answers).
"""
import json, os, subprocess, sys

import torch
from transformers import AutoTokenizer, T5ForConditionalGeneration

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
PROMPT = ("Below is an instruction that describes a task. Write a response that appropriately completes the request."
          "\n\n### Instruction:\nDescribe river stone light (3).\n\n### Response:\n")
TARGET = "candle bright glass stone."


def main() -> int:
    ckpt = sys.argv[1]
    run = subprocess.run(["node", os.path.join(HERE, "t5-logits.ts"), "--checkpoint", ckpt, "--text", PROMPT, "--target", TARGET],
                         cwd=ROOT, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"hf_check_t5: t5-logits.ts failed: {run.stderr.strip()}")
    ours = json.loads(run.stdout.strip().splitlines()[-1])
    model = T5ForConditionalGeneration.from_pretrained(ckpt).eval()
    tokenizer = AutoTokenizer.from_pretrained(ckpt)
    encoder_ids = tokenizer(PROMPT)["input_ids"]
    if encoder_ids[-1] != model.config.eos_token_id:  # a from-scratch BPE tokenizer.json has no </s> template
        encoder_ids = encoder_ids + [model.config.eos_token_id]
    decoder_ids = [model.config.decoder_start_token_id] + tokenizer(TARGET, add_special_tokens=False)["input_ids"]
    with torch.no_grad():
        logits = model(input_ids=torch.tensor([ours["encoderIds"]]), decoder_input_ids=torch.tensor([ours["decoderIds"]])).logits[0]
        generated = model.generate(torch.tensor([encoder_ids]), max_new_tokens=8, do_sample=False)[0]
    text = tokenizer.decode(generated, skip_special_tokens=True)
    checks = {
        "class": type(model).__name__, "tokenizer": type(tokenizer).__name__,
        "feed_forward_proj": model.config.feed_forward_proj, "tie_word_embeddings": model.config.tie_word_embeddings,
        "encoder_ids_equal": encoder_ids == ours["encoderIds"], "decoder_ids_equal": decoder_ids == ours["decoderIds"],
        "logits_max_abs_diff": (logits - torch.tensor(ours["logits"])).abs().max().item(),
        "generated_hf": text, "generated_ours": ours["generated"],
    }
    ok = (checks["encoder_ids_equal"] and checks["decoder_ids_equal"] and checks["logits_max_abs_diff"] < 1e-4
          and text.strip() == ours["generated"].strip())
    print(json.dumps({"name": "hf_check_t5", "checkpoint": ckpt, "ok": ok, **checks}, ensure_ascii=False))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
