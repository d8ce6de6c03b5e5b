"""Shared fixtures: the shared corpus, isolated MLflow stores, the invented dataset, registered
rules champions and a hand-written communiqué.

``synthetic.py`` beside this file is a plain helper module (the invented-document generator);
no test module imports another test module: what several need lives here.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

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


#: fixtures that train and register models: a test that uses one is marked slow
SLOW_FIXTURES = frozenset({"champions", "champion_store"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark tests that use the trained champions ``slow`` (``make test-fast`` leaves them out)."""
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


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


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """For one test module: the invented dataset in ``clauses/`` and a private MLflow store,
    with the workspace as the working directory (as ``make`` runs commands)."""
    from synthetic import write_dataset

    tmp = tmp_path_factory.mktemp("workspace")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp / 'mlflow.db'}")
        mp.chdir(tmp)
        write_dataset(tmp / "clauses")
        yield tmp


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


@pytest.fixture(scope="session")
def champions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Rules champions for both tasks, trained on the invented dataset and registered once per
    session in a private store: ``uri`` (the store), ``root`` (its folder), ``data``."""
    import mlflow
    from synthetic import write_dataset

    from pipelines.config import load_config
    from pipelines.training.runner import run_experiment

    root = tmp_path_factory.mktemp("champions")
    data = write_dataset(root / "clauses")
    uri = f"sqlite:///{root / 'mlflow.db'}"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MLFLOW_TRACKING_URI", uri)
        mp.delenv("MLFLOW_REGISTRY_URI", raising=False)
        mp.chdir(root)
        for task in ("clause-type", "action-phrase"):
            cfg = load_config("default", [f"task={task}", "model=rules", f"data.path={data}"])
            result = run_experiment(cfg, register=True)
            assert result.registration and result.registration["promoted"]
        mlflow.set_tracking_uri(None)
        mlflow.set_registry_uri(None)
    return {"uri": uri, "root": root, "data": data}


@pytest.fixture()
def champion_store(champions: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> str:
    """The champions' store as MLFLOW_TRACKING_URI (registry following it) for one test."""
    monkeypatch.setenv("MLFLOW_TRACKING_URI", champions["uri"])
    monkeypatch.delenv("MLFLOW_REGISTRY_URI", raising=False)
    return str(champions["uri"])


#: a communiqué in the project's own words: a genre the models were not trained on
COMMUNIQUE = """\
Joint Communiqué of the Third Regional Forum on Water Cooperation

The participants of the Third Regional Forum on Water Cooperation, held in Tashkent on 3 and 4 June
2021,

Recalling the outcome of the Second Regional Forum on Water Cooperation,

Noting with concern the decline of transboundary water resources in the region,

Have agreed as follows:

1. Welcome the establishment of a joint working group on water data;

2. Decide to convene the Fourth Regional Forum in 2023;

3. Request the secretariat to prepare a report on progress for the next meeting.

Done in Tashkent, 4 June 2021.
"""


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    """A local Spark session (2 cores, 1 GB driver) for a test module, stopped after it."""
    from pipelines.annotate.spark import local_session

    session = local_session("unclause-test", cores=2, driver_memory="1g")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture()
def communique(tmp_path: Path) -> Path:
    """The communiqué as a plain-text document ``water_forum_communique.txt`` in tmp_path."""
    doc = tmp_path / "water_forum_communique.txt"
    doc.write_text(COMMUNIQUE, encoding="utf-8")
    return doc


def _reply(conn: Any, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        conn.send((True, fn(*args)))
    except BaseException as exc:  # noqa: BLE001  # re-raised in the test's own process
        conn.send((False, exc))
    finally:
        conn.close()


@pytest.fixture()
def single_threaded() -> Callable[..., Any]:
    """``run(fn, *args)``: ``fn(*args)`` in a process forked from this one, with no other thread,
    its result returned and its exception (a failed assert too) raised here.

    annotate forks its worker processes only from a process with no other thread running;
    pytest's process may hold threads that earlier tests left (MLflow's, servers'), and a test
    of the workers must not depend on the order tests run in."""

    def run(fn: Callable[..., Any], *args: Any) -> Any:
        context = multiprocessing.get_context("fork")
        receive, send = context.Pipe(duplex=False)
        child = context.Process(target=_reply, args=(send, fn, args))
        child.start()
        send.close()
        try:
            ok, value = receive.recv()
        except EOFError:
            raise AssertionError(f"the forked test process died (exit code "
                                 f"{child.join() or child.exitcode})") from None
        finally:
            child.join()
        if not ok:
            raise value
        return value

    return run
