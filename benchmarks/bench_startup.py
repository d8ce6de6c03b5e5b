"""Start-up: `unclause --help`, `unclause annotate` on one short document, and the served model's
latency for 1 and 1,000 clauses.

Targets (issue 11): ``--help`` ≤ 1 s and one short document annotated in ≤ 3 s wall, start-up
and model loading included. Each command runs ``--repeat`` times in a fresh process; the fastest
wall time counts (neighbours on a shared machine only ever slow a run down), with its CPU time
beside it. The served model is ``mlflow models serve`` on the clause-type champion (and the
action-phrase one), timed per ``/invocations`` request after a warm-up request.

Needs the champions (``make run``) in experiments/mlflow.db, or ``--model`` / ``--phrase-model``.

    .venv/bin/python benchmarks/bench_startup.py [--document PATH] [--repeat 5] [--no-serve]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from _common import CORPUS, DATA, ROOT, banner, quiet_env, run_measured, table, unclause_command
from _common import write_results as save

TYPE_MODEL = "models:/clause-type@champion"
PHRASE_MODEL = "models:/action-phrase@champion"
SEED = CORPUS / "seed" / "000_602ffa9324dc4b2d.txt"
HELP_TARGET_S, ANNOTATE_TARGET_S = 1.0, 3.0


def best_of(cmd: list[str], repeat: int, env: dict[str, str]) -> dict[str, Any]:
    """The fastest of ``repeat`` runs of ``cmd``: wall and CPU seconds, peak MiB."""
    runs = [run_measured(cmd, cwd=ROOT, env=env).check(" ".join(cmd[-4:])) for _ in range(repeat)]
    best = min(runs, key=lambda r: r.seconds)
    return {"wall_s": best.seconds, "cpu_s": best.cpu_s, "peak_mib": best.peak_mib,
            "walls_s": [round(r.seconds, 3) for r in runs]}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _post(url: str, payload: dict[str, Any]) -> float:
    body = json.dumps(payload).encode("utf-8")
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as resp:
        resp.read()
    return time.perf_counter() - start


def served_latency(model: str, texts: list[str], repeat: int) -> dict[str, Any]:
    """Median and best latency of /invocations for 1 and 1,000 clauses."""
    bin_dir = str(Path(sys.executable).parent)
    env = quiet_env({"PATH": os.pathsep.join([bin_dir, os.environ.get("PATH", "")]),
                     "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false",
                     "MLFLOW_TRACKING_URI": os.environ.get("MLFLOW_TRACKING_URI",
                                                          "sqlite:///experiments/mlflow.db")})
    with tempfile.TemporaryFile() as log:
        return _serve_and_time(model, texts, repeat, env, log)


def _serve_and_time(model: str, texts: list[str], repeat: int, env: dict[str, str],
                    log: Any) -> dict[str, Any]:
    port = _free_port()
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "mlflow", "models", "serve", "-m", model,
                             "--env-manager", "local", "--host", "127.0.0.1", "--port", str(port),
                             "--workers", "1"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            if proc.poll() is not None or time.perf_counter() - start > 180:
                log.seek(0)
                raise RuntimeError(f"mlflow models serve did not come up:\n"
                                   f"{log.read().decode('utf-8', 'replace')[-2000:]}")
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        ready_s = time.perf_counter() - start
        figures: dict[str, Any] = {"model": model, "ready_s": ready_s}
        for n in (1, 1000):
            rows = [{"doc_id": "bench", "para_id": i, "text": texts[i % len(texts)]}
                    for i in range(n)]
            payload = {"dataframe_records": rows}
            _post(f"{base}/invocations", payload)  # warm-up
            times = [_post(f"{base}/invocations", payload) for _ in range(repeat)]
            figures[str(n)] = {"median_ms": statistics.median(times) * 1000,
                               "best_ms": min(times) * 1000,
                               "clauses_per_s": n / statistics.median(times)}
        return figures
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def sample_texts(data: Path) -> list[str]:
    """Clause texts of the test split, for the served-model requests."""
    sys.path.insert(0, str(ROOT))
    from pipelines.data.dataset import load_clauses

    return load_clauses(data, ["test"])["text"].head(1000).tolist()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--document", type=Path, default=SEED, help="the short document")
    parser.add_argument("--model", default=TYPE_MODEL, help="clause-type model URI")
    parser.add_argument("--phrase-model", default=PHRASE_MODEL, help="action-phrase model URI")
    parser.add_argument("--data", type=Path, default=DATA, help="built clause dataset (requests)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-serve", action="store_true", help="skip the served-model latency")
    args = parser.parse_args(argv)
    if not args.document.is_file():
        print(f"error: no document at {args.document}; pass --document", file=sys.stderr)
        return 2

    banner("start-up: --help, one short document, served model")
    env = quiet_env({"COLUMNS": "120"})
    figures: dict[str, Any] = {}
    print("… unclause --help", flush=True)
    figures["help"] = best_of([*unclause_command(), "--help"], args.repeat, env)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "short.jsonl"
        cmd = [*unclause_command(), "annotate", str(args.document), "-o", str(out), "--model",
               args.model, "--phrase-model", args.phrase_model]
        print(f"… unclause annotate {args.document.name}", flush=True)
        figures["annotate"] = best_of(cmd, args.repeat, env)
        figures["annotate"]["clauses"] = sum(1 for _ in out.open(encoding="utf-8"))
    rows = [["unclause --help", "", figures["help"]["wall_s"], figures["help"]["cpu_s"],
             figures["help"]["peak_mib"], HELP_TARGET_S],
            [f"unclause annotate {args.document.name}", figures["annotate"]["clauses"],
             figures["annotate"]["wall_s"], figures["annotate"]["cpu_s"],
             figures["annotate"]["peak_mib"], ANNOTATE_TARGET_S]]
    print(table(["command", "clauses", "wall s (best)", "CPU s", "peak MiB", "target s"], rows))
    for key, target in (("help", HELP_TARGET_S), ("annotate", ANNOTATE_TARGET_S)):
        ok = "meets" if figures[key]["wall_s"] <= target else "MISSES"
        print(f"{key}: {figures[key]['wall_s']:.2f} s wall (runs {figures[key]['walls_s']}), "
              f"{ok} the ≤ {target:.0f} s target")

    if not args.no_serve and (args.data / "test.parquet").exists():
        texts = sample_texts(args.data)
        served = []
        for model in (args.model, args.phrase_model):
            print(f"… mlflow models serve {model}", flush=True)
            served.append(served_latency(model, texts, args.repeat))
        figures["served"] = served
        print(table(["served model", "ready s", "1 clause ms", "1,000 clauses ms",
                     "clauses/s at 1,000"],
                    [[s["model"], s["ready_s"], s["1"]["median_ms"], s["1000"]["median_ms"],
                      s["1000"]["clauses_per_s"]] for s in served]))
        print(f"(median of {args.repeat} requests after a warm-up; one uvicorn worker)")
    path = save("startup", {"document": str(args.document), **figures})
    print(f"figures → {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
