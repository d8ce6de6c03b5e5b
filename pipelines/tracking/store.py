"""The MLflow store: where tracking and registry point, and experiments with explicit artifact
locations.

The embedded default store is ``sqlite:///experiments/mlflow.db`` (relative to the working
directory, which ``make`` sets to the project root); ``MLFLOW_TRACKING_URI`` points the same
commands at a shared server. :func:`connect` only checks and returns the store URI (readers such as
annotate and evaluate must not create an empty one); :func:`setup` points MLflow at it and
creates the experiment.
"""

from __future__ import annotations

import logging
import os
import urllib.error
import urllib.request
from pathlib import Path

from pipelines.errors import TrackingError

log = logging.getLogger(__name__)

DEFAULT_URI = "sqlite:///experiments/mlflow.db"
ARTIFACT_ROOT = Path("experiments/artifacts")


def quiet_env() -> None:
    """No telemetry and no usage stats, whatever the caller forgot to set."""
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    os.environ.setdefault("DO_NOT_TRACK", "true")
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")


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
    db = sqlite_path(uri)
    if db is not None:
        db.parent.mkdir(parents=True, exist_ok=True)
    try:
        found = mlflow.get_experiment_by_name(experiment)
        if found is not None:
            mlflow.set_experiment(experiment_id=found.experiment_id)
            return found.experiment_id
        location = None
        if not uri.startswith(("http://", "https://")):
            location = (ARTIFACT_ROOT / experiment).resolve().as_uri()
        exp_id = mlflow.create_experiment(experiment, artifact_location=location)
        mlflow.set_experiment(experiment_id=exp_id)
        return exp_id
    except TrackingError:
        raise
    except Exception as exc:  # MlflowException, sqlalchemy errors…
        raise TrackingError(f"cannot use the MLflow tracking store {uri} ({exc})",
                            "check MLFLOW_TRACKING_URI, or remove a corrupt experiments/mlflow.db"
                            ) from None
