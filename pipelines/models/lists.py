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
create …"), a sentence with a modal or a first-person formula ("We, the participants,"); a
short item ending in a comma is an item, not an enacting formula, and one that holds a date or a
meeting and ends in ``;`` or ``,`` ("Joint verification of forecasts by 31 December 2021;") is no
date line. With the learned verbs, a word in -s whose stem is no verb ("Gaps in …"), and a verb's
base form or a word in -ing before "of" ("Exchange of …", "Early warning of …"), open noun
phrases too.
An item that follows a line ending in ``:`` — directly or after other items — gets that line's
probabilities when the line is preambular or operative. Headings (no final punctuation), clauses
with a verb of their own and anything after an "other" line are left as the model predicted
them, with one exception: the items of a **bridge**.

A noun-phrase item has no action phrase of its own (:func:`list_item_rows`, applied after any
phrase model).

A **preambular lead-in** the model typed ``other`` is typed preambular: a short line ending in
``:`` that opens with a participle or adjective ("Taking into account:", "Determining as
priorities:", "Deeply concerned:"; not a preposition in -ing such as "Including:"); its
noun-phrase items are preambular with it.

A bridge is a line typed ``other`` that ends in ``:`` and opens with a verb, or ends in "to:" ("Decide to:",
"Decides:", "Recommends to the Ministries of Education:"); it announces the operative part
without enacting anything itself, and its items are operative whatever they open with
("4. Hold the tenth meeting in May 2024;", "(a) To call upon …;"). A bridge item is a line
ending in ``;`` ``,`` or ``.`` that carries a printed list marker ("1.", "(a)", "b)") or opens
with "To"; the run ends at the first line that does not (a footnote "12 Official Records …",
a heading, a vote line). Such an item is typed operative. Where these rules, not the lead-in's
probabilities, set a type, ``proba_*`` and ``type_score`` stay the model's own, as after
document-level decoding.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np
import pandas as pd

from pipelines.data.order import document_positions
from pipelines.features.context import clause_texts
from pipelines.features.opening import (
    Features,
    clause_end,
    opening_features,
    opening_kind,
    verb_stem,
)
from pipelines.text.numbering import parse_numbering
from pipelines.text.tokens import clause_start, first_words
from pipelines.text.wordclasses import ING_PREPOSITIONS, NOUN_PHRASE_STARTS

#: types whose lead-in lines pass their type down to their items
LEADING_TYPES = frozenset({"preambular", "operative"})
#: the type of a bridge's items
BRIDGE_ITEM_TYPE = "operative"
#: the type of a lead-in line recognised by its form, and of its items
LEAD_IN_TYPE = "preambular"
#: longest preambular lead-in line, in words ("Having considered the following:")
_LEAD_IN_WORDS = 6
_ITEM_ENDS = (";", ",", ".")
#: a line announcing infinitive items: "Decide to:", "Hereby commit ourselves to:"
_TO_COLON = re.compile(r"\bto\s*:\W*$", re.IGNORECASE)


def _noun_head(text: str, feats: Features, verbs: frozenset[str] | None) -> bool:
    """A head that reads as a verb by its form but opens a noun phrase: a word in -s whose stem
    is no learned verb ("Gaps in …"), or a learned verb's base form or a word in -ing before
    "of" ("Exchange of …", "Early warning of …": a verb takes its object without "of")."""
    if not verbs:
        return False
    if feats["form"] == "s":
        return not feats.get("adv") and verb_stem(str(feats["head"])) not in verbs
    if feats["form"] not in ("base_verb", "ing"):
        return False
    words = first_words(text[clause_start(text):], 6)
    head = words.index(str(feats["head"])) if feats["head"] in words else -1
    return 0 <= head < len(words) - 1 and words[head + 1] == "of"


def is_list_item(text: str, verbs: frozenset[str] | None = None) -> bool:
    """Whether ``text`` reads as a noun-phrase list item (see the module docstring)."""
    feats = opening_features(text, verbs)
    if feats["end"] not in _ITEM_ENDS or "modal" in feats or feats["w1"] == "to":
        return False  # a sentence ("… shall be mapped;") or an infinitive ("To create …;")
    if feats["form"] == "plural" or _noun_head(text, feats, verbs):  # "Threats of …", "Gaps in …"
        return True
    if feats["w2"] in NOUN_PHRASE_STARTS and feats["w1"] not in NOUN_PHRASE_STARTS:
        return False  # a verb and its object ("Issue a joint statement;"), known verb or not
    # a date or a meeting inside an item ending as items do is no date line or meeting record
    meta = ("date", "meeting") if feats["end"] != "." else ()
    kind = opening_kind({k: v for k, v in feats.items() if k not in meta})
    if kind == "formula" and "we" not in feats:
        # short and ending in a comma, as "The General Assembly," is, but inside a list:
        # "(b) the exchange of information,", "Cooperation among the authorities,"
        kind = "other"
    return kind == "other" and (bool(verbs) or feats["w1"] in NOUN_PHRASE_STARTS)


def is_bridge(text: str, verbs: frozenset[str] | None = None) -> bool:
    """Whether ``text`` ends in ``:`` and is a verb's: a finite opening ("Decides:", "Recommends
    to the Ministries of Education:") or a verb announcing infinitives ("Decide to:", whatever
    the learned verbs know of "decide")."""
    feats = opening_features(text, verbs)
    if feats["end"] != ":":
        return False
    return opening_kind(feats) == "finite" or _TO_COLON.search(text) is not None


def is_lead_in(text: str, verbs: frozenset[str] | None = None) -> bool:
    """Whether ``text`` is a short participle or adjective line ending in ``:`` ("Taking into
    account:", "Determining as priorities:")."""
    feats = opening_features(text, verbs)
    if feats["end"] != ":" or opening_kind(feats) != "participle" or "," in text:
        return False
    return feats["head"] not in ING_PREPOSITIONS and len(text.split()) <= _LEAD_IN_WORDS


def is_bridge_item(text: str, verbs: frozenset[str] | None = None) -> bool:
    """Whether ``text`` reads as an item of a bridge: a printed list marker or "To …", and final
    punctuation."""
    if clause_end(text) not in _ITEM_ENDS:
        return False
    marker = parse_numbering(text).marker
    if marker:
        return marker[-1] in ".)"
    return opening_features(text, verbs)["w1"] == "to"


def document_rows(clauses: pd.DataFrame) -> Iterator[tuple[int, str, bool]]:
    """``(row position, text, whether it opens a document)`` for every row, in document order."""
    texts = clause_texts(clauses)
    doc_ids = clauses["doc_id"].tolist() if "doc_id" in clauses else [0] * len(texts)
    prev_doc: object = object()
    for row in document_positions(clauses):
        yield row, texts[row], doc_ids[row] != prev_doc
        prev_doc = doc_ids[row]


def list_item_rows(clauses: pd.DataFrame, verbs: frozenset[str] | None = None) -> list[int]:
    """Positions of the rows that are noun-phrase items of a preambular lead-in
    (:func:`is_lead_in`), directly or after other items, in one document ("Determining as
    priorities:" → "Gaps in the network …;"). Such an item has no action phrase of its own
    (none of the 290 items after a preambular or operative line ending in ``:`` in the GA/ECOSOC
    corpus has one). The lead-in is judged by its English form: in the other languages an item
    is not told from a clause of its own ("Que …" items of "Considérant :") by these rules."""
    if clauses.empty or "text" not in clauses:
        return []
    items: list[int] = []
    in_list = False
    for row, text, new_doc in document_rows(clauses):
        if in_list and not new_doc and is_list_item(text, verbs):
            items.append(row)
            continue
        in_list = clause_end(text) == ":" and is_lead_in(text, verbs)  # the cheap test first
    return items


def inherit_list_types(clauses: pd.DataFrame, pred: pd.DataFrame,
                       verbs: frozenset[str] | None = None) -> pd.DataFrame:
    """``pred`` (clause-type output, same index as ``clauses``) with list items re-typed.

    ``verbs``: the model's learned verb stems, which tell "Issue a statement" (a clause of its
    own) from "The risk of …" (an item)."""
    if pred.empty or "text" not in clauses:
        return pred
    proba_cols = [c for c in pred.columns if c.startswith("proba_")]
    labels = [c.removeprefix("proba_") for c in proba_cols]
    types = pred["type"].tolist()
    proba = pred[proba_cols].to_numpy(dtype=float, copy=True)
    inherited: list[int] = []  # rows that take their lead-in's probabilities
    forced: dict[int, str] = {}  # rows typed by the rules, probabilities their own
    lead: int | None = None  # row of the current lead-in line typed by the model
    rule_type: str | None = None  # type of the current list when the rules set it
    for row, text, new_doc in document_rows(clauses):
        if new_doc:
            lead = rule_type = None
        if lead is not None or rule_type == LEAD_IN_TYPE:
            if is_list_item(text, verbs):
                if lead is not None:
                    proba[row] = proba[lead]
                    inherited.append(row)
                else:
                    forced[row] = LEAD_IN_TYPE
                continue
            lead = rule_type = None
        if rule_type == BRIDGE_ITEM_TYPE:
            if is_bridge_item(text, verbs):
                forced[row] = BRIDGE_ITEM_TYPE
                continue
            rule_type = None
        if clause_end(text) != ":":
            continue
        if types[row] in LEADING_TYPES:
            lead = row
        elif types[row] == "other" and is_lead_in(text, verbs):
            forced[row] = rule_type = LEAD_IN_TYPE
        elif types[row] == "other" and is_bridge(text, verbs):
            rule_type = BRIDGE_ITEM_TYPE
    forced = {r: t for r, t in forced.items() if types[r] != t and t in labels}
    if not inherited and not forced:
        return pred
    out = pred.copy()
    out[proba_cols] = proba
    type_col, score_col = out.columns.get_loc("type"), out.columns.get_loc("type_score")
    if inherited:
        best = proba[inherited].argmax(axis=1)
        out.iloc[inherited, type_col] = np.asarray(labels, dtype=object)[best]
        out.iloc[inherited, score_col] = proba[inherited, best]
    if forced:
        rows = list(forced)
        cols = [labels.index(t) for t in forced.values()]
        out.iloc[rows, type_col] = np.asarray(list(forced.values()), dtype=object)
        out.iloc[rows, score_col] = proba[rows, cols]
    return out
