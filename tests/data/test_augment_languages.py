"""The transformations of other languages on a small invented French document
(pipelines.data.augment_languages), and their choice by a row's language in augment_documents."""

from __future__ import annotations

import random
import re

import pandas as pd
import pytest

from pipelines.data import augment_languages as al
from pipelines.data.augment import TRANSFORMS, augment_documents

PRE, OP, OTHER = "preambular", "operative", "other"
#: invented clauses: (type, phrase, lemma, text)
DOC = [
    (OTHER, None, None, "Résolution 17/4. Les phares des petites îles"),
    (OTHER, None, None, "L’Assemblée générale,"),
    (PRE, "Rappelant", "recall",
     "Rappelant ses travaux antérieurs sur la sécurité de la navigation côtière,"),
    (PRE, "Notant", "note",
     "Notant que de nombreuses petites îles dépendent encore de phares construits il y a un siècle,"),
    (PRE, "Consciente", "be aware",
     "Consciente que les réparations exigent des savoir-faire qui se raréfient dans la région,"),
    (OP, "Se félicite", "welcome",
     "1. Se félicite de l’inventaire des phares insulaires dressé par l’Office portuaire ;"),
    (OP, "Engage", "encourage",
     "2. Engage les États Membres à partager leurs registres d’entretien avec l’Office ;"),
    (OP, "Décide", "decide",
     "3. Décide que les gardiens de phare recevront une formation aux lanternes anciennes ;"),
    (OP, "Prie", "request",
     "4. Prie le Secrétaire général de lui rendre compte des progrès accomplis à sa prochaine session."),
    (OTHER, None, None, "40e séance plénière 3 décembre 2040"),
]
ENGLISH = re.compile(r"\b(?:Considering|That|should|desirable|recommended|Decides|We|Adopted|Official)\b")


def _rows(language: str = "fr", doc: str = "d1") -> list[dict]:
    return [{"doc_id": doc, "para_id": i, "type": t, "action_phrase": p, "action_lemma": lem,
             "text": text, "split": "train", "language": language}
            for i, (t, p, lem, text) in enumerate(DOC)]


def _phrase_is_opening(row: dict) -> bool:
    phrase = row["action_phrase"]
    if not phrase:
        return True
    rest = re.sub(r"^\s*(?:\d{1,3}(?:\.\d{1,3})*[.),]?|[a-h]\))\s+", "", row["text"])
    return rest.startswith(phrase) or f" {phrase}" in row["text"]  # a formula run in


def test_transform_for_picks_by_language() -> None:
    assert al.transform_for("considering_that", "en") is TRANSFORMS["considering_that"]
    for name in al.LANGUAGE_NEUTRAL:
        assert al.transform_for(name, "zh") is TRANSFORMS[name]
    assert al.transform_for("considering_that", "zh") is None  # no Chinese templates
    assert al.transform_for("letters", "fr") is None  # no French letters
    assert callable(al.transform_for("modal_operative", "fr"))


@pytest.mark.parametrize("name", sorted(al._WORDED))
def test_french_transforms_keep_labels_true_and_write_no_english(name: str) -> None:
    fn = al.transform_for(name, "fr")
    changed = 0
    for seed in range(8):
        rows = _rows()
        before = [dict(r) for r in rows]
        out = fn(rows, random.Random(seed))
        assert rows == before, "input rows must not change"
        if out is None:
            continue
        changed += out != before
        assert all(r["type"] in (PRE, OP, OTHER) for r in out)
        assert all(_phrase_is_opening(r) for r in out), [r["text"] for r in out]
        assert all((r["action_phrase"] is None) == (r["action_lemma"] is None) for r in out)
        assert not [r["text"] for r in out if ENGLISH.search(r["text"])]
    assert changed, name


def test_considering_lead_in_and_que_items() -> None:
    out = al.transform_for("considering_that", "fr")(_rows(), random.Random(1))
    lead = next(r for r in out if re.fullmatch(r"\w+(?: ce qui suit)? ?:", r["text"]))
    assert lead["type"] == PRE and lead["action_phrase"] == lead["text"].split()[0].rstrip(":")
    items = out[out.index(lead) + 1: out.index(lead) + 3]
    assert all(r["type"] == PRE and r["action_phrase"] is None for r in items)
    assert any(re.sub(r"^[a-h]\) ", "", r["text"]).startswith("Que de nombreuses") for r in items)


def test_modal_forms_have_no_decision_verb() -> None:
    texts = {}
    for seed in range(12):
        for r in al.transform_for("modal_operative", "fr")(_rows(), random.Random(seed)) or []:
            if r["type"] == OP:
                texts[r["text"]] = (r["action_phrase"], r["action_lemma"])
    plural = [t for t in texts if t.startswith("2. Les États Membres ")]
    assert plural and all(re.match(r"2\. Les États Membres (devraient|doivent|pourraient) partager", t)
                          for t in plural)
    impersonal = [t for t in texts if t.startswith("3. Il ")]
    assert any(texts[t] == (None, None) for t in impersonal)
    assert any(texts[t] == ("Il est recommandé", "recommend") for t in impersonal)
    assert ("4. Prie le Secrétaire général de lui rendre compte des progrès accomplis à sa "
            "prochaine session.") in texts


def test_first_person_formula_and_verbs() -> None:
    formulas, verbs = set(), set()
    for seed in range(20):
        out = al.transform_for("first_person", "fr")(_rows(), random.Random(seed))
        assert out[1]["type"] == OTHER and out[1]["text"] != "L’Assemblée générale,"
        formulas.add(out[1]["text"].split(",")[0])
        verbs.update(r["action_phrase"] for r in out if r["type"] == OP)
    assert {"La Conférence internationale de l’éducation", "Nous"} <= formulas
    assert {"Engageons", "Nous engageons", "Décidons", "Prions"} & verbs


def test_bridge_infinitive_items() -> None:
    seen = set()
    for seed in range(30):
        out = al.transform_for("bridge_items", "fr")(_rows(), random.Random(seed))
        bridge = next(r for r in out if r["text"].endswith(":") and r["type"] == OTHER)
        assert bridge["phrase_missing"] is True and bridge["action_phrase"] is None
        seen.update(r["action_phrase"] for r in out if r["type"] == OP)
    assert {"D’engager", "De décider", "De prier"} & seen


def test_vote_lines_follow_the_operative_part() -> None:
    out = al.transform_for("votes_footnotes", "fr")(_rows(), random.Random(3))
    last_op = max(i for i, r in enumerate(out) if r["type"] == OP)
    assert out[last_op + 1]["type"] == OTHER and len(out) > len(DOC)


def test_verb_forms() -> None:
    assert [al._fr_first_person(w) for w in ("Décide", "Encourage", "Considère", "Prend", "Se")] == [
        "Décidons", "Encourageons", "Considérons", "Prenons", None]
    assert [al._fr_infinitive(w) for w in ("Prie", "Considère", "Invite", "Est")] == [
        "prier", "considérer", "inviter", None]


def test_augment_documents_follows_each_rows_language() -> None:
    table = pd.DataFrame(_rows("fr", "f1") + _rows("zh", "z1") + _rows("es", "s1"))
    result = augment_documents(table, list(TRANSFORMS), 1.0, 1.0, seed=5)
    assert set(result.rows["doc_id"]) == {"f1#aug", "z1#aug", "s1#aug"}
    # worded transformations run on the French copy only (the others have no templates), at
    # most once; the language-neutral ones on all three
    assert all(result.counts[n] <= 1 for n in al._WORDED)
    assert result.counts["first_person"] == result.counts["votes_footnotes"] == 1
    assert result.counts["letters"] == 0
    assert result.counts["numbering"] == result.counts["casing"] == 3
    for doc in ("z1#aug", "s1#aug"):
        texts = result.rows.loc[result.rows["doc_id"] == doc, "text"]
        assert not texts.str.contains(ENGLISH).any()
    again = augment_documents(table, list(TRANSFORMS), 1.0, 1.0, seed=5)
    pd.testing.assert_frame_equal(result.rows, again.rows)
