"""Checks that one of our checkpoint folders is a GPT-2 `transformers` opens unchanged and computes as we do.

    /work/venv-hf/bin/python bench/trainer/hf_compare.py CHECKPOINT_DIR [--ids 1,2,3] [--tolerance 1e-3]
        [--ours-json FILE]

Opens CHECKPOINT_DIR with GPT2LMHeadModel.from_pretrained and AutoTokenizer.from_pretrained (no arguments
beyond the path), runs fixed ids, and compares the logits with ours: those printed by
`node bench/trainer/logits.ts --checkpoint DIR --ids …` (run from the repository root with the `node` on PATH:
`source scripts/node22.sh` first), or the first JSON line of --ours-json. Our line is
{"ids":[…],"logits":[[…],…]}, one row of vocab_size logits per position.

Prints one JSON line {name, checkpoint, ids, max_abs_diff, mean_abs_diff, argmax_equal, tokenizer_roundtrip,
tolerance, ok, …}; exits 1 when max_abs_diff is above the tolerance, an argmax differs, or the tokenizer does
not round-trip a plain ASCII text.
"""
import argparse, json, os, subprocess, sys

import torch
import transformers
from transformers import AutoTokenizer, GPT2LMHeadModel

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
TEXT = "Say hi: 2 + 2 = 4!"  # short enough for a tiny model's context, even one token per byte


def default_ids(vocab, positions):
    """16 ids (fewer for a short context) spread over the vocabulary, the same for every run."""
    return [(7 * i * i + 3 * i + 1) % vocab for i in range(min(16, positions))]


def our_logits(checkpoint, ids, ours_json):
    if ours_json is not None:
        with open(ours_json) as f:
            line = next(l for l in f if l.strip())
    else:
        cmd = ["node", os.path.join("bench", "trainer", "logits.ts"), "--checkpoint", os.path.abspath(checkpoint),
               "--ids", ",".join(str(i) for i in ids)]
        run = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if run.returncode != 0:
            lines = run.stderr.strip().splitlines()
            reason = next((l.strip() for l in lines if "Error" in l), lines[-1] if lines else "")
            sys.exit(f"hf_compare: {' '.join(cmd)} failed ({run.returncode}): {reason}")
        line = [l for l in run.stdout.splitlines() if l.strip()][-1]
    ours = json.loads(line)
    if ours.get("ids") != ids:
        sys.exit(f"hf_compare: our logits are for ids {ours.get('ids')}, expected {ids}")
    return torch.tensor(ours["logits"], dtype=torch.float64)


def git_commit():
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    except OSError:
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("checkpoint")
    ap.add_argument("--ids", help="comma-separated token ids (default: 16 fixed ids)")
    ap.add_argument("--tolerance", type=float, default=1e-3, help="largest allowed |ours - transformers| logit")
    ap.add_argument("--ours-json", help="read our logits line from this file instead of running logits.ts")
    a = ap.parse_args()

    model = GPT2LMHeadModel.from_pretrained(a.checkpoint).eval()
    tokenizer = AutoTokenizer.from_pretrained(a.checkpoint)
    vocab, positions = model.config.vocab_size, model.config.n_positions
    ids = [int(x) for x in a.ids.split(",")] if a.ids else default_ids(vocab, positions)
    text_ids = tokenizer(TEXT)["input_ids"]
    roundtrip = tokenizer.decode(text_ids) == TEXT and all(0 <= i < vocab for i in text_ids)

    with torch.no_grad():
        theirs = model(torch.tensor([ids])).logits[0].to(torch.float64)
    ours = our_logits(a.checkpoint, ids, a.ours_json)
    if tuple(ours.shape) != tuple(theirs.shape):
        sys.exit(f"hf_compare: our logits have shape {list(ours.shape)}, transformers' {list(theirs.shape)}")
    diff = (ours - theirs).abs()
    argmax_equal = bool(torch.equal(ours.argmax(-1), theirs.argmax(-1)))
    max_abs_diff = diff.max().item()
    ok = max_abs_diff <= a.tolerance and argmax_equal and roundtrip
    print(json.dumps({
        "name": "hf_compare", "commit": git_commit(), "checkpoint": a.checkpoint, "ids": ids,
        "positions": len(ids), "vocab_size": vocab, "max_abs_diff": max_abs_diff, "mean_abs_diff": diff.mean().item(),
        "max_abs_logit": theirs.abs().max().item(), "argmax_equal": argmax_equal,
        "tokenizer_class": type(tokenizer).__name__, "tokenizer_roundtrip": roundtrip,
        "tolerance": a.tolerance, "ok": ok,
        "transformers_version": transformers.__version__, "torch_version": torch.__version__,
    }))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
