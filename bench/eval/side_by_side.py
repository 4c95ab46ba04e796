#!/usr/bin/env python3
"""
The same checkpoint and task files scored by `lamini eval` and by lm-evaluation-harness's `local-completions`
model through `lamini serve`, side by side: per task acc and acc_norm (with standard errors), the choice each
picked on every item, the largest difference between the two log-likelihoods of any choice, and the items per
second of each. One JSON line; exit 1 when any item's picks differ.

Raw prompts on both sides (`lamini eval --no-wrapper`, the harness's default target delimiter " "), as the
harness sends them to a completions endpoint. Multiple-choice and partial task files only (generation tasks are
skipped). Needs PyPI `lm-eval` with its API extras (tenacity, requests) and `datasets` in this interpreter, outside
the repository and .ci/run; run it from the repository root:

  /work/venv-lmeval/bin/python bench/eval/side_by_side.py --checkpoint CKPT --tasks data/tasks
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LAMINI = ["node", "cli/main.ts"]


def task_files(paths):
    out = []
    for p in map(Path, paths):
        for f in (sorted(p.glob("*.jsonl")) if p.is_dir() else [p]):
            first = next((json.loads(l) for l in f.read_text().splitlines() if l.strip()), {})
            if "prompt" not in first:
                out.append(f)
    return out


def harness_yaml(path: Path, name: str) -> str:
    partial = any("contexts" in json.loads(l) for l in path.read_text().splitlines() if l.strip())
    fields = ("gold", "contexts", "continuation") if partial else ("context", "choices", "gold")
    return "\n".join([
        f"task: {name}", "dataset_path: json", "dataset_kwargs:", "  data_files:", f"    test: {path.resolve()}",
        "test_split: test", "output_type: multiple_choice",
        f"doc_to_text: {fields[0]}", f"doc_to_choice: {fields[1]}", f"doc_to_target: {fields[2]}",
        "metric_list:",
        "  - metric: acc", "    aggregation: mean", "    higher_is_better: true",
        "  - metric: acc_norm", "    aggregation: mean", "    higher_is_better: true", "",
    ])


def argmax(values):
    best = 0
    for i, v in enumerate(values):
        if v > values[best]:
            best = i
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--tasks", nargs="+", required=True)
    parser.add_argument("--backend", default="tensorflow")
    args = parser.parse_args()
    files = task_files(args.tasks)
    names = {f.stem: "lamini_" + f.stem.replace("-", "_") for f in files}

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for f in files:
            (tmp / f"{names[f.stem]}.yaml").write_text(harness_yaml(f, names[f.stem]))

        started = time.perf_counter()
        run = subprocess.run([*LAMINI, "eval", "--checkpoint", args.checkpoint, "--tasks", *map(str, files), "--no-wrapper",
                              "--no-record", "--heldout", "0", "--json", "--backend", args.backend,
                              "--samples", str(tmp / "samples.jsonl")], capture_output=True, text=True, check=True)
        lamini_wall = time.perf_counter() - started
        report = json.loads(run.stdout)
        ours = {}
        for line in (tmp / "samples.jsonl").read_text().splitlines():
            s = json.loads(line)
            ours[(s["task"], s["id"])] = s

        server = subprocess.Popen([*LAMINI, "serve", "--checkpoint", args.checkpoint, "--port", "0", "--backend", args.backend],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            base_url = server.stdout.readline().strip()
            if not base_url.startswith("http"):
                raise RuntimeError(f"lamini serve printed {base_url!r}: {server.stderr.read()}")
            model = json.loads(subprocess.run(["curl", "-s", f"{base_url}/models"], capture_output=True, text=True).stdout)["data"][0]["id"]
            env = {**os.environ, "HF_DATASETS_OFFLINE": "1"}
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "lm_eval", "--model", "local-completions", "--model_args",
                            f"model={model},base_url={base_url}/completions,tokenizer_backend=remote,tokenized_requests=True,"
                            "num_concurrent=1,max_retries=1",
                            "--tasks", ",".join(names.values()), "--include_path", str(tmp), "--log_samples",
                            "--output_path", str(tmp / "harness"), "--batch_size", "1"],
                           capture_output=True, text=True, check=True, env=env)
            harness_wall = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(timeout=30)

        results = json.loads(next((tmp / "harness").rglob("results_*.json")).read_text())
        tasks, disagreements, max_ll_diff, items = {}, [], 0.0, 0
        for f in files:
            name = names[f.stem]
            sample_file = next((tmp / "harness").rglob(f"samples_{name}_*.jsonl"))
            for line in sample_file.read_text().splitlines():
                h = json.loads(line)
                doc_id = str(h["doc"].get("id", int(h["doc_id"]) + 1))
                mine = ours[(f.stem, doc_id)]
                lls = [float(r[0]) for r in h["filtered_resps"]]
                max_ll_diff = max(max_ll_diff, max(abs(a - b) for a, b in zip(lls, mine["lls"])))
                items += 1
                if argmax(lls) != mine["pred"] or h["acc"] != mine["acc"] or h["acc_norm"] != mine["accNorm"]:
                    disagreements.append({"task": f.stem, "id": doc_id, "lamini": {"lls": mine["lls"], "acc": mine["acc"], "acc_norm": mine["accNorm"]},
                                          "harness": {"lls": lls, "acc": h["acc"], "acc_norm": h["acc_norm"]}})
            r = results["results"][name]
            lam = {m["metric"]: m for t in report["tasks"] if t["task"] == f.stem for m in t["metrics"]}
            tasks[f.stem] = {m: {"lamini": [lam[m]["value"], lam[m]["stderr"]], "harness": [r[f"{m},none"], r[f"{m}_stderr,none"]]}
                             for m in ("acc", "acc_norm")}

    scoring = sum(t["seconds"] for t in report["tasks"])
    harness_seconds = float(results.get("total_evaluation_time_seconds", harness_wall))
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    except OSError:
        commit = ""
    print(json.dumps({
        "name": "eval-side-by-side",
        "commit": commit,
        "parameters": {"checkpoint": args.checkpoint, "family": report["family"], "backend": report["backend"],
                       "tasks": [str(f) for f in files], "prompts": "raw", "delimiter": " "},
        "items": items,
        "agree": not disagreements,
        "max_loglikelihood_difference": max_ll_diff,
        "tasks": tasks,
        "items_per_second": {"lamini_eval_scoring": items / scoring if scoring else None,
                             "lamini_eval_process": items / lamini_wall,
                             "harness_via_serve": items / harness_seconds if harness_seconds else None,
                             "harness_via_serve_process": items / harness_wall},
        "disagreements": disagreements,
    }))
    return 0 if not disagreements else 1


if __name__ == "__main__":
    sys.exit(main())
