"""`unclause evaluate`: metrics with bootstrap intervals, per-class and per-slice results, and a
report (Markdown, PNG, CSV, JSON) for any logged model on any gold clause table.

The core is pure: ``evaluate_predictions(task, gold, pred)`` turns an aligned gold table and its
predictions into a dict. ``evaluate_models`` is the thin outer layer: it loads models by URI,
predicts, writes the report atomically and logs one MLflow run in experiment ``unclause-eval``.

Gold labels are the columns ``type``, ``action_phrase`` and ``action_lemma`` (a built dataset,
the gold JSONL of ``unclause labelstudio import``). Where gold sits beside model output under
other names, ``gold_prefix`` names it: ``gold_type``… with ``"gold_"``; the JSONL that
``unclause annotate`` writes keeps input labels as ``input_type``… (``"input_"``). Both
prefixes are picked automatically when such columns exist. Rows whose gold label is null are
left out of that task's metrics and counted (``n_excluded``); the model still sees them, as
document context.
"""

from __future__ import annotations

import contextlib
import logging
import math
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from pipelines.errors import UnclauseError
from pipelines.evaluation.bootstrap import intervals
from pipelines.evaluation.errors import error_table
from pipelines.evaluation.metrics import (
    INTERVAL_METRICS,
    PRIMARY_METRIC,
    TASKS,
    confusion,
    point_scores,
    row_counts,
)
from pipelines.evaluation.report import EVAL_EXPERIMENT, EvaluationReport, ModelEvaluation, write_report
from pipelines.evaluation.slices import BANDS, SLICE_COLUMNS, per_class, phrase_bands, slice_table
from pipelines.schema import CLAUSE_TYPES

log = logging.getLogger(__name__)

GOLD_FIELDS: tuple[str, ...] = ("type", "action_phrase", "action_lemma")
#: where gold hides beside model output: reviewed labels, and `unclause annotate`'s input fields
AUTO_GOLD_PREFIXES: tuple[str, ...] = ("gold_", "input_")


def labelled_mask(task: str, gold: pd.DataFrame) -> pd.Series:
    """Rows with a usable gold label for ``task``.

    clause-type: ``type`` is one of ``CLAUSE_TYPES``. action-phrase: a null phrase means "no
    phrase", so a row counts as labelled when its ``type`` is known (or, if the table has no
    type labels at all, always).
    """
    has_type = "type" in gold.columns and gold["type"].notna().any()
    if task == "clause-type" or has_type:
        return gold["type"].isin(CLAUSE_TYPES) if has_type else pd.Series(False, index=gold.index)
    has_phrase = "action_phrase" in gold.columns and gold["action_phrase"].notna().any()
    return pd.Series(bool(has_phrase), index=gold.index)


def evaluate_predictions(task: str, gold: pd.DataFrame, pred: pd.DataFrame, n_boot: int = 1000,
                         seed: int = 13, reference: pd.DataFrame | None = None,
                         max_errors: int = 1000) -> dict[str, Any]:
    """Metrics, 95 % bootstrap intervals (whole documents resampled), per-class report,
    confusion matrix, error table and slices (body, session, phrase band) for ``task``.

    ``gold`` and ``pred`` are aligned row by row (same length, same order). ``reference`` is
    the table whose lemma frequencies define the phrase bands (the training split; default
    ``gold``). Rows without a gold label are excluded from the metrics and counted.
    """
    if task not in TASKS:
        raise UnclauseError(f"unknown task '{task}'", f"use one of: {', '.join(TASKS)}")
    if len(gold) != len(pred):
        raise UnclauseError(f"gold has {len(gold)} rows but predictions have {len(pred)}",
                            "predict on exactly the gold rows, in the same order")
    gold = gold.reset_index(drop=True)
    pred = pred.reset_index(drop=True)
    for col in ("doc_id", "para_id", "text", *GOLD_FIELDS):
        if col not in gold.columns:
            gold[col] = None if col != "para_id" else gold.groupby("doc_id").cumcount()
    mask = labelled_mask(task, gold).to_numpy()
    n_excluded = int((~mask).sum())
    if not mask.any():
        raise UnclauseError(f"no gold labels for task {task} among {len(gold)} rows",
                            "gold labels are the columns type / action_phrase / action_lemma")
    if n_excluded:
        log.info("%s: %d of %d rows have no gold label and are excluded", task, n_excluded,
                 len(gold))
    g, p = gold[mask].reset_index(drop=True), pred[mask].reset_index(drop=True)
    counts = row_counts(task, g, p)
    metrics = point_scores(task, counts)
    metrics["n_documents"] = float(g["doc_id"].nunique())
    metrics["n_excluded"] = float(n_excluded)
    names = [n for n in INTERVAL_METRICS[task] if n in metrics]
    docs = g["doc_id"].astype(str).to_numpy()
    ci = {n: [lo, hi] for n, (_, lo, hi) in
          intervals(task, counts, docs, names, n_boot, seed).items()}

    if "type_score" not in pred.columns and task == "clause-type":
        pred = pred.assign(type_score=math.nan)
    errors = error_table(task, gold, pred, len(gold))
    errors = errors[mask[errors.index.to_numpy()]].head(max_errors).reset_index(drop=True)

    slices: dict[str, pd.DataFrame] = {}
    sliced = g.assign(phrase_band=phrase_bands(g, reference))
    for column in SLICE_COLUMNS:
        if column in sliced.columns and sliced[column].notna().any():
            slices[column] = slice_table(task, sliced, counts, column, n_boot, seed,
                                         order=BANDS if column == "phrase_band" else None)
    matrix = (confusion(g["type"], p["type"]).tolist() if task == "clause-type" else None)
    return {
        "task": task, "primary": PRIMARY_METRIC[task], "n": len(g), "n_excluded": n_excluded,
        "n_boot": n_boot, "seed": seed, "metrics": metrics, "intervals": ci,
        "per_class": per_class(task, metrics, ci, g, counts, n_boot, seed),
        "confusion": {"labels": list(CLAUSE_TYPES), "matrix": matrix} if matrix else None,
        "errors": errors, "slices": slices,
        "band_reference": "evaluated data" if reference is None else "reference table",
    }


def model_label(uri: str) -> str:
    """A short display name: ``clause-type@champion``, ``clause-type v3``, ``run 1a2b3c4d``."""
    if uri.startswith("models:/"):
        rest = uri.removeprefix("models:/").strip("/")
        if "@" in rest:
            return rest
        name, _, version = rest.partition("/")
        return f"{name} v{version}" if version.isdigit() else rest.replace("/", " ")
    if uri.startswith("runs:/"):
        run_id = uri.removeprefix("runs:/").split("/")[0]
        return f"run {run_id[:8]}"
    path = Path(uri.removeprefix("file://"))
    return path.parent.name if path.name == "model" and path.parent.name else path.name or uri


def _apply_gold_prefix(frame: pd.DataFrame, prefix: str | None, source: Path) -> pd.DataFrame:
    if prefix is None:
        prefix = next((pre for pre in AUTO_GOLD_PREFIXES
                       if any(f"{pre}{f}" in frame.columns for f in GOLD_FIELDS)), "")
        if prefix:
            log.info("%s: using gold labels from the %s* columns", source, prefix)
    if not prefix:
        if "type_score" in frame.columns:
            log.warning("%s has a type_score column: its `type` looks like model output, not "
                        "gold; give reviewed labels as gold_type (see --gold-prefix)", source)
        return frame
    found = [f for f in GOLD_FIELDS if f"{prefix}{f}" in frame.columns]
    if not found:
        raise UnclauseError(
            f"{source} has no gold columns named {prefix}type / {prefix}action_phrase",
            f"columns present: {', '.join(map(str, frame.columns))}")
    out = frame.drop(columns=[f for f in GOLD_FIELDS if f in frame.columns])
    return out.assign(**{f: frame[f"{prefix}{f}"] for f in found})


def load_gold(data: Path, split: str | None = None,
              gold_prefix: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The gold clause table in document order, and the training split (for phrase bands).

    ``data`` is a built dataset folder (``split`` defaults to ``test``; ``all`` takes every
    split), one Parquet file, or a JSONL of clauses with gold labels.
    """
    from pipelines.data.dataset import load_clauses
    from pipelines.data.order import complete_ids, document_order

    data = Path(data)
    splits: list[str] | None = None
    if split and split != "all":
        splits = [split]
    elif split is None and data.is_dir():
        splits = ["test"]
    frame = load_clauses(data, splits)
    if frame.empty:
        raise UnclauseError(f"{data} has no clauses{f' in split {split!r}' if splits else ''}",
                            "pass --split all, or another split/file")
    if "text" not in frame.columns:
        raise UnclauseError(f"{data} has no 'text' column",
                            "give clauses as {\"doc_id\", \"para_id\", \"text\", \"type\", …}")
    frame = _apply_gold_prefix(frame, gold_prefix, data)
    if not any(f in frame.columns and frame[f].notna().any() for f in ("type", "action_phrase")):
        raise UnclauseError(
            f"{data} has no gold labels (no non-empty 'type' or 'action_phrase' column)",
            "evaluate on a labelled clause table, or a JSONL with columns type, action_phrase, "
            "action_lemma (or gold_type, … with --gold-prefix gold_)")
    frame = complete_ids(frame)
    frame["para_id"] = frame["para_id"].astype("int64")
    frame = document_order(frame).reset_index(drop=True)

    folder = data if data.is_dir() else data.parent
    train = folder / "train.parquet"
    reference = None
    if train.exists() and train.resolve() != data.resolve():
        reference = load_clauses(train)
    return frame, reference


def _display_name(uri: str) -> str:
    """``model_label``; for ``runs:/`` URIs the run's name too (``clause-type-linear 1a2b3c4d``)."""
    label = model_label(uri)
    if uri.startswith("runs:/"):
        try:
            from mlflow import MlflowClient

            run_id = uri.removeprefix("runs:/").split("/")[0]
            name = MlflowClient().get_run(run_id).info.run_name
            return f"{name} {run_id[:8]}" if name else label
        except Exception:  # noqa: BLE001 - a nicer label only
            return label
    return label


def _infer_task(columns: Sequence[str], uri: str) -> str:
    if "type" in columns:
        return "clause-type"
    if "action_phrase" in columns:
        return "action-phrase"
    raise UnclauseError(f"model '{uri}' returned columns {list(columns)}, neither 'type' nor "
                        "'action_phrase'", "evaluate models logged by `unclause run`")


def predict_model(model: Any, gold: pd.DataFrame, uri: str) -> pd.DataFrame:
    """Run a pyfunc model on the gold clauses (document order); rows aligned with ``gold``."""
    inputs = gold[["doc_id", "para_id", "text"]].copy()
    inputs["text"] = inputs["text"].fillna("").astype(str)
    pred = model.predict(inputs)
    if not isinstance(pred, pd.DataFrame):
        pred = pd.DataFrame(pred)
    if len(pred) != len(gold):
        raise UnclauseError(f"model '{uri}' returned {len(pred)} rows for {len(gold)} clauses",
                            "a logged unclause model returns one row per input clause")
    return pred.reset_index(drop=True)


def _log_run(report: EvaluationReport, gold: pd.DataFrame, n_boot: int,
             split: str | None) -> None:
    """Params, metrics (``<model>/<metric>`` with ``_lo``/``_hi``), dataset and report files."""
    import mlflow

    from pipelines.data.dataset import dataset_digest
    from pipelines.tracking.lineage import git_tags, log_dataset

    padded = gold.copy()
    for col in ("type", "action_phrase", "action_lemma", "split"):
        if col not in padded.columns:
            padded[col] = None
    digest = dataset_digest(padded)
    mlflow.set_tags({"dataset.digest": digest, "data": str(report.data),
                     "task": ",".join(sorted({m.task for m in report.models}))})
    mlflow.set_tags(git_tags())
    mlflow.log_params({"data": str(report.data)[:500], "split": str(split), "n_boot": n_boot,
                       "clauses": report.n_clauses}
                      | {f"model.{i}": m.uri for i, m in enumerate(report.models)})
    metrics: dict[str, float] = {}
    for m in report.models:
        for key, value in m.result["metrics"].items():
            if isinstance(value, int | float) and math.isfinite(value):
                metrics[f"{m.slug}/{key}"] = float(value)
        for key, (lo, hi) in m.result["intervals"].items():
            if math.isfinite(lo) and math.isfinite(hi):
                metrics[f"{m.slug}/{key}_lo"] = lo
                metrics[f"{m.slug}/{key}_hi"] = hi
        if m.model_run_id:
            mlflow.set_tag(f"model.{m.slug}.run_id", m.model_run_id)
    mlflow.log_metrics(metrics)
    log_dataset(padded, f"eval-{report.data.stem}", digest,
                         str(report.data.resolve()), "evaluation")


def evaluate_models(model_uris: list[str], data: Path, out_dir: Path, task: str | None = None,
                    n_boot: int = 1000, *, track: bool = True, split: str | None = None,
                    gold_prefix: str | None = None, seed: int = 13,
                    max_errors: int = 1000) -> EvaluationReport:
    """Evaluate each model (``models:/NAME@ALIAS``, ``models:/NAME/VERSION``, ``runs:/ID/model``
    or a local folder) on the gold table ``data`` and write the report into ``out_dir``.

    Each model's task is inferred from its output columns (``task`` forces one). Logs an MLflow
    run in experiment ``unclause-eval`` with the metrics and report files unless ``track`` is
    False. Raises ``UnclauseError`` for a missing model or unlabelled data, ``TrackingError``
    for an unreachable tracking server.
    """
    import mlflow

    from pipelines.tracking.registry import load_model
    from pipelines.tracking.store import connect, setup, tracking_uri

    if not model_uris:
        raise UnclauseError("no model URI given", "pass e.g. models:/clause-type@champion")
    if task is not None and task not in TASKS:
        raise UnclauseError(f"unknown task '{task}'", f"use one of: {', '.join(TASKS)}")
    data, out_dir = Path(data), Path(out_dir)
    gold, reference = load_gold(data, split, gold_prefix)
    used_split = split or ("test" if data.is_dir() else None)
    if track:
        setup(EVAL_EXPERIMENT)  # creates the store and the experiment if needed
    store = tracking_uri() if track else connect()
    loaded = [(uri, load_model(uri, store).pyfunc) for uri in model_uris]

    run_ctx = (mlflow.start_run(run_name=f"evaluate-{data.stem}") if track
               else contextlib.nullcontext())
    with run_ctx as run:
        report = EvaluationReport(out_dir=out_dir, data=data, models=[], n_clauses=len(gold),
                                  run_id=run.info.run_id if run is not None else None,
                                  band_reference="training split" if reference is not None
                                  else "evaluated data")
        seen: dict[str, int] = {}
        for uri, model in loaded:
            t0 = time.perf_counter()
            pred = predict_model(model, gold, uri)
            seconds = time.perf_counter() - t0
            model_task = _infer_task(list(pred.columns), uri)
            if task is not None and task != model_task:
                raise UnclauseError(f"model '{uri}' predicts {model_task}, not {task}",
                                    f"drop --task or pass a {task} model")
            log.info("evaluating %s (%s) on %d clauses", uri, model_task, len(gold))
            result = evaluate_predictions(model_task, gold, pred, n_boot=n_boot, seed=seed,
                                          reference=reference, max_errors=max_errors)
            name = _display_name(uri)
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:
                name = f"{name} #{seen[name]}"
            run_id = getattr(getattr(model, "metadata", None), "run_id", None)
            report.models.append(ModelEvaluation(name, uri, model_task, result, seconds, run_id))
        report.files = write_report(report, n_boot, used_split)
        if run is not None:
            _log_run(report, gold, n_boot, used_split)
            for path in report.files:
                mlflow.log_artifact(str(path), "report")
    log.info("evaluation report: %s", report.report_path)
    return report
