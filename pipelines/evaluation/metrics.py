"""Metrics for both tasks, as pure functions over gold and predicted columns.

clause-type: accuracy, macro-F1, and precision/recall/F1/support per class.
action-phrase: exact match of the phrase (on clauses whose gold phrase is known), lemma accuracy
on the same clauses, and detection precision/recall (phrase predicted vs. gold has one).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

from pipelines.schema import CLAUSE_TYPES


def type_metrics(gold: Sequence[str], pred: Sequence[str],
                 labels: Sequence[str] = CLAUSE_TYPES) -> dict[str, float]:
    """Accuracy, macro-F1 and per-class precision/recall/F1/support."""
    gold_arr, pred_arr = np.asarray(gold, dtype=object), np.asarray(pred, dtype=object)
    if len(gold_arr) == 0:
        return {"n": 0}
    p, r, f, s = precision_recall_fscore_support(gold_arr, pred_arr, labels=list(labels),
                                                 zero_division=0)
    present = s > 0
    out: dict[str, float] = {
        "n": float(len(gold_arr)),
        "accuracy": float((gold_arr == pred_arr).mean()),
        "macro_f1": float(f[present].mean()) if present.any() else 0.0,
    }
    for i, label in enumerate(labels):
        out[f"{label}.precision"] = float(p[i])
        out[f"{label}.recall"] = float(r[i])
        out[f"{label}.f1"] = float(f[i])
        out[f"{label}.support"] = float(s[i])
    return out


def _norm(value: object) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    text = " ".join(str(value).split()).strip(" ,;:")
    return text or None


def phrase_metrics(gold_phrase: Sequence[object], pred_phrase: Sequence[object],
                   gold_lemma: Sequence[object] | None = None,
                   pred_lemma: Sequence[object] | None = None) -> dict[str, float]:
    """Exact match and lemma accuracy where a gold phrase exists; detection P/R."""
    g = [_norm(x) for x in gold_phrase]
    p = [_norm(x) for x in pred_phrase]
    has_gold = np.array([x is not None for x in g])
    has_pred = np.array([x is not None for x in p])
    out: dict[str, float] = {"n": float(len(g)), "n_with_phrase": float(has_gold.sum())}
    if has_gold.any():
        exact = np.array([a == b for a, b in zip(g, p, strict=True)])
        out["exact_match"] = float(exact[has_gold].mean())
        folded = np.array([(a or "").lower() == (b or "").lower() for a, b in zip(g, p, strict=True)])
        out["exact_match_nocase"] = float(folded[has_gold].mean())
        if gold_lemma is not None and pred_lemma is not None:
            gl = [_norm(x) for x in gold_lemma]
            pl = [_norm(x) for x in pred_lemma]
            lem = np.array([a == b for a, b in zip(gl, pl, strict=True)])
            out["lemma_accuracy"] = float(lem[has_gold].mean())
    tp = float((has_gold & has_pred).sum())
    out["detect_precision"] = tp / has_pred.sum() if has_pred.any() else 0.0
    out["detect_recall"] = tp / has_gold.sum() if has_gold.any() else 0.0
    return out


def confusion(gold: Sequence[str], pred: Sequence[str],
              labels: Sequence[str] = CLAUSE_TYPES) -> np.ndarray:
    """Confusion counts, rows = gold, columns = predicted, in ``labels`` order."""
    return confusion_matrix(list(gold), list(pred), labels=list(labels))


def task_metrics(task: str, gold: pd.DataFrame, pred: pd.DataFrame) -> dict[str, float]:
    """The metric dict for ``task`` from a gold table and its aligned predictions."""
    if task == "clause-type":
        return type_metrics(gold["type"].tolist(), pred["type"].tolist())
    return phrase_metrics(gold["action_phrase"].tolist(), pred["action_phrase"].tolist(),
                          gold.get("action_lemma", pd.Series([None] * len(gold))).tolist(),
                          pred["action_lemma"].tolist())


PRIMARY_METRIC = {"clause-type": "macro_f1", "action-phrase": "exact_match"}


def bootstrap_ci(
    gold: pd.DataFrame,
    pred: pd.DataFrame,
    metric: Callable[[pd.DataFrame, pd.DataFrame], float],
    n_boot: int = 1000,
    seed: int = 13,
    alpha: float = 0.05,
    by: str = "doc_id",
) -> tuple[float, float, float]:
    """Point estimate and (1-alpha) percentile interval, resampling whole documents."""
    point = metric(gold, pred)
    if by not in gold.columns or gold.empty:
        return point, float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    groups = gold.groupby(by, sort=False).indices
    keys = list(groups)
    positions = [groups[k] for k in keys]
    values = []
    for _ in range(n_boot):
        pick = rng.integers(0, len(keys), len(keys))
        idx = np.concatenate([positions[i] for i in pick])
        values.append(metric(gold.iloc[idx], pred.iloc[idx]))
    lo, hi = np.nanpercentile(values, [100 * alpha / 2, 100 * (1 - alpha / 2)])
    return point, float(lo), float(hi)
