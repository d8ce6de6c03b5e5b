"""Model families side by side: training time, inference throughput and peak memory vs the floor.

Each family (rules, linear, crf, transformer) runs in its own child process (so each peak RSS
is its own): fit on the full training split (the transformer on a document-level sample of
``--transformer-train`` clauses, 1,000 by default), then predict 10,000 clauses of the test +
validation splits in document order (the transformer: the first ``--transformer-infer`` of
them, fp32 and int8-quantized). The FLOOR is the same clauses with no model:

* jsonl floor — annotate's own streaming path (read JSONL, batch, merge, write JSONL) with a
  constant stand-in model: what annotation costs before any model work;
* text floor  — the clauses' documents as plain-text files, read and segmented by the readers,
  written as JSONL.

Target: the scikit-learn path (linear) at ≥ 1/3 of the jsonl floor's clauses/s.

    .venv/bin/python benchmarks/bench_models.py [--families rules linear crf transformer]
        [--task clause-type] [--n 10000] [--transformer-train 1000] [--transformer-infer 2000]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import (
    DATA,
    ROOT,
    banner,
    floor_jsonl,
    floor_text,
    peak_rss_mib,
    run_measured,
    table,
    write_clause_jsonl,
    write_text_documents,
)
from _common import write_results as save

FAMILIES = ("rules", "linear", "crf", "transformer")
SKLEARN_FAMILY = "linear"
TARGET_RATIO = 1 / 3
KEEP = ["doc_id", "para_id", "body", "session", "text", "type", "action_phrase", "action_lemma"]


# ----------------------------------------------------------------------------- child side


def _config(family: str, task: str, data: Path, train_n: int | None) -> Any:
    from pipelines.config import load_config

    overrides = [f"task={task}", f"model={family}", f"data.path={data}"]
    if family == "transformer" and train_n:
        overrides.append(f"model.max_train_samples={train_n}")
    return load_config(ROOT / "configs" / "experiment" / "default.yaml", overrides)


def _time_predict(model: Any, clauses: Any, task: str) -> dict[str, Any]:
    """Predict on a 64-row warm-up, then time the whole set; a sanity metric on the way."""
    from pipelines.evaluation.metrics import PRIMARY_METRIC, task_metrics

    inputs = clauses[["doc_id", "para_id", "text"]].reset_index(drop=True)
    model.predict(inputs.head(64))
    start, cpu = time.perf_counter(), time.process_time()
    pred = model.predict(inputs)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    metric = PRIMARY_METRIC[task]
    score = task_metrics(task, clauses.reset_index(drop=True), pred.reset_index(drop=True))[metric]
    return {"infer_clauses": len(inputs), "infer_s": seconds, "infer_cpu_s": cpu,
            "clauses_per_s": len(inputs) / seconds, metric: float(score)}


def run_family(family: str, task: str, data: Path, infer_path: Path, train_n: int,
               infer_n: int) -> dict[str, Any]:
    """Fit one family and time its inference (in this process)."""
    import pandas as pd

    from pipelines.models.base import build_model
    from pipelines.training.runner import load_splits

    cfg = _config(family, task, data, train_n)
    splits = load_splits(cfg)
    clauses = pd.read_parquet(infer_path)
    baseline = peak_rss_mib()
    model = build_model(cfg.model, cfg.task, cfg.seed)
    start, cpu = time.perf_counter(), time.process_time()
    model.fit(splits["train"], splits["validation"])
    train_s, train_cpu_s = time.perf_counter() - start, time.process_time() - cpu
    facts = model.describe()
    train_clauses = int(facts.get("train_clauses", len(splits["train"])))
    common = {"family": family, "train_clauses": train_clauses, "train_s": train_s,
              "train_cpu_s": train_cpu_s, "baseline_mib": baseline}
    if family != "transformer":
        return {"variants": [{**common, "variant": family, **_time_predict(model, clauses, task)}]}

    from pipelines.models.transformer import TransformerModel

    variants = []
    with tempfile.TemporaryDirectory(prefix="unclause-bench-tx-") as tmp:
        model.save_state(Path(tmp))
        for quantize in (False, True):
            config = cfg.model.model_copy(update={"quantize": quantize})
            loaded = TransformerModel.load_state(Path(tmp), config, cfg.task, cfg.seed)
            label = "transformer int8" if quantize else "transformer fp32"
            variants.append({**common, "variant": label,
                             **_time_predict(loaded, clauses.head(infer_n), task)})
    return {"variants": variants}


def child(args: argparse.Namespace) -> int:
    sys.path.insert(0, str(ROOT))
    import logging

    logging.basicConfig(level=logging.WARNING)
    work = Path(args.work)
    if args.worker == "floor":
        figures = {"jsonl": floor_jsonl(work / "infer.jsonl", work / "floor_out.jsonl"),
                   "text": floor_text(work / "docs", work / "floor_text_out.jsonl")}
    else:
        figures = run_family(args.worker, args.task, Path(args.data), work / "infer.parquet",
                             args.transformer_train, args.transformer_infer)
    figures["peak_mib_self"] = peak_rss_mib()
    (work / f"{args.worker}.json").write_text(json.dumps(figures), encoding="utf-8")
    return 0


# ----------------------------------------------------------------------------- parent side


def prepare(data: Path, task: str, n: int, work: Path) -> dict[str, Any]:
    """The inference set: the first ``n`` clauses of test + validation, in document order."""
    sys.path.insert(0, str(ROOT))
    import pandas as pd

    from pipelines.config import load_config
    from pipelines.data.order import document_order
    from pipelines.training.runner import load_splits

    cfg = load_config(ROOT / "configs" / "experiment" / "default.yaml",
                      [f"task={task}", "model=rules", f"data.path={data}"])
    splits = load_splits(cfg)
    pool = pd.concat([splits["test"], splits["validation"]], ignore_index=True)
    clauses = document_order(pool).head(n).reset_index(drop=True)
    clauses[[c for c in KEEP if c in clauses.columns]].to_parquet(work / "infer.parquet", index=False)
    write_clause_jsonl(clauses, work / "infer.jsonl")
    write_text_documents(clauses, work / "docs")
    return {"clauses": len(clauses), "documents": int(clauses["doc_id"].nunique()),
            "train_clauses": len(splits["train"])}


def spawn(worker: str, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", worker, "--work", str(work),
           "--task", args.task, "--data", str(args.data),
           "--transformer-train", str(args.transformer_train),
           "--transformer-infer", str(args.transformer_infer)]
    print(f"… {worker}", flush=True)
    run = run_measured(cmd, cwd=ROOT).check(f"the {worker} benchmark")
    figures = json.loads((work / f"{worker}.json").read_text(encoding="utf-8"))
    figures["wall_s"] = run.seconds
    figures["cpu_s"] = run.cpu_s
    figures["peak_mib"] = figures["peak_mib_self"]  # the child's own VmHWM, read at its end
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", nargs="+", default=list(FAMILIES), choices=FAMILIES)
    parser.add_argument("--task", default="clause-type", choices=("clause-type", "action-phrase"))
    parser.add_argument("--data", type=Path, default=DATA, help="built clause dataset folder")
    parser.add_argument("--n", type=int, default=10_000, help="inference clauses (test + validation)")
    parser.add_argument("--transformer-train", type=int, default=1000,
                        help="transformer training sample, clauses (whole documents)")
    parser.add_argument("--transformer-infer", type=int, default=2000,
                        help="transformer inference clauses (the first N of the set)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return child(args)
    if not (args.data / "train.parquet").exists():
        print(f"error: no clause dataset at {args.data}; build it first with `make data` "
              "(or .venv/bin/unclause data build)", file=sys.stderr)
        return 2

    banner(f"model families — {args.task}")
    work = Path(tempfile.mkdtemp(prefix="unclause-bench-models-"))
    try:
        inputs = prepare(args.data, args.task, args.n, work)
        print(f"inference set: {inputs['clauses']:,} clauses from {inputs['documents']:,} documents "
              f"(test + validation, document order); training split: {inputs['train_clauses']:,}")
        floor = spawn("floor", args, work)
        results = [spawn(f, args, work) for f in args.families]
    finally:
        shutil.rmtree(work, ignore_errors=True)

    jsonl_rate, text_rate = floor["jsonl"]["clauses_per_s"], floor["text"]["clauses_per_s"]
    metric = "macro_f1" if args.task == "clause-type" else "exact_match"
    def per_cpu(clauses: int, cpu_s: float) -> float:
        return clauses / max(cpu_s, 1e-9)

    rows: list[list[Any]] = [
        ["FLOOR jsonl (annotate path)", None, None, None, floor["jsonl"]["clauses"], jsonl_rate,
         per_cpu(floor["jsonl"]["clauses"], floor["jsonl"]["cpu_s"]), 1.0, jsonl_rate / text_rate,
         floor["peak_mib"], None],
        ["FLOOR text (read + segment)", None, None, None, floor["text"]["clauses"], text_rate,
         per_cpu(floor["text"]["clauses"], floor["text"]["cpu_s"]), text_rate / jsonl_rate, 1.0,
         floor["peak_mib"], None],
    ]
    variants: list[dict[str, Any]] = []
    for res in results:
        for v in res["variants"]:
            v["peak_mib"] = res["peak_mib"]
            v["ratio_to_jsonl_floor"] = v["clauses_per_s"] / jsonl_rate
            v["ratio_to_text_floor"] = v["clauses_per_s"] / text_rate
            variants.append(v)
            rows.append([v["variant"], v["train_clauses"], v["train_s"], v["train_cpu_s"],
                         v["infer_clauses"], v["clauses_per_s"], per_cpu(v["infer_clauses"],
                                                                         v["infer_cpu_s"]),
                         v["ratio_to_jsonl_floor"], v["ratio_to_text_floor"], res["peak_mib"],
                         v.get(metric)])
    print(table(["family", "train clauses", "train s", "train CPU s", "infer clauses", "clauses/s",
                 "clauses/CPU-s", "× jsonl floor", "× text floor", "peak MiB", metric], rows))
    print("(clauses/s: wall clock, after a warm-up; clauses/CPU-s: per second of this process's CPU "
          "time, steadier on a busy machine, but a multi-threaded family (transformer) spends "
          "several CPU-seconds per second; peak MiB: the child's RSS high-water mark (VmHWM) incl. "
          "Python, pandas and the training data; the transformer's row covers both variants)")
    by_name = {v["variant"]: v for v in variants}
    sk = by_name.get(SKLEARN_FAMILY)
    if sk:
        ok = "meets" if sk["ratio_to_jsonl_floor"] >= TARGET_RATIO else "MISSES"
        print(f"scikit-learn ({SKLEARN_FAMILY}) runs at {sk['ratio_to_jsonl_floor']:.2f}× the jsonl floor: "
              f"{ok} the ≥ {TARGET_RATIO:.2f}× target")
        for name in ("transformer fp32", "transformer int8"):
            if name in by_name:
                print(f"{name}: {by_name[name]['clauses_per_s'] / sk['clauses_per_s']:.4f}× "
                      f"scikit-learn's throughput ({by_name[name]['clauses_per_s']:,.1f} vs "
                      f"{sk['clauses_per_s']:,.0f} clauses/s)")
    path = save(f"models_{args.task}", {"task": args.task, "inputs": inputs, "floor": floor,
                                         "variants": variants, "target_ratio": TARGET_RATIO,
                                         "transformer_train": args.transformer_train,
                                         "transformer_infer": args.transformer_infer})
    print(f"figures → {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
