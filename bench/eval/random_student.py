#!/usr/bin/env python3
"""
A small random-weight GPT-2 or T5 folder (config.json, model.safetensors, tokenizer.json) for the cross-check when no
trained checkpoint is at hand: its picks are arbitrary, which is what a formula check wants (varied lls, ties
unlikely). GPT-2: a byte-level BPE, T5: a Unigram model with T5's special tokens, each trained with `tokenizers`
on the task files' own text. Needs `transformers` and torch
(the /work/venv-hf environment); nothing is downloaded.

  /work/venv-hf/bin/python bench/eval/random_student.py --tasks data/tasks --out /tmp/random-gpt2
"""
import argparse
import json
from pathlib import Path

import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import GPT2Config, GPT2LMHeadModel, T5Config, T5ForConditionalGeneration


def texts(paths):
    for p in map(Path, paths):
        for f in sorted(p.glob("*.jsonl")) if p.is_dir() else [p]:
            for line in f.read_text().splitlines():
                if line.strip():
                    item = json.loads(line)
                    yield from (v if isinstance(v, str) else " ".join(x for x in v if isinstance(x, str))
                                for v in item.values() if isinstance(v, (str, list)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", nargs="+", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--family", choices=["gpt2", "t5"], default="gpt2")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    torch.manual_seed(args.seed)
    if args.family == "gpt2":
        tok = Tokenizer(models.BPE())
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
        tok.decoder = decoders.ByteLevel()
        trainer = trainers.BpeTrainer(vocab_size=400, special_tokens=["<|endoftext|>"],
                                      initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
        tok.train_from_iterator(list(texts(args.tasks)), trainer)
        tok.save(str(out / "tokenizer.json"))
        eos = tok.token_to_id("<|endoftext|>")
        config = GPT2Config(vocab_size=tok.get_vocab_size(), n_positions=256, n_embd=32, n_layer=2, n_head=2,
                            bos_token_id=eos, eos_token_id=eos)
        GPT2LMHeadModel(config).save_pretrained(out, safe_serialization=True)
    else:
        tok = Tokenizer(models.Unigram())
        tok.pre_tokenizer = pre_tokenizers.Metaspace()
        tok.decoder = decoders.Metaspace()
        trainer = trainers.UnigramTrainer(vocab_size=400, special_tokens=["<pad>", "</s>", "<unk>"], unk_token="<unk>")
        tok.train_from_iterator(list(texts(args.tasks)), trainer)
        tok.save(str(out / "tokenizer.json"))
        config = T5Config(vocab_size=tok.get_vocab_size(), d_model=32, d_kv=8, d_ff=64, num_layers=2, num_heads=2,
                          pad_token_id=0, eos_token_id=1, decoder_start_token_id=0)
        T5ForConditionalGeneration(config).save_pretrained(out, safe_serialization=True)
    print(json.dumps({"out": str(out), "vocab": tok.get_vocab_size()}))


if __name__ == "__main__":
    main()
