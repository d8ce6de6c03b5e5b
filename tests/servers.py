"""Helpers for tests that start servers in their own process group: a free loopback port, an
MLflow tracking server that is stopped (and checked gone) on exit. A plain module, like
``synthetic.py``: test modules import it, never each other."""

from __future__ import annotations

import contextlib
import http.server
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

HEALTH_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 30.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def http_server(handler: type[http.server.BaseHTTPRequestHandler],
                ) -> Iterator[http.server.ThreadingHTTPServer]:
    """``handler`` served on a free loopback port in a thread, shut down on exit."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def tail(path: Path, chars: int = 3000) -> str:
    return path.read_text(encoding="utf-8", errors="replace")[-chars:] if path.exists() else ""


def stop_group(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> int:
    """Signal the process group that ``proc`` leads; wait; SIGKILL it if it hangs. Return the code."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)
    try:
        return proc.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        raise AssertionError(f"process {proc.pid} ignored signal {sig} for {STOP_TIMEOUT_S:.0f} s") from None


@contextlib.contextmanager
def mlflow_server(workdir: Path, backend_uri: str) -> Iterator[str]:
    """Start ``mlflow server`` on a free loopback port; yield its URI once /health answers."""
    port = free_port()
    uri = f"http://127.0.0.1:{port}"
    log_path = workdir / "server.log"
    env = {**os.environ, "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false",
           "MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true"}
    env.pop("MLFLOW_TRACKING_URI", None)
    cmd = [sys.executable, "-m", "mlflow", "server", "--backend-store-uri", backend_uri,
           "--serve-artifacts", "--artifacts-destination", str(workdir / "artifacts"),
           "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + HEALTH_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"mlflow server exited with {proc.returncode}:\n{tail(log_path)}")
            try:
                with urllib.request.urlopen(f"{uri}/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"mlflow server gave no /health in {HEALTH_TIMEOUT_S:.0f} s:\n"
                                     f"{tail(log_path)}")
            time.sleep(0.5)
        yield uri
    finally:
        stop_group(proc)
    assert proc.returncode is not None, "the server is still running"
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{uri}/health", timeout=2)
