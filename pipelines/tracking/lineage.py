"""Lineage of a run: the git commit of the code and the datasets it read, as MLflow records;
and the record of a dataset build."""

from __future__ import annotations

import logging
import re
import subprocess
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipelines.data.dataset import BuildResult

log = logging.getLogger(__name__)

#: the clause-table columns recorded in a dataset input, when present
DATASET_COLUMNS: tuple[str, ...] = ("doc_id", "para_id", "body", "session", "text", "type",
                                    "action_phrase", "action_lemma", "split")


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


def git_tags() -> dict[str, str]:
    """Run tags naming the code's commit: MLflow's standard ``mlflow.source.git.commit`` (the
    plain sha, shown in the UI) and ``git_commit`` (``-dirty`` when the work tree has changes)."""
    commit = git_commit()
    if not commit:
        return {}
    return {"git_commit": commit, "mlflow.source.git.commit": commit.removesuffix("-dirty")}


def log_dataset(frame: Any, name: str, digest: str, source: str, context: str) -> Any:
    """Record a table as an MLflow dataset input of the active run (lineage); return the
    dataset, to link metrics to it.

    ``digest`` is :func:`pipelines.data.dataset.dataset_digest` of ``frame`` itself wherever
    a ``clauses-*`` table is logged (the build and every run), so one split with the same
    content shows as one dataset version in the MLflow UI."""
    import mlflow
    from mlflow.data.pandas_dataset import from_pandas
    from mlflow.exceptions import MlflowException

    table = frame[[c for c in DATASET_COLUMNS if c in frame.columns]]
    ds = from_pandas(table, source=source, name=name, digest=digest)
    # MLflow infers the schema by scanning every value (≈ 5.6 s for the 93k-row train split);
    # the column types show in a sample, so infer from the first rows plus one row with a
    # missing value per column (which makes that column optional), and seed the cached value
    ds.__dict__["schema"] = sample_schema(table)
    try:
        mlflow.log_input(ds, context=context)
    except MlflowException as exc:
        # the store looks a dataset up, then inserts it: two runs logging the same dataset at
        # once (a parallel sweep) race, and the loser hits the unique key. The row exists now,
        # so the same call links to it.
        if not _DUPLICATE_KEY.search(str(exc)):
            raise
        mlflow.log_input(ds, context=context)
    return ds


#: what sqlite and PostgreSQL say when an insert lost a race on a unique key
_DUPLICATE_KEY = re.compile(r"UNIQUE constraint failed|duplicate key value violates", re.IGNORECASE)


def sample_schema(table: Any, rows: int = 1000) -> Any:
    """The MLflow schema of ``table`` inferred from a sample that keeps its missing values."""
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


def log_build(result: BuildResult, card: Path) -> str:
    """One MLflow run in experiment ``unclause-data`` recording the dataset and its card."""
    import mlflow

    from pipelines.data.dataset import MANIFEST, dataset_digest
    from pipelines.tracking.store import setup

    setup("unclause-data")
    with mlflow.start_run(run_name=f"build-{result.digest}",
                          tags={"dataset.digest": result.digest, **git_tags()}) as run:
        counts = result.counts()
        mlflow.log_metrics({**{k: float(v) for k, v in counts.items()},
                            "build_seconds": result.seconds,
                            "label_warnings": float(len(result.report.warnings))})
        for split, part in result.frame.groupby("split"):
            # each split's own content digest, as the training runs log it
            log_dataset(part, f"clauses-{split}", dataset_digest(part),
                        str(result.out_dir.resolve()), str(split))
        mlflow.log_artifact(str(card))
        mlflow.log_artifact(str(result.out_dir / MANIFEST))
        return run.info.run_id
