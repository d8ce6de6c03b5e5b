"""Percentile bootstrap intervals that resample whole documents.

Clauses of one document are not independent (one drafting style, one numbering), so a resample
draws documents with replacement, as many as there are, and keeps all their clauses. Each
document's :func:`~pipelines.evaluation.metrics.row_counts` are summed once; a resample's totals
are then a weighted sum of those per-document counts, and every metric of every resample comes
from one vectorised :func:`~pipelines.evaluation.metrics.scores` call.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from pipelines.evaluation.metrics import point_scores, scores

log = logging.getLogger(__name__)

#: ``(point, lo, hi)`` of one metric
Interval = tuple[float, float, float]


def document_counts(counts: np.ndarray, doc_ids: Sequence[object] | np.ndarray) -> np.ndarray:
    """``counts`` summed per document, documents in order of first appearance."""
    codes, _ = pd.factorize(pd.Series(doc_ids, dtype=object).astype(str))
    out = np.zeros((codes.max() + 1 if len(codes) else 0, counts.shape[1]), dtype=np.int64)
    np.add.at(out, codes, counts)
    return out


def resample_weights(n_docs: int, n_boot: int, seed: int) -> np.ndarray:
    """How often each document is drawn in each resample (``n_boot × n_docs``)."""
    rng = np.random.default_rng(seed)
    weights = np.zeros((n_boot, n_docs), dtype=np.int64)
    for b in range(n_boot):  # one draw per resample: the stream does not depend on n_boot
        weights[b] = np.bincount(rng.integers(0, n_docs, n_docs), minlength=n_docs)
    return weights


def intervals(task: str, counts: np.ndarray, doc_ids: Sequence[object] | np.ndarray,
              names: Sequence[str], n_boot: int, seed: int,
              alpha: float = 0.05) -> dict[str, Interval]:
    """``{metric: (point, lo, hi)}`` for clauses with these per-clause ``counts`` in documents
    ``doc_ids``: the (1 - alpha) percentile interval over ``n_boot`` document resamples (NaN
    bounds when there is nothing to resample or the metric has no data). One document gives
    no interval: every resample would be that document again, a zero-width "interval" that
    says nothing about the uncertainty; a warning says so."""
    point = point_scores(task, counts) if len(counts) else {}
    out = {n: (point.get(n, math.nan), math.nan, math.nan) for n in names}
    if n_boot <= 0 or not point or all(math.isnan(point.get(n, math.nan)) for n in names):
        return out
    docs = document_counts(counts, doc_ids)
    if len(docs) < 2:
        log.warning("one document only: no bootstrap interval (it resamples whole documents); "
                    "evaluate on more documents for a confidence interval")
        return out
    totals = resample_weights(len(docs), n_boot, seed) @ docs
    values = scores(task, totals)
    for name in names:
        column = np.asarray(values.get(name, np.full(n_boot, np.nan)), dtype=float)
        if np.isnan(column).all():
            continue
        lo, hi = np.nanpercentile(column, [100 * alpha / 2, 100 * (1 - alpha / 2)])
        out[name] = (point.get(name, math.nan), float(lo), float(hi))
    return out
