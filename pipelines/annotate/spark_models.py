"""The two annotation models on Spark executors: shipped by the driver, loaded once per worker.

The driver resolves each model URI (``models:/NAME@ALIAS``, ``runs:/…``, a folder) to its logged
folder — found on disk for the sqlite store, else downloaded by MLflow — zips it and adds it to
the job with ``SparkContext.addFile``. Executors fetch the zip (``SparkFiles``), unpack it into a
private temporary folder and load it with :func:`pipelines.tracking.registry.load_model`, which
reads the saved state as data (no pickle). Python workers are reused between tasks, so each
worker loads the pair once. On a cluster (a master that is not ``local[N]``) the driver's own
``pipelines`` package also goes out with ``addPyFile``: executors run the very code the driver
planned the job with (a model logged by an older version carries an older ``code/`` copy, which
may lack this engine), and need only the models' third-party requirements, no checkout.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.errors import UnclauseError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from pipelines.annotate.merge import Models
    from pipelines.tracking.registry import LoadedModel

log = logging.getLogger(__name__)

#: Per Python worker: loaded model pairs by their archive names.
_LOADED: dict[tuple[str, str], Models] = {}


@dataclass(frozen=True)
class Shipped:
    """The archive names (in ``SparkFiles``) of the clause-type and action-phrase models."""

    type: str
    phrase: str


def model_folder(model: LoadedModel, dest: Path) -> Path:
    """The logged folder of a loaded model: on this disk if the store says where, else
    downloaded from the tracking server into ``dest``."""
    from pipelines.tracking.registry import find_saved_model
    from pipelines.tracking.store import tracking_uri

    found = find_saved_model(model.uri, tracking_uri())
    if found is not None and found.folder.is_dir():
        return found.folder
    import mlflow

    try:
        return Path(mlflow.artifacts.download_artifacts(artifact_uri=model.uri, dst_path=str(dest)))
    except Exception as exc:  # MlflowException, OSError
        raise UnclauseError(f"cannot fetch model {model.uri} to ship it to Spark ({exc})",
                            "check MLFLOW_TRACKING_URI and the artifact store") from None


def _zip_folder(folder: Path, target: Path, inside: str = "") -> Path:
    """``folder``'s files in a zip, under ``inside/`` (deterministic member order)."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                zf.write(path, str(Path(inside) / path.relative_to(folder)))
    return target


def _digest(folder: Path) -> str:
    h = hashlib.sha256(str(folder.resolve()).encode())
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(f"{path.relative_to(folder)}:{path.stat().st_size}:{path.stat().st_mtime_ns}"
                     .encode())
    return h.hexdigest()[:12]


def ship_models(spark: SparkSession, models: Models) -> Shipped:
    """Add both models to the Spark job; on a cluster also their ``code/`` package."""
    sc = spark.sparkContext
    work = Path(tempfile.mkdtemp(prefix="unclause-ship-"))
    atexit.register(shutil.rmtree, work, True)
    names = []
    for task, model in (("clause-type", models.type), ("action-phrase", models.phrase)):
        folder = model_folder(model, work / task)
        archive = _zip_folder(folder, work / f"unclause-{task}-{_digest(folder)}.zip")
        sc.addFile(str(archive))
        names.append(archive.name)
        log.debug("shipping %s (%s, %.1f MB) to the executors", model.label, folder,
                 archive.stat().st_size / 1e6)
    if not is_local_master(sc.master or ""):  # pyspark types master as optional; it is set
        import pipelines

        package = Path(pipelines.__file__).parent
        sc.addPyFile(str(_zip_folder(package, work / "unclause-code.zip", "pipelines")))
        log.debug("shipping the driver's package (%s) as a Python path entry", package)
    return Shipped(type=names[0], phrase=names[1])


def is_local_master(master: str) -> bool:
    """``local`` or ``local[N]``: workers share the driver's interpreter and path (not
    ``local-cluster``, whose executors start like a cluster's)."""
    return master == "local" or master.startswith("local[")


def executor_models(type_archive: str, phrase_archive: str) -> Models:
    """The model pair in this Python worker, unpacked and loaded on first use."""
    key = (type_archive, phrase_archive)
    if key not in _LOADED:
        from pyspark import SparkFiles

        from pipelines.annotate.merge import Models
        from pipelines.tracking.registry import load_model

        root = Path(tempfile.mkdtemp(prefix="unclause-models-"))
        atexit.register(shutil.rmtree, root, True)
        loaded = []
        for task, name in (("clause-type", type_archive), ("action-phrase", phrase_archive)):
            folder = root / task
            with zipfile.ZipFile(SparkFiles.get(name)) as zf:
                zf.extractall(folder)
            loaded.append(load_model(str(folder), "", task))
        _LOADED[key] = Models(type=loaded[0], phrase=loaded[1])
    return _LOADED[key]
