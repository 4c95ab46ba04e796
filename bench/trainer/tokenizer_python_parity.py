"""Checks the students' tokenizer against Python `tokenizers` (HF's Rust library), outside CI. Run by
bench/trainer/tokenizer-python-parity.ts, which writes the inputs into DIR; prints one JSON object.

  encode   our tokenizer.json and the derived GPT-2 one, opened with Tokenizer.from_file: ids for every string
           equal ours, and decode(ids, skip_special_tokens=False) gives the string back
  train    BpeTrainer on the same texts (cut at <|endoftext|>, as our trainer does): are the merges ours?
"""
import json
import pathlib
import sys
import time

import tokenizers
from tokenizers import Tokenizer, models, pre_tokenizers, trainers

folder = pathlib.Path(sys.argv[1])
load = lambda name: json.loads((folder / name).read_text(encoding="utf-8"))
strings = load("strings.json")
result = {"tokenizers": tokenizers.__version__, "strings": len(strings)}

for name in ("ours", "gpt2"):
    tok = Tokenizer.from_file(str(folder / f"{name}.json"))
    expected = load(f"{name}_ids.json")
    got = [e.ids for e in tok.encode_batch(strings, add_special_tokens=False)]
    bad_ids = [s for s, g, x in zip(strings, got, expected) if g != x]
    bad_decode = [s for s, g in zip(strings, got) if tok.decode(g, skip_special_tokens=False) != s]
    result[name] = {"ids_differ": len(bad_ids), "decode_differs": len(bad_decode), "first_bad": (bad_ids + bad_decode)[:3]}

train = load("train.json")
pieces = [p for text in train["texts"] for p in text.split("<|endoftext|>")]
tok = Tokenizer(models.BPE())
tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
trainer = trainers.BpeTrainer(
    vocab_size=train["vocab_size"] - 1,  # ours counts <|endoftext|>, appended after training
    min_frequency=train["min_frequency"],
    initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    special_tokens=[],
    show_progress=False,
)
start = time.perf_counter()
tok.train_from_iterator(pieces, trainer=trainer)
seconds = time.perf_counter() - start
theirs = [m if isinstance(m, str) else " ".join(m) for m in json.loads(tok.to_str())["model"]["merges"]]
ours = train["merges"]
same = next((i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b), min(len(ours), len(theirs)))
result["train"] = {
    "python_train_s": round(seconds, 2),
    "merges_ours": len(ours),
    "merges_python": len(theirs),
    "common_prefix": same,
    "identical": ours == theirs,
    "first_difference": None if ours == theirs else {"ours": ours[same : same + 3], "python": theirs[same : same + 3]},
    "same_set": sorted(ours) == sorted(theirs),
}
print(json.dumps(result, ensure_ascii=False))
