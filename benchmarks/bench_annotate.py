"""`annotate` end to end (read JSONL, predict with both champions, write JSONL) vs two floors.

Inputs are made by cycling the test split's clauses (document order) under new doc_ids, to
10,000 and 100,000 clauses. Each measurement runs in its own child process, so its peak RSS is
its own: the annotate path with the registered champions; the FLOOR — the very same
streaming path (``pipelines.annotate.annotate``: read, batch whole documents, merge, write,
fsync) with a constant stand-in instead of the models; and the PLAIN floor — the same JSONL
read, parsed, re-serialised with the same output fields (constant values) and written by the
standard library alone, no project code: what any annotate could at best reach in Python.
The target is annotate at ≥ 1/3 of the plain floor at the largest size. Each child annotates its input
``--repeat`` times (default 3) and the fastest call counts, for floor and models alike: on a
shared machine noise only ever slows a run down. annotate runs with ``--jobs`` worker processes
(default 0: one per CPU, as ``unclause annotate`` does; the floor runs in one process), and its
CPU time includes the workers'. Peak memory at 10k vs 50k shows whether
memory is flat in the input size (streaming). One more child runs the real command line,
``unclause annotate IN -o OUT``, on the 50k input: what a user waits for, start-up included.

Needs the champions (``make run``) in experiments/mlflow.db, or ``--model`` / ``--phrase-model``.

    .venv/bin/python benchmarks/bench_annotate.py [--sizes 10000 100000] [--model URI]
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
    cycled,
    hidden_arguments,
    null_models,
    peak_rss_mib,
    quiet_env,
    rss_mib,
    run_measured,
    table,
    unclause_command,
    write_clause_jsonl,
)
from _common import write_results as save

TYPE_MODEL = "models:/clause-type@champion"
PHRASE_MODEL = "models:/action-phrase@champion"
TARGET_RATIO = 1 / 3


def make_input(data: Path, n: int, path: Path) -> dict[str, Any]:
    """``n`` clauses: the test split in document order, cycled, each cycle under new doc_ids."""
    sys.path.insert(0, str(ROOT))
    from pipelines.data.dataset import load_clauses
    from pipelines.data.order import document_order

    test = document_order(load_clauses(data, ["test"])).reset_index(drop=True)
    frame = cycled(test[["doc_id", "para_id", "text"]], n)
    write_clause_jsonl(frame, path)
    return {"clauses": len(frame), "documents": int(frame["doc_id"].nunique()),
            "bytes": path.stat().st_size, "test_clauses": len(test)}


# ----------------------------------------------------------------------------- child side


#: what annotate adds to every clause, as constants for the plain floor (same bytes per line)
PLAIN_FIELDS: dict[str, Any] = {"type": "other", "type_score": 1.0, "action_phrase": None,
                                "action_lemma": None, "action_span": None, "review": False}


def plain_floor(input_path: Path, out: Path) -> int:
    """Read the JSONL, add the output fields, write it: the standard library and nothing else."""
    import os

    n = 0
    with input_path.open(encoding="utf-8") as src, out.open("w", encoding="utf-8") as dst:
        for line in src:
            record = json.loads(line)
            record.update(PLAIN_FIELDS)
            dst.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
        dst.flush()
        os.fsync(dst.fileno())
    return n


def plain_child(args: argparse.Namespace) -> int:
    """``--worker plain``: the plain floor, best of ``--repeat`` calls."""
    times, cpu = [], []
    n = 0
    for _ in range(args.repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        n = plain_floor(Path(args.input), Path(args.out))
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    seconds = min(times)
    figures = {"clauses": n, "seconds": seconds, "clauses_per_s": n / seconds, "runs_s": times,
               "cpu_s_best": min(cpu), "clauses_per_cpu_s": n / min(cpu), "load_s": 0.0,
               "ready_mib": peak_rss_mib(), "ready_rss_mib": rss_mib(),
               "peak_mib_self": peak_rss_mib(), "end_rss_mib": rss_mib(), "models": "none"}
    Path(args.result).write_text(json.dumps(figures), encoding="utf-8")
    return 0


def child(args: argparse.Namespace) -> int:
    """Annotate one input in this process: ``--worker annotate`` (champions), ``floor`` or
    ``plain``."""
    if args.worker == "plain":
        return plain_child(args)
    sys.path.insert(0, str(ROOT))
    from pipelines.annotate.merge import load_models
    from pipelines.annotate.parallel import resolved_jobs
    from pipelines.annotate.run import annotate
    from pipelines.models.sparse_scorer import COMPILED

    start = time.perf_counter()
    models = null_models() if args.worker == "floor" else load_models(args.model, args.phrase_model)
    load_s = time.perf_counter() - start
    ready_mib, ready_rss = peak_rss_mib(), rss_mib()
    jobs = 1 if args.worker == "floor" else args.jobs
    times: list[float] = []
    cpu: list[float] = []
    for _ in range(args.repeat):  # the same call again: noise from neighbours only slows it down
        start, start_cpu = time.perf_counter(), cpu_seconds()
        result = annotate(Path(args.input), Path(args.out), models=models, restart=True, jobs=jobs)
        times.append(time.perf_counter() - start)
        cpu.append(cpu_seconds() - start_cpu)
    seconds = min(times)
    figures = {"clauses": result.written, "seconds": seconds, "clauses_per_s": result.written / seconds,
               "runs_s": times, "cpu_s_best": min(cpu),
               "clauses_per_cpu_s": result.written / min(cpu), "load_s": load_s,
               "ready_mib": ready_mib, "ready_rss_mib": ready_rss,
               "peak_mib_self": peak_rss_mib(), "end_rss_mib": rss_mib(), "models": result.models,
               "jobs": resolved_jobs(jobs),
               "feature_loop": "compiled" if COMPILED else "Python (the C extension is not built)"}
    Path(args.result).write_text(json.dumps(figures), encoding="utf-8")
    return 0


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (annotate's worker processes are
    joined before it returns)."""
    import resource

    own, children = (resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                          resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


# ----------------------------------------------------------------------------- parent side


def spawn(worker: str, input_path: Path, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    result = work / f"{worker}_{input_path.stem}.json"
    out = work / f"{worker}_{input_path.stem}.out.jsonl"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", worker, "--input", str(input_path),
           "--out", str(out), "--result", str(result), "--model", args.model,
           "--phrase-model", args.phrase_model, "--repeat", str(args.repeat), "--jobs", str(args.jobs)]
    print(f"… {worker} {input_path.name}", flush=True)
    # timed without sampling the tree's memory, which would take CPU from the timed processes
    run = run_measured(cmd, cwd=ROOT, sample_tree=False).check(f"{worker} on {input_path.name}")
    figures = json.loads(result.read_text(encoding="utf-8"))
    peak = figures["peak_mib_self"]
    if figures.get("jobs", 1) > 1:
        # with worker processes, memory is the whole tree's (PSS: shared model pages counted
        # once), sampled while the same calls run again, untimed
        tree = run_measured(cmd, cwd=ROOT).check(f"{worker} on {input_path.name} (memory)")
        peak = max(peak, tree.tree_peak_mib)
    figures.update(wall_s=run.seconds, cpu_s=run.cpu_s, peak_mib=peak)
    out.unlink(missing_ok=True)
    return figures


def cli_run(input_path: Path, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    """The real command, as a user runs it (start-up, model loading, progress bar included)."""
    out = work / "cli.out.jsonl"
    cmd = [*unclause_command(), "annotate", str(input_path), "-o", str(out), "--model", args.model,
           "--phrase-model", args.phrase_model]
    print(f"… unclause annotate {input_path.name}", flush=True)
    run = run_measured(cmd, cwd=ROOT, env=quiet_env({"COLUMNS": "120"})).check("unclause annotate")
    lines = sum(1 for _ in out.open(encoding="utf-8"))
    out.unlink(missing_ok=True)
    return {"clauses": lines, "wall_s": run.seconds, "cpu_s": run.cpu_s,
            "clauses_per_s": lines / run.seconds, "peak_mib": run.peak_mib}


def champions_available(args: argparse.Namespace) -> str | None:
    """None if the models load, else why not (the user-facing message)."""
    sys.path.insert(0, str(ROOT))
    from pipelines.annotate.merge import load_models
    from pipelines.errors import UnclauseError

    try:
        load_models(args.model, args.phrase_model)
    except UnclauseError as exc:
        return str(exc)
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=[10_000, 100_000])
    parser.add_argument("--data", type=Path, default=DATA, help="built clause dataset folder")
    parser.add_argument("--model", default=TYPE_MODEL, help="clause-type model URI")
    parser.add_argument("--phrase-model", default=PHRASE_MODEL, help="action-phrase model URI")
    parser.add_argument("--no-cli", action="store_true", help="skip the `unclause annotate` run")
    parser.add_argument("--jobs", type=int, default=0,
                        help="annotate's worker processes (0: one per CPU, the CLI's default)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="annotate each input this many times per process; the fastest counts")
    hidden_arguments(parser, "worker", "input", "out", "result")
    args = parser.parse_args(argv)
    if args.worker:
        return child(args)
    if not (args.data / "test.parquet").exists():
        print(f"error: no clause dataset at {args.data}; build it first with `make data`",
              file=sys.stderr)
        return 2
    problem = champions_available(args)
    if problem:
        print(f"error: {problem}\n(run `make run` first to register the champions, or pass "
              "--model / --phrase-model)", file=sys.stderr)
        return 2

    banner("annotate end to end vs the floor")
    sizes = sorted(set(args.sizes))
    work = Path(tempfile.mkdtemp(prefix="unclause-bench-annotate-"))
    runs: dict[str, dict[int, dict[str, Any]]] = {"annotate": {}, "floor": {}, "plain": {}}
    inputs: dict[int, dict[str, Any]] = {}
    cli: dict[str, Any] | None = None
    try:
        for n in sizes:
            path = work / f"clauses_{n}.jsonl"
            inputs[n] = make_input(args.data, n, path)
            for worker in ("plain", "floor", "annotate"):
                runs[worker][n] = spawn(worker, path, work, args)
        if not args.no_cli:
            cli = cli_run(work / f"clauses_{sizes[-1]}.jsonl", work, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    rows = []
    for n in sizes:
        plain, floor, ann = runs["plain"][n], runs["floor"][n], runs["annotate"][n]
        for name, run in (("plain floor (stdlib)", plain), ("floor (no model)", floor),
                          ("annotate (champions)", ann)):
            rows.append([name, n, run["seconds"], run["clauses_per_s"],
                         run["clauses_per_s"] / plain["clauses_per_s"],
                         run["clauses_per_s"] / floor["clauses_per_s"],
                         run["clauses_per_cpu_s"],
                         run["clauses_per_cpu_s"] / plain["clauses_per_cpu_s"],
                         run.get("jobs", 1), round(run["load_s"], 2), run["ready_rss_mib"],
                         run["end_rss_mib"], run["peak_mib"]])
    print(table(["path", "clauses", "seconds", "clauses/s", "× plain", "× floor", "clauses/CPU-s",
                 "× plain (CPU)", "jobs", "load s", "RSS ready", "RSS end", "peak MiB"], rows))
    print(f"(seconds: the fastest of {args.repeat} annotate() calls in one process, models already "
          "loaded (load s: loading them); jobs: processes running the models; clauses/CPU-s: the "
          "same call's CPU time, its worker processes' included, steadier on a shared machine; "
          "RSS ready / end: MiB resident before and after; peak MiB: the high-water mark, model "
          "loading included, of the child or, with workers, of the PSS of the process tree, "
          "sampled in a second, untimed run of the same calls)")
    lo, hi = sizes[0], sizes[-1]
    growth: dict[str, float] = {}
    if hi > lo:
        for worker in ("floor", "annotate"):
            a, b = runs[worker][lo], runs[worker][hi]
            growth[worker] = b["peak_mib"] - a["peak_mib"]
            marginal = (hi - lo) / max(b["seconds"] - a["seconds"], 1e-9)
            print(f"{worker}: peak {a['peak_mib']:,.0f} MiB at {lo:,} → {b['peak_mib']:,.0f} MiB at "
                  f"{hi:,} ({growth[worker]:+,.0f} MiB for {hi / lo:.0f}× the input); marginal "
                  f"{marginal:,.0f} clauses/s")
    ratio = runs["annotate"][hi]["clauses_per_s"] / runs["floor"][hi]["clauses_per_s"]
    plain_ratio = runs["annotate"][hi]["clauses_per_s"] / runs["plain"][hi]["clauses_per_s"]
    plain_cpu = runs["annotate"][hi]["clauses_per_cpu_s"] / runs["plain"][hi]["clauses_per_cpu_s"]
    ok = "meets" if plain_ratio >= TARGET_RATIO else "MISSES"
    print(f"annotate runs at {plain_ratio:.3f}× the plain floor ({plain_cpu:.3f}× in CPU time) and "
          f"{ratio:.2f}× the project floor at {hi:,} clauses: {ok} the ≥ {TARGET_RATIO:.3f}× "
          f"plain-floor target (models: {runs['annotate'][hi]['models']}; feature loop: "
          f"{runs['annotate'][hi]['feature_loop']})")
    if cli:
        print(f"`unclause annotate` on {cli['clauses']:,} clauses: {cli['wall_s']:.1f} s wall "
              f"({cli['clauses_per_s']:,.0f} clauses/s incl. start-up), peak {cli['peak_mib']:,.0f} MiB")
    path = save("annotate", {"inputs": {str(k): v for k, v in inputs.items()},
                             "runs": {w: {str(k): v for k, v in r.items()} for w, r in runs.items()},
                             "peak_growth_mib": growth, "ratio_to_floor": ratio,
                             "ratio_to_plain_floor": plain_ratio, "cli": cli,
                             "target_ratio": TARGET_RATIO,
                             "models": {"type": args.model, "phrase": args.phrase_model}})
    print(f"figures → {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
