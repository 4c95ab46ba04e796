#!/usr/bin/env python3
"""
Cross-check of `lamini eval`'s multiple-choice metrics against lm-evaluation-harness's own code.

For each task file, the per-choice log-likelihoods `lamini eval --samples FILE` wrote are handed to the harness's
`ConfigurableTask.process_results` (lm_eval/api/task.py, output type multiple_choice), and its per-item acc and
acc_norm are aggregated with the harness's `mean` and the standard error from `stderr_for_metric(mean, ...)`
(mean_stderr). Both sides start from the same numbers, so any difference is a difference in the formulas: the
item, the picks and the values are printed. The harness task is built from the task file itself (a local JSON
dataset), with the same fields this project's format has: a plain task (context, choices, gold) and a partial one
(contexts, continuation, gold; the harness's WinoGrande layout: doc_to_text gives the gold index, doc_to_choice
the contexts).

Prints one JSON line: name, commit, parameters, per task the lamini and harness values, and every disagreement.
Exit 1 on any disagreement.

Needs PyPI `lm-eval` (and `datasets`) in a virtual environment outside the repository; not part of .ci/run:
  python3 -m venv --system-site-packages /work/venv-lmeval && /work/venv-lmeval/bin/pip install lm-eval
  lamini eval --checkpoint CKPT --tasks data/tasks --no-wrapper --no-record --json --samples /tmp/samples.jsonl > /tmp/report.json
  /work/venv-lmeval/bin/python bench/eval/harness_crosscheck.py --tasks data/tasks --samples /tmp/samples.jsonl --report /tmp/report.json
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

from lm_eval.api.metrics import mean, stderr_for_metric  # noqa: E402
from lm_eval.api.task import ConfigurableTask  # noqa: E402


def task_files(paths):
    out = []
    for p in map(Path, paths):
        out.extend(sorted(p.glob("*.jsonl")) if p.is_dir() else [p])
    return out


def harness_task(path: Path, rows: list, workdir: Path) -> ConfigurableTask:
    """A harness task over this file's items, read through datasets' json builder like any local dataset."""
    data = workdir / f"{path.stem}.json"
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    partial = "contexts" in rows[0]
    config = {
        "task": f"lamini_{path.stem}",
        "dataset_path": "json",
        "dataset_kwargs": {"data_files": {"test": str(data)}},
        "test_split": "test",
        "output_type": "multiple_choice",
        # WinoGrande's layout in the harness: text = gold index, choice = the contexts, target = continuation
        "doc_to_text": "gold" if partial else "context",
        "doc_to_choice": "contexts" if partial else "choices",
        "doc_to_target": "continuation" if partial else "gold",
        "metric_list": [
            {"metric": "acc", "aggregation": "mean", "higher_is_better": True},
            {"metric": "acc_norm", "aggregation": "mean", "higher_is_better": True},
        ],
    }
    return ConfigurableTask(config=config)


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=0, abs_tol=1e-12)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", nargs="+", required=True)
    parser.add_argument("--samples", required=True, help="the JSON Lines file of lamini eval --samples")
    parser.add_argument("--report", help="the JSON of lamini eval --json (to compare its aggregates too)")
    args = parser.parse_args()

    samples = {}
    for line in Path(args.samples).read_text().splitlines():
        if line.strip():
            s = json.loads(line)
            samples[(s["task"], str(s["id"]))] = s
    report = json.loads(Path(args.report).read_text()) if args.report else None
    reported = {t["task"]: {m["metric"]: m for m in t["metrics"]} for t in (report or {}).get("tasks", [])}

    stderr_fn = stderr_for_metric(mean, bootstrap_iters=100000)
    result = {"tasks": {}, "differences": []}
    with tempfile.TemporaryDirectory() as tmp:
        for path in task_files(args.tasks):
            lines = [json.loads(l) for l in path.read_text().splitlines() if l.strip()]
            rows = []
            for i, item in enumerate(lines):
                if "prompt" in item:
                    break  # a generation task: nothing of the harness's multiple-choice code applies
                item_id = str(item.get("id", i + 1))
                if (path.stem, item_id) in samples:
                    rows.append({**item, "id": item_id})
            if not rows:
                continue
            task = harness_task(path, rows, Path(tmp))
            per_item = {"acc": [], "acc_norm": []}
            for doc in task.test_docs():
                ours = samples[(path.stem, doc["id"])]
                theirs = task.process_results(doc, [(ll, False) for ll in ours["lls"]])
                for metric, key in (("acc", "acc"), ("acc_norm", "accNorm")):
                    per_item[metric].append(theirs[metric])
                    if theirs[metric] != ours[key]:
                        result["differences"].append({"task": path.stem, "id": doc["id"], "metric": metric,
                                                      "lamini": ours[key], "harness": theirs[metric], "lls": ours["lls"]})
            entry = {}
            for metric, values in per_item.items():
                harness = {"value": mean(values), "stderr": stderr_fn(values) if len(values) > 1 else None, "n": len(values)}
                entry[metric] = {"harness": harness}
                mine = reported.get(path.stem, {}).get(metric)
                if mine is not None:
                    entry[metric]["lamini"] = {"value": mine["value"], "stderr": mine["stderr"], "n": mine["n"]}
                    if not (close(mine["value"], harness["value"]) and close(mine["stderr"], harness["stderr"]) and mine["n"] == harness["n"]):
                        result["differences"].append({"task": path.stem, "metric": metric, "lamini": mine, "harness": harness})
            result["tasks"][path.stem] = entry

    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        commit = ""
    import lm_eval
    speed = None
    if report is not None:
        timed = [t for t in report.get("tasks", []) if t.get("seconds")]
        items = sum(t["items"] for t in timed)
        seconds = sum(t["seconds"] for t in timed)
        speed = {"items": items, "seconds": seconds, "items_per_second": items / seconds if seconds else None,
                 "checkpoint": report.get("checkpoint"), "family": report.get("family"), "backend": report.get("backend"),
                 "wrapper": report.get("style", {}).get("wrapper")}
    print(json.dumps({
        "name": "eval-harness-crosscheck",
        "commit": commit,
        "parameters": {"tasks": [str(p) for p in task_files(args.tasks)], "samples": args.samples,
                       "lm_eval": getattr(lm_eval, "__version__", "?")},
        "items": sum(e["acc"]["harness"]["n"] for e in result["tasks"].values()),
        "agree": not result["differences"],
        "lamini_eval": speed,
        **result,
    }))
    return 0 if not result["differences"] else 1


if __name__ == "__main__":
    sys.exit(main())
