"""Each training-time transformation on a small invented document (pipelines.data.augment)."""

from __future__ import annotations

import random
import re

import pandas as pd
import pytest

from pipelines.data.augment import (
    TRANSFORMS,
    headings_as_other,
    headings_as_other_table,
)
from pipelines.data.augmentation import augment_documents

PRE, OP, OTHER = "preambular", "operative", "other"
#: invented clauses: (type, phrase, lemma, text)
DOC = [
    (OTHER, None, None, "Resolution 17/4. Lighthouses on small islands"),
    (OTHER, None, None, "The General Assembly,"),
    (PRE, "Recalling", "recall", "Recalling its earlier work on the safety of coastal navigation,"),
    (PRE, "Noting", "note",
     "Noting that many small islands still rely on lighthouses built a century ago,"),
    (PRE, "Aware", "be aware",
     "Aware that repairs require skills that are becoming rare in the region,"),
    (OP, "Welcomes", "welcome",
     "1. Welcomes the survey of island lighthouses carried out by the Harbour Office;"),
    (OP, "Invites", "invite",
     "2. Invites Member States to share their maintenance records with the Office and to "
     "train young technicians in the repair of old lanterns and towers;"),
    (OP, "Also requests", "request",
     "3. Also requests the Secretary-General to report on progress at its next "
     "session, with attention to the most remote and exposed islands."),
    (OTHER, None, None, "40th plenary meeting 3 December 2040"),
]


def _rows() -> list[dict]:
    return [{"doc_id": "d1", "para_id": i, "type": t, "action_phrase": p, "action_lemma": lem,
             "text": text, "split": "train"} for i, (t, p, lem, text) in enumerate(DOC)]


def _phrase_is_opening(row: dict) -> bool:
    phrase = row["action_phrase"]
    if not phrase:
        return True
    rest = re.sub(r"^\s*(?:\d{1,3}(?:\.\d{1,3})*[.),]?|\([a-z0-9]{1,4}\))\s+", "", row["text"])
    return rest.startswith(phrase)


@pytest.mark.parametrize("name", [n for n in TRANSFORMS if n != "formula_merge"])
def test_phrases_stay_openings_and_types_stay_labels(name: str) -> None:
    for seed in range(5):
        out = TRANSFORMS[name](_rows(), random.Random(seed))
        assert out, name
        assert all(r["type"] in (PRE, OP, OTHER) for r in out)
        assert all(_phrase_is_opening(r) for r in out), [r["text"] for r in out]


def test_input_rows_are_not_changed() -> None:
    rows = _rows()
    before = [dict(r) for r in rows]
    for name, fn in TRANSFORMS.items():
        fn(rows, random.Random(1))
        assert rows == before, name


def test_numbering_moves_numbers_from_operative_to_preambular() -> None:
    plain = sectioned = 0
    for seed in range(60):
        out = TRANSFORMS["numbering"](_rows(), random.Random(seed))
        ops = [r["text"] for r in out if r["type"] == OP]
        pres = [r for r in out if r["type"] == PRE]
        assert all(re.match(r"\d", r["text"]) for r in pres)
        if not any(re.match(r"\d", t) for t in ops):
            plain += 1
        else:  # section numbers, the clause's own number gone: "1.2 Invites …"
            assert all(re.match(r"\d\.\d [A-Z]", t) for t in ops), ops
            sectioned += 1
    assert plain > sectioned > 0


def test_footnote_digits_follow_final_punctuation() -> None:
    styles = set()
    for seed in range(12):
        out = TRANSFORMS["footnote_digits"](_rows(), random.Random(seed))
        for r in out:
            m = re.search(r"([,;.]) ?\d{1,2}$|\D\d{1,2}([,;.])$", r["text"])
            if m:
                assert r["type"] in (PRE, OP)
                styles.add("after" if m.group(1) else "before")
    assert styles == {"after", "before"}


def test_votes_and_footnotes_are_other_after_the_operative_part() -> None:
    out = TRANSFORMS["votes_footnotes"](_rows(), random.Random(0))
    last_op = max(i for i, r in enumerate(out) if r["type"] == OP)
    added = out[last_op + 1:-1]
    assert added and all(r["type"] == OTHER and r["action_phrase"] is None for r in added)
    assert any(re.match(r"\d+ (Ibid|Official Records|See document)", r["text"]) for r in added)


def test_headings_are_short_other_lines() -> None:
    out = TRANSFORMS["headings"](_rows(), random.Random(0))
    assert len(out) > len(DOC)
    new = [r for r in out if r["text"] not in {d[3] for d in DOC}]
    assert new and all(r["type"] == OTHER and len(r["text"].split()) <= 16 for r in new)


def test_page_break_halves_keep_the_type_and_rejoin() -> None:
    out = TRANSFORMS["page_breaks"](_rows(), random.Random(0))
    assert len(out) == len(DOC) + 1
    k = next(i for i, r in enumerate(out) if r["text"][:1].islower())
    assert out[k]["type"] == out[k - 1]["type"] and out[k]["action_phrase"] is None
    assert f"{out[k - 1]['text']} {out[k]['text']}" in {d[3] for d in DOC}


def test_considering_that_makes_a_lead_in_and_items() -> None:
    out = TRANSFORMS["considering_that"](_rows(), random.Random(0))
    lead = next(i for i, r in enumerate(out) if r["text"].endswith(":"))
    assert out[lead]["type"] == PRE and out[lead]["action_phrase"]
    items = out[lead + 1:lead + 3]
    assert all(r["type"] == PRE and r["action_phrase"] is None for r in items)
    assert all(r["text"].rstrip()[-1] in ",;." for r in items)


#: a longer invented preamble: five preambular clauses with a phrase each
LONG_PREAMBLE = [
    (PRE, "Recalling", "recall", "Recalling its work on the safety of small harbours,"),
    (PRE, "Noting", "note", "Noting the rise in the number of fishing boats lost at sea,"),
    (PRE, "Aware", "be aware", "Aware that many harbours lack a working radio station,"),
    (PRE, "Concerned", "be concerned", "Concerned at the cost of rescue operations,"),
    (PRE, "Welcoming", "welcome", "Welcoming the new training courses for harbour staff,"),
]


def _long_rows() -> list[dict]:
    doc = [DOC[1], *LONG_PREAMBLE, *DOC[5:]]
    return [{"doc_id": "d2", "para_id": i, "type": t, "action_phrase": p, "action_lemma": lem,
             "text": text, "split": "train"} for i, (t, p, lem, text) in enumerate(doc)]


def test_considering_that_sometimes_makes_two_lead_ins_in_a_row() -> None:
    seen = 0
    for seed in range(30):
        out = TRANSFORMS["considering_that"](_long_rows(), random.Random(seed))
        leads = [i for i, r in enumerate(out) if r["text"].endswith(":")]
        assert all(out[i]["type"] == PRE and out[i]["action_phrase"] for i in leads)
        if len(leads) == 2:
            seen += 1
            first, second = leads
            # the second lead-in follows the first one's last item, which ends a list item
            assert second - first >= 3 and out[second - 1]["action_phrase"] is None
            assert out[second - 1]["text"][-1] in ";." and out[second - 1]["type"] == PRE
            assert out[second + 1]["type"] == PRE and out[second + 1]["action_phrase"] is None
    assert seen >= 3


def test_headings_the_markup_typed_operative_are_copied_as_other() -> None:
    rows = [{"type": OP, "text": "V", "action_phrase": None, "action_lemma": None},
            {"type": OP, "text": "Fishing capacity and fleet size", "action_phrase": "Fishing",
             "action_lemma": "fish"},
            {"type": PRE, "text": "Recalling its resolution 12/3,", "action_phrase": "Recalling",
             "action_lemma": "recall"},
            {"type": OP, "text": "4. Decides to remain seized of the matter.",
             "action_phrase": "Decides", "action_lemma": "decide"},
            {"type": OP, "text": "5. Notes the report of the Commission;12",
             "action_phrase": "Notes", "action_lemma": "note"}]
    out = headings_as_other(rows)
    assert [r["type"] for r in out] == [OTHER, OTHER, PRE, OP, OP]
    assert out[1]["action_phrase"] is None and out[1]["action_lemma"] is None
    assert rows[0]["type"] == OP  # the input rows are left alone
    frame = pd.DataFrame([{**r, "doc_id": "d9", "para_id": i, "split": "train"}
                          for i, r in enumerate(rows)])
    copied = augment_documents(frame, ["footnote_digits"], 1.0, 1.0, seed=1).rows
    assert copied["type"].tolist()[:2] == [OTHER, OTHER]
    cleaned = headings_as_other_table(frame)
    assert cleaned["type"].tolist() == [OTHER, OTHER, PRE, OP, OP]
    assert cleaned["action_phrase"].isna().tolist() == [True, True, False, False, False]
    assert frame["type"].tolist()[0] == OP  # a copy: the table itself is left alone


def test_bridge_items_are_operative_with_infinitive_phrases() -> None:
    for seed in range(6):
        out = TRANSFORMS["bridge_items"](_rows(), random.Random(seed))
        bridge = next(i for i, r in enumerate(out) if r["text"].endswith(":"))
        assert out[bridge]["type"] == OTHER
        item = out[bridge + 1]
        assert item["type"] == OP and item["action_lemma"] in {"welcome", "invite", "request"}
        assert not item["action_phrase"].split()[-1].endswith("s")  # "Welcome", "To invite"


def test_first_person_formula_and_verbs() -> None:
    out = TRANSFORMS["first_person"](_rows(), random.Random(0))
    assert not any(r["text"] == "The General Assembly," for r in out)
    assert any(r["type"] == OTHER and r["text"].startswith(("We,", "Participants", "The "))
               and r["text"].endswith(",") for r in out)
    phrases = [r["action_phrase"] for r in out if r["type"] == OP]
    assert "Welcome" in phrases or "We welcome" in phrases


def test_modal_operative_has_no_decision_verb() -> None:
    seen = set()
    for seed in range(10):
        for r in TRANSFORMS["modal_operative"](_rows(), random.Random(seed)):
            if r["type"] != OP:
                continue
            if re.search(r"\b(should|shall|must|will)\b|It is desirable", r["text"]):
                assert r["action_phrase"] is None
                seen.add("modal")
            if "recommended that" in r["text"].lower():
                assert r["action_lemma"] == "recommend"
                seen.add("recommended")
    assert seen == {"modal", "recommended"}


def test_formula_merge_types_the_merged_clause_by_the_clause() -> None:
    out = TRANSFORMS["formula_merge"](_rows(), random.Random(0))
    assert len(out) == len(DOC) - 1
    merged = out[1]
    assert merged["text"].startswith("The General Assembly, ") and merged["type"] == PRE
    assert merged["action_phrase"] == "Recalling"


def test_ocr_noise_keeps_length_of_phrases() -> None:
    out = TRANSFORMS["ocr_noise"](_rows(), random.Random(0))
    assert [r["action_phrase"] for r in out] == [r[1] for r in DOC]


def test_casing_capitalises_text_and_phrase_not_lemma() -> None:
    out = TRANSFORMS["casing"](_rows(), random.Random(0))
    assert all(r["text"] == r["text"].upper() for r in out)
    assert out[2]["action_phrase"] == "RECALLING" and out[2]["action_lemma"] == "recall"


def test_augment_documents_is_seeded_and_counts() -> None:
    frame = pd.DataFrame([{**r, "doc_id": f"d{k}"} for k in range(6) for r in _rows()])
    one = augment_documents(frame, list(TRANSFORMS), 0.5, 0.5, seed=3)
    two = augment_documents(frame, list(TRANSFORMS), 0.5, 0.5, seed=3)
    pd.testing.assert_frame_equal(one.rows, two.rows)
    assert one.rows["doc_id"].nunique() == 3
    assert one.rows["doc_id"].str.endswith("#aug").all()
    assert sum(one.counts.values()) >= 3
    assert one.metrics()["augment.documents"] == 3
    assert len(frame) == 6 * len(DOC)  # the input is left alone
    none = augment_documents(frame, [], 0.5, 0.5, seed=3)
    assert none.rows.empty
    with pytest.raises(ValueError):
        augment_documents(frame, ["nonsense"], 0.5, 0.5, seed=3)


def test_letters_go_before_the_formula_as_other_lines() -> None:
    out = TRANSFORMS["letters"](_rows(), random.Random(2))
    formula = next(i for i, r in enumerate(out) if r["text"] == "The General Assembly,")
    added = out[1:formula]
    assert added and all(r["type"] == OTHER and r["action_phrase"] is None for r in added)
    assert out[formula + 1]["type"] == PRE
