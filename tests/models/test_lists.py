"""List items take the type of the line that announces them, whatever the model said."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.models.frames import type_frame
from pipelines.models.lists import inherit_list_types, is_list_item
from pipelines.schema import CLAUSE_TYPES

VERBS = frozenset({"decid", "issu", "enhanc", "tak", "welcom"})

# (text, type the model "predicted") — a communiqué-like document written for this test
DOC = [
    ("The Ministers,", "other"),
    ("Bearing in mind:", "preambular"),
    ("The growth of cross-border crime;", "operative"),
    ("Failures of coordination among agencies;", "operative"),
    ("A lack of shared data.", "other"),
    ("Decide to:", "operative"),
    ("1. Issue a joint statement;", "operative"),
    ("The exchange of liaison officers;", "preambular"),
    ("Annex", "other"),
    ("The list continues without a lead-in;", "preambular"),
    ("Contents:", "other"),
    ("The first chapter;", "operative"),
]


def _pred(types: list[str], index: pd.Index) -> pd.DataFrame:
    labels = list(CLAUSE_TYPES)
    proba = np.full((len(types), len(labels)), 0.05)
    for i, t in enumerate(types):
        proba[i, labels.index(t)] = 0.9
    return type_frame(proba, labels, labels, index)


def _run(verbs: frozenset[str] | None) -> list[str]:
    clauses = pd.DataFrame({"doc_id": "d1", "para_id": range(len(DOC)),
                            "text": [t for t, _ in DOC]})
    # reversed row order: the rule must follow document order, not row order
    clauses = clauses.iloc[::-1]
    out = inherit_list_types(clauses, _pred([ty for _, ty in DOC][::-1], clauses.index), verbs)
    assert out.index.equals(clauses.index)
    assert np.allclose(out.filter(like="proba_").sum(axis=1), 1.0)
    return out.sort_index()["type"].tolist()


def test_items_follow_their_lead_in_line() -> None:
    types = _run(VERBS)
    assert types[2:5] == ["preambular"] * 3  # under "Bearing in mind:"
    # "1. Issue…" has a verb of its own: it ends the run, and the item after it is left alone
    assert types[6:8] == ["operative", "preambular"]
    assert types[9] == "preambular"  # no lead-in right before: left as predicted
    assert types[11] == "operative"  # "Contents:" is other: nothing is passed down
    assert types[0] == "other" and types[8] == "other"


def test_without_verbs_only_determiner_items_inherit() -> None:
    types = _run(None)
    assert types[2:5] == ["preambular"] * 3
    assert types[6] == "operative"


def test_item_shapes() -> None:
    assert is_list_item("The risk of new conflicts;", VERBS)
    assert is_list_item("Threats of a terrorist nature;", None)
    assert is_list_item("(b) the exchange of information,", None)
    assert not is_list_item("Decides to remain seized of the matter;", VERBS)
    assert not is_list_item("Recalling its resolutions,", VERBS)
    assert not is_list_item("Chapter headings", VERBS)  # no final punctuation: a heading
