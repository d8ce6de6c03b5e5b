"""Transformed copies of training documents (issue 9): which documents are copied, which
transformations each copy gets, and in which language's words (``augment`` holds the English
transformations, ``augment_languages`` the other languages' templates)."""

from __future__ import annotations

import logging
import random
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from pipelines.data.augment import TRANSFORMS, Row, headings_as_other
from pipelines.data.augment_languages import transform_for

log = logging.getLogger(__name__)


@dataclass
class AugmentResult:
    """The new rows and how many documents each transformation touched."""

    rows: pd.DataFrame
    counts: Counter

    def metrics(self) -> dict[str, float]:
        out = {f"augment.{name}": float(self.counts.get(name, 0)) for name in TRANSFORMS}
        out["augment.documents"] = float(self.rows["doc_id"].nunique()) if not self.rows.empty else 0.0
        out["augment.clauses"] = float(len(self.rows))
        return out


def augment_documents(train: pd.DataFrame, enabled: list[str], fraction: float,
                      probability: float, seed: int) -> AugmentResult:
    """Transformed copies of a ``fraction`` of the documents of ``train`` (document order).

    Each copy gets each enabled transformation with ``probability`` (at least one); copies get
    new ``doc_id``s (``<doc>#aug``) and fresh ``para_id``s. ``train`` itself is not changed.
    """
    unknown = sorted(set(enabled) - set(TRANSFORMS))
    if unknown:
        raise ValueError(f"unknown transformations: {unknown}")
    names = [n for n in TRANSFORMS if n in enabled]
    counts: Counter = Counter()
    if not names or fraction <= 0 or train.empty:
        return AugmentResult(train.iloc[:0].copy(), counts)
    rng = random.Random(seed)
    docs = list(dict.fromkeys(train["doc_id"].tolist()))
    picked = rng.sample(docs, max(1, round(len(docs) * min(fraction, 1.0))))
    picked_set = set(picked)
    groups = {d: g for d, g in train[train["doc_id"].isin(picked_set)].groupby("doc_id", sort=False)}
    out: list[Row] = []
    for doc in picked:
        rows = headings_as_other(groups[doc].sort_values("para_id").to_dict("records"))
        chosen = [n for n in names if rng.random() < probability] or [rng.choice(names)]
        applied = []
        for name in chosen:
            transform = transform_for(name, str(rows[0].get("language") or "en"))
            new = transform(rows, rng) if transform is not None else None
            if new is not None:
                rows = new
                applied.append(name)
        if not applied:
            continue
        counts.update(applied)
        for k, row in enumerate(rows):
            row["doc_id"] = f"{doc}#aug"
            row["para_id"] = k
        out.extend(rows)
    frame = pd.DataFrame(out, columns=train.columns) if out else train.iloc[:0].copy()
    log.info("augment: %d documents, %d clauses (%s)", frame["doc_id"].nunique() if out else 0,
             len(frame), dict(counts))
    return AugmentResult(frame, counts)
