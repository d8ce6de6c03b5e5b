"""Document order: clauses grouped by document (in order of first appearance) and sorted by
``para_id`` inside each, ties kept in row order. Models predict on clauses in this order, so
they may use document context; every stage reads the order from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

__all__ = ["complete_ids", "document_order", "document_positions", "document_slices"]


def document_positions(clauses: pd.DataFrame) -> list[int]:
    """Row positions of ``clauses`` in document order (row order stands in for a missing
    ``para_id``; a missing ``doc_id`` makes one document)."""
    if clauses.empty:
        return []
    n = len(clauses)
    if "doc_id" in clauses and "para_id" in clauses and _in_order(
            clauses["doc_id"].tolist(), clauses["para_id"].tolist()):
        return list(range(n))
    frame = pd.DataFrame({"doc_id": clauses["doc_id"].to_numpy() if "doc_id" in clauses
                          else [0] * n,
                          "para_id": clauses["para_id"].to_numpy() if "para_id" in clauses
                          else range(n)})
    frame["_doc"] = frame.groupby("doc_id", sort=False).ngroup()
    return frame.sort_values(["_doc", "para_id"], kind="stable").index.tolist()


def _in_order(doc_ids: list[Any], para_ids: list[Any]) -> bool:
    """True when string ``doc_ids`` come in contiguous runs with non-decreasing ``para_ids``:
    the rows are in document order already (the usual case, checked in one pass)."""
    done: set[str] = set()
    prev_doc: Any = None
    prev_para: Any = None
    for doc, para in zip(doc_ids, para_ids, strict=True):
        if doc.__class__ is not str or (para.__class__ is not int and not (
                para.__class__ is float and para == para)):  # NaN, None…: pandas sorts them
            return False
        if doc == prev_doc:
            if para < prev_para:
                return False
        else:
            if doc in done:
                return False
            if prev_doc is not None:
                done.add(prev_doc)
            prev_doc = doc
        prev_para = para
    return True


def complete_ids(clauses: pd.DataFrame) -> pd.DataFrame:
    """Fill in place what a clause table may leave out: a missing ``doc_id`` makes one document
    (``"doc"``), a missing ``para_id`` is the row order inside each document; ``doc_id`` becomes
    a string. Returns ``clauses``.

    An object column of Python strings (annotate's batches) stays as it is: pandas' own string
    dtype is Arrow-backed, and every ``tolist`` of it (a model reads ``doc_id`` several times
    a batch) would build the Python strings again."""
    if "doc_id" not in clauses.columns:
        clauses["doc_id"] = "doc"
    ids = clauses["doc_id"]
    if ids.dtype != object or not all(d.__class__ is str for d in ids.tolist()):
        clauses["doc_id"] = ids.astype(str)
    if "para_id" not in clauses.columns:
        clauses["para_id"] = clauses.groupby("doc_id", sort=False).cumcount()
    return clauses


def document_order(clauses: pd.DataFrame) -> pd.DataFrame:
    """``clauses`` reordered into document order (index and columns kept)."""
    if clauses.empty:
        return clauses
    return clauses.iloc[document_positions(clauses)]


def document_slices(doc_ids: Sequence[Any]) -> list[tuple[int, int]]:
    """``(start, stop)`` of each run of equal ``doc_ids`` (clauses already in document order)."""
    out: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(doc_ids) + 1):
        if i == len(doc_ids) or doc_ids[i] != doc_ids[start]:
            out.append((start, i))
            start = i
    return out
