"""Checks our side of the checkpoint format against `transformers`, without our model code: writes a checkpoint
of the gpt2-tiny fixture with our saveCheckpoint (test/unit/trainers/checkpoint/write-fixture-checkpoint.ts),
opens it with GPT2LMHeadModel / AutoTokenizer.from_pretrained, checks its logits and token ids against
test/fixtures/gpt2-tiny/reference.json, and runs hf_compare.py on it with the reference logits standing in for
ours (expected to pass) and with them perturbed (expected to fail).

    source scripts/node22.sh && /work/venv-hf/bin/python bench/trainer/hf_check_store.py

Prints one JSON line; exits 1 on any failed check.
"""
import json, os, subprocess, sys, tempfile

import torch
from transformers import AutoTokenizer, GPT2LMHeadModel

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
REFERENCE = os.path.join(ROOT, "test", "fixtures", "gpt2-tiny", "reference.json")


def main():
    with open(REFERENCE) as f:
        ref = json.load(f)
    checks = {}
    with tempfile.TemporaryDirectory() as root:
        run = subprocess.run(["node", "test/unit/trainers/checkpoint/write-fixture-checkpoint.ts", root, "7"],
                             cwd=ROOT, capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"hf_check_store: writing the checkpoint failed: {run.stderr.strip()}")
        ckpt = json.loads(run.stdout.strip().splitlines()[-1])["dir"]
        checks["files"] = sorted(os.listdir(ckpt))

        model = GPT2LMHeadModel.from_pretrained(ckpt).eval()
        tokenizer = AutoTokenizer.from_pretrained(ckpt)
        with torch.no_grad():
            logits = model(torch.tensor([ref["ids"]])).logits[0]
        checks["logits_max_abs_diff_vs_reference"] = (logits - torch.tensor(ref["logits"])).abs().max().item()
        checks["text_ids_equal"] = tokenizer(ref["text"])["input_ids"] == ref["text_ids"]
        checks["tokenizer_class"] = type(tokenizer).__name__
        checks["eos"] = [tokenizer.eos_token, tokenizer.eos_token_id, model.generation_config.eos_token_id]
        checks["model_max_length"] = tokenizer.model_max_length
        prompt = tokenizer("Hi", return_tensors="pt")
        generated = model.generate(**prompt, max_new_tokens=4, do_sample=False, pad_token_id=tokenizer.eos_token_id)
        checks["generate_tokens"] = generated.shape[1] - prompt["input_ids"].shape[1]

        ours = os.path.join(root, "ours.json")
        bad = os.path.join(root, "bad.json")
        with open(ours, "w") as f:
            json.dump({"ids": ref["ids"], "logits": ref["logits"]}, f)
        perturbed = [row[:] for row in ref["logits"]]
        perturbed[3][0] += 0.5
        with open(bad, "w") as f:
            json.dump({"ids": ref["ids"], "logits": perturbed}, f)
        compare = [sys.executable, os.path.join(HERE, "hf_compare.py"), ckpt, "--ids", ",".join(map(str, ref["ids"]))]
        good_run = subprocess.run(compare + ["--ours-json", ours], capture_output=True, text=True)
        bad_run = subprocess.run(compare + ["--ours-json", bad], capture_output=True, text=True)
        checks["hf_compare_same"] = [good_run.returncode, json.loads(good_run.stdout)["max_abs_diff"]]
        checks["hf_compare_perturbed"] = [bad_run.returncode, json.loads(bad_run.stdout)["max_abs_diff"]]

    ok = (checks["logits_max_abs_diff_vs_reference"] < 1e-6 and checks["text_ids_equal"]
          and checks["eos"] == ["<|endoftext|>", 95, 95] and checks["model_max_length"] == 32 and checks["generate_tokens"] == 4
          and checks["hf_compare_same"][0] == 0 and checks["hf_compare_perturbed"][0] == 1)
    print(json.dumps({"name": "hf_check_store", "ok": ok, **checks}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
