"""A clause's place in its document: position, neighbours, the list it hangs from, and what
the document held before it. Context keys are added to the opening features of
:mod:`pipelines.features.opening`, computed per document in document order.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from pipelines.data.order import document_slices
from pipelines.features.opening import Features, opening_features, opening_kind

#: keys ``document_features`` adds for context (everything else is the clause's own opening)
_CONTEXT_KEYS = frozenset({"relpos", "pos", "from_end", "kind"})
_CONTEXT_PREFIXES = ("prev_", "next_", "anc_", "seen_")


def _pos_bin(i: int) -> str:
    if i < 3:
        return str(i)
    if i < 6:
        return "3-5"
    if i < 11:
        return "6-10"
    if i < 21:
        return "11-20"
    return "21+"


_POS_BINS = tuple(_pos_bin(i) for i in range(21))


def _doc_upper(texts: Sequence[str]) -> bool:
    """True when the document is written mostly in capitals (old telegraphic/OCR text)."""
    # the first 160 characters of every clause, counted together (the same sums); a byte of
    # UTF-8 is an ASCII letter only where the character is one
    head = np.frombuffer("".join([t[:160] for t in texts]).encode("utf-8", "ignore"), np.uint8)
    upper = int(np.count_nonzero(head - np.uint8(ord("A")) < 26))  # uint8 wraps below "A"
    lower = int(np.count_nonzero(head - np.uint8(ord("a")) < 26))
    return upper > 3 * lower and upper > 20


def clause_texts(clauses: pd.DataFrame) -> list[str]:
    """The ``text`` column as Python strings (``""`` for a missing text)."""
    return [t if isinstance(t, str) else "" for t in clauses["text"].tolist()]


def document_features(clauses: pd.DataFrame, verbs: frozenset[str] | None = None,
                      context: bool = True, opening: bool = True) -> list[Features]:
    """Per-clause feature dicts for a clause table in document order.

    Always the opening features (casing shape neutralised in all-caps documents); with
    ``context`` also relative position and index from start/end, the previous and next clause's
    opening (``prev_``/``next_``), whether the previous clause ends with ":" and the opening of
    the line the current list hangs from (``anc_``), and what the document held so far (numbered
    clauses, finite openings, an enacting formula); ``opening=False`` keeps only the context
    keys. Rows keep the order of ``clauses``.
    """
    texts = clause_texts(clauses)
    doc_ids = clauses["doc_id"].tolist() if "doc_id" in clauses else [0] * len(texts)
    out: list[Features] = []
    for start, stop in document_slices(doc_ids):
        feats = _doc_features(texts[start:stop], verbs, context)
        if not opening:
            feats = [{k: v for k, v in f.items()
                      if k in _CONTEXT_KEYS or k.startswith(_CONTEXT_PREFIXES)} for f in feats]
        out.extend(feats)
    return out


def _doc_features(texts: Sequence[str], verbs: frozenset[str] | None,
                  context: bool) -> list[Features]:
    own = [opening_features(t, verbs) for t in texts]
    if _doc_upper(texts):
        for f in own:
            f["shape"] = "caps_doc"
    if not context:
        return own
    n = len(own)
    kinds = [opening_kind(f) for f in own]
    last = max(n - 1, 1)
    seen_num = seen_finite = seen_formula = seen_participle = False
    anchor: int | None = None
    prev: Features = {}
    anchor_feats: Features = {}
    # context keys are added in place: a clause's own keys are never overwritten, so the
    # neighbours still read their opening features from the same dicts
    for i, f in enumerate(own):
        g = f
        g["relpos"] = i / last
        g["pos"] = _POS_BINS[i] if i < 21 else "21+"
        g["from_end"] = _POS_BINS[n - 1 - i] if n - 1 - i < 21 else "21+"
        g["kind"] = kind = kinds[i]
        # the neighbours' w1, form, end and num, written out (a loop costs more than these)
        if i > 0:
            g["prev_w1"] = prev["w1"]
            g["prev_form"] = prev["form"]
            g["prev_end"] = prev["end"]
            g["prev_num"] = prev["num"]
            g["prev_kind"] = kinds[i - 1]
            g["prev_end_form"] = f"{prev['end']}|{f['form']}"
        else:
            g["prev_kind"] = "<start>"
        if i + 1 < n:
            q = own[i + 1]
            g["next_w1"] = q["w1"]
            g["next_form"] = q["form"]
            g["next_end"] = q["end"]
            g["next_num"] = q["num"]
            g["next_kind"] = kinds[i + 1]
        else:
            g["next_kind"] = "<end>"
        # list anchor: the last line ending in ":" that the current run of items hangs from
        if i > 0 and prev["end"] == ":":
            anchor = i - 1
            anchor_feats = prev
        elif f["num"] == "none" and "that" not in f and f["end"] != ";":
            anchor = None
        if anchor is not None:
            g["anc_kind"] = kinds[anchor]
            g["anc_head"] = anchor_feats["head"]
            g["anc_form"] = anchor_feats["form"]
            g["anc_dist"] = min(i - anchor, 5) / 5.0
        if seen_num:
            g["seen_num"] = 1.0
        if seen_finite:
            g["seen_finite"] = 1.0
        if seen_formula:
            g["seen_formula"] = 1.0
        if seen_participle:
            g["seen_participle"] = 1.0
        seen_num = seen_num or f["num"] in ("digit", "alpha", "roman")
        seen_finite = seen_finite or kind == "finite"
        seen_formula = seen_formula or kind == "formula"
        seen_participle = seen_participle or kind == "participle"
        prev = f
    return own
