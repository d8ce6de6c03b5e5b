"""Shared fixtures: paths to the shared corpus, an isolated MLflow store per test session."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "true")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
# MLflow 3 falls back to ./mlflow.db when no URI is set: never let a test touch the project's
# own store or litter the work tree; tests that track use the `mlflow_store` fixture.
os.environ.setdefault("MLFLOW_TRACKING_URI",
                      f"sqlite:///{tempfile.mkdtemp(prefix='unclause-tests-')}/mlflow.db")


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The shared corpus; tests that need it skip when it is absent."""
    if not CORPUS.exists():
        pytest.skip("../shared/corpus is not present")
    return CORPUS


@pytest.fixture()
def mlflow_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A private sqlite MLflow store in tmp_path, used by tracking.store.setup via the env var."""
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    monkeypatch.delenv("MLFLOW_REGISTRY_URI", raising=False)  # registry follows tracking
    monkeypatch.chdir(tmp_path)
    yield uri
    import mlflow

    if mlflow.active_run() is not None:
        mlflow.end_run()


@pytest.fixture()
def tiny_dataset(tmp_path: Path) -> Path:
    """A built dataset folder of 30 invented resolutions (train/validation/test Parquet)."""
    from synthetic import write_dataset

    return write_dataset(tmp_path / "clauses")


@pytest.fixture(autouse=True)
def _isolate_mlflow_uris() -> Iterator[None]:
    """MLflow keeps tracking/registry URIs as module globals and exports them as env vars
    (``tracking.store.use_store``): reset both after every test so no test sees another's store."""
    names = ("MLFLOW_TRACKING_URI", "MLFLOW_REGISTRY_URI")
    saved = {name: os.environ.get(name) for name in names}
    yield
    if "mlflow" in sys.modules:
        import mlflow

        if mlflow.active_run() is not None:
            mlflow.end_run()
        mlflow.set_tracking_uri(None)
        mlflow.set_registry_uri(None)
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
