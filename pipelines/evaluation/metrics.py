"""The one metrics engine for both tasks: per-clause counts whose sums determine every metric.

:func:`row_counts` turns aligned gold and predicted columns into a small integer table (one row
per clause); :func:`scores` turns summed counts into metrics. Training, evaluation, slices and
the document bootstrap all go through these two functions: the bootstrap sums the counts of the
resampled documents instead of recomputing anything from the text.

clause-type: accuracy, macro-F1 (over the classes present in gold), and precision, recall, F1
and support per class. action-phrase: exact match of the phrase and its case-folded variant
(on clauses whose gold phrase is known), lemma accuracy on the same clauses, and detection
precision/recall (a phrase predicted vs. gold has one).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from pipelines.schema import CLAUSE_TYPES

TASKS: tuple[str, ...] = ("clause-type", "action-phrase")
PRIMARY_METRIC = {"clause-type": "macro_f1", "action-phrase": "exact_match"}
SECONDARY_METRIC = {"clause-type": "accuracy", "action-phrase": "lemma_accuracy"}
#: metrics that get a bootstrap interval, per task
INTERVAL_METRICS: dict[str, tuple[str, ...]] = {
    "clause-type": ("macro_f1", "accuracy", *(f"{t}.f1" for t in CLAUSE_TYPES)),
    "action-phrase": ("exact_match", "lemma_accuracy", "detect_precision", "detect_recall"),
}
#: the per-clause counts of the action-phrase task, in column order
PHRASE_COUNTS: tuple[str, ...] = ("rows", "gold", "pred", "both", "exact", "nocase", "lemma")


def norm_phrase(value: object) -> str | None:
    """A phrase or lemma as compared: whitespace collapsed, edge punctuation dropped; None
    for a missing or empty value."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    text = " ".join(str(value).split()).strip(" ,;:")
    return text or None


def _type_codes(values: Sequence[object], labels: Sequence[str]) -> np.ndarray:
    """Index of each value in ``labels``; ``len(labels)`` for any other value."""
    code: dict[object, int] = {t: i for i, t in enumerate(labels)}
    return np.fromiter((code.get(x, len(labels)) for x in values), dtype=np.int64,
                       count=len(values))


def _cells(gold: Sequence[object], pred: Sequence[object],
           labels: Sequence[str] = CLAUSE_TYPES) -> np.ndarray:
    """One-hot confusion cells per clause: gold × predicted over ``labels`` plus "other label"."""
    k = len(labels) + 1
    g, p = _type_codes(gold, labels), _type_codes(pred, labels)
    cells = np.zeros((len(g), k * k), dtype=np.int64)
    cells[np.arange(len(g)), g * k + p] = 1
    return cells


def row_counts(task: str, gold: pd.DataFrame, pred: pd.DataFrame) -> np.ndarray:
    """Per-clause counts (clauses × counts, int64) whose column sums determine every metric.

    clause-type: a one-hot cell of the confusion matrix (gold × predicted, with an extra row
    and column for labels outside ``CLAUSE_TYPES``); action-phrase: the ``PHRASE_COUNTS``
    (gold / predicted / both phrase present, and exact, case-folded and lemma matches on rows
    with a gold phrase).
    """
    if task == "clause-type":
        return _cells(gold["type"].tolist(), pred["type"].tolist())
    gold_lemma = gold["action_lemma"] if "action_lemma" in gold else [None] * len(gold)
    return _phrase_counts(gold["action_phrase"].tolist(), pred["action_phrase"].tolist(),
                          list(gold_lemma), pred["action_lemma"].tolist())


def _phrase_counts(gold_phrase: Sequence[object], pred_phrase: Sequence[object],
                   gold_lemma: Sequence[object], pred_lemma: Sequence[object]) -> np.ndarray:
    """The ``PHRASE_COUNTS`` of each clause."""
    n = len(gold_phrase)
    gp = [norm_phrase(x) for x in gold_phrase]
    pp = [norm_phrase(x) for x in pred_phrase]
    gl = [norm_phrase(x) for x in gold_lemma]
    pl = [norm_phrase(x) for x in pred_lemma]
    has_gold = np.array([x is not None for x in gp], dtype=bool)
    has_pred = np.array([x is not None for x in pp], dtype=bool)
    exact = np.array([a == b for a, b in zip(gp, pp, strict=True)], dtype=bool)
    nocase = np.array([(a or "").lower() == (b or "").lower() for a, b in zip(gp, pp, strict=True)],
                      dtype=bool)
    lemma = np.array([a == b for a, b in zip(gl, pl, strict=True)], dtype=bool)
    columns = (np.ones(n, dtype=bool), has_gold, has_pred, has_gold & has_pred,
               has_gold & exact, has_gold & nocase, has_gold & lemma)
    return np.stack(columns, axis=1).astype(np.int64) if n else np.zeros((0, 7), dtype=np.int64)


def _ratio(num: np.ndarray, den: np.ndarray, empty: float) -> np.ndarray:
    """``num / den``, ``empty`` where ``den`` is 0."""
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    return np.divide(num, den, out=np.full(np.broadcast(num, den).shape, empty), where=den > 0)


def scores(task: str, totals: np.ndarray) -> dict[str, np.ndarray]:
    """Every metric of ``task`` from summed :func:`row_counts`; ``totals`` is one sum (shape
    ``(counts,)``) or one per bootstrap resample (``(resamples, counts)``), and so are the
    values. A metric without data is NaN (exact match when no gold phrase is known)."""
    totals = np.asarray(totals)
    if task == "clause-type":
        k = len(CLAUSE_TYPES)
        cm = totals.reshape(*totals.shape[:-1], k + 1, k + 1)
        tp = np.diagonal(cm, axis1=-2, axis2=-1)[..., :k].astype(float)
        support = cm[..., :k, :].sum(axis=-1)
        predicted = cm[..., :, :k].sum(axis=-2)
        f1 = _ratio(2 * tp, support + predicted, 0.0)
        present = support > 0
        n_present = present.sum(axis=-1)
        out: dict[str, np.ndarray] = {
            "n": totals.sum(axis=-1).astype(float),
            "accuracy": _ratio(tp.sum(axis=-1), totals.sum(axis=-1), np.nan),
            "macro_f1": _ratio(np.where(present, f1, 0.0).sum(axis=-1), n_present, 0.0),
        }
        precision, recall = _ratio(tp, predicted, 0.0), _ratio(tp, support, 0.0)
        for i, label in enumerate(CLAUSE_TYPES):
            out[f"{label}.precision"] = precision[..., i]
            out[f"{label}.recall"] = recall[..., i]
            out[f"{label}.f1"] = f1[..., i]
            out[f"{label}.support"] = support[..., i].astype(float)
        return out
    rows, gold, pred, both, exact, nocase, lemma = np.moveaxis(totals, -1, 0)
    return {
        "n": rows.astype(float), "n_with_phrase": gold.astype(float),
        "exact_match": _ratio(exact, gold, np.nan),
        "exact_match_nocase": _ratio(nocase, gold, np.nan),
        "lemma_accuracy": _ratio(lemma, gold, np.nan),
        "detect_precision": _ratio(both, pred, 0.0),
        "detect_recall": _ratio(both, gold, 0.0),
    }


def point_scores(task: str, counts: np.ndarray) -> dict[str, float]:
    """The metric dict of ``task`` for clauses with these :func:`row_counts` (metrics without
    data left out; ``{"n": 0}`` for no clauses)."""
    if len(counts) == 0:
        return {"n": 0} if task == "clause-type" else {
            "n": 0.0, "n_with_phrase": 0.0, "detect_precision": 0.0, "detect_recall": 0.0}
    values = scores(task, counts.sum(axis=0))
    return {k: float(v) for k, v in values.items() if not np.isnan(v)}


def task_metrics(task: str, gold: pd.DataFrame, pred: pd.DataFrame) -> dict[str, float]:
    """The metric dict for ``task`` from a gold table and its aligned predictions."""
    return point_scores(task, row_counts(task, gold, pred))


def type_metrics(gold: Sequence[object], pred: Sequence[object]) -> dict[str, float]:
    """Accuracy, macro-F1 and per-class precision/recall/F1/support of two label sequences."""
    return point_scores("clause-type", _cells(list(gold), list(pred)))


def phrase_metrics(gold_phrase: Sequence[object], pred_phrase: Sequence[object],
                   gold_lemma: Sequence[object] | None = None,
                   pred_lemma: Sequence[object] | None = None) -> dict[str, float]:
    """Exact match (and lemma accuracy, given lemmas) where a gold phrase exists; detection
    precision/recall."""
    if gold_lemma is not None and pred_lemma is not None:
        return point_scores("action-phrase",
                            _phrase_counts(gold_phrase, pred_phrase, gold_lemma, pred_lemma))
    no_lemmas = [None] * len(gold_phrase)
    out = point_scores("action-phrase",
                       _phrase_counts(gold_phrase, pred_phrase, no_lemmas, no_lemmas))
    out.pop("lemma_accuracy", None)
    return out


def confusion(gold: Sequence[Any], pred: Sequence[Any],
              labels: Sequence[str] = CLAUSE_TYPES) -> np.ndarray:
    """Confusion counts, rows = gold, columns = predicted, in ``labels`` order."""
    k = len(labels)
    matrix = _cells(list(gold), list(pred), labels).sum(axis=0).reshape(k + 1, k + 1)
    return matrix[:k, :k]
