"""`unclause annotate --engine spark` with local[1] and local[2], next to the single-process path.

The input is the test split cycled under new doc_ids (as in bench_annotate) to ``--clauses``
(default 200,000), written once as JSONL (the local path's input) and once as Parquet (the
Spark engine's natural input; ``--spark-jsonl`` adds a local[2] run on the JSONL, which Spark
reads twice: once to infer the schema). Every measurement is the real command line in its own
child process, start-up, model loading and output writing included:

    unclause annotate IN.jsonl -o OUT.jsonl                               (local, 1 process)
    unclause annotate IN.parquet -o OUT.parquet --engine spark --master local[N]

Peak memory is the largest PSS (shared pages counted once) and RSS sum of the whole process
tree (the CLI's Python driver, the Spark JVM, the Python workers), sampled every 0.2 s. CPU
seconds are the tree's user + system time, per process as last sampled. Throughput is clauses
per wall second; on a machine shared with other work, wall time stretches with the load (the
load average is printed next to each row) while CPU seconds barely move.

Needs the champions in experiments/mlflow.db (``make run``), or ``--model``/``--phrase-model``.

    .venv/bin/python benchmarks/bench_spark.py [--clauses 200000] [--spark-jsonl]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import (
    DATA,
    ROOT,
    _descendants,
    banner,
    quiet_env,
    rss_mib,
    table,
    tree_pss_mib,
    unclause_command,
)
from _common import write_results as save
from bench_annotate import PHRASE_MODEL, TYPE_MODEL, make_input

TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_s(pid: int) -> float | None:
    """User + system seconds a live process has used (``/proc/PID/stat``)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS
    except (OSError, IndexError, ValueError):
        return None


def run_tree(cmd: list[str], env: dict[str, str], interval: float = 0.2) -> dict[str, float]:
    """Run ``cmd``; sample its whole process tree: CPU seconds per process (last value seen,
    summed: the JVM that pyspark starts is never waited for, so ``wait4``'s rusage misses it),
    and the peaks of the tree's PSS and RSS sums."""
    cpu: dict[int, float] = {}
    pss = rss = 0.0
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
        while proc.poll() is None:
            pids = _descendants(proc.pid)
            for pid in pids:
                used = _cpu_s(pid)
                if used is not None:
                    cpu[pid] = used
            pss = max(pss, tree_pss_mib(proc.pid))
            rss = max(rss, sum(rss_mib(pid) for pid in pids))
            time.sleep(interval)
        seconds = time.perf_counter() - start
        log.seek(0)
        output = log.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        sys.stderr.write(output[-3000:])
        raise SystemExit(f"{' '.join(cmd[:3])} … failed with exit code {proc.returncode}")
    return {"seconds": seconds, "cpu_s": sum(cpu.values()), "pss_mib": pss, "rss_mib": rss}


def measure(name: str, args: list[str], clauses: int, work: Path) -> dict[str, Any]:
    """One CLI run in a child process: wall, tree CPU, tree peak memory, load around it."""
    before = os.getloadavg()[0]
    run = run_tree([*unclause_command(), "annotate", *args],
                   quiet_env({"PYTHONPATH": str(ROOT), "TMPDIR": str(work)}))
    after = os.getloadavg()[0]
    return {"run": name, "clauses": clauses, "wall_s": round(run["seconds"], 1),
            "clauses_per_s": round(clauses / run["seconds"]), "cpu_s": round(run["cpu_s"], 1),
            "clauses_per_cpu_s": round(clauses / max(run["cpu_s"], 1e-9)),
            "tree_peak_pss_mib": round(run["pss_mib"]), "tree_peak_rss_mib": round(run["rss_mib"]),
            "load_1min": [round(before, 1), round(after, 1)]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clauses", type=int, default=200_000)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--model", default=TYPE_MODEL)
    parser.add_argument("--phrase-model", default=PHRASE_MODEL)
    parser.add_argument("--cores", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--spark-jsonl", action="store_true",
                        help="also run Spark on the JSONL with the most cores")
    parser.add_argument("--skip-local", action="store_true", help="skip the single-process run")
    opts = parser.parse_args()

    import pandas as pd

    work = Path(tempfile.mkdtemp(prefix="bench-spark-"))
    try:
        banner(f"making {opts.clauses:,} clauses")
        src = work / "clauses.jsonl"
        facts = make_input(opts.data, opts.clauses, src)
        parquet = work / "clauses.parquet"
        pd.read_json(src, lines=True, dtype={"doc_id": str}).to_parquet(parquet, index=False)
        print(f"{facts['clauses']:,} clauses in {facts['documents']:,} documents "
              f"({facts['bytes'] / 1e6:.1f} MB JSONL, {parquet.stat().st_size / 1e6:.1f} MB "
              "Parquet)", flush=True)
        models = ["--model", opts.model, "--phrase-model", opts.phrase_model]
        rows: list[dict[str, Any]] = []
        if not opts.skip_local:
            banner("local: one process")
            rows.append(measure("local (1 process)", [str(src), "-o", str(work / "local.jsonl"),
                                                      *models], facts["clauses"], work))
            print(rows[-1], flush=True)
        runs = [(f"spark local[{n}] parquet", parquet, n) for n in opts.cores]
        if opts.spark_jsonl:
            runs.append((f"spark local[{max(opts.cores)}] jsonl", src, max(opts.cores)))
        for name, path, cores in runs:
            banner(name)
            out = work / f"out-{len(rows)}.parquet"
            rows.append(measure(name, [str(path), "-o", str(out), "--engine", "spark",
                                       "--master", f"local[{cores}]", *models],
                                facts["clauses"], work))
            print(rows[-1], flush=True)
            shutil.rmtree(out, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    banner("results")
    print(table(["run", "clauses", "wall s", "clauses/s", "CPU s", "clauses/CPU s",
                 "peak PSS MiB", "peak RSS MiB", "load 1-min"],
                [[r["run"], r["clauses"], r["wall_s"], r["clauses_per_s"], r["cpu_s"],
                  r["clauses_per_cpu_s"], r["tree_peak_pss_mib"], r["tree_peak_rss_mib"],
                  f"{r['load_1min'][0]}→{r['load_1min'][1]}"] for r in rows]))
    by_name = {r["run"]: r for r in rows}
    one, two = by_name.get("spark local[1] parquet"), by_name.get("spark local[2] parquet")
    figures: dict[str, Any] = {"input": facts, "runs": rows}
    if one and two:
        figures["scaling_local2_over_local1"] = round(two["clauses_per_s"] / one["clauses_per_s"], 2)
        print(f"scaling local[2] / local[1]: {figures['scaling_local2_over_local1']:.2f}x "
              f"(ideal 2.00x on two idle cores)")
    print(f"results: {save('spark', figures)}")


if __name__ == "__main__":
    main()
