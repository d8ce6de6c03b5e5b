"""Helpers the benchmarks share: measured child processes, peak memory, tables, JSON results.

Benchmarks print figures and never assert times. Each writes its figures, with the machine's
state (cores, load average, commit), to ``reports/bench/<name>.json`` (gitignored).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "reports" / "bench"
DATA = ROOT / "data" / "processed" / "clauses"
CORPUS = ROOT.parent / "shared" / "corpus"
QUIET_ENV = {
    "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
    "MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true", "SPARK_LOCAL_IP": "127.0.0.1",
    "TOKENIZERS_PARALLELISM": "false", "PYTHONHASHSEED": "0",
}


def quiet_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The current environment with the offline/no-telemetry settings (and ``extra``) applied."""
    os.environ.update({k: v for k, v in QUIET_ENV.items() if k not in os.environ})
    return {**os.environ, **QUIET_ENV, **(extra or {})}


def _proc_kib(path: str, key: str) -> int | None:
    """A ``Key:   123 kB`` field of a /proc file, in KiB; None if unreadable."""
    try:
        with open(path, encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith(key):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def peak_rss_mib(pid: int | str = "self") -> float:
    """A process's own resident-set high-water mark (VmHWM), in MiB.

    Not ``ru_maxrss``: on Linux that also carries the parent's RSS at the fork/exec that made
    the process, so every child of a big benchmark process would report the parent's size.
    """
    kib = _proc_kib(f"/proc/{pid}/status", "VmHWM:")
    if kib is None and pid == "self":  # no /proc: fall back to getrusage
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return (kib or 0) / 1024


def rss_mib(pid: int | str = "self") -> float:
    """A process's resident set size now (VmRSS), in MiB."""
    return (_proc_kib(f"/proc/{pid}/status", "VmRSS:") or 0) / 1024


def _descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (via /proc/PID/task/TID/children)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for tid in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{tid}/children", encoding="ascii") as fh:
                    todo += [int(c) for c in fh.read().split()]
        except (OSError, ValueError):
            continue
    return found


def tree_pss_mib(pid: int) -> float:
    """Proportional set size of ``pid`` and its descendants (shared pages counted once), MiB."""
    total = 0
    for p in _descendants(pid):
        total += _proc_kib(f"/proc/{p}/smaps_rollup", "Pss:") or 0
    return total / 1024


def unclause_command() -> list[str]:
    """The `unclause` console script of this interpreter's environment."""
    script = Path(sys.executable).parent / "unclause"
    return [str(script)] if script.exists() else [sys.executable, "-m", "pipelines.cli.main"]


@dataclass
class Measured:
    """A finished child process: exit code, wall and CPU seconds, peak memory and its output.

    CPU seconds (user + system, the child and what it waited for) barely move with the
    machine's load, unlike wall seconds: on a busy machine they are the better estimate.
    ``peak_mib`` is the child's own VmHWM; ``tree_peak_mib`` the largest PSS sum of the child
    and its worker processes seen while sampling every 0.1 s
    (the child's VmHWM when not sampled or too short to be).
    """

    returncode: int
    seconds: float
    cpu_s: float
    peak_mib: float
    tree_peak_mib: float
    stdout: str
    stderr: str

    def check(self, what: str) -> Measured:
        if self.returncode != 0:
            sys.stderr.write(self.stdout[-3000:] + self.stderr[-3000:])
            raise SystemExit(f"{what} failed with exit code {self.returncode}")
        return self


def run_measured(cmd: Sequence[str], cwd: Path | None = None, env: dict[str, str] | None = None,
                 timeout: float = 3600, interval: float = 0.1, sample_tree: bool = True) -> Measured:
    """Run ``cmd``; return its wall and CPU time and its peak memory, sampled from /proc.

    ``sample_tree=False`` skips the PSS of the process tree: reading ``smaps_rollup`` costs ~2 ms of
    CPU per process and sample, a few per cent of a 2-core machine that a timed multi-process
    child would otherwise lose to its own measurement.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), cwd=cwd, env=env or quiet_env(), stdout=out, stderr=err,
                                stdin=subprocess.DEVNULL)
        deadline = start + timeout
        hwm = tree = 0.0
        while True:
            hwm = max(hwm, peak_rss_mib(proc.pid))
            if sample_tree:
                tree = max(tree, tree_pss_mib(proc.pid))
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(interval)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Measured(proc.returncode, seconds, usage.ru_utime + usage.ru_stime, hwm, tree or hwm,
                        out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"))


def machine() -> dict[str, Any]:
    """Facts that make the figures comparable: cores, load, Python, commit, time."""
    load = os.getloadavg()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    return {"cores": os.cpu_count(), "load_avg_1_5_15": [round(x, 2) for x in load],
            "python": platform.python_version(), "platform": platform.platform(terse=True),
            "commit": commit or None, "when": time.strftime("%Y-%m-%dT%H:%M:%S")}


def write_results(name: str, figures: dict[str, Any]) -> Path:
    """Write ``reports/bench/<name>.json`` with the figures and the machine's state."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({"benchmark": name, "machine": machine(), **figures}, indent=2,
                               default=str), encoding="utf-8")
    return path


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain aligned text table (numbers right-aligned)."""
    def cell(value: Any) -> str:
        if isinstance(value, float):
            if abs(value) >= 100:
                return f"{value:,.1f}"
            return f"{value:.2f}" if abs(value) >= 1 or value == 0 else f"{value:.3g}"
        if isinstance(value, int):
            return f"{value:,}"
        return "—" if value is None else str(value)

    cells = [[cell(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h)
              for i, h in enumerate(headers)]
    numeric = [all(isinstance(row[i], int | float) or row[i] is None for row in rows)
               for i in range(len(headers))]
    def line(values: Sequence[str]) -> str:
        return "  ".join(v.rjust(w) if num else v.ljust(w)
                         for v, w, num in zip(values, widths, numeric, strict=True)).rstrip()

    sep = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), sep, *(line(r) for r in cells)])


def banner(title: str) -> None:
    """A heading line with the machine's load, since a loaded machine skews every figure."""
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n== {title}  (cores {os.cpu_count()}, load average {load})", flush=True)


class NullPyfunc:
    """Stands in for a pyfunc with constant outputs: the floor's 'model' costs next to nothing."""

    def __init__(self, task: str) -> None:
        self.task = task

    def predict(self, frame: Any) -> Any:
        import pandas as pd

        n = len(frame)
        if self.task == "clause-type":
            return pd.DataFrame({"type": ["other"] * n, "type_score": [1.0] * n,
                                 "proba_preambular": 0.0, "proba_operative": 0.0,
                                 "proba_other": 1.0}, index=range(n))
        return pd.DataFrame({"action_phrase": [None] * n, "action_lemma": [None] * n,
                             "action_start": -1, "action_end": -1}, index=range(n))


def null_models() -> Any:
    """annotate's ``Models`` pair with no model behind it, for the floor (same read/write path)."""
    sys.path.insert(0, str(ROOT))
    from pipelines.annotate.merge import Models
    from pipelines.tracking.registry import LoadedModel

    return Models(type=LoadedModel("null:clause-type", "clause-type", NullPyfunc("clause-type")),
                  phrase=LoadedModel("null:action-phrase", "action-phrase",
                                     NullPyfunc("action-phrase")))


def write_clause_jsonl(frame: Any, path: Path, columns: Sequence[str] = ("doc_id", "para_id", "text")
                       ) -> Path:
    """Clause rows as annotate's input: one JSON object per line, in the frame's order."""
    with path.open("w", encoding="utf-8") as fh:
        for row in frame[list(columns)].itertuples(index=False, name=None):
            fh.write(json.dumps(dict(zip(columns, row, strict=True)), ensure_ascii=False,
                                default=int) + "\n")
    return path


def write_text_documents(frame: Any, folder: Path) -> Path:
    """Each document's clauses as one plain-text file, paragraphs separated by blank lines."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, (_, doc) in enumerate(frame.groupby("doc_id", sort=False)):
        text = "\n\n".join(str(t).replace("\n", " ") for t in doc["text"])
        (folder / f"doc_{i:05d}.txt").write_text(text + "\n", encoding="utf-8")
    return folder


def _timed(fn: Any) -> tuple[Any, float, float]:
    """``fn()`` once to warm up (lazy imports, caches), then timed: (result, wall s, CPU s)."""
    fn()
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def floor_jsonl(input_jsonl: Path, out: Path) -> dict[str, Any]:
    """annotate's own streaming path (read, batch, merge, write, fsync) with the null models."""
    sys.path.insert(0, str(ROOT))
    from pipelines.annotate.run import annotate

    models = null_models()
    result, seconds, cpu = _timed(lambda: annotate(input_jsonl, out, models=models))
    return {"clauses": result.written, "seconds": seconds, "cpu_s": cpu,
            "clauses_per_s": result.written / seconds}


def floor_text(folder: Path, out: Path) -> dict[str, Any]:
    """Read plain-text documents, segment them into clauses, write the clauses as JSONL."""
    sys.path.insert(0, str(ROOT))
    from pipelines.corpus.readers import read_documents

    def run() -> int:
        n = 0
        with out.open("w", encoding="utf-8") as fh:
            for doc in read_documents([folder]):
                for clause in doc.clauses:
                    fh.write(json.dumps({"doc_id": doc.doc_id, "para_id": clause.para_id,
                                         "text": clause.text}, ensure_ascii=False) + "\n")
                    n += 1
        return n

    n, seconds, cpu = _timed(run)
    return {"clauses": n, "seconds": seconds, "cpu_s": cpu, "clauses_per_s": n / seconds}


def hidden_arguments(parser: argparse.ArgumentParser, *names: str) -> None:
    """The options a benchmark passes to its own child processes (``--worker`` …), not in --help."""
    for name in names:
        parser.add_argument(f"--{name}", help=argparse.SUPPRESS)


def cycled(frame: Any, n: int) -> Any:
    """``n`` rows of ``frame`` (clauses in document order), repeated under new doc_ids
    (``DOC~0``, ``DOC~1`` …) until there are enough."""
    import pandas as pd

    parts, total, cycle = [], 0, 0
    while total < n:
        part = frame.head(n - total).assign(doc_id=frame["doc_id"].astype(str) + f"~{cycle}")
        parts.append(part)
        total += len(part)
        cycle += 1
    return pd.concat(parts, ignore_index=True)
