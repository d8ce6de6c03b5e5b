"""Annotation speed per language: English vs French, Spanish, Russian, Chinese and Arabic.

For each language, the six-language test split's clauses in that language (document order,
cycled under new doc_ids to ``--n`` clauses) are annotated by ``pipelines.annotate.annotate``
with the default models, as ``unclause annotate`` would: English by ``<task>@champion``, the
others by ``<task>-multilingual@champion`` (``pipelines.annotate.routing``), the language
detected per document. Each language runs in its own child process, models loaded (and the
multilingual ones warmed) before timing; the fastest of ``--repeat`` calls counts. Issue 10's
target: Chinese and Arabic at ≥ 1/2 of the English throughput in the same benchmark run.

Needs ``make data-multi`` and the registered models (``make run``) in experiments/mlflow.db.

    .venv/bin/python benchmarks/bench_languages.py [--n 10000] [--languages en zh ar]
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

from _common import ROOT, banner, cycled, hidden_arguments, run_measured, table, write_clause_jsonl
from _common import write_results as save

DATA_MULTI = ROOT / "data" / "processed" / "clauses-multi"
LANGUAGES = ("en", "fr", "es", "ru", "zh", "ar")
TARGET_RATIO = 1 / 2


def make_input(data: Path, language: str, n: int, path: Path) -> dict[str, Any]:
    """``n`` clauses of ``language`` from the test split, cycled under new doc_ids."""
    sys.path.insert(0, str(ROOT))
    from pipelines.data.dataset import load_clauses
    from pipelines.data.order import document_order

    test = load_clauses(data, ["test"])
    test = document_order(test[test["language"] == language]).reset_index(drop=True)
    if test.empty:
        raise SystemExit(f"error: no {language} clauses in {data}/test.parquet; run `make data-multi`")
    frame = cycled(test[["doc_id", "para_id", "text"]], n)
    write_clause_jsonl(frame, path)
    return {"clauses": len(frame), "characters": int(frame["text"].str.len().sum())}


def child(args: argparse.Namespace) -> int:
    """``--worker LANG``: annotate the input with the routed default models, best of N."""
    sys.path.insert(0, str(ROOT))
    from pipelines.annotate.merge import load_models
    from pipelines.annotate.options import DEFAULT_PHRASE_MODEL, DEFAULT_TYPE_MODEL
    from pipelines.annotate.routing import ModelRouter
    from pipelines.annotate.run import annotate

    start = time.perf_counter()
    models = ModelRouter.for_uris(load_models(), DEFAULT_TYPE_MODEL, DEFAULT_PHRASE_MODEL)
    if args.worker != "en" and isinstance(models, ModelRouter):
        models.other_models()  # what the first foreign document would load, outside the timing
    load_s = time.perf_counter() - start
    times, cpu = [], []
    for _ in range(args.repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = annotate(Path(args.input), Path(args.out), models=models, restart=True)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    rows = [json.loads(line) for line in Path(args.out).read_text(encoding="utf-8").splitlines()]
    figures = {"clauses": result.written, "seconds": min(times), "runs_s": times,
               "clauses_per_s": result.written / min(times), "cpu_s": min(cpu),
               "clauses_per_cpu_s": result.written / min(cpu), "load_s": load_s,
               "models": result.models,
               "detected": sorted({r["language"] for r in rows if r.get("language")})}
    Path(args.result).write_text(json.dumps(figures), encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="clauses per language")
    parser.add_argument("--languages", nargs="+", default=list(LANGUAGES), choices=LANGUAGES)
    parser.add_argument("--data", type=Path, default=DATA_MULTI, help="six-language dataset folder")
    parser.add_argument("--repeat", type=int, default=3)
    hidden_arguments(parser, "worker", "input", "out", "result")
    args = parser.parse_args(argv)
    if args.worker:
        return child(args)
    if not (args.data / "test.parquet").exists():
        sys.exit(f"error: no six-language dataset at {args.data}; build it with `make data-multi`")
    languages = ["en", *[lang for lang in args.languages if lang != "en"]]  # the baseline first
    banner("annotation throughput per language")
    work = Path(tempfile.mkdtemp(prefix="unclause-bench-languages-"))
    runs: dict[str, dict[str, Any]] = {}
    try:
        for lang in languages:
            path = work / f"{lang}.jsonl"
            size = make_input(args.data, lang, args.n, path)
            result, out = work / f"{lang}.json", work / f"{lang}.out.jsonl"
            cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", lang, "--input",
                   str(path), "--out", str(out), "--result", str(result), "--repeat",
                   str(args.repeat)]
            print(f"… {lang}", flush=True)
            run_measured(cmd, cwd=ROOT).check(f"annotate {lang}")
            runs[lang] = {**json.loads(result.read_text(encoding="utf-8")), **size}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    en = runs["en"]
    rows = [[lang, r["clauses"], round(r["characters"] / r["clauses"]), r["seconds"],
             r["clauses_per_s"], r["clauses_per_s"] / en["clauses_per_s"], r["clauses_per_cpu_s"],
             r["clauses_per_cpu_s"] / en["clauses_per_cpu_s"], ",".join(r["detected"]), r["models"]]
            for lang, r in runs.items()]
    print(table(["language", "clauses", "chars/clause", "seconds", "clauses/s", "× en",
                 "clauses/CPU-s", "× en (CPU)", "detected", "models"], rows))
    verdicts = {}
    for lang in ("zh", "ar"):
        if lang in runs:
            ratio = runs[lang]["clauses_per_cpu_s"] / en["clauses_per_cpu_s"]
            verdicts[lang] = ratio >= TARGET_RATIO
            print(f"{lang}: {ratio:.2f}× English clauses/CPU-s (target ≥ {TARGET_RATIO:.2f}): "
                  f"{'met' if verdicts[lang] else 'NOT met'}")
    path = save("languages", {"n": args.n, "repeat": args.repeat, "runs": runs,
                              "target_ratio": TARGET_RATIO, "met": verdicts})
    print(f"figures → {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
