"""datasketch's MinHash + MinHashLSH keep-first loop over a JSONL file, the reference for bench/dedup.

Same canonical definition as lamini: NFKC, lower case, tokens = runs of letters/digits (Python's
[^\\W_]), word 3-gram shingles, a short text is one shingle of all its tokens. datasketch defaults:
MinHash(num_perm=128) with its SHA-1 based hash and default scheme, MinHashLSH(threshold, num_perm=128) choosing its own
bands and rows. A record is dropped when the LSH query returns any candidate (`--verify-estimate`: when a
candidate's estimated Jaccard is >= threshold). Permutations are generated once and shared, and shingles
go in with update_batch, so the loop is as fast as datasketch allows. Prints one JSON line.
"""
import argparse, json, re, sys, time, unicodedata
from datasketch import MinHash, MinHashLSH

WORD = re.compile(r"[^\W_]+")

def shingles(text, n):
    toks = WORD.findall(unicodedata.normalize("NFKC", text).lower())
    if len(toks) < n:
        return {" ".join(toks)}
    return {" ".join(toks[i:i + n]) for i in range(len(toks) - n + 1)}

def main():
    p = argparse.ArgumentParser()
    p.add_argument("input")
    p.add_argument("--field", default="text")
    p.add_argument("--threshold", type=float, default=0.7)
    p.add_argument("--ngram", type=int, default=3)
    p.add_argument("--num-perm", type=int, default=128)
    p.add_argument("--verify-estimate", action="store_true")
    p.add_argument("--dropped-ids", help="write the dropped ids here, one a line")
    a = p.parse_args()
    start = time.perf_counter()
    template = MinHash(num_perm=a.num_perm)
    lsh = MinHashLSH(threshold=a.threshold, num_perm=a.num_perm)
    kept_sigs = {}
    records = kept = 0
    dropped = []
    with open(a.input, encoding="utf-8") as f:
        for i, line in enumerate(f):
            if not line.strip():
                continue
            rec = json.loads(line)
            records += 1
            m = MinHash(num_perm=a.num_perm, permutations=template.permutations, scheme=template.scheme)
            m.update_batch([s.encode("utf-8") for s in shingles(rec[a.field], a.ngram)])
            cands = lsh.query(m)
            if a.verify_estimate:
                cands = [c for c in cands if kept_sigs[c].jaccard(m) >= a.threshold]
            if cands:
                dropped.append(rec.get("id", i + 1))
            else:
                lsh.insert(i, m)
                if a.verify_estimate:
                    kept_sigs[i] = m
                kept += 1
    seconds = time.perf_counter() - start
    if a.dropped_ids:
        with open(a.dropped_ids, "w") as out:
            out.write("".join(f"{json.dumps(d)}\n" for d in dropped))
    b, r = lsh.b, lsh.r
    print(json.dumps({"records": records, "kept": kept, "dropped": len(dropped), "seconds": round(seconds, 3),
                      "records_per_second": round(records / seconds), "bands": b, "rows": r}))

if __name__ == "__main__":
    sys.exit(main())
