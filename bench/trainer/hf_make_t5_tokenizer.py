"""Adds tokenizer.json to test/fixtures/t5-tiny/ and test/fixtures/t5-v1_1-tiny/, so each is a whole Hugging Face
T5 folder that `lamini train --init` and `openStudent` read: a 128-piece SentencePiece-style Unigram (T5's
normalizer, Metaspace pre-tokenizer and decoder, `</s>` appended by the template; <pad> 0, </s> 1, <unk> 2, as
config.json says), trained with HF `tokenizers` on the Alpaca wrapper and the words of the test corpora
(test/helpers/corpus-fixture.ts). Also writes tokenizer-reference.json: HF's ids (no special tokens) for a few
strings, which test/unit/trainers/checkpoint/t5-folder.test.ts compares ours with, and student-reference.json:
what T5ForConditionalGeneration computes from the whole folder for the student interface's tests
(test/unit/trainers/student-model/encoder-decoder.test.ts): the per-token log-probabilities of a continuation
given a context (encoder: context + </s>; decoder: start token + continuation) and a greedy answer.

    /work/venv-hf/bin/python bench/trainer/hf_make_t5_tokenizer.py [--out test/fixtures]
"""
import argparse, json, os, random, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from unigram_make_fixtures import t5_style  # noqa: E402

from tokenizers import Tokenizer, models, trainers  # noqa: E402

WORDS = ("river stone light paper glass cloud orange quick slow bright music garden winter harbour lantern copper "
         "meadow signal thunder velvet pocket compass ladder marble season window candle forest engine island").split()
VERBS = ["Describe", "List", "Explain", "Summarise", "Compare", "Write a poem about"]
WRAPPER = [
    "Below is an instruction that describes a task, paired with an input that provides further context. "
    "Write a response that appropriately completes the request.",
    "Below is an instruction that describes a task. Write a response that appropriately completes the request.",
    "### Instruction:", "### Input:", "### Response:",
]
STRINGS = [
    "Describe river stone light (3).", "### Response:\ncandle bright glass.", "Write a poem about winter harbour!",
    "  two  spaces and ümlauts ", "unknown ☃ snow", "", "Below is an instruction that describes a task.",
]


def corpus() -> list[str]:
    rng = random.Random(11)
    lines = list(WRAPPER) * 20
    for n in range(2000):
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12)))
        lines.append(f"{VERBS[n % len(VERBS)]} {words} ({n}).")
        lines.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 20))) + ".")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="test/fixtures")
    args = parser.parse_args()
    tok = Tokenizer(models.Unigram())
    t5_style(tok, prepend_scheme="always", eos_id=1)
    trainer = trainers.UnigramTrainer(vocab_size=128, special_tokens=["<pad>", "</s>", "<unk>"], unk_token="<unk>",
                                      show_progress=False, max_piece_length=8)
    tok.train_from_iterator(corpus(), trainer=trainer)
    assert tok.get_vocab_size() <= 128, tok.get_vocab_size()
    assert [tok.token_to_id(t) for t in ["<pad>", "</s>", "<unk>"]] == [0, 1, 2]
    reference = {"vocab_size": tok.get_vocab_size(),
                 "strings": [{"text": s, "ids": tok.encode(s, add_special_tokens=False).ids,
                              "with_eos": tok.encode(s).ids} for s in STRINGS]}
    for name in ["t5-tiny", "t5-v1_1-tiny"]:
        folder = os.path.join(args.out, name)
        tok.save(os.path.join(folder, "tokenizer.json"))
        with open(os.path.join(folder, "tokenizer-reference.json"), "w") as f:
            json.dump(reference, f, ensure_ascii=False, indent=1)
            f.write("\n")
        student_reference(folder)
    print(json.dumps({"vocab_size": tok.get_vocab_size()}))


CONTEXT = "Describe river stone light (3)."
CONTINUATIONS = ["candle bright glass.", "thunder velvet pocket compass"]


def student_reference(folder: str) -> None:
    import torch
    from transformers import AutoTokenizer, T5ForConditionalGeneration

    model = T5ForConditionalGeneration.from_pretrained(folder).eval()
    tokenizer = AutoTokenizer.from_pretrained(folder)
    encoder_ids = tokenizer(CONTEXT)["input_ids"]
    scores = []
    with torch.no_grad():
        for continuation in CONTINUATIONS:
            ids = tokenizer(continuation, add_special_tokens=False)["input_ids"]
            decoder = [model.config.decoder_start_token_id] + ids[:-1]
            logits = model(input_ids=torch.tensor([encoder_ids]), decoder_input_ids=torch.tensor([decoder])).logits[0]
            logprobs = torch.log_softmax(logits, dim=-1)
            scores.append({"continuation": continuation, "ids": ids,
                           "token_logprobs": [logprobs[i, t].item() for i, t in enumerate(ids)],
                           "is_greedy": bool((logits.argmax(-1) == torch.tensor(ids)).all())})
        generated = model.generate(torch.tensor([encoder_ids]), max_new_tokens=8, do_sample=False)[0].tolist()
    answer = [t for t in generated[1:] if t != model.config.eos_token_id]
    with open(os.path.join(folder, "student-reference.json"), "w") as f:
        json.dump({"context": CONTEXT, "encoder_ids": encoder_ids, "scores": scores, "greedy_ids": answer,
                   "greedy_text": tokenizer.decode(answer), "ended": generated[-1] == model.config.eos_token_id},
                  f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
