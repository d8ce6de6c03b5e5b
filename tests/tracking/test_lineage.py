"""Dataset lineage: logging the same dataset from concurrent runs."""

from __future__ import annotations

import mlflow
import pandas as pd
import pytest
from mlflow.exceptions import MlflowException

from pipelines.tracking.lineage import log_dataset

TABLE = pd.DataFrame({"doc_id": ["d"], "para_id": [0], "text": ["Decides to act;"]})


def _failing_once(message: str, calls: list[str]):  # noqa: ANN202 - a stand-in for log_input
    def log_input(dataset, context=None):  # noqa: ANN001, ANN202
        calls.append(context)
        if len(calls) == 1:
            raise MlflowException(message)
    return log_input


@pytest.mark.parametrize("message", [
    "BAD_REQUEST: (sqlite3.IntegrityError) UNIQUE constraint failed: datasets.experiment_id",
    "(psycopg2.errors.UniqueViolation) duplicate key value violates unique constraint",
])
def test_a_dataset_inserted_meanwhile_by_another_run_is_linked(
        message: str, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(mlflow, "log_input", _failing_once(message, calls))
    ds = log_dataset(TABLE, "clauses-train", "abc", "data/processed", "train")
    assert calls == ["train", "train"] and ds.digest == "abc"


def test_other_store_errors_are_not_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(mlflow, "log_input", _failing_once("RESOURCE_DOES_NOT_EXIST: run", calls))
    with pytest.raises(MlflowException, match="RESOURCE_DOES_NOT_EXIST"):
        log_dataset(TABLE, "clauses-train", "abc", "data/processed", "train")
    assert calls == ["train"]
