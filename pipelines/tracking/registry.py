"""The model registry: loading a logged model by URI with errors that name the missing piece,
and the ``champion`` alias that registration moves only to a better model.

Annotation and evaluation load models through :func:`load_model`; training registers them with
:func:`register_if_better`.

Trust boundary. A logged MLflow model is code: ``mlflow.pyfunc.load_model`` (serving, Spark)
runs the ``pipelines`` copy stored with it. :func:`load_model` therefore first looks for the
model's saved state (the ``unclause_model`` artifact: JSON, ``.npy`` arrays, a crfsuite file, a
skops file with an explicit type list) and reads it with *this* installation's code, without
MLflow and without running anything stored with the model; a registry URI on the embedded
sqlite store is resolved by reading the database directly. Only other URIs (``runs:/``, a
tracking server) go through MLflow.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from pipelines.errors import TrackingError, UnclauseError
from pipelines.tracking.store import as_tracking_error, sqlite_path, use_store

log = logging.getLogger(__name__)

CHAMPION = "champion"
#: metrics this close count as equal (a tie keeps the current champion)
TIE_TOLERANCE = 1e-9
REGISTER_HINT = ("run `make run` to train and register the champions (or `unclause run "
                 "configs/experiment/NAME.yaml --register`), or pass --model / --phrase-model")
#: the output column that tells each task's models apart
TASK_COLUMNS = {"clause-type": "type", "action-phrase": "action_phrase"}


@dataclass
class LoadedModel:
    """A loaded pyfunc and where it came from (registry name/version, logged model id)."""

    uri: str
    task: str | None
    pyfunc: Any
    name: str | None = None
    version: str | None = None
    run_id: str | None = None
    model_id: str | None = None

    @property
    def label(self) -> str:
        """``clause-type v3`` for registry models, else the URI."""
        return f"{self.name} v{self.version}" if self.name and self.version else self.uri

    def identity(self) -> dict[str, Any]:
        """What must not change between an interrupted run and its resumption."""
        return {"uri": self.uri, "version": self.version, "model_id": self.model_id}

    def predict(self, frame: Any) -> Any:
        return self.pyfunc.predict(frame)


def available_models(client: Any) -> str:
    """``clause-type (@champion → v2), action-phrase (v1)`` or a sentence saying none."""
    try:
        found = client.search_registered_models()
    except Exception:  # a listing is a courtesy; never hide the real error behind it
        return "the registry could not be listed"
    if not found:
        return "the registry has no models yet"
    parts = []
    for rm in sorted(found, key=lambda m: m.name):
        aliases = ", ".join(f"@{a} → v{v}" for a, v in sorted((rm.aliases or {}).items()))
        parts.append(f"{rm.name} ({aliases})" if aliases else rm.name)
    return "registered models: " + ", ".join(parts)


def registry_version(uri: str, store: str) -> Any | None:
    """The ModelVersion behind ``models:/NAME@ALIAS`` or ``models:/NAME/VERSION``; errors name
    the missing piece and list what the registry holds."""
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    rest = uri.removeprefix("models:/")
    alias: str | None = None
    version = ""
    if "@" in rest:
        name, alias = rest.split("@", 1)
    elif "/" in rest:
        name, version = rest.rsplit("/", 1)
    else:
        return None  # models:/<logged model id>: the loader resolves it
    client = MlflowClient()
    try:
        client.get_registered_model(name)
    except Exception as exc:
        if (server := as_tracking_error(exc, store)) is not None:
            raise server from None  # a sick server is not a missing model
        if isinstance(exc, MlflowException):
            raise UnclauseError(f"model {uri} not found: no registered model '{name}' in {store}",
                                f"{REGISTER_HINT}; {available_models(client)}") from None
        raise TrackingError(f"cannot query the model registry at {store} ({exc})",
                            "check MLFLOW_TRACKING_URI") from None
    try:
        if alias is not None:
            return client.get_model_version_by_alias(name, alias)
        if version is None or version == "latest":
            return None
        return client.get_model_version(name, version)
    except MlflowException as exc:
        if (server := as_tracking_error(exc, store)) is not None:
            raise server from None
        versions = sorted((int(v.version) for v in client.search_model_versions(
            f"name='{name}'")), reverse=True)
        what = f"alias @{alias}" if alias is not None else f"version {version}"
        raise UnclauseError(
            f"model {uri} not found: '{name}' has no {what} (versions: "
            f"{', '.join(map(str, versions)) or 'none'})",
            f"{REGISTER_HINT}, or pin a version: models:/{name}/<version>") from None


@dataclass
class SavedModel:
    """A logged model found on disk: its MLmodel folder and registry facts."""

    folder: Path
    name: str | None = None
    version: str | None = None


@dataclass
class LocalMetadata:
    """The part of a pyfunc's ``metadata`` that callers read."""

    run_id: str | None = None
    model_uuid: str | None = None


class LocalPredictor:
    """A saved unclause model behind the pyfunc interface (``predict(frame)``, ``metadata``)."""

    def __init__(self, folder: Path, metadata: LocalMetadata) -> None:
        from pipelines.models.base import load_model as load_saved

        self.model = load_saved(folder)
        self.metadata = metadata

    def predict(self, frame: Any) -> Any:
        from pipelines.models.inputs import prepare_input

        return self.model.predict(prepare_input(frame)).reset_index(drop=True)


def _file_path(location: str) -> Path | None:
    """The local path of a ``file://`` URI or a plain path, else None."""
    parsed = urlparse(location)
    if parsed.scheme == "file":
        return Path(unquote(parsed.path))
    return Path(location) if parsed.scheme == "" else None


def _registry_folder(db: Path, uri: str) -> SavedModel | None:
    """``models:/NAME@ALIAS`` or ``models:/NAME/VERSION`` looked up in the sqlite store itself."""
    rest = uri.removeprefix("models:/")
    try:
        con = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        try:
            if "@" in rest:
                name, alias = rest.split("@", 1)
                row = con.execute("SELECT version FROM registered_model_aliases "
                                  "WHERE name = ? AND alias = ?", (name, alias)).fetchone()
                version = str(row[0]) if row else None
            else:
                name, _, version = rest.rpartition("/")
            if not name or not version or not version.isdigit():
                return None
            row = con.execute("SELECT storage_location FROM model_versions WHERE name = ? AND "
                              "version = ? AND status = 'READY'", (name, int(version))).fetchone()
        finally:
            con.close()
    except sqlite3.Error:  # another schema or a locked file: MLflow's own path decides
        return None
    folder = _file_path(row[0]) if row and row[0] else None
    return SavedModel(folder, name, version) if folder is not None else None


def find_saved_model(uri: str, store: str) -> SavedModel | None:
    """Where ``uri`` lies on this disk when that can be known without MLflow, else None."""
    if uri.startswith("models:/"):
        db = sqlite_path(store)
        return _registry_folder(db, uri) if db is not None and db.exists() else None
    if "://" in uri or uri.startswith("runs:/"):
        return None
    return SavedModel(Path(uri))


def _state_folder(folder: Path) -> tuple[Path, dict[str, Any]] | None:
    """The ``unclause_model`` state folder inside a logged model folder, and its MLmodel."""
    import yaml

    from pipelines.models.base import META_FILE, MODEL_ARTIFACT

    if (folder / META_FILE).is_file():
        return folder, {}
    try:
        mlmodel = yaml.load((folder / "MLmodel").read_text(encoding="utf-8"),
                            Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        path = mlmodel["flavors"]["python_function"]["artifacts"][MODEL_ARTIFACT]["path"]
    except (OSError, yaml.YAMLError, KeyError, TypeError):
        return None
    state = folder / path
    return (state, mlmodel) if (state / META_FILE).is_file() else None


def _signature_outputs(mlmodel: dict[str, Any]) -> list[str] | None:
    outputs = (mlmodel.get("signature") or {}).get("outputs")
    return [col.get("name") for col in json.loads(outputs)] if outputs else None


def _check_task(uri: str, task: str | None, outputs: list[str] | None) -> None:
    """Refuse a model whose outputs belong to another task than ``task``."""
    if task is None or outputs is None or TASK_COLUMNS[task] in outputs:
        return
    other = next((t for t, c in TASK_COLUMNS.items() if c in outputs), "another")
    flag = "--model" if task == "clause-type" else "--phrase-model"
    raise UnclauseError(f"model {uri} is for the {other} task, not {task} (it outputs "
                        f"{', '.join(outputs)})", f"pass a {task} model to {flag}")


def load_model(uri: str, store: str, task: str | None = None) -> LoadedModel:
    """Load ``uri`` (``models:/NAME@ALIAS``, ``models:/NAME/VERSION``, ``runs:/ID/model`` or a
    folder) after checking that it exists in ``store``: its saved state read by this package
    when it is on disk (see the module docstring), else with ``mlflow.pyfunc.load_model``.

    With ``task``, a model whose signature outputs another task's column is refused.
    """
    found = find_saved_model(uri, store)
    state = _state_folder(found.folder) if found is not None else None
    if found is not None and state is not None:
        folder, mlmodel = state
        from pipelines.models.base import META_FILE

        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        outputs = _signature_outputs(mlmodel) or [TASK_COLUMNS.get(meta.get("task"), "?")]
        _check_task(uri, task, outputs)
        metadata = LocalMetadata(mlmodel.get("run_id"), mlmodel.get("model_uuid"))
        return LoadedModel(uri=uri, task=task, pyfunc=LocalPredictor(folder, metadata),
                           name=found.name, version=found.version, run_id=metadata.run_id,
                           model_id=metadata.model_uuid)
    return _load_with_mlflow(uri, store, task)


def _load_with_mlflow(uri: str, store: str, task: str | None) -> LoadedModel:
    """``load_model`` for URIs only MLflow can resolve (runs:/, a tracking server)."""
    import mlflow
    from mlflow import MlflowClient

    use_store(store)

    if uri.startswith(("models:/", "runs:/")):
        db = sqlite_path(store)
        if db is not None and not db.exists():
            raise UnclauseError(f"model {uri} not found: there is no MLflow store at {db}",
                                f"{REGISTER_HINT}, or set MLFLOW_TRACKING_URI to your store")
    version = registry_version(uri, store) if uri.startswith("models:/") else None
    try:
        pyfunc = mlflow.pyfunc.load_model(uri)
    except Exception as exc:  # MlflowException, OSError…: "no such model here", or a sick server
        if (server := as_tracking_error(exc, store)) is not None:
            raise server from None
        text = str(getattr(exc, "message", exc)).strip()
        reason = text.splitlines()[0][:300] if text else type(exc).__name__
        raise UnclauseError(f"cannot load model {uri} ({reason})",
                            f"{REGISTER_HINT}; {available_models(MlflowClient())}") from None
    meta = pyfunc.metadata
    signature = getattr(meta, "signature", None)
    outputs = signature.outputs.input_names() if signature and signature.outputs else None
    _check_task(uri, task, outputs)
    return LoadedModel(uri=uri, task=task, pyfunc=pyfunc,
                       name=getattr(version, "name", None),
                       version=str(version.version) if version is not None else None,
                       run_id=getattr(meta, "run_id", None),
                       model_id=getattr(meta, "model_uuid", None))


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
                       artifact_path: str = "model",
                       description: str | None = None) -> dict[str, Any]:
    """Register the run's model (with ``description``, the experiment's, on the version); move
    ``champion`` only if it beats the current one.

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
    if description:
        client.update_model_version(model_name, version.version, description=description)
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
