"""Makes the Unigram (T5 / SentencePiece) tokenizer fixtures under test/fixtures/tokenizer/unigram/. Outside CI.

Two steps, each run from the repository root:

  build   (needs `tokenizers`, `transformers` and `sentencepiece`): trains four small Unigram tokenizers on text
          generated here and writes their tokenizer.json files, the test strings (strings.json) and SentencePiece's
          agreement with HF on the two SentencePiece models (sentencepiece.json, not read by tests).
            hf-t5.json            HF UnigramTrainer; NFKC + Replace(" {2,}") + Strip, Metaspace "always", </s> template
            hf-byte-fallback.json HF UnigramTrainer + the 256 <0xNN> pieces, byte_fallback; Metaspace "first";
                                  Llama-style decoder (Replace, ByteFallback, Fuse, Strip)
            spm-t5.json           sentencepiece with T5's nmt_nfkc rules (read back from a charsmap compiled by
                                  sentencepiece, cut to the characters of the strings: whole, it is ~300 KB of
                                  base64), converted with transformers' T5Converter, legacy (Metaspace "always")
            spm-rules.json        sentencepiece with a small custom rule table (a short charsmap, incl. combining
                                  sequences), T5Converter with legacy=False (Metaspace "first")
  expect  (needs only `tokenizers`): encodes every string with each file and records ids and decodes, plus decodes
          of seeded random id sequences, in expected.json.

  node -e "import('./test/fixtures/tokenizer/strings.ts').then(m => process.stdout.write(JSON.stringify(
      [...m.parityStrings(), ...m.ONIG_ONLY])))" > /tmp/parity-strings.json
  /work/venv-hf/bin/python bench/trainer/unigram_make_fixtures.py build /tmp/parity-strings.json
  /work/venv-tok/bin/python bench/trainer/unigram_make_fixtures.py expect
"""
import json
import os
import random
import sys
import tempfile

OUT = "test/fixtures/tokenizer/unigram"
SPECIALS = ["<pad>", "</s>", "<unk>"]
MAX_STRING = 200

# Strings that exercise normalization: NFKC-sensitive characters, combining sequences, whitespace, controls.
EXTRA_STRINGS = [
    "ﬁne ﬂour ﬀ ﬃ ﬄ ﬅ ﬆ", "Ｈｅｌｌｏ　Ｗｏｒｌｄ！", "ｶﾀｶﾅ ﾊﾝｶｸ", "①②③ ⑴⑵ ⒈⒉", "™ ℠ № ℃ ℉ Ω K Å",
    "x² y³ H₂O", "½ + ¼ = ¾", "Ⅻ ⅻ ⅷ", "㍻ ㍿ ㎏ ㎞", "é vs e\u0301", "ñ vs n\u0303", "Å vs A\u030a vs \u212b",
    "ﬁ\u0301", "ǆ ǅ Ǆ", "ſt ẞ ß", "µ vs μ", "…", "‥ ‼ ⁇", "“quotes” ‘single’ «guillemets»", "—–‐‑‒",
    "tab\there", "a\u00a0b\u2009c\u3000d", "zero\u200bwidth", "soft\u00adhyphen", "ctrl\x01\x02\x7fchars",
    "\u0000nul", "double  space", "triple   space", "  lead", "trail  ", " ", "", "\n", "a\nb\r\nc",
    "▁already▁meta", "▁", "▁▁x", "</s>", "a</s>b", " </s> ", "<pad><unk>", "<unk>", "<0x41>", "<extra_id_0>",
    "x<extra_id_1>y", "Ǳ ǲ ǳ", "ㄱㄴ ㅏㅑ", "가나다 한국어", "ｱｲｳ", "ｸﾞ ﾊﾟ", "Ⓐ ⓐ", "℡ ℻", "㈱ ㊤",
    "ＡＢＣ１２３ａｂｃ", "～〜", "ꜩ Ꜳ", "ﷺ", "ℌ ℍ ℎ ℏ", "𝐀𝐁𝐂 𝕏", "️⃣ 1️⃣", "👍🏽 👨‍👩‍👧", "🇫🇷🇯🇵",
    "café naïve coöperate résumé", "Straße ĳssel Œuvre æsir", "日本語 中文 한국어", "\ufeffbom", "\ufffd",
]


def corpus(seed: int = 7) -> list[str]:
    """Deterministic English-like text with some accents, digits and punctuation (no CJK or emoji)."""
    rng = random.Random(seed)
    words = (
        "the of and to in is was for on that with as by at from it an be this which or are have not but had "
        "model token piece text train student teacher answer question corpus stream shard write read large small "
        "quick brown fox jumps over lazy dog hello world function return value number string list café naïve "
        "résumé über straße façade el niño años crème brûlée data 2024 42 3.14 x+y=z e.g. i.e. don't it's"
    ).split()
    syllables = "ka to ri mo sen tal ver qu ist ung ble ment ion ado ech pra lu zo".split()
    words += ["".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))) for _ in range(300)]
    lines = []
    for _ in range(3000):
        n = rng.randint(3, 14)
        line = " ".join(rng.choice(words) for _ in range(n))
        if rng.random() < 0.3:
            line = line.capitalize() + rng.choice([".", "!", "?", ",", ";", ":"])
        lines.append(line)
    return lines


def t5_style(tok, *, prepend_scheme: str, eos_id: int):
    from tokenizers import Regex, decoders, normalizers, pre_tokenizers, processors

    tok.normalizer = normalizers.Sequence(
        [normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " "), normalizers.Strip(left=False, right=True)]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme=prepend_scheme)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme=prepend_scheme)
    tok.post_processor = processors.TemplateProcessing(single=["$A", "</s>"], special_tokens=[("</s>", eos_id)])


def train_hf(lines: list[str], vocab_size: int):
    from tokenizers import Tokenizer, models, trainers

    tok = Tokenizer(models.Unigram())
    t5_style(tok, prepend_scheme="always", eos_id=1)
    trainer = trainers.UnigramTrainer(
        vocab_size=vocab_size, special_tokens=SPECIALS, unk_token="<unk>", show_progress=False, max_piece_length=8
    )
    tok.train_from_iterator(lines, trainer=trainer)
    return tok


def build_hf_byte_fallback(lines: list[str]):
    from tokenizers import Tokenizer, decoders, normalizers, pre_tokenizers

    base = json.loads(train_hf(lines, 300).to_str())
    vocab = base["model"]["vocab"]
    vocab += [[f"<0x{b:02X}>", 0.0] for b in range(256)]
    base["model"]["byte_fallback"] = True
    tok = Tokenizer.from_str(json.dumps(base))
    tok.normalizer = normalizers.Sequence([normalizers.Strip(left=True, right=True), normalizers.Replace("\t", " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first")
    tok.decoder = decoders.Sequence(
        [decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(), decoders.Strip(" ", 1, 0)]
    )
    tok.post_processor = None
    return tok


def custom_rules() -> dict[str, str]:
    """A small custom SentencePiece rule table: NFKC for a few blocks, some combining sequences, whitespace."""
    import unicodedata

    rules = {}
    for lo, hi in [(0xA0, 0x17F), (0x2000, 0x215F), (0x2460, 0x2473), (0x3000, 0x3000), (0xFB00, 0xFB06), (0xFF01, 0xFF5E)]:
        for cp in range(lo, hi + 1):
            c = chr(cp)
            n = unicodedata.normalize("NFKC", c)
            if n != c and n != "":
                rules[c] = n
    for base, mark in [("e", "\u0301"), ("n", "\u0303"), ("A", "\u030a"), ("a", "\u0300"), ("o", "\u0308")]:
        rules[base + mark] = unicodedata.normalize("NFC", base + mark)
    rules["\t"] = " "
    rules["\n"] = " "
    rules["\r\n"] = " "
    rules["ﬁ\u0301"] = "fí"

    return rules


def train_spm(lines: list[str], workdir: str, name: str, **options) -> str:
    import sentencepiece as spm

    text = os.path.join(workdir, "corpus.txt")
    with open(text, "w", encoding="utf-8") as f:
        f.write("\n".join(lines + ["日本語 中文 한국어 テキスト"] * 5))
    prefix = os.path.join(workdir, name)
    spm.SentencePieceTrainer.train(
        input=text, model_prefix=prefix, model_type="unigram", vocab_size=400, hard_vocab_limit=False, pad_id=0, eos_id=1, unk_id=2,
        bos_id=-1, character_coverage=0.9995, minloglevel=2, **options,
    )
    return prefix + ".model"


def convert_t5(model_file: str, legacy: bool) -> str:
    from transformers import T5Tokenizer
    from transformers.convert_slow_tokenizer import T5Converter

    slow = T5Tokenizer(vocab_file=model_file, extra_ids=4, legacy=legacy)
    return T5Converter(slow).converted().to_str()


def charsmap_rules(model_file: str) -> dict[str, str]:
    """Every (source, target) rule in a SentencePiece model's precompiled charsmap, read back from its double array."""
    from sentencepiece import sentencepiece_model_pb2 as pb

    proto = pb.ModelProto()
    with open(model_file, "rb") as f:
        proto.ParseFromString(f.read())
    blob = proto.normalizer_spec.precompiled_charsmap
    size = int.from_bytes(blob[:4], "little")
    units = [int.from_bytes(blob[4 + 4 * i : 8 + 4 * i], "little") for i in range(size // 4)]
    targets = blob[4 + size :]

    def offset(u: int) -> int:
        return (u >> 10) << ((u & (1 << 9)) >> 6)

    rules = {}

    def walk(pos: int, key: bytes) -> None:
        for c in range(1, 256):
            child = pos ^ c
            if child >= len(units) or units[child] & ((1 << 31) | 0xFF) != c:
                continue
            nxt = child ^ offset(units[child])
            if (units[child] >> 8) & 1:
                start = units[nxt] & ((1 << 31) - 1)
                end = targets.index(0, start)
                rules[(key + bytes([c])).decode("utf-8")] = targets[start:end].decode("utf-8")
            walk(nxt, key + bytes([c]))

    walk(offset(units[0]), b"")
    return rules


def tsv(rules: dict[str, str]) -> str:
    def hexes(s: str) -> str:
        return " ".join(f"{ord(c):04X}" for c in s)

    return "".join(f"{hexes(k)}\t{hexes(v)}\n" for k, v in sorted(rules.items()))


def build(strings_path: str) -> None:
    import sentencepiece as spm
    from tokenizers import Tokenizer

    with open(strings_path, encoding="utf-8") as f:
        strings = [s for s in json.load(f) + EXTRA_STRINGS if len(s) <= MAX_STRING]
    strings = list(dict.fromkeys(strings))
    lines = corpus()
    os.makedirs(OUT, exist_ok=True)
    files = {"hf-t5.json": train_hf(lines, 500).to_str(), "hf-byte-fallback.json": build_hf_byte_fallback(lines).to_str()}
    agreement = {}
    with tempfile.TemporaryDirectory() as work:
        # nmt_nfkc's own rules, cut to the characters of the test strings (the whole charsmap is ~140 KB deflated).
        full = charsmap_rules(train_spm(lines, work, "full", normalization_rule_name="nmt_nfkc"))
        seen = set("".join(strings)) | {chr(c) for c in range(0xFF01, 0xFF5F)}
        nmt = {k: v for k, v in full.items() if all(c in seen for c in k)}
        for name, rules, legacy in [("spm-t5.json", nmt, True), ("spm-rules.json", custom_rules(), False)]:
            path = os.path.join(work, name + ".tsv")
            with open(path, "w", encoding="utf-8") as f:
                f.write(tsv(rules))
            model_file = train_spm(lines, work, name, normalization_rule_tsv=path)
            files[name] = convert_t5(model_file, legacy)
            sp = spm.SentencePieceProcessor(model_file=model_file)
            hf = Tokenizer.from_str(files[name])
            differ = [i for i, s in enumerate(strings) if sp.encode(s) != hf.encode(s, add_special_tokens=False).ids]
            agreement[name] = {"rules": len(rules), "strings": len(strings), "differ": differ}
    for name, text in files.items():
        with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
            f.write(json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":")))
    with open(os.path.join(OUT, "strings.json"), "w", encoding="utf-8") as f:
        json.dump(strings, f, ensure_ascii=True, indent=0)
    # Not used by the tests: where SentencePiece itself gives other ids than the converted file in HF tokenizers.
    with open(os.path.join(OUT, "sentencepiece.json"), "w", encoding="utf-8") as f:
        json.dump({"sentencepiece": spm.__version__, "agreement": agreement}, f)


def load(name: str) -> str:
    with open(os.path.join(OUT, name), encoding="utf-8") as f:
        return f.read()


def expect() -> None:
    import tokenizers
    from tokenizers import Tokenizer

    with open(os.path.join(OUT, "strings.json"), encoding="utf-8") as f:
        strings = json.load(f)
    models = {}
    for name in ["hf-t5.json", "hf-byte-fallback.json", "spm-t5.json", "spm-rules.json"]:
        tok = Tokenizer.from_str(load(name))
        ids = [tok.encode(s, add_special_tokens=False).ids for s in strings]
        rng = random.Random(name)
        size = tok.get_vocab_size(with_added_tokens=True)
        random_ids = [[rng.randrange(size) for _ in range(rng.randint(1, 12))] for _ in range(100)]
        models[name] = {
            "ids": ids,
            # null where the decode is the string itself
            "decoded": [d if d != s else None for s, d in zip(strings, (tok.decode(i, skip_special_tokens=False) for i in ids))],
            "with_eos": [tok.encode(s).ids for s in strings[:20]],
            "random_ids": random_ids,
            "random_decoded": [tok.decode(i, skip_special_tokens=False) for i in random_ids],
        }
    with open(os.path.join(OUT, "expected.json"), "w", encoding="utf-8") as f:
        json.dump({"tokenizers": tokenizers.__version__, "models": models}, f, ensure_ascii=True, separators=(",", ":"))


if __name__ == "__main__":
    if sys.argv[1:2] == ["build"] and len(sys.argv) == 3:
        build(sys.argv[2])
    elif sys.argv[1:] == ["expect"]:
        expect()
    else:
        sys.exit(__doc__)
