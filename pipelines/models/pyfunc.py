"""The MLflow pyfunc wrapper every family is logged with, so one loader serves them all.

pyfunc hands ``predict`` a pandas DataFrame; ours needs a ``text`` column and takes
``doc_id`` and ``para_id`` when present (clauses in document order). Missing ``doc_id`` means
all rows are one document; missing ``para_id`` means the row order is the document order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mlflow
import pandas as pd

from pipelines.config import FAMILIES
from pipelines.errors import InputError
from pipelines.models.base import ClauseModel, load_model

MODEL_ARTIFACT = "unclause_model"


def prepare_input(frame: pd.DataFrame) -> pd.DataFrame:
    """Validate and complete the columns a ClauseModel needs."""
    if not isinstance(frame, pd.DataFrame):
        frame = pd.DataFrame(frame)
    if "text" not in frame.columns:
        raise InputError("model input", "no 'text' column",
                         "send rows like {\"doc_id\": …, \"para_id\": …, \"text\": …}")
    out = frame.copy()
    # plain Python strings (object dtype), not pandas' Arrow-backed "str": the models iterate
    # over the texts several times, and Arrow strings are rebuilt as Python objects each time
    out["text"] = pd.Series([t if isinstance(t, str) else "" if t is None or t != t else str(t)
                             for t in out["text"].tolist()], index=out.index, dtype=object)
    if "doc_id" not in out.columns:
        out["doc_id"] = "doc"
    out["doc_id"] = out["doc_id"].astype(str)
    if "para_id" not in out.columns:
        out["para_id"] = out.groupby("doc_id", sort=False).cumcount()
    return out


class ClausePyfunc(mlflow.pyfunc.PythonModel):
    """pyfunc around a saved ClauseModel folder (logged as the ``unclause_model`` artifact)."""

    def __init__(self) -> None:
        self.model: ClauseModel | None = None

    def load_context(self, context: Any) -> None:
        self.model = load_model(Path(context.artifacts[MODEL_ARTIFACT]))

    def predict(self, context: Any, model_input: pd.DataFrame,
                params: dict[str, Any] | None = None) -> pd.DataFrame:
        assert self.model is not None, "load_context was not called"
        frame = prepare_input(model_input)
        out = self.model.predict(frame)
        return out.reset_index(drop=True)


def pip_requirements(family: str) -> list[str]:
    """Explicit requirements (MLflow's inference is slow and may add torch to sklearn models)."""
    from importlib.metadata import version

    names = ["mlflow", "pandas", "pyarrow", "scikit-learn", "skops", "pydantic", "pyyaml", "omegaconf",
             "lxml", *FAMILIES[family].requirements]
    reqs = []
    for name in names:
        try:
            reqs.append(f"{name}=={version(name).split('+')[0]}")
        except Exception:  # noqa: BLE001 - an optional package that is not installed
            reqs.append(name)
    return reqs
