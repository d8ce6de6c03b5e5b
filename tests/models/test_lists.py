"""List items take the type of the line that announces them, whatever the model said."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.config import LinearConfig
from pipelines.models.frames import type_frame
from pipelines.models.linear import LinearModel
from pipelines.models.lists import (
    inherit_list_types,
    is_bridge,
    is_bridge_item,
    is_lead_in,
    is_list_item,
    list_item_rows,
)
from pipelines.schema import CLAUSE_TYPES

VERBS = frozenset({"decid", "issu", "enhanc", "tak", "welcom", "call", "exchang"})

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


def _inherit(doc: list[tuple[str, str]], verbs: frozenset[str] | None,
             ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(model output, after the list rule)`` in document order."""
    clauses = pd.DataFrame({"doc_id": "d1", "para_id": range(len(doc)),
                            "text": [t for t, _ in doc]})
    # reversed row order: the rule must follow document order, not row order
    clauses = clauses.iloc[::-1]
    pred = _pred([ty for _, ty in doc][::-1], clauses.index)
    out = inherit_list_types(clauses, pred, verbs)
    assert out.index.equals(clauses.index)
    assert np.allclose(out.filter(like="proba_").sum(axis=1), 1.0)
    return pred.sort_index(), out.sort_index()


def _run(verbs: frozenset[str] | None) -> list[str]:
    return _inherit(DOC, verbs)[1]["type"].tolist()


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
    # with the learned verbs: a word in -s that is no verb, a verb's base form before "of"
    assert is_list_item("Gaps in the monitoring of water quality;", VERBS)
    assert is_list_item("Exchange of radar images among services;", VERBS)
    assert not is_list_item("Calls upon the services to share radar images;", VERBS)
    assert not is_list_item("Exchange the images every month;", VERBS)
    assert is_list_item("Early warning of storm surges for harbours;", VERBS)
    assert is_list_item("Training of forecasters;", VERBS)
    assert is_list_item("Joint verification of forecasts by 31 December 2021;", VERBS)
    assert not is_list_item("12 December 2021.", VERBS)
    assert not is_list_item("Taking into account the views of the regions;", VERBS)


# a communiqué's bridge and its items, as a model typed them
BRIDGED = [
    ("Determining as priorities:", "preambular"),
    ("Cooperation among the authorities of the basin,", "other"),
    ("Decide to:", "other"),
    ("1. Issue a joint report on water quality;", "operative"),
    ("2. Hold the 12th meeting in Mirenna on 3 May 2024;", "other"),
    ("3. Meet again in Tessport in 2025.", "preambular"),
    ("(a) To publish the data of the network;", "other"),
    ("12 Official Records of the Forum, Third Year.", "other"),
    ("4. Invite the observers to the next meeting.", "preambular"),
    ("Adopted unanimously at the 99th meeting.", "other"),
]


def test_items_of_a_bridge_are_operative() -> None:
    pred, out = _inherit(BRIDGED, VERBS)
    assert out["type"].tolist() == [
        "preambular", "preambular", "other", "operative", "operative", "operative",
        "operative", "other", "preambular", "other"]
    # on a bridge's items the rule sets the type; probabilities and score stay the model's own
    pd.testing.assert_frame_equal(out.filter(like="proba_").iloc[2:],
                                  pred.filter(like="proba_").iloc[2:])
    assert out["type_score"].iloc[4] == pred["proba_operative"].iloc[4]


def test_a_bridge_typed_operative_or_a_heading_passes_nothing_down() -> None:
    doc = [("Contents:", "other"), ("I. Introduction", "other"),
           ("1. Scope of the report.", "other")]
    assert _inherit(doc, VERBS)[1]["type"].tolist() == ["other"] * 3


def test_bridge_shapes() -> None:
    assert is_bridge("Decide to:", VERBS) and is_bridge("Decide to:", None)
    assert is_bridge("Decides:", VERBS)
    assert is_bridge("Hereby commit ourselves to:", None)
    assert is_bridge("Recommends to the Ministries of Education:", VERBS)
    assert not is_bridge("Taking into account:", VERBS)
    assert not is_bridge("Original: English", VERBS)
    assert is_bridge_item("(b) To call upon the parties to withdraw;")
    assert is_bridge_item("To call upon the parties to withdraw;")
    assert is_bridge_item("2. Hold the 12th meeting in Mirenna on 3 May 2024;")
    assert not is_bridge_item("41 Ibid., Supplement for April, May and June 1975.")
    assert not is_bridge_item("II. TRAINING")
    assert not is_bridge_item("Adopted unanimously at the 99th meeting.")


def test_a_participle_lead_in_typed_other_is_preambular_with_its_items() -> None:
    doc = [("Taking into account:", "preambular"),
           ("The decline of fish stocks;", "preambular"),
           ("Determining as priorities:", "other"),
           ("The restoration of wetlands;", "operative"),
           ("Cooperation among the authorities of the basin,", "other"),
           ("Decide to:", "other"),
           ("Including:", "other"),
           ("The annexes;", "other")]
    pred, out = _inherit(doc, VERBS)
    assert out["type"].tolist() == ["preambular"] * 5 + ["other"] * 3
    pd.testing.assert_frame_equal(out.filter(like="proba_").iloc[2:],
                                  pred.filter(like="proba_").iloc[2:])
    assert out["type_score"].iloc[2] == pred["proba_preambular"].iloc[2]


def test_lead_in_shapes() -> None:
    assert is_lead_in("Determining as priorities:", VERBS)
    assert is_lead_in("Considering:", None) and is_lead_in("Deeply concerned:", VERBS)
    assert not is_lead_in("Including:", VERBS)  # a preposition in -ing
    assert not is_lead_in("Decide to:", VERBS)
    assert not is_lead_in("Guided by these principles, we hereby pledge to:", VERBS)
    assert not is_lead_in("Taking into account the views of the regional commissions, "
                          "the reports of the Secretary-General and the following:", VERBS)


LEAD_IN_DOC = ["Taking into account:", "The decline of fish stocks;", "Determining as priorities:",
               "The restoration of wetlands;", "Cooperation among the authorities of the basin,",
               "Decide to:", "Including:", "The annexes;"]


def test_items_of_a_lead_in_are_found_in_document_order() -> None:
    clauses = pd.DataFrame({"doc_id": "d1", "para_id": range(len(LEAD_IN_DOC)),
                            "text": LEAD_IN_DOC}).iloc[::-1]
    rows = list_item_rows(clauses, VERBS)
    assert sorted(clauses["para_id"].iloc[rows]) == [1, 3, 4]


def test_a_phrase_model_gives_list_items_no_phrase(train_table: pd.DataFrame) -> None:
    """What the family proposes for "Exchange of flood data;" under a lead-in is dropped: the
    item has no phrase of its own; the same line outside a list keeps the model's answer."""
    model = LinearModel(LinearConfig(), "action-phrase", seed=3).fit(train_table)
    texts = ["Determining as priorities:", "Exchange of flood data;", "Gaps in the gauges;"]
    in_list = pd.DataFrame({"doc_id": "d1", "para_id": range(3), "text": texts})
    alone = model.predict(in_list.assign(doc_id=["d1", "d2", "d3"]))
    assert alone["action_phrase"].notna().tolist()[1:] == [True, True]  # "Exchange", "Gaps in"
    out = model.predict(in_list)
    assert out["action_phrase"].tolist()[1:] == [None, None]
    assert out["action_lemma"].tolist()[1:] == [None, None]
    assert out["action_start"].tolist()[1:] == [-1, -1]
