"""Parallel sweeps (issue 12 B3): `unclause sweep … --jobs N` runs trials in worker processes,
each a nested run of one parent, the best tagged; against sqlite and against a tracking server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.errors import ConfigError
from pipelines.training.sweep import parse_grid, run_sweep

ROOT = Path(__file__).resolve().parents[1]


def sweep_cli(store: str, dataset: Path, cwd: Path, *extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200", "MLFLOW_TRACKING_URI": store}
    env.pop("MLFLOW_REGISTRY_URI", None)
    return subprocess.run([sys.executable, "-m", "pipelines.cli.main", "sweep", "default",
                           "model=linear", "model.C=0.05,4", f"data.path={dataset}", *extra],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def check_sweep(store: str, jobs: int) -> None:
    """One parent with a FINISHED child per combination; exactly the best child tagged."""
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=store, registry_uri=store)
    (experiment,) = [e for e in client.search_experiments() if e.name == "unclause"]
    runs = client.search_runs([experiment.experiment_id])
    (parent,) = [r for r in runs if r.data.tags.get("sweep") == "parent"]
    children = [r for r in runs if r.data.tags.get("sweep") == "child"]
    assert parent.info.status == "FINISHED" and parent.data.tags["sweep.jobs"] == str(jobs)
    assert sorted(r.data.params["model.C"] for r in children) == ["0.05", "4.0"]
    assert all(r.data.tags["mlflow.parentRunId"] == parent.info.run_id for r in children)
    assert all(r.info.status == "FINISHED" for r in children)
    best = max(children, key=lambda r: r.data.metrics["val/macro_f1"])
    tagged = [r for r in children if r.data.tags.get("sweep.best") == "true"]
    assert [r.data.metrics["val/macro_f1"] for r in tagged] == [best.data.metrics["val/macro_f1"]]
    assert parent.data.tags["best_run_id"] == tagged[0].info.run_id
    assert parent.data.metrics["best_val/macro_f1"] == best.data.metrics["val/macro_f1"]


@pytest.mark.slow
def test_parallel_sweep_on_sqlite(tmp_path: Path, tiny_dataset: Path) -> None:
    store = f"sqlite:///{tmp_path / 'mlflow.db'}"
    res = sweep_cli(store, tiny_dataset, tmp_path, "--jobs", "2")
    assert res.returncode == 0, res.stderr[-3000:]
    assert "best:" in res.stdout
    assert "locked" not in res.stderr and "Traceback" not in res.stderr
    check_sweep(store, jobs=2)


@pytest.mark.slow
def test_parallel_sweep_through_a_tracking_server(tmp_path: Path, tiny_dataset: Path) -> None:
    from servers import mlflow_server

    workdir = tmp_path / "server"
    workdir.mkdir()
    with mlflow_server(workdir, f"sqlite:///{workdir / 'srv.db'}") as uri:
        res = sweep_cli(uri, tiny_dataset, tmp_path, "--jobs", "2")
        assert res.returncode == 0, res.stderr[-3000:]
        check_sweep(uri, jobs=2)
    assert not (tmp_path / "mlruns").exists() and not (tmp_path / "experiments").exists()


def test_jobs_must_be_positive(mlflow_store: str, tiny_dataset: Path) -> None:
    with pytest.raises(ConfigError, match="--jobs must be at least 1"):
        run_sweep("default", [f"data.path={tiny_dataset}", "model=rules"], jobs=0)


def test_parse_grid() -> None:
    assert parse_grid(["model.C=0.5,1,", "model=linear"]) == {"model.C": ["0.5", "1"],
                                                              "model": ["linear"]}
    with pytest.raises(ConfigError):
        parse_grid(["model.C"])
