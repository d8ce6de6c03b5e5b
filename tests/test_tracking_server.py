"""A real MLflow tracking server on loopback: runs, artifacts and the registry go through HTTP.

The server runs in its own process group (``start_new_session``) and is stopped by SIGTERM to
that group. A PostgreSQL-backed variant runs when the server binaries and ``psycopg2`` exist.
"""

from __future__ import annotations

import contextlib
import http.server
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from servers import free_port, http_server, mlflow_server, stop_group, tail

from pipelines.config import DataConfig, ExperimentConfig, LinearConfig, RulesConfig
from pipelines.errors import TrackingError
from pipelines.tracking.registry import CHAMPION
from pipelines.tracking.store import setup
from pipelines.training.runner import run_experiment


@pytest.fixture()
def restore_mlflow_uris() -> Iterator[None]:
    """Put MLflow's global tracking/registry URIs (module state and the env vars it exports)
    back as they were, so later tests see neither a dead server nor a stray default store."""
    from mlflow.tracking._model_registry import utils as registry_utils
    from mlflow.tracking._tracking_service import utils as tracking_utils

    names = ("MLFLOW_TRACKING_URI", "MLFLOW_REGISTRY_URI")
    env = {name: os.environ.get(name) for name in names}
    state = (tracking_utils._tracking_uri, registry_utils._registry_uri)
    yield
    tracking_utils._tracking_uri, registry_utils._registry_uri = state
    for name, value in env.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def _run_through_server(uri: str, server_dir: Path, workdir: Path, dataset: Path,
                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A registered debug experiment through the server, then read everything back from it."""
    import mlflow
    from mlflow import MlflowClient
    from mlflow.tracking._model_registry import utils as registry_utils

    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    # the registry follows the tracking URI unless something set one: nothing may have
    monkeypatch.delenv("MLFLOW_REGISTRY_URI", raising=False)
    monkeypatch.setattr(registry_utils, "_registry_uri", None)
    monkeypatch.chdir(workdir)
    cfg = ExperimentConfig(name="server-linear", task="clause-type", experiment="server-test",
                           data=DataConfig(path=dataset), model=LinearConfig(), debug=200)
    result = run_experiment(cfg, register=True)

    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    run = client.get_run(result.run_id)
    assert run.info.status == "FINISHED"
    assert run.data.tags["family"] == "linear"
    assert run.data.metrics["val/macro_f1"] == pytest.approx(result.metrics["val/macro_f1"])
    experiment = client.get_experiment(run.info.experiment_id)
    assert experiment.name == "server-test"
    assert experiment.artifact_location.startswith("mlflow-artifacts:")

    champion = client.get_model_version_by_alias("clause-type", CHAMPION)
    assert champion.run_id == result.run_id
    assert result.registration is not None and result.registration["promoted"]

    # The model's files went through the server into its artifact destination, and come back.
    assert any((server_dir / "artifacts").rglob("MLmodel"))
    model = mlflow.pyfunc.load_model("models:/clause-type@champion")
    pred = model.predict({"doc_id": ["d", "d"], "para_id": [0, 1],
                          "text": ["Recalling its resolution 70/1,", "1. Decides to act;"]})
    assert len(pred) == 2 and {"type", "type_score"} <= set(pred.columns)

    # annotate's defaults (both @champion aliases) resolve through the server and annotate
    from pipelines.annotate.run import annotate

    phrase = ExperimentConfig(name="server-rules", task="action-phrase", experiment="server-test",
                              data=DataConfig(path=dataset), model=RulesConfig(), debug=200)
    assert run_experiment(phrase, register=True).registration["promoted"]
    clauses = workdir / "clauses.jsonl"
    clauses.write_text('{"doc_id": "d", "text": "Recalling its resolution 70/1,"}\n'
                       '{"doc_id": "d", "text": "1. Decides to act;"}\n', encoding="utf-8")
    done = annotate(clauses, workdir / "annotated.jsonl")
    assert done.written == 2 and "clause-type v1" in done.models and "action-phrase v1" in done.models


@pytest.mark.slow
def test_runs_and_champion_through_a_tracking_server(tmp_path: Path, tiny_dataset: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     restore_mlflow_uris: None) -> None:
    workdir = tmp_path / "server"
    workdir.mkdir()
    with mlflow_server(workdir, f"sqlite:///{workdir / 'srv.db'}") as uri:
        _run_through_server(uri, workdir, tmp_path, tiny_dataset, monkeypatch)
    assert not (tmp_path / "mlruns").exists(), "artifacts leaked into ./mlruns"


def test_unreachable_server_fails_fast_with_the_fix(monkeypatch: pytest.MonkeyPatch,
                                                   restore_mlflow_uris: None) -> None:
    uri = f"http://127.0.0.1:{free_port()}"  # closed: nothing listens there
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    start = time.monotonic()
    with pytest.raises(TrackingError) as info:
        setup("unreachable")
    assert time.monotonic() - start < 10
    message = str(info.value)
    assert uri in message
    assert "unreachable" in message
    assert "MLFLOW_TRACKING_URI" in message and "mlflow server" in message


# ----------------------------------------------------------------------------- down or sick

#: a server that fails must fail a command within this (MLflow's defaults took 252-300+ s)
BOUNDED_S = 90.0
ROOT = Path(__file__).resolve().parents[1]


class _SickHandler(http.server.BaseHTTPRequestHandler):
    """Passes the health check, answers every API call 503 (a server whose database is down)."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        ok = self.path.split("?")[0].rstrip("/") == "/health"
        body = b"OK" if ok else b"Service Unavailable"
        self.send_response(200 if ok else 503)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
        self.server.requests += 1  # type: ignore[attr-defined]


@pytest.fixture()
def sick_server() -> Iterator[str]:
    with http_server(_SickHandler) as server:
        server.requests = 0  # type: ignore[attr-defined]
        yield f"http://127.0.0.1:{server.server_address[1]}"
    assert server.requests > 0, "the command never asked the server"  # type: ignore[attr-defined]


def _cli(args: list[str], uri: str, cwd: Path) -> tuple[subprocess.CompletedProcess, float]:
    env = {**os.environ, "COLUMNS": "200", "MLFLOW_TRACKING_URI": uri}
    for name in ("MLFLOW_REGISTRY_URI", "MLFLOW_HTTP_REQUEST_MAX_RETRIES", "MLFLOW_HTTP_REQUEST_TIMEOUT"):
        env.pop(name, None)  # the project's own bounds, not a caller's
    start = time.monotonic()
    res = subprocess.run([sys.executable, "-m", "pipelines.cli.main", *args], cwd=cwd, env=env,
                         capture_output=True, text=True, timeout=BOUNDED_S + 60)
    return res, time.monotonic() - start


def _commands(tmp_path: Path, dataset: Path) -> dict[str, list[str]]:
    clauses = tmp_path / "in.jsonl"
    clauses.write_text('{"doc_id": "d", "text": "1. Decides to act;"}\n', encoding="utf-8")
    return {"run": ["run", "model=rules", f"data.path={dataset}"],
            "annotate": ["annotate", str(clauses), "-o", str(tmp_path / "out.jsonl")]}


@pytest.mark.slow  # the CLI in a fresh interpreter, waiting out its retries
@pytest.mark.parametrize("command", ["run", "annotate"])
def test_a_server_answering_503_fails_clearly_in_bounded_time(
        command: str, sick_server: str, tmp_path: Path, tiny_dataset: Path) -> None:
    res, seconds = _cli(_commands(tmp_path, tiny_dataset)[command], sick_server, ROOT)
    message = " ".join(res.stderr.split())
    assert res.returncode == 2, res.stderr[-3000:]
    assert "Traceback" not in res.stderr
    assert f"the MLflow tracking server {sick_server} failed" in message
    assert "503" in message and "MLFLOW_HTTP_REQUEST_MAX_RETRIES" in message
    assert "not found" not in message  # a sick server is not a missing model
    assert seconds < BOUNDED_S, f"{command} took {seconds:.0f} s against a 503 server"
    assert not (tmp_path / "out.jsonl").exists()


@pytest.mark.slow  # the CLI in a fresh interpreter
@pytest.mark.parametrize("command", ["run", "annotate"])
def test_a_server_that_is_down_fails_at_once(command: str, tmp_path: Path,
                                             tiny_dataset: Path) -> None:
    uri = f"http://127.0.0.1:{free_port()}"  # closed: nothing listens there
    res, seconds = _cli(_commands(tmp_path, tiny_dataset)[command], uri, ROOT)
    assert res.returncode == 2
    assert "Traceback" not in res.stderr
    assert "unreachable" in res.stderr and "MLFLOW_TRACKING_URI" in res.stderr
    assert seconds < 30


# ----------------------------------------------------------------------------- PostgreSQL


def _missing(reason: str) -> None:
    """Skip on a developer's machine; fail in CI, where `make system-deps` installs PostgreSQL
    and the lock pins psycopg2-binary, so the round trip must run there, never skip."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: CI must run the PostgreSQL round trip")
    pytest.skip(reason)


def _postgres_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    return str(candidates[-1]) if candidates else None


def _pg_user() -> str | None:
    """The account to run PostgreSQL as: ourselves, or ``postgres`` when we are root."""
    if os.geteuid() != 0:
        return None
    import pwd

    try:
        return pwd.getpwnam("postgres").pw_name
    except KeyError:
        _missing("running as root and there is no 'postgres' account to run the server as")
        return None


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """A throwaway PostgreSQL cluster on a free loopback port; yields a SQLAlchemy URI."""
    initdb, postgres = _postgres_bin("initdb"), _postgres_bin("postgres")
    if not (initdb and postgres):
        _missing("PostgreSQL server binaries not installed (make system-deps, or apt-get install "
                 "postgresql)")
    try:
        import psycopg2
    except ImportError:
        _missing("psycopg2 not installed (pip install psycopg2-binary, as pinned in the lock)")

    user = _pg_user()
    root = Path(tempfile.mkdtemp(prefix="unclause-pg-"))
    data, sockets = root / "data", root / "run"
    sockets.mkdir()
    if user:
        import pwd

        entry = pwd.getpwnam(user)
        for path in (root, sockets):
            os.chown(path, entry.pw_uid, entry.pw_gid)
    port = free_port()
    proc: subprocess.Popen[bytes] | None = None
    try:
        subprocess.run([initdb, "-D", str(data), "-U", "unclause", "--auth=trust", "-E", "UTF8",
                        "--no-sync"], check=True, capture_output=True, user=user, cwd=root,
                       timeout=120)
        with (root / "postgres.log").open("wb") as log:
            proc = subprocess.Popen(
                [postgres, "-D", str(data), "-p", str(port), "-k", str(sockets),
                 "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"],
                stdout=log, stderr=subprocess.STDOUT, user=user, cwd=root, start_new_session=True)
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = psycopg2.connect(host="127.0.0.1", port=port, user="unclause", dbname="postgres")
                break
            except psycopg2.OperationalError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"PostgreSQL did not start:\n{tail(root / 'postgres.log')}"
                                         ) from None
                time.sleep(0.3)
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("CREATE DATABASE mlflow")
        conn.close()
        yield f"postgresql+psycopg2://unclause@127.0.0.1:{port}/mlflow"
    finally:
        if proc is not None:
            stop_group(proc, signal.SIGINT)  # fast shutdown
            assert proc.returncode is not None
        shutil.rmtree(root, ignore_errors=True)


@pytest.mark.slow
def test_tracking_server_on_postgresql(tmp_path: Path, tiny_dataset: Path,
                                       monkeypatch: pytest.MonkeyPatch,
                                       restore_mlflow_uris: None) -> None:
    workdir = tmp_path / "server"
    workdir.mkdir()
    with postgres_server() as backend, mlflow_server(workdir, backend) as uri:
        _run_through_server(uri, workdir, tmp_path, tiny_dataset, monkeypatch)
