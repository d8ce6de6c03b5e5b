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
import json
import logging
import math
import os
import re
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipelines.data.card import _table as markdown_table
from pipelines.errors import UnclauseError
from pipelines.evaluation.metrics import (
    PRIMARY_METRIC,
    _norm,
    bootstrap_ci,
    confusion,
    task_metrics,
)
from pipelines.io import atomic_open
from pipelines.schema import CLAUSE_TYPES

log = logging.getLogger(__name__)

EVAL_EXPERIMENT = "unclause-eval"
TASKS: tuple[str, ...] = ("clause-type", "action-phrase")
GOLD_FIELDS: tuple[str, ...] = ("type", "action_phrase", "action_lemma")
#: metrics that get a bootstrap interval, per task
INTERVAL_METRICS: dict[str, tuple[str, ...]] = {
    "clause-type": ("macro_f1", "accuracy", *(f"{t}.f1" for t in CLAUSE_TYPES)),
    "action-phrase": ("exact_match", "lemma_accuracy", "detect_precision", "detect_recall"),
}
SECONDARY_METRIC = {"clause-type": "accuracy", "action-phrase": "lemma_accuracy"}
#: phrase-frequency bands: rank of the gold lemma among the reference lemmas by frequency
BAND_TOP, BAND_MID = 10, 50
BANDS: tuple[str, ...] = ("top 10 lemmas", "lemmas 11–50", "rare lemmas (>50)",
                          "unseen lemmas", "no phrase")
SLICE_COLUMNS: tuple[str, ...] = ("body", "session", "phrase_band")
#: where gold hides beside model output: reviewed labels, and `unclause annotate`'s input fields
AUTO_GOLD_PREFIXES: tuple[str, ...] = ("gold_", "input_")


# ============================================================================ pure helpers


def opening_word(text: object) -> str:
    """The first word after numbering, lowercased ('' when there is none)."""
    from pipelines.features import opening_tokens

    words = opening_tokens(str(text) if isinstance(text, str) else "", 1)
    return words[0] if words else ""


def with_positions(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``position`` (0-based, in ``para_id`` order), ``doc_len`` and ``rel_position`` (0–1)."""
    order = frame.groupby("doc_id", sort=False)["para_id"].rank(method="first").astype(int) - 1
    doc_len = frame.groupby("doc_id", sort=False)["para_id"].transform("size").astype(int)
    rel = (order / (doc_len - 1).clip(lower=1)).astype(float)
    return frame.assign(position=order, doc_len=doc_len, rel_position=rel)


def _lemma_keys(frame: pd.DataFrame) -> pd.Series:
    """The gold lemma of each row (the phrase, lowercased, when the lemma is missing)."""
    n = len(frame)
    lemma = frame["action_lemma"] if "action_lemma" in frame else pd.Series([None] * n)
    phrase = frame["action_phrase"] if "action_phrase" in frame else pd.Series([None] * n)
    keys = []
    for lem, phr in zip(lemma.tolist(), phrase.tolist(), strict=True):
        key = _norm(lem) or _norm(phr)
        keys.append(key.lower() if key else None)
    return pd.Series(keys, index=frame.index, dtype=object)


def phrase_bands(gold: pd.DataFrame, reference: pd.DataFrame | None = None) -> pd.Series:
    """Band of each gold row by how frequent its action lemma is in ``reference``.

    ``reference`` is the training split when known, else ``gold`` itself. Bands: ``BANDS``
    (top 10, 11–50, rare, unseen in the reference, no phrase).
    """
    ref_keys = _lemma_keys(gold if reference is None else reference).dropna()
    counts = ref_keys.value_counts()
    ranked = sorted(counts.index, key=lambda k: (-int(counts[k]), k))
    rank = {key: i + 1 for i, key in enumerate(ranked)}
    bands = []
    for key in _lemma_keys(gold).tolist():
        r = rank.get(key) if key else None
        if key is None:
            bands.append(BANDS[4])
        elif r is None:
            bands.append(BANDS[3])
        else:
            bands.append(BANDS[0] if r <= BAND_TOP else BANDS[1] if r <= BAND_MID else BANDS[2])
    return pd.Series(bands, index=gold.index, dtype=object)


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


# ------------------------------------------------------------- fast metrics for the bootstrap


def _row_stats(task: str, gold: pd.DataFrame, pred: pd.DataFrame) -> pd.DataFrame:
    """Per-row counts whose sums are the sufficient statistics of every metric of ``task``.

    clause-type: a one-hot cell of the confusion matrix (gold × predicted, with an extra
    "unknown label" row and column); action-phrase: gold/predicted/both phrase present and
    exact phrase / lemma match on rows with a gold phrase. ``doc_id`` becomes an integer code.
    Summing rows per document makes the bootstrap resample a small integer table.
    """
    doc = pd.factorize(gold["doc_id"].astype(str))[0]
    if task == "clause-type":
        k = len(CLAUSE_TYPES)
        code = {t: i for i, t in enumerate(CLAUSE_TYPES)}
        g = np.array([code.get(x, k) for x in gold["type"].tolist()], dtype=np.int64)
        p = np.array([code.get(x, k) for x in pred["type"].tolist()], dtype=np.int64)
        cells = np.zeros((len(g), (k + 1) ** 2), dtype=np.int64)
        cells[np.arange(len(g)), g * (k + 1) + p] = 1
        frame = pd.DataFrame(cells, columns=[f"c{i}" for i in range((k + 1) ** 2)])
        frame.insert(0, "doc_id", doc)
        return frame
    gp = [_norm(x) for x in gold["action_phrase"].tolist()]
    pp = [_norm(x) for x in pred["action_phrase"].tolist()]
    gl = [_norm(x) for x in gold["action_lemma"].tolist()]
    pl = [_norm(x) for x in pred["action_lemma"].tolist()]
    has_gold = np.array([x is not None for x in gp])
    has_pred = np.array([x is not None for x in pp])
    return pd.DataFrame({
        "doc_id": doc, "gold": has_gold, "pred": has_pred, "both": has_gold & has_pred,
        "exact": has_gold & np.array([a == b for a, b in zip(gp, pp, strict=True)]),
        "lemma": has_gold & np.array([a == b for a, b in zip(gl, pl, strict=True)]),
    }).astype("int64")


def _doc_stats(rows: pd.DataFrame) -> pd.DataFrame:
    """``_row_stats`` summed per document (documents in order of first appearance)."""
    return rows.groupby("doc_id", sort=False).sum().reset_index()


def _scores(task: str, stats: pd.DataFrame) -> dict[str, float]:
    """The interval metrics of ``task`` from ``_row_stats`` rows (per clause or per document)."""
    if stats.empty:
        return {}
    total = stats.to_numpy()[:, 1:].sum(axis=0)
    if task == "clause-type":
        k = len(CLAUSE_TYPES)
        cm = total.reshape(k + 1, k + 1)
        tp = np.diag(cm)[:k].astype(float)
        support = cm[:k].sum(axis=1)
        denom = support + cm[:, :k].sum(axis=0)
        f1 = np.divide(2 * tp, denom, out=np.zeros(k), where=denom > 0)
        present = support > 0
        out = {"accuracy": float(tp.sum() / total.sum()),
               "macro_f1": float(f1[present].mean()) if present.any() else 0.0}
        out.update({f"{t}.f1": float(f1[i]) for i, t in enumerate(CLAUSE_TYPES)})
        return out
    n_gold, n_pred, both, exact, lemma = (int(x) for x in total)
    return {
        "exact_match": exact / n_gold if n_gold else math.nan,
        "lemma_accuracy": lemma / n_gold if n_gold else math.nan,
        "detect_precision": both / n_pred if n_pred else 0.0,
        "detect_recall": both / n_gold if n_gold else 0.0,
    }


def _intervals(task: str, stats: pd.DataFrame, names: Sequence[str], n_boot: int,
               seed: int, alpha: float = 0.05) -> dict[str, tuple[float, float, float]]:
    """``{metric: (point, lo, hi)}``: percentile intervals resampling whole documents.

    ``metrics.bootstrap_ci`` resamples the per-document sums (the same documents, in the same
    order, as resampling clauses by ``doc_id``), and one pass serves every metric: its metric
    callable records all scores of each resample (the first call is the point estimate).
    """
    point = _scores(task, stats)
    empty = {n: (point.get(n, math.nan), math.nan, math.nan) for n in names}
    if n_boot <= 0 or not point or all(math.isnan(point.get(n, math.nan)) for n in names):
        return empty
    records: list[dict[str, float]] = []

    def record(sample: pd.DataFrame, _unused: pd.DataFrame) -> float:
        records.append(_scores(task, sample))
        return records[-1].get(names[0], math.nan)

    docs = _doc_stats(stats)
    bootstrap_ci(docs, docs.iloc[:, :0], record, n_boot=n_boot, seed=seed, alpha=alpha)
    out = {}
    for name in names:
        values = np.array([r.get(name, math.nan) for r in records[1:]], dtype=float)
        if np.isnan(values).all():
            out[name] = (point.get(name, math.nan), math.nan, math.nan)
            continue
        lo, hi = np.nanpercentile(values, [100 * alpha / 2, 100 * (1 - alpha / 2)])
        out[name] = (point.get(name, math.nan), float(lo), float(hi))
    return out


def _slice_table(task: str, gold: pd.DataFrame, stats: pd.DataFrame, column: str,
                 n_boot: int, seed: int, order: Sequence[str] | None = None) -> pd.DataFrame:
    """Primary metric with its interval, and the secondary metric, per value of ``column``."""
    primary, secondary = PRIMARY_METRIC[task], SECONDARY_METRIC[task]
    keys = gold[column].astype(object).where(gold[column].notna(), "?").astype(str)
    rows = []
    for value, idx in keys.groupby(keys, sort=True).indices.items():
        sub = stats.iloc[idx]
        ci = _intervals(task, sub, (primary, secondary), n_boot, seed)
        rows.append({column: value, "clauses": len(idx), "documents": sub["doc_id"].nunique(),
                     primary: ci[primary][0], "lo": ci[primary][1], "hi": ci[primary][2],
                     secondary: ci[secondary][0]})
    table = pd.DataFrame(rows, columns=[column, "clauses", "documents", primary, "lo", "hi",
                                        secondary])
    if order is not None:
        rank = {v: i for i, v in enumerate(order)}
        table = table.sort_values(column, key=lambda s: s.map(rank).fillna(len(rank)))
    return table.reset_index(drop=True)


def _per_class(task: str, metrics: dict[str, float], intervals: dict[str, list[float]],
               gold: pd.DataFrame, stats: pd.DataFrame, n_boot: int, seed: int) -> pd.DataFrame:
    if task == "clause-type":
        return pd.DataFrame([{
            "class": t, "precision": metrics[f"{t}.precision"], "recall": metrics[f"{t}.recall"],
            "f1": metrics[f"{t}.f1"], "lo": intervals[f"{t}.f1"][0],
            "hi": intervals[f"{t}.f1"][1], "support": int(metrics[f"{t}.support"]),
        } for t in CLAUSE_TYPES])
    if "type" not in gold.columns or gold["type"].isna().all():
        return pd.DataFrame()
    table = _slice_table(task, gold, stats, "type", n_boot, seed, order=CLAUSE_TYPES)
    return table.rename(columns={"type": "class"})


def evaluate_predictions(task: str, gold: pd.DataFrame, pred: pd.DataFrame, n_boot: int = 1000,
                         seed: int = 13, reference: pd.DataFrame | None = None,
                         max_errors: int = 1000) -> dict[str, Any]:
    """Metrics, 95 % bootstrap intervals (whole documents resampled), per-class report,
    confusion matrix, error table and slices (body, session, phrase band) for ``task``.

    ``gold`` and ``pred`` are aligned row by row (same length, same order). ``reference`` is
    the table whose lemma frequencies define the phrase bands (the training split; default
    ``gold``). Rows without a gold label are excluded from the metrics and counted.
    """
    from pipelines.training.runner import error_table

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
    metrics = task_metrics(task, g, p)
    metrics["n_documents"] = float(g["doc_id"].nunique())
    metrics["n_excluded"] = float(n_excluded)
    stats = _row_stats(task, g, p)
    names = [n for n in INTERVAL_METRICS[task] if n in metrics]
    intervals = {n: [lo, hi] for n, (_, lo, hi) in
                 _intervals(task, stats, names, n_boot, seed).items()}

    if "type_score" not in pred.columns and task == "clause-type":
        pred = pred.assign(type_score=math.nan)
    errors = error_table(task, gold, pred, len(gold))
    errors = errors[mask[errors.index.to_numpy()]].head(max_errors).reset_index(drop=True)

    slices: dict[str, pd.DataFrame] = {}
    sliced = g.assign(phrase_band=phrase_bands(g, reference))
    for column in SLICE_COLUMNS:
        if column in sliced.columns and sliced[column].notna().any():
            slices[column] = _slice_table(task, sliced, stats, column, n_boot, seed,
                                          order=BANDS if column == "phrase_band" else None)
    matrix = (confusion(g["type"], p["type"]).tolist() if task == "clause-type" else None)
    return {
        "task": task, "primary": PRIMARY_METRIC[task], "n": len(g), "n_excluded": n_excluded,
        "n_boot": n_boot, "seed": seed, "metrics": metrics, "intervals": intervals,
        "per_class": _per_class(task, metrics, intervals, g, stats, n_boot, seed),
        "confusion": {"labels": list(CLAUSE_TYPES), "matrix": matrix} if matrix else None,
        "errors": errors, "slices": slices,
        "band_reference": "evaluated data" if reference is None else "reference table",
    }


# ============================================================================ outer layer


@dataclass
class ModelEvaluation:
    """One model's results on the gold table."""

    name: str
    uri: str
    task: str
    result: dict[str, Any]
    predict_seconds: float
    model_run_id: str | None = None

    @property
    def slug(self) -> str:
        """``name`` made safe for file and metric names."""
        return re.sub(r"[^\w.\-]+", "-", self.name).strip("-") or "model"

    @property
    def primary(self) -> str:
        return PRIMARY_METRIC[self.task]


@dataclass
class EvaluationReport:
    """What ``evaluate_models`` computed and wrote."""

    out_dir: Path
    data: Path
    models: list[ModelEvaluation]
    files: list[Path] = field(default_factory=list)
    run_id: str | None = None
    n_clauses: int = 0
    band_reference: str = "evaluated data"

    def comparison(self) -> pd.DataFrame:
        """One row per model: task, clauses, excluded rows, primary metric and its interval."""
        rows = []
        for m in self.models:
            met, ci = m.result["metrics"], m.result["intervals"]
            lo, hi = ci.get(m.primary, [math.nan, math.nan])
            rows.append({"model": m.name, "task": m.task, "clauses": m.result["n"],
                         "excluded": m.result["n_excluded"], "metric": m.primary,
                         "value": met.get(m.primary, math.nan), "lo": lo, "hi": hi})
        return pd.DataFrame(rows)

    @property
    def report_path(self) -> Path:
        return self.out_dir / "report.md"


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
    from pipelines.models.base import document_order

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
    if "doc_id" not in frame.columns:
        frame["doc_id"] = "doc"
    frame["doc_id"] = frame["doc_id"].astype(str)
    if "para_id" not in frame.columns:
        frame["para_id"] = frame.groupby("doc_id", sort=False).cumcount()
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


# ------------------------------------------------------------------------------ writing


@contextlib.contextmanager
def _atomic_png(path: Path) -> Iterator[Path]:
    """A temporary ``.png`` path (matplotlib picks the format by extension) moved into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{path.stem}.", dir=path.parent) as tmp:
        staged = Path(tmp) / path.name
        yield staged
        os.replace(staged, path)


def _fmt(value: Any, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float | np.floating):
        return f"{value:.{digits}f}"
    return str(value)


def _fmt_ci(value: float, lo: float, hi: float) -> str:
    if any(isinstance(v, float) and math.isnan(v) for v in (lo, hi)):
        return _fmt(value)
    return f"{_fmt(value)} [{_fmt(lo)}, {_fmt(hi)}]"


def _md(frame: pd.DataFrame) -> str:
    """A Markdown table of ``frame`` (floats to 3 decimals; pipes and newlines escaped)."""
    if frame.empty:
        return "(none)"
    shown = frame.copy()
    for col in shown.columns:
        shown[col] = [_fmt(v).replace("|", "\\|").replace("\n", " ") for v in shown[col]]
    return markdown_table(shown.set_index(shown.columns[0]))


def _with_ci_column(table: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Merge ``metric``, ``lo`` and ``hi`` into one column ``metric [95% CI]``."""
    out = table.copy()
    out[f"{metric} [95% CI]"] = [_fmt_ci(v, lo, hi) for v, lo, hi in
                                 zip(out[metric], out["lo"], out["hi"], strict=True)]
    cols = [c for c in out.columns if c not in (metric, "lo", "hi", f"{metric} [95% CI]")]
    return out[[*cols[:3], f"{metric} [95% CI]", *cols[3:]]]


def _top_errors(m: ModelEvaluation, n: int = 10) -> pd.DataFrame:
    errors = m.result["errors"]
    if errors.empty:
        return errors
    if m.task == "clause-type":
        top = errors.sort_values("pred_score", ascending=False, kind="stable").head(n)
        cols = ["doc_id", "para_id", "type", "pred_type", "pred_score", "text"]
    else:
        top = errors.head(n)
        cols = ["doc_id", "para_id", "action_phrase", "pred_phrase", "pred_lemma", "text"]
    top = top[cols].copy()
    top["text"] = [t if len(str(t)) <= 120 else str(t)[:117] + "…" for t in top["text"]]
    return top


def render_report(report: EvaluationReport, n_boot: int, split: str | None) -> str:
    """The Markdown report: comparison, then per model: classes, slices, top errors."""
    lines = [
        "# Evaluation report", "",
        f"- data: `{report.data}`" + (f" (split: {split})" if split else ""),
        f"- clauses: {report.n_clauses:,}; models: {len(report.models)}",
        f"- intervals: 95 % percentile bootstrap over whole documents, {n_boot} resamples",
        f"- phrase bands: lemma frequency ranks in the {report.band_reference}",
        f"- MLflow run: `{report.run_id}` (experiment {EVAL_EXPERIMENT})" if report.run_id
        else "- MLflow run: not logged (--no-track)",
        f"- written: {time.strftime('%Y-%m-%d %H:%M:%S')}", "",
        "## Comparison", "", "![comparison](comparison.png)", "",
    ]
    for task in TASKS:
        ms = [m for m in report.models if m.task == task]
        if not ms:
            continue
        names = INTERVAL_METRICS[task]
        rows = []
        for m in ms:
            met, ci = m.result["metrics"], m.result["intervals"]
            row: dict[str, Any] = {"model": f"`{m.name}`", "clauses": m.result["n"],
                                   "excluded": m.result["n_excluded"]}
            for name in names:
                if name in met:
                    row[name] = _fmt_ci(met[name], *ci.get(name, [math.nan, math.nan]))
            row["clauses/s"] = f"{m.result['n'] / max(m.predict_seconds, 1e-9):,.0f}"
            rows.append(row)
        lines += [f"### {task} (primary: {PRIMARY_METRIC[task]})", "", _md(pd.DataFrame(rows)),
                  ""]
    for m in report.models:
        lines += [f"## `{m.name}` — {m.task}", "", f"- URI: `{m.uri}`"]
        if m.model_run_id:
            lines.append(f"- trained in MLflow run `{m.model_run_id}`")
        lines += ["", "### Per class", ""]
        per_class = m.result["per_class"]
        if m.task == "clause-type":
            lines += [_md(_with_ci_column(per_class, "f1")), "",
                      f"![confusion](confusion_{m.slug}.png)", ""]
        else:
            lines += [_md(_with_ci_column(per_class, m.primary)) if not per_class.empty
                      else "(no gold types)", ""]
        lines += ["### Slices", "", f"![slices](slices_{m.slug}.png)", ""]
        for column, table in m.result["slices"].items():
            lines += [f"#### per {column.replace('_', ' ')}", "",
                      _md(_with_ci_column(table, m.primary)), ""]
        errors = m.result["errors"]
        lines += [f"### Top errors ({len(errors):,} in `errors_{m.slug}.csv`)", "",
                  _md(_top_errors(m)), ""]
    return "\n".join(lines)


def _slices_png(m: ModelEvaluation, path: Path) -> None:
    from pipelines.evaluation.plots import bar_comparison_png

    names, values, lows, highs = [], [], [], []
    for column, table in m.result["slices"].items():
        for row in table.itertuples(index=False):
            value = row[3]
            if value is None or math.isnan(value):
                continue
            lo, hi = row[4], row[5]
            names.append(f"{column.replace('phrase_', '')}: {row[0]} (n={row[1]})")
            values.append(value)
            lows.append(value if math.isnan(lo) else lo)
            highs.append(value if math.isnan(hi) else hi)
    with _atomic_png(path) as tmp:
        bar_comparison_png(names, values, tmp, f"{m.name}: {m.primary} per slice (95% CI)",
                           lows, highs, xlabel=m.primary)


def write_report(report: EvaluationReport, n_boot: int, split: str | None) -> list[Path]:
    """Write report.md, comparison.png, confusion_/slices_ PNGs, errors CSVs, metrics.json."""
    from pipelines.evaluation.plots import bar_comparison_png, confusion_png

    out = report.out_dir
    files: list[Path] = []
    names = [f"{m.name} ({m.primary})" for m in report.models]
    values = [m.result["metrics"].get(m.primary, math.nan) for m in report.models]
    cis = [m.result["intervals"].get(m.primary, [math.nan, math.nan]) for m in report.models]
    values = [0.0 if math.isnan(v) else v for v in values]
    lows = [v if math.isnan(c[0]) else c[0] for v, c in zip(values, cis, strict=True)]
    highs = [v if math.isnan(c[1]) else c[1] for v, c in zip(values, cis, strict=True)]
    with _atomic_png(out / "comparison.png") as tmp:
        bar_comparison_png(names, values, tmp, "primary metric with 95% bootstrap interval",
                           lows, highs)
    files.append(out / "comparison.png")
    for m in report.models:
        conf = m.result["confusion"]
        if conf:
            path = out / f"confusion_{m.slug}.png"
            with _atomic_png(path) as tmp:
                confusion_png(np.asarray(conf["matrix"]), conf["labels"], tmp,
                              f"{m.name} (n={m.result['n']:,})")
            files.append(path)
        if m.result["slices"]:
            _slices_png(m, out / f"slices_{m.slug}.png")
            files.append(out / f"slices_{m.slug}.png")
        with atomic_open(out / f"errors_{m.slug}.csv") as fh:
            m.result["errors"].to_csv(fh, index=False)
        files.append(out / f"errors_{m.slug}.csv")
    with atomic_open(out / "metrics.json") as fh:
        json.dump(report_json(report, n_boot, split), fh, indent=2, allow_nan=False)
    files.append(out / "metrics.json")
    with atomic_open(out / "report.md") as fh:
        fh.write(render_report(report, n_boot, split))
    files.append(out / "report.md")
    return files


def _clean(value: Any) -> Any:
    """JSON-safe: NaN → None, numpy scalars → Python, frames → records."""
    if isinstance(value, pd.DataFrame):
        return [_clean(r) for r in value.to_dict(orient="records")]
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def report_json(report: EvaluationReport, n_boot: int, split: str | None) -> dict[str, Any]:
    """Everything but the error rows, as plain JSON."""
    return _clean({
        "data": str(report.data), "split": split, "n_boot": n_boot, "run_id": report.run_id,
        "clauses": report.n_clauses, "band_reference": report.band_reference,
        "models": [{
            "name": m.name, "uri": m.uri, "task": m.task, "model_run_id": m.model_run_id,
            "predict_seconds": m.predict_seconds, "n": m.result["n"],
            "n_excluded": m.result["n_excluded"], "primary": m.primary,
            "metrics": m.result["metrics"], "intervals": m.result["intervals"],
            "per_class": m.result["per_class"], "confusion": m.result["confusion"],
            "slices": m.result["slices"], "errors": len(m.result["errors"]),
        } for m in report.models],
    })


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
