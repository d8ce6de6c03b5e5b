"""Full corpus build: `unclause data build` on the shared corpus (GA + ECOSOC) into a temp dir.

Prints documents, clauses, wall seconds (the whole command: start-up, build, data card, MLflow
logging into a throwaway store), the in-process build seconds, clauses/s and the command's peak
RSS. Target: ≤ 60 s. ``--profile`` reads the largest archive in-process under cProfile and
prints the hot spots (also saved as ``reports/bench/build.prof``).

    .venv/bin/python benchmarks/bench_build.py [--source PATH …] [--no-track] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import CORPUS, RESULTS, ROOT, banner, quiet_env, run_measured, table, unclause_command
from _common import write_results as save

TARGET_S = 60.0
DEFAULT_SOURCES = [CORPUS / "unga", CORPUS / "ecosoc"]


def build_once(sources: list[Path], track: bool) -> dict[str, Any]:
    """Run `unclause data build` in a child process inside a temp dir; return its figures."""
    sys.path.insert(0, str(ROOT))
    from pipelines.data.dataset import read_manifest

    work = Path(tempfile.mkdtemp(prefix="unclause-bench-build-"))
    try:
        cmd = [*unclause_command(), "data", "build", "--out", str(work / "clauses"),
               "--card", str(work / "README.md")]
        for source in sources:
            cmd += ["--source", str(source)]
        if not track:
            cmd.append("--no-track")
        env = quiet_env({"MLFLOW_TRACKING_URI": f"sqlite:///{work / 'mlflow.db'}",
                         "COLUMNS": "200"})
        # cwd=work: the throwaway store's artifacts land there, not in the project's experiments/
        run = run_measured(cmd, cwd=work, env=env).check("unclause data build")
        manifest = read_manifest(work / "clauses")
        found = re.search(r"in ([\d.]+) s", run.stdout)
        build_s = float(found.group(1)) if found else None
        return {"documents": manifest["documents"], "clauses": manifest["clauses"],
                "per_split": manifest["per_split"], "skipped": len(manifest["skipped"]),
                "wall_s": run.seconds, "cpu_s": run.cpu_s, "build_s": build_s,
                "clauses_per_s": manifest["clauses"] / (build_s or run.seconds),
                "peak_mib": run.peak_mib, "tree_peak_mib": run.tree_peak_mib, "tracked": track}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _largest_archive(sources: list[Path]) -> Path:
    files = [f for s in sources for f in ([s] if s.is_file() else sorted(s.rglob("*")))
             if f.is_file() and "metadata" not in f.name.lower()]
    return max(files, key=lambda f: f.stat().st_size)


def profile_build(sources: list[Path], top: int = 25) -> str:
    """cProfile of reading the largest archive in this process (the build reads archives in
    worker processes, which a profile of the build itself cannot see); the report as text."""
    sys.path.insert(0, str(ROOT))
    from pipelines.corpus.readers import read_documents

    archive = _largest_archive(sources)
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    docs = list(read_documents([archive]))
    profiler.disable()
    seconds = time.perf_counter() - start
    RESULTS.mkdir(parents=True, exist_ok=True)
    profiler.dump_stats(str(RESULTS / "build.prof"))
    clauses = sum(len(d.clauses) for d in docs)
    text = io.StringIO()
    text.write(f"\nprofile: reading {archive.name} in-process: {len(docs):,} documents, "
               f"{clauses:,} clauses in {seconds:.1f} s under the profiler\n")
    for key in ("cumulative", "tottime"):
        text.write(f"\n-- top {top} by {key}\n")
        pstats.Stats(profiler, stream=text).strip_dirs().sort_stats(key).print_stats(top)
    return text.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", action="append", type=Path,
                        help="file, folder or archive (repeatable); default: shared corpus unga + ecosoc")
    parser.add_argument("--no-track", action="store_true", help="skip the MLflow logging of the build")
    parser.add_argument("--profile", action="store_true", help="also profile the build with cProfile")
    args = parser.parse_args(argv)
    sources = [p.resolve() for p in (args.source or DEFAULT_SOURCES)]
    missing = [str(p) for p in sources if not p.exists()]
    if missing:
        print(f"error: source(s) not found: {', '.join(missing)}", file=sys.stderr)
        return 2

    banner("unclause data build — full corpus")
    figures = build_once(sources, track=not args.no_track)
    rows = [[figures["documents"], figures["clauses"], figures["wall_s"], figures["cpu_s"],
             figures["build_s"], figures["clauses_per_s"], figures["peak_mib"],
             figures["tree_peak_mib"], TARGET_S]]
    print(table(["documents", "clauses", "wall s", "CPU s", "build s", "clauses/s", "peak MiB",
                 "+ workers MiB", "target s"], rows))
    print(f"(wall: the whole command incl. start-up, data card{' and MLflow logging' * (not args.no_track)};"
          f" build: read + label + split + write Parquet, in-process; CPU s: user + system of the"
          f" command, a load-proof estimate; peak MiB: the command's RSS high-water mark; + workers:"
          f" the largest PSS sum of it and its reader processes; skipped items: {figures['skipped']})")
    verdict = "within" if figures["wall_s"] <= TARGET_S else "OVER"
    print(f"{verdict} the {TARGET_S:.0f} s target")
    if args.profile:
        report = profile_build(sources)
        print(report)
        figures["profile"] = str(RESULTS / "build.prof")
    elif figures["wall_s"] > TARGET_S:
        print("run with --profile to see the hot spots")
    path = save("build", {"sources": [str(s) for s in sources], "target_s": TARGET_S, **figures})
    print(f"figures → {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
