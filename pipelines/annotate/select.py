"""Active learning: rank clauses by how unsure the clause-type model is, and choose the ones
most worth a human's time, spread over documents.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipelines.annotate.merge import SELECT_KEY
from pipelines.annotate.options import STRATEGIES, Strategy
from pipelines.annotate.stream import doc_key
from pipelines.annotate.writers import iter_jsonl, public
from pipelines.errors import UnclauseError
from pipelines.schema import CLAUSE_TYPES


def uncertainty(proba: pd.DataFrame | Any, strategy: Strategy = "least-confident") -> pd.Series:
    """How unsure the type model is, per row; larger means more worth a human's time.

    least-confident: ``1 - max p``; margin: ``1 - (p1 - p2)`` (the two best classes are close);
    entropy: ``-Σ p log p`` normalised by ``log K`` to [0, 1].
    """
    if strategy not in STRATEGIES:
        raise UnclauseError(f"unknown strategy '{strategy}'", f"use one of: {', '.join(STRATEGIES)}")
    values = np.asarray(proba, dtype=float)
    index = proba.index if isinstance(proba, pd.DataFrame) else None
    if values.size == 0:
        return pd.Series([], dtype=float, index=index)
    ordered = np.sort(values, axis=1)[:, ::-1]
    if strategy == "least-confident":
        score = 1.0 - ordered[:, 0]
    elif strategy == "margin":
        second = ordered[:, 1] if values.shape[1] > 1 else 0.0
        score = 1.0 - (ordered[:, 0] - second)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            logs = np.where(values > 0, np.log(values), 0.0)
        score = -(values * logs).sum(axis=1) / math.log(max(values.shape[1], 2))
    return pd.Series(np.round(score, 9), index=index)


def select_for_review(pred_frame: pd.DataFrame, n: int, strategy: Strategy = "least-confident",
                      per_doc_cap: int | None = None) -> pd.DataFrame:
    """The ``n`` clauses most worth a human's time, spread over documents.

    Uncertainty comes from the ``proba_*`` columns (see :func:`uncertainty`). Without
    ``per_doc_cap`` documents take turns: round 1 holds each document's most uncertain clause,
    round 2 its second, and so on, each round ordered by uncertainty; with ``per_doc_cap`` the
    global ranking is cut to at most that many clauses per document. Ties go to the earlier
    document, then the earlier clause, so the choice is deterministic. Returns the chosen rows
    (original columns) plus ``uncertainty`` and ``priority`` (1 = first), in priority order.
    """
    if n < 1:
        raise UnclauseError(f"--select must be at least 1, not {n}")
    if per_doc_cap is not None and per_doc_cap < 1:
        raise UnclauseError(f"the per-document cap must be at least 1, not {per_doc_cap}")
    proba_cols = [c for c in pred_frame.columns if str(c).startswith("proba_")]
    if not proba_cols:
        raise UnclauseError("cannot select clauses for review: no proba_* columns",
                            "select with a clause-type model that outputs probabilities")
    if pred_frame.empty:
        return pred_frame.assign(uncertainty=pd.Series(dtype=float),
                                 priority=pd.Series(dtype="int64"))
    frame = pred_frame.reset_index(drop=True)
    docs = frame["doc_id"].astype(str) if "doc_id" in frame else pd.Series("doc", frame.index)
    score = uncertainty(frame[proba_cols], strategy)
    key = pd.DataFrame({"u": score, "doc": docs.map({d: i for i, d in
                                                      enumerate(dict.fromkeys(docs))}),
                        "pos": range(len(frame))})
    key = key.sort_values(["u", "doc", "pos"], ascending=[False, True, True], kind="stable")
    key["rank_in_doc"] = key.groupby("doc", sort=False).cumcount()
    if per_doc_cap is not None:
        chosen = key[key["rank_in_doc"] < per_doc_cap]
    else:
        chosen = key.sort_values(["rank_in_doc", "u", "doc", "pos"],
                                 ascending=[True, False, True, True], kind="stable")
    chosen = chosen.head(n)
    out = pred_frame.iloc[chosen["pos"].to_numpy()].copy()
    out["uncertainty"] = chosen["u"].to_numpy()
    out["priority"] = range(1, len(out) + 1)
    return out


def select_rows(spool: Path, n: int, strategy: Strategy, per_doc_cap: int | None,
                 default_doc: str) -> list[dict[str, Any]]:
    """Two passes over the spool: rank by uncertainty, then fetch the chosen rows (with their
    neighbours' text for context), in priority order."""
    keys: dict[str, list[Any]] = {"doc_id": [], **{f"proba_{t}": [] for t in CLAUSE_TYPES}}
    for row in iter_jsonl(spool):
        keys["doc_id"].append(doc_key(row, default_doc))
        for t, p in zip(CLAUSE_TYPES, row[SELECT_KEY], strict=False):
            keys[f"proba_{t}"].append(p)
    chosen = select_for_review(pd.DataFrame(keys), n, strategy, per_doc_cap)
    wanted = {int(pos): (int(pri), float(u)) for pos, pri, u in
              zip(chosen.index, chosen["priority"], chosen["uncertainty"], strict=True)}
    picked: dict[int, dict[str, Any]] = {}
    prev: dict[str, Any] | None = None
    waiting: int | None = None
    for pos, row in enumerate(iter_jsonl(spool)):
        row = public(row)
        same_doc = prev is not None and doc_key(prev, default_doc) == doc_key(row, default_doc)
        if waiting is not None:
            picked[waiting].setdefault("next_text", row.get("text") if same_doc else "")
            waiting = None
        if pos in wanted:
            priority, unc = wanted[pos]
            row.setdefault("prev_text", prev.get("text") if same_doc and prev else "")
            row.update({"priority": priority, "uncertainty": round(unc, 6)})
            picked[pos] = row
            waiting = pos
        prev = row
    if waiting is not None:
        picked[waiting].setdefault("next_text", "")
    return sorted(picked.values(), key=lambda r: r["priority"])
