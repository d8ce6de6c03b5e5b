"""The MLflow store: where tracking and registry point, and experiments with explicit artifact
locations.

The embedded default store is ``sqlite:///experiments/mlflow.db`` (relative to the working
directory, which ``make`` sets to the project root); ``MLFLOW_TRACKING_URI`` points the same
commands at a shared server. :func:`connect` only checks and returns the store URI (readers such as
annotate and evaluate must not create an empty one); :func:`setup` points MLflow at it and
creates the experiment.

Every call to a tracking server is bounded (:data:`HTTP_BOUNDS`: a timeout per request and a
few retries with backoff, instead of MLflow's 7 retries and 120 s timeouts that let a sick
server hold a command for minutes), and its final failure becomes one :class:`TrackingError`
(:func:`as_tracking_error`). A brand-new sqlite store is created under a file lock, so two
commands starting at once cannot race its schema migration. sqlite is for one user; a team
shares an MLflow server (on PostgreSQL), which handles concurrent writers itself.
"""

from __future__ import annotations

import contextlib
import logging
import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from pipelines.errors import TrackingError

log = logging.getLogger(__name__)

DEFAULT_URI = "sqlite:///experiments/mlflow.db"
ARTIFACT_ROOT = Path("experiments/artifacts")
#: MLflow's HTTP client settings (its own environment variables; a value already set wins):
#: 4 tries of at most 20 s each, 0 + 2 + 4 s apart, so a server that answers 503 fails a
#: call in about 10 s, and one that never answers in under 2 minutes.
HTTP_BOUNDS = {
    "MLFLOW_HTTP_REQUEST_TIMEOUT": "20",
    "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "3",
    "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "1",
    "MLFLOW_HTTP_REQUEST_BACKOFF_JITTER": "0.5",
}
SERVER_HINT = ("the server answers but its API fails: check the server's log (its database or "
               "artifact store may be down); calls are retried {retries} times with backoff, "
               "{timeout} s each (MLFLOW_HTTP_REQUEST_MAX_RETRIES, MLFLOW_HTTP_REQUEST_TIMEOUT)")


def quiet_env() -> None:
    """No telemetry and no usage stats, whatever the caller forgot to set; bounded HTTP calls."""
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    os.environ.setdefault("DO_NOT_TRACK", "true")
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    for name, value in HTTP_BOUNDS.items():
        os.environ.setdefault(name, value)


def is_server_failure(exc: BaseException) -> bool:
    """True for an MLflow call that failed in transport: refused, timed out, or 5xx after its
    retries (MLflow wraps them all as "API request to … failed …")."""
    import requests

    if isinstance(exc, requests.RequestException):
        return True
    text = str(exc)
    return "API request to" in text and "failed" in text


def as_tracking_error(exc: BaseException, uri: str | None = None) -> TrackingError | None:
    """One clear TrackingError for a failed server call, or ``None`` when ``exc`` is another
    kind of error (a missing model, a bad argument…), which callers report as before."""
    if isinstance(exc, TrackingError):
        return exc
    if not is_server_failure(exc):
        return None
    uri = uri or tracking_uri()
    text = " ".join(str(getattr(exc, "message", exc)).split())
    reason = text[:300] + ("…" if len(text) > 300 else "")
    return TrackingError(f"the MLflow tracking server {uri} failed: {reason}",
                         SERVER_HINT.format(retries=os.environ.get(
                             "MLFLOW_HTTP_REQUEST_MAX_RETRIES", "?"), timeout=os.environ.get(
                             "MLFLOW_HTTP_REQUEST_TIMEOUT", "?")))


@contextlib.contextmanager
def init_lock(uri: str) -> Iterator[None]:
    """An exclusive lock on ``DB.lock`` beside a sqlite store while it is created or migrated
    (other stores: nothing to lock). Held only for the store's first use in a command."""
    db = sqlite_path(uri)
    if db is None:
        yield
        return
    import fcntl

    db.parent.mkdir(parents=True, exist_ok=True)
    with open(db.with_name(db.name + ".lock"), "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def quiet_mlflow_logs() -> None:
    """MLflow configures its own loggers on import; keep them to errors unless debugging."""
    if not logging.getLogger("pipelines").isEnabledFor(logging.DEBUG):
        for name in ("mlflow", "alembic"):
            logging.getLogger(name).setLevel(logging.ERROR)


def tracking_uri() -> str:
    """``MLFLOW_TRACKING_URI`` if set, else the embedded sqlite store."""
    return os.environ.get("MLFLOW_TRACKING_URI") or DEFAULT_URI


def sqlite_path(uri: str) -> Path | None:
    """The database file of a ``sqlite:///`` store URI, else None."""
    return Path(uri.removeprefix("sqlite:///")) if uri.startswith("sqlite:///") else None


def check_reachable(uri: str, timeout: float = 5.0) -> None:
    """Fail fast, with one clear message, when a remote tracking server does not answer."""
    if not uri.startswith(("http://", "https://")):
        return
    try:
        with urllib.request.urlopen(uri.rstrip("/") + "/health", timeout=timeout) as resp:
            if resp.status >= 500:
                raise TrackingError(f"MLflow tracking server {uri} answered HTTP {resp.status}",
                                    "check the server's logs")
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise TrackingError(
            f"MLflow tracking server {uri} is unreachable ({reason})",
            "start it (mlflow server …) or unset MLFLOW_TRACKING_URI to use the embedded "
            f"store {DEFAULT_URI}") from None


def use_store(uri: str) -> None:
    """Point both tracking and registry at ``uri`` (MLflow keeps them as separate globals, and a
    registry URI left over from an earlier store would silently register models elsewhere)."""
    import mlflow

    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)


def connect() -> str:
    """The store URI (``MLFLOW_TRACKING_URI`` or the embedded store), creating nothing and not
    importing MLflow (readers point it at the store with :func:`use_store` when they need it).
    Raises ``TrackingError`` at once when a remote server does not answer."""
    quiet_env()
    uri = tracking_uri()
    check_reachable(uri)
    return uri


def setup(experiment: str = "unclause") -> str:
    """Point MLflow at the store, creating it and the experiment if needed; return its id."""
    uri = connect()  # quiets the environment before MLflow is first imported
    use_store(uri)
    import mlflow

    quiet_mlflow_logs()
    try:
        with init_lock(uri):  # two commands on a new sqlite store: one migrates, one waits
            if sqlite_path(uri) is not None:
                from mlflow import MlflowClient

                MlflowClient().search_registered_models(max_results=1)  # the registry's tables
            exp_id = _get_or_create_experiment(experiment, uri)
        mlflow.set_experiment(experiment_id=exp_id)
        return exp_id
    except TrackingError:
        raise
    except Exception as exc:  # MlflowException, sqlalchemy errors…
        server = as_tracking_error(exc, uri)
        if server is not None:
            raise server from None
        raise TrackingError(f"cannot use the MLflow tracking store {uri} ({exc})",
                            "check MLFLOW_TRACKING_URI, or remove a corrupt experiments/mlflow.db"
                            ) from None


def _get_or_create_experiment(experiment: str, uri: str) -> str:
    """The experiment's id, creating it if needed (another process may create it first)."""
    import mlflow
    from mlflow.exceptions import MlflowException

    found = mlflow.get_experiment_by_name(experiment)
    if found is not None:
        return str(found.experiment_id)
    location = None
    if not uri.startswith(("http://", "https://")):
        location = (ARTIFACT_ROOT / experiment).resolve().as_uri()
    try:
        return str(mlflow.create_experiment(experiment, artifact_location=location))
    except MlflowException as exc:
        if exc.error_code != "RESOURCE_ALREADY_EXISTS":
            raise
        found = mlflow.get_experiment_by_name(experiment)  # a concurrent writer won the race
        if found is None:
            raise
        return str(found.experiment_id)
