"""Feature functions: numbering, opening form, document context, speed."""

from __future__ import annotations

import pandas as pd
import pytest

from pipelines.features.context import document_features
from pipelines.features.opening import (
    clause_end,
    learn_verb_stems,
    opening_features,
    opening_kind,
    opening_words,
    verb_stem,
    word_form,
)
from pipelines.text.tokens import opening_spans


def test_word_forms_and_learned_verbs() -> None:
    verbs = learn_verb_stems(["Recalling its work,", "Recalls its work,", "Deciding to act,",
                              "Decides to act;"] * 2)
    assert {"recall", "decid"} <= verbs
    assert verb_stem("Expresses") == verb_stem("Express") == verb_stem("expressing")
    # short verbs keep a stem of three letters, shared by all their forms
    assert {verb_stem(w) for w in ("use", "Uses", "using", "used")} == {"use"}
    assert {verb_stem(w) for w in ("see", "sees", "seeing")} == {"see"}
    # … while base forms that merely end like -ing/-ed forms keep theirs
    assert verb_stem("bring") == verb_stem("brings") and verb_stem("need") == verb_stem("needs")
    assert verb_stem("thing") != verb_stem("the")
    assert word_form("decide", verbs) == "base_verb"  # learned, not listed
    assert word_form("aware", verbs) == "base"
    assert word_form("recalling") == "ing"
    assert word_form("concerned") == "ed"
    assert word_form("decides") == "s"
    assert word_form("deeply") == "ly"


@pytest.mark.parametrize(("text", "expected"), [
    ("Recalling its resolution 70/1,", {"form": "ing", "end": ",", "num": "none"}),
    ("DEEPLY CONCERNED BY the situation,", {"head": "concerned", "form": "ed", "adv": 1.0,
                                            "shape": "X"}),
    ("4. Also requests the Secretary-General;", {"head": "requests", "finite": 1.0,
                                                 "num": "digit", "end": ";"}),
    ("5. Pupils should be given the opportunity;", {"modal": 1.0, "finite": 1.0}),
    ("and that the report shall be circulated,", {"that": 1.0}),
    ("Whereas the exchange of teachers has proved useful,", {"whereas": 1.0, "nonfinite": 1.0}),
    ("We, the participants of the forum,", {"short_comma": 1.0, "we": 1.0}),
    ("ADOPTED AT THE 440TH MEETING.", {"meeting": 1.0}),
    ("3. Hold the fifth meeting in the second half of 2020;", {"meeting": None}),
    ("Considering that knowledge widens horizons,", {"verb_that": 1.0}),
    ("A/RES/79/1", {"symbol": 1.0}),
    ("3rd plenary meeting", {"meeting": 1.0}),
    ("12 December 2024", {"date": 1.0}),
    ("Decide to:", {"end": ":"}),
])
def test_opening_features(text: str, expected: dict) -> None:
    feats = opening_features(text)
    for key, value in expected.items():
        assert feats.get(key) == value, (key, feats)


def test_opening_kind() -> None:
    assert opening_kind(opening_features("Recalling its work,")) == "participle"
    assert opening_kind(opening_features("1. Decides to act;")) == "finite"
    assert opening_kind(opening_features("The General Assembly,")) == "formula"
    assert opening_kind(opening_features("Strengthening regional cooperation")) == \
        "participle_noend"
    assert opening_kind(opening_features("8 May 2024")) == "meta"


def test_document_features_context_and_anchor() -> None:
    verbs = frozenset({"decid", "issu"})
    doc = pd.DataFrame({"doc_id": ["d"] * 5, "para_id": range(5), "text": [
        "The Council,", "Noting the report,", "Decide to:", "1. Issue a statement;",
        "2. Hold a meeting."]})
    feats = document_features(doc, verbs)
    assert len(feats) == 5
    assert feats[0]["prev_kind"] == "<start>" and feats[-1]["next_kind"] == "<end>"
    assert feats[0]["relpos"] == 0.0 and feats[-1]["relpos"] == 1.0
    assert feats[3]["prev_end"] == ":" and feats[3]["anc_head"] == "decide"
    assert feats[4]["anc_head"] == "decide"  # the list still hangs from "Decide to:"
    assert feats[4]["seen_num"] == 1.0 and "seen_num" not in feats[3]
    assert feats[2]["prev_w1"] == "noting" and feats[2]["next_num"] == "digit"
    only_context = document_features(doc, verbs, opening=False)
    assert "w1" not in only_context[1] and "prev_w1" in only_context[1]
    no_context = document_features(doc, verbs, context=False)
    assert "prev_kind" not in no_context[1] and "w1" in no_context[1]


def test_all_caps_document_neutralises_casing() -> None:
    doc = pd.DataFrame({"doc_id": ["d"] * 2, "para_id": [0, 1],
                        "text": ["THE SECURITY COUNCIL,", "NOTING WITH CONCERN THE REPORT,"]})
    feats = document_features(doc)
    assert {f["shape"] for f in feats} == {"caps_doc"}


@pytest.mark.parametrize(("texts", "caps"), [
    (["A" * 22 + "b" * 7], True),  # more than three capitals to a small letter, and over 20
    (["A" * 21 + "b" * 7], False),
    (["A" * 20], False),
    (["AB" * 6, "CD" * 6], True),  # counted over the document's clauses together
    (["É" * 40 + "ДОКУМЕНТ" * 5 + "e"], False),  # only the ASCII letters count
    (["A" * 160 + "b" * 100], True),  # the first 160 characters of each clause
    (["“RECALLING” THE RÉSOLUTION 12,", "ALSO NOTING ÀLL ÇA,"], True),
])
def test_an_all_caps_document_is_told_by_its_ascii_letters(texts: list[str], caps: bool) -> None:
    doc = pd.DataFrame({"doc_id": ["d"] * len(texts), "para_id": range(len(texts)),
                        "text": texts})
    assert all((f["shape"] == "caps_doc") is caps for f in document_features(doc)), texts


@pytest.mark.parametrize(("text", "plural"), [
    ("Threats of a terrorist nature;", True),
    ("Participants at the forum agreed;", True),
    ("In matters of international cooperation, States shall consult;", True),  # after an adverb
    ("Address of residence or principal place of business", True),  # a learned verb in -s
    ("Decides to convene a meeting;", False),
    ("Requests the Secretary-General to report;", False),
])
def test_one_plural_noun_rule_for_features_and_phrase_words(text: str, plural: bool) -> None:
    verbs = frozenset({"address", "decid", "request", "threat", "participant", "matter"})
    feats = opening_features(text, verbs)
    _, coarse, head, _ = opening_words(text, verbs)
    assert (feats["form"] == "plural") is plural
    assert (coarse[head] == "base") is plural


@pytest.mark.parametrize(("text", "end"), [
    ("Having considered the report of the Board, 41", ","),
    ("Having examined the report on rural health centres,6", ","),
    ("Recalling its resolution 12 (1950);7", ";"),
    ("Agenda item 19", "none"),
    ("Decides to remain seized of the matter.", "."),
    ("Recalling its resolution 12 (1950);7\n", ";"),
    ("Notes the report;\n", ";"),
    ("Notes the report ;", ";"),
    ("Notes the report)", "none"),
    ("", "none"),
])
def test_footnote_reference_after_the_final_mark_does_not_end_the_clause(text: str,
                                                                         end: str) -> None:
    assert clause_end(text) == end
    assert ("note_ref" in opening_features(text)) == (end != "none"
                                                      and text.rstrip("\n")[-1:].isdigit())


@pytest.mark.parametrize(("text", "first"), [
    ("The Security Council, Having considered the report,", "having"),
    ("The Conference, recognizing that the choice of an occupation matters,", "recognizing"),
    ("The General Assembly,", "the"),
    ("The Secretary-General of the Office, or any member of staff, may speak.", "the"),
])
def test_a_formula_run_into_the_clause_is_skipped(text: str, first: str) -> None:
    """OCR/PDF text runs the enacting formula into the first clause; the clause's own opening
    decides its type and phrase."""
    feats = opening_features(text)
    assert feats["w1"] == first
    assert ("formula_prefix" in feats) == (first != "the")
    _, spans = opening_spans(text, 2)
    assert spans[0][2] == first


@pytest.mark.parametrize(("text", "end"), [
    ("回顾其关于海岸安全的决议，", ","), ("2. 请秘书长提交报告；", ";"), ("决定继续处理此事项。", "."),
    ("2. 请秘书长：", ":"), ("إذ تشير إلى قرارها،", ","), ("1 - تطلب إلى الأمين العام؛", ";"),
])
def test_full_width_and_arabic_clause_ends(text: str, end: str) -> None:
    assert clause_end(text) == end


def test_infinitives_teach_bare_verbs_to_phrase_models() -> None:
    texts = (["Decides to convene a meeting of experts in the spring;"] * 4
             + ["Recalling that the experts convened in the autumn,"] * 3
             + ["Requests the Board to report on the meeting;", "Reporting on the meeting,"] * 3)
    plain = learn_verb_stems(texts)
    wider = learn_verb_stems(texts, infinitives=True)
    assert verb_stem("convene") in wider and verb_stem("convene") not in plain
    assert plain <= wider and verb_stem("meeting") not in wider


def test_opening_features_are_the_callers_own_dict() -> None:
    """The features are remembered per text; what a caller adds (the context keys) or changes
    must not reach the next caller of the same text."""
    text = "Welcomes the report of the working group;"
    first = opening_features(text)
    expected = dict(first)
    first["shape"] = "caps_doc"
    first["relpos"] = 0.5
    assert opening_features(text) == expected
