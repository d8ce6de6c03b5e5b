"""The MLflow pyfunc wrapper every family is logged with, so one loader serves them all.

pyfunc hands ``predict`` a pandas DataFrame, checked and completed by
:func:`pipelines.models.inputs.prepare_input` (a non-empty ``text`` in every row; ``doc_id``
and ``para_id`` optional, as the logged signature says). Bad input is an MLflow
``INVALID_PARAMETER_VALUE`` error, which a served model answers with HTTP 400 and our message.

Models are logged from code (:mod:`pipelines.models.pyfunc_code`) with a copy of the
``pipelines`` package: loading one runs no pickle and needs no checkout (see
:func:`log_clause_model`).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import mlflow.pyfunc
import pandas as pd
from mlflow.pyfunc.model import PythonModel

from pipelines.config import FAMILIES
from pipelines.errors import InputError
from pipelines.models.base import MODEL_ARTIFACT, ClauseModel, load_model
from pipelines.models.inputs import prepare_input

#: the models-from-code file MLflow executes at load time
CODE_FILE = Path(__file__).with_name("pyfunc_code.py")


class ClausePyfunc(PythonModel):
    """pyfunc around a saved ClauseModel folder (logged as the ``unclause_model`` artifact)."""

    def __init__(self) -> None:
        self.model: ClauseModel | None = None

    def load_context(self, context: Any) -> None:
        self.model = load_model(Path(context.artifacts[MODEL_ARTIFACT]))

    def predict(self, context: Any, model_input: pd.DataFrame,
                params: dict[str, Any] | None = None) -> pd.DataFrame:
        assert self.model is not None, "load_context was not called"
        try:
            frame = prepare_input(model_input)
        except InputError as exc:
            from mlflow.exceptions import MlflowException
            from mlflow.protos.databricks_pb2 import INVALID_PARAMETER_VALUE

            # a served model answers 400 with this message instead of a generic one
            raise MlflowException(str(exc), error_code=INVALID_PARAMETER_VALUE) from exc
        out = self.model.predict(frame)
        return out.reset_index(drop=True)


def input_signature(example: pd.DataFrame, output: pd.DataFrame) -> Any:
    """The logged signature: ``text`` required, ``doc_id`` and ``para_id`` optional."""
    from mlflow.models import ModelSignature, infer_signature
    from mlflow.types import ColSpec, Schema

    inputs = Schema([ColSpec("string", "doc_id", required=False),
                     ColSpec("long", "para_id", required=False),
                     ColSpec("string", "text")])
    return ModelSignature(inputs=inputs, outputs=infer_signature(example, output).outputs)


def _package_copy(dest: Path) -> Path:
    """A copy of the ``pipelines`` package (sources only) for the model's ``code/`` folder.

    Without compiled modules: one built here may not load where the model is served, and the
    package runs the same loops in Python without them (``sparse_scorer.COMPILED``)."""
    import pipelines

    src = Path(pipelines.__file__).parent
    target = dest / "pipelines"
    shutil.copytree(src, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.so"))
    return target


def log_clause_model(model: ClauseModel, saved: Path, example: pd.DataFrame,
                     name: str = "model", **kwargs: Any) -> Any:
    """Log ``model`` (already saved to ``saved``) as a self-contained models-from-code pyfunc.

    The logged model holds this package's source (``code/pipelines``), the code file and the
    saved state; no Python object is pickled. ``kwargs`` go to ``mlflow.pyfunc.log_model``.
    """
    signature = input_signature(example, model.predict(example).reset_index(drop=True))
    with tempfile.TemporaryDirectory() as tmp:
        package = _package_copy(Path(tmp))
        return mlflow.pyfunc.log_model(
            name=name, python_model=str(CODE_FILE), artifacts={MODEL_ARTIFACT: str(saved)},
            code_paths=[str(package)], signature=signature, input_example=example,
            pip_requirements=pip_requirements(model.family), **kwargs)


def pip_requirements(family: str) -> list[str]:
    """Explicit requirements (MLflow's inference is slow and may add torch to sklearn models)."""
    from importlib.metadata import version

    names = ["mlflow", "pandas", "pyarrow", "numpy", "scipy", "scikit-learn", "skops", "pydantic",
             "pyyaml", "omegaconf", "lxml", *FAMILIES[family].requirements]
    reqs = []
    for name in names:
        try:
            reqs.append(f"{name}=={version(name).split('+')[0]}")
        except Exception:  # noqa: BLE001 - an optional package that is not installed
            reqs.append(name)
    return reqs
