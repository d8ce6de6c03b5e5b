"""MLflow plumbing: the tracking store, experiments with explicit artifact locations, git and
dataset lineage, and the model registry with its ``champion`` alias.

The embedded default store is ``sqlite:///experiments/mlflow.db`` (relative to the working
directory, which ``make`` sets to the project root); ``MLFLOW_TRACKING_URI`` points the same
commands at a shared server.
"""

from __future__ import annotations

import logging
import os
import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from pipelines.errors import TrackingError

log = logging.getLogger(__name__)

DEFAULT_URI = "sqlite:///experiments/mlflow.db"
ARTIFACT_ROOT = Path("experiments/artifacts")
CHAMPION = "champion"
#: metrics this close count as equal (a tie keeps the current champion)
TIE_TOLERANCE = 1e-9


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


def setup(experiment: str = "unclause") -> str:
    """Point MLflow at the store, create the experiment if needed; return its id."""
    quiet_env()
    import mlflow

    quiet_mlflow_logs()
    uri = tracking_uri()
    check_reachable(uri)
    if uri.startswith("sqlite:///"):
        db = Path(uri.removeprefix("sqlite:///"))
        db.parent.mkdir(parents=True, exist_ok=True)
    use_store(uri)
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


def git_commit() -> str | None:
    """The current commit (with ``-dirty`` if the work tree has changes), or None."""
    root = Path(__file__).resolve().parents[1]
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True,
                             text=True, timeout=5, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=root, capture_output=True, text=True, timeout=5).stdout.strip()
        return f"{sha}-dirty" if dirty else sha
    except (OSError, subprocess.SubprocessError):
        return None


def log_dataset(frame: Any, name: str, digest: str, source: str, context: str) -> None:
    """Record a table as an MLflow dataset input of the active run (lineage)."""
    import mlflow

    cols = [c for c in ("doc_id", "para_id", "body", "session", "text", "type",
                        "action_phrase", "action_lemma", "split") if c in frame.columns]
    table = frame[cols]
    ds = mlflow.data.from_pandas(table, source=source, name=name, digest=digest)
    # MLflow infers the schema by scanning every value (≈ 5.6 s for the 93k-row train split);
    # the column types show in a sample, so infer from the first rows plus one row with a
    # missing value per column (which makes that column optional), and seed the cached value
    ds.__dict__["schema"] = _sample_schema(table)
    mlflow.log_input(ds, context=context)


def _sample_schema(table: Any, rows: int = 1000) -> Any:
    """The MLflow schema of ``table`` inferred from a sample that keeps its missing values."""
    import warnings

    from mlflow.models import infer_signature

    picks = set(range(min(len(table), rows)))
    for col in table.columns:
        missing = table[col].isna().to_numpy().nonzero()[0]
        if len(missing):
            picks.add(int(missing[0]))
    try:
        with warnings.catch_warnings():  # its hint on integer columns is about model inputs
            warnings.simplefilter("ignore", UserWarning)
            return infer_signature(table.iloc[sorted(picks)]).inputs
    except Exception:  # noqa: BLE001 - MLflow then infers it itself, as before
        return None


# ----------------------------------------------------------------------------- registry


def champion_version(model_name: str) -> Any | None:
    """The registry version holding the ``champion`` alias, or None."""
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    client = MlflowClient()
    try:
        return client.get_model_version_by_alias(model_name, CHAMPION)
    except MlflowException:
        return None


def register_if_better(run_id: str, model_name: str, metric: str, value: float,
                       artifact_path: str = "model") -> dict[str, Any]:
    """Register the run's model; move ``champion`` only if it beats the current one.

    The comparison uses the validation metric each version carries as a tag. Ties keep the
    current champion. Returns what happened, for logging.
    """
    import mlflow
    from mlflow import MlflowClient

    client = MlflowClient()
    current = champion_version(model_name)
    current_value: float | None = None
    if current is not None:
        tag = (current.tags or {}).get(f"val.{metric}")
        current_value = float(tag) if tag is not None else None
    version = mlflow.register_model(f"runs:/{run_id}/{artifact_path}", model_name)
    client.set_model_version_tag(model_name, version.version, f"val.{metric}", repr(float(value)))
    client.set_model_version_tag(model_name, version.version, "run_id", run_id)
    tie = current_value is not None and abs(value - current_value) <= TIE_TOLERANCE
    promoted = current_value is None or (value > current_value and not tie)
    if promoted:
        client.set_registered_model_alias(model_name, CHAMPION, version.version)
    outcome = {
        "model_name": model_name, "version": int(version.version), "metric": metric,
        "value": value, "previous_champion": int(current.version) if current else None,
        "previous_value": current_value, "promoted": promoted,
        "tie": tie,
    }
    log.info("registry: %s", outcome)
    return outcome
