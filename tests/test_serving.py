"""REST serving: `mlflow models serve` on the registered champion answers /invocations with
the same predictions as the in-process pyfunc."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from servers import free_port

CLAUSES = [
    ("S/RES/1", 0, "The Security Council,"),
    ("S/RES/1", 1, "Recalling its previous resolutions on the subject,"),
    ("S/RES/1", 2, "Deeply concerned by the safety of maritime navigation in enclosed seas,"),
    ("S/RES/1", 3, "1. Decides to remain seized of the matter;"),
    ("S/RES/1", 4, "2. Also requests the Secretary-General to report within 90 days;"),
    ("S/RES/2", 0, "Welcoming the outcome of the recent regional meetings,"),
    ("S/RES/2", 1, "1. Calls upon all Member States to cooperate;"),
]


def _post(url: str, payload: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(url, data=json.dumps(payload).encode("utf-8"),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as resp:
        return json.loads(resp.read())


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"mlflow models serve exited ({proc.returncode}):\n"
                        f"{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.5)
    pytest.fail(f"no /health after {timeout:.0f} s:\n{log.read_text(errors='replace')[-3000:]}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)  # the server's own process group (start_new_session)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@pytest.mark.slow
def test_served_champion_matches_in_process_pyfunc(champions: dict[str, Any], tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import mlflow

    uri = "models:/clause-type@champion"
    port = free_port()
    env = {**os.environ, "MLFLOW_TRACKING_URI": champions["uri"],
           "MLFLOW_REGISTRY_URI": champions["uri"], "MLFLOW_DISABLE_TELEMETRY": "true",
           "DO_NOT_TRACK": "true", "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false",
           # the server execs `uvicorn` by name: the venv's bin must be on PATH (as `make
           # serve` and the README command put it)
           "PATH": os.pathsep.join([str(Path(sys.executable).parent),
                                    os.environ.get("PATH", "")])}
    log = tmp_path / "serve.log"
    with log.open("wb") as log_fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "mlflow", "models", "serve", "-m", uri, "--env-manager",
             "local", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
            env=env, cwd=champions["root"], stdout=log_fh, stderr=subprocess.STDOUT,
            start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_healthy(f"{base}/health", proc, log)
        payload = {"dataframe_split": {"columns": ["doc_id", "para_id", "text"],
                                       "data": [list(c) for c in CLAUSES]}}
        served = pd.DataFrame(_post(f"{base}/invocations", payload)["predictions"])
        # ids are optional; a missing text is a 400 that names the row, not a confident "other"
        alone = _post(f"{base}/invocations", {"dataframe_records": [{"text": CLAUSES[3][2]}]})
        bad = {"dataframe_records": [{"text": CLAUSES[3][2]}, {"text": None}]}
        with pytest.raises(urllib.error.HTTPError) as refused:
            _post(f"{base}/invocations", bad)
        refusal = refused.value.read().decode("utf-8", "replace")
    finally:
        _stop(proc)
    assert proc.returncode is not None

    monkeypatch.setenv("MLFLOW_TRACKING_URI", champions["uri"])
    monkeypatch.delenv("MLFLOW_REGISTRY_URI", raising=False)
    try:
        local = mlflow.pyfunc.load_model(uri).predict(
            pd.DataFrame(CLAUSES, columns=["doc_id", "para_id", "text"]))
    finally:
        mlflow.set_tracking_uri(None)
        mlflow.set_registry_uri(None)
    assert served["type"].tolist() == local["type"].tolist()
    assert alone["predictions"][0]["type"] == "operative"
    assert refused.value.code == 400
    assert "'text' must be a non-empty string" in refusal and "row 1: null" in refusal
    assert served["type"].tolist()[:4] == ["other", "preambular", "preambular", "operative"]
    for col in local.columns:
        if col != "type":
            assert served[col].to_numpy() == pytest.approx(local[col].to_numpy(), abs=1e-9)
