"""List items take the type of the line that announces them.

Outside the GA/ECOSOC markup, lists are often separate paragraphs: "Taking into account:" then
"The risk of …;" "The unprecedented increase …;" — each item a noun phrase with no opening verb
of its own. The label definitions make such items part of the clause that announces them
(preambular under a preambular lead-in, operative under "Decide to:"), but the corpus cannot
teach it: its lists live inside one paragraph. :func:`inherit_list_types` applies the rule after
any clause-type model. An *item* is a noun phrase ending in ``;`` ``,`` or ``.``: an opening
without a verb, participle or formula of its own (judged with the model's learned verbs; without
them, it must start with a determiner), never a word followed by a determiner ("Issue a …", a
verb and its object), or a plural followed by "of" ("Threats of …"); never an infinitive ("To
create …") or a sentence with a modal. An item that follows a line
ending in ``:`` — directly or after other items — gets that line's probabilities when the line
is preambular or operative. Headings (no final punctuation), clauses with a verb of their own
and anything after an "other" line are left as the model predicted them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.data.order import document_positions
from pipelines.features.context import clause_texts
from pipelines.features.opening import clause_end, opening_features, opening_kind
from pipelines.text.wordclasses import NOUN_PHRASE_STARTS

#: types whose lead-in lines pass their type down to their items
LEADING_TYPES = frozenset({"preambular", "operative"})


def is_list_item(text: str, verbs: frozenset[str] | None = None) -> bool:
    """Whether ``text`` reads as a noun-phrase list item (see the module docstring)."""
    feats = opening_features(text, verbs)
    if feats["end"] not in (";", ",", ".") or "modal" in feats or feats["w1"] == "to":
        return False  # a sentence ("… shall be mapped;") or an infinitive ("To create …;")
    if feats["form"] == "plural":  # "Threats of …"
        return True
    if feats["w2"] in NOUN_PHRASE_STARTS and feats["w1"] not in NOUN_PHRASE_STARTS:
        return False  # a verb and its object ("Issue a joint statement;"), known verb or not
    kind = opening_kind(feats)
    if kind == "formula" and feats["num"] != "none":  # "(b) the exchange of information,"
        kind = "other"
    return kind == "other" and (bool(verbs) or feats["w1"] in NOUN_PHRASE_STARTS)


def inherit_list_types(clauses: pd.DataFrame, pred: pd.DataFrame,
                       verbs: frozenset[str] | None = None) -> pd.DataFrame:
    """``pred`` (clause-type output, same index as ``clauses``) with list items re-typed.

    ``verbs``: the model's learned verb stems, which tell "Issue a statement" (a clause of its
    own) from "The risk of …" (an item)."""
    if pred.empty or "text" not in clauses:
        return pred
    texts = clause_texts(clauses)
    doc_ids = clauses["doc_id"].tolist() if "doc_id" in clauses else [0] * len(texts)
    order = document_positions(clauses)
    proba_cols = [c for c in pred.columns if c.startswith("proba_")]
    labels = [c.removeprefix("proba_") for c in proba_cols]
    types = pred["type"].tolist()
    proba = pred[proba_cols].to_numpy(dtype=float, copy=True)
    changed: list[int] = []
    lead: int | None = None  # row of the current lead-in line
    prev_doc = object()
    for row in order:
        if doc_ids[row] != prev_doc:
            lead, prev_doc = None, doc_ids[row]
        text = texts[row]
        if lead is not None:
            if is_list_item(text, verbs):
                proba[row] = proba[lead]
                changed.append(row)
                continue
            lead = None
        if clause_end(text) == ":" and types[row] in LEADING_TYPES:
            lead = row
    if not changed:
        return pred
    out = pred.copy()
    out[proba_cols] = proba
    best = proba[changed].argmax(axis=1)
    out.iloc[changed, out.columns.get_loc("type")] = np.asarray(labels, dtype=object)[best]
    out.iloc[changed, out.columns.get_loc("type_score")] = proba[changed, best]
    return out
