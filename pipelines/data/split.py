"""Deterministic document-level train/validation/test splits, stratified by body and session.

A document's split depends only on its id, its stratum and the seed, so adding documents never
moves existing ones between splits, and no document is ever in two splits.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable

SPLITS: tuple[str, ...] = ("train", "validation", "test")


def _rank(doc_id: str, seed: int) -> str:
    return hashlib.sha256(f"{seed}:{doc_id}".encode()).hexdigest()


def assign_splits(
    docs: Iterable[tuple[str, str]],
    fractions: tuple[float, float, float] = (0.8, 0.1, 0.1),
    seed: int = 13,
) -> dict[str, str]:
    """Map each ``(doc_id, stratum)`` to a split.

    Within every stratum (e.g. ``"GA/79"``), documents are ordered by a seeded hash of their id
    and cut at the cumulative fractions, so each stratum is represented in every split as far
    as its size allows (strata of one or two documents go to train first, then test).
    """
    if abs(sum(fractions) - 1.0) > 1e-6:
        raise ValueError(f"split fractions must sum to 1, got {fractions}")
    strata: dict[str, list[str]] = defaultdict(list)
    for doc_id, stratum in docs:
        strata[stratum].append(doc_id)
    out: dict[str, str] = {}
    for members in strata.values():
        ordered = sorted(set(members), key=lambda d: _rank(d, seed))
        n = len(ordered)
        n_val = round(n * fractions[1])
        n_test = round(n * fractions[2])
        if n >= 3:
            n_val, n_test = max(n_val, 1), max(n_test, 1)
        elif n == 2:
            n_val, n_test = 0, 1
        else:
            n_val, n_test = 0, 0
        for i, doc_id in enumerate(ordered):
            if i < n_test:
                out[doc_id] = "test"
            elif i < n_test + n_val:
                out[doc_id] = "validation"
            else:
                out[doc_id] = "train"
    return out
