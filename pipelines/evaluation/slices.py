"""Slices of a gold table: per class, per body, per session, per phrase-frequency band; and the
position and opening-word columns the notebooks slice by.

Each slice gets the task's primary metric with its document-bootstrap interval and the
secondary metric, from the same per-clause counts as the overall figures.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from pipelines.evaluation.bootstrap import intervals
from pipelines.evaluation.metrics import PRIMARY_METRIC, SECONDARY_METRIC, norm_phrase
from pipelines.schema import CLAUSE_TYPES

#: phrase-frequency bands: rank of the gold lemma among the reference lemmas by frequency
BAND_TOP, BAND_MID = 10, 50
BANDS: tuple[str, ...] = ("top 10 lemmas", "lemmas 11–50", "rare lemmas (>50)",
                          "unseen lemmas", "no phrase")
SLICE_COLUMNS: tuple[str, ...] = ("body", "session", "phrase_band")


def opening_word(text: object) -> str:
    """The first word after numbering, lowercased ('' when there is none)."""
    from pipelines.text.tokens import opening_tokens

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
        key = norm_phrase(lem) or norm_phrase(phr)
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


def slice_table(task: str, gold: pd.DataFrame, counts: np.ndarray, column: str, n_boot: int,
                seed: int, order: Sequence[str] | None = None) -> pd.DataFrame:
    """Primary metric with its interval, and the secondary metric, per value of ``column``;
    ``counts`` are the :func:`~pipelines.evaluation.metrics.row_counts` of ``gold``'s rows."""
    primary, secondary = PRIMARY_METRIC[task], SECONDARY_METRIC[task]
    keys = gold[column].astype(object).where(gold[column].notna(), "?").astype(str)
    docs = gold["doc_id"].astype(str).to_numpy()
    rows = []
    for value, idx in keys.groupby(keys, sort=True).indices.items():
        ci = intervals(task, counts[idx], docs[idx], (primary, secondary), n_boot, seed)
        rows.append({column: value, "clauses": len(idx), "documents": len(set(docs[idx])),
                     primary: ci[primary][0], "lo": ci[primary][1], "hi": ci[primary][2],
                     secondary: ci[secondary][0]})
    table = pd.DataFrame(rows, columns=[column, "clauses", "documents", primary, "lo", "hi",
                                        secondary])
    if order is not None:
        rank = {v: i for i, v in enumerate(order)}
        table = table.sort_values(column, key=lambda s: s.map(rank).fillna(len(rank)))
    return table.reset_index(drop=True)


def per_class(task: str, metrics: dict[str, float], ci: dict[str, list[float]],
              gold: pd.DataFrame, counts: np.ndarray, n_boot: int, seed: int) -> pd.DataFrame:
    """clause-type: precision, recall, F1 (with its interval) and support per class;
    action-phrase: the phrase metrics per gold clause type (empty without gold types)."""
    if task == "clause-type":
        return pd.DataFrame([{
            "class": t, "precision": metrics[f"{t}.precision"], "recall": metrics[f"{t}.recall"],
            "f1": metrics[f"{t}.f1"], "lo": ci[f"{t}.f1"][0], "hi": ci[f"{t}.f1"][1],
            "support": int(metrics[f"{t}.support"]),
        } for t in CLAUSE_TYPES])
    if "type" not in gold.columns or gold["type"].isna().all():
        return pd.DataFrame()
    table = slice_table(task, gold, counts, "type", n_boot, seed, order=CLAUSE_TYPES)
    return table.rename(columns={"type": "class"})
