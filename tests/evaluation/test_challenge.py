"""Challenge-set loading, alignment and scores (pipelines.evaluation.challenge), and the rule
that predictions never depend on markup: one document as AKN and as plain text, same types."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from pipelines.errors import UnclauseError
from pipelines.evaluation import challenge

DOC = """RESOLUTION 9 (1950)

The Harbour Council,

Having considered the report of the
Pilots' Board of 3 May 1950, 7

Noting that the channel has silted up,

1. Requests the Board to dredge the
channel before the winter;

2. Decides to remain seized of the matter.

Adopted unanimously at the 80th meeting.
"""
LABELS = [
    ("RESOLUTION 9 (1950)", "other", None, None),
    ("The Harbour Council,", "other", None, None),
    ("Having considered the report of the Pilots' Board of 3 May 1950, 7", "preambular",
     "Having considered", "consider"),
    ("Noting that the channel has silted up,", "preambular", "Noting", "note"),
    ("1. Requests the Board to dredge the channel before the winter;", "operative", "Requests",
     "request"),
    ("2. Decides to remain seized of the matter.", "operative", "Decides", "decide"),
    ("Adopted unanimously at the 80th meeting.", "other", None, None),
]


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    part = tmp_path / "harbour" / "dev"
    part.mkdir(parents=True)
    (part / "hc-1950.txt").write_text(DOC, encoding="utf-8")
    with (part / "hc-1950.labels.jsonl").open("w", encoding="utf-8") as fh:
        for i, (text, typ, phrase, lemma) in enumerate(LABELS):
            fh.write(json.dumps({"para_id": i, "text": text, "type": typ, "action_phrase": phrase,
                                 "action_lemma": lemma}) + "\n")
    return tmp_path


def test_align_exact_partial_and_missing() -> None:
    segments = ["Title", "Having considered the report, Noting the letter,", "Decides to act."]
    gold = ["Title", "Having considered the report,", "Noting the letter,", "Decides to act.",
            "Vote line."]
    index, how = challenge.align(gold, segments)
    assert index == [0, 1, 1, 2, -1]
    assert how == ["exact", "partial", "partial", "exact", "missing"]


def test_load_set_segments_the_document_and_aligns_by_text(root: Path) -> None:
    cset = challenge.load_set("harbour", "dev", root)
    assert cset is not None and cset.documents == 1
    assert len(cset.gold) == len(LABELS)
    assert cset.mismatches == [] and cset.extra_segments == 0
    assert challenge.load_set("harbour", "final", root) is None
    assert challenge.available_kinds(root)[0] == "harbour"


def test_kinds_are_filtered_by_their_declared_language(root: Path) -> None:
    french = root / "port" / "dev"
    french.mkdir(parents=True)
    for name in ("hc-1950.txt", "hc-1950.labels.jsonl"):
        (french / name.replace("hc-", "pc-")).write_bytes((root / "harbour" / "dev" / name).read_bytes())
    (root / "port" / "kind.json").write_text('{"language": "FR"}', encoding="utf-8")
    assert challenge.kind_language("port", root) == "fr"
    assert challenge.kind_language("harbour", root) == "en"
    assert [s.kind for s in challenge.load_sets(root=root)] == ["harbour", "port"]
    assert [s.kind for s in challenge.load_sets(root=root, languages=["en"])] == ["harbour"]
    only = challenge.load_sets(root=root, languages=["fr", "es"])
    assert [(s.kind, s.language) for s in only] == [("port", "fr")]
    (root / "port" / "kind.json").write_text("{}", encoding="utf-8")
    with pytest.raises(UnclauseError, match="no language code"):
        challenge.kind_language("port", root)


def _predictor(types: list[str], phrases: list[str | None]):
    def predict(inputs: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"type": types, "action_phrase": phrases,
                             "action_lemma": [p.lower() if p else None for p in phrases]})
    return predict


def test_scores_per_task(root: Path) -> None:
    cset = challenge.load_set("harbour", "dev", root)
    gold_types = [row[1] for row in LABELS]
    perfect = challenge.score("clause-type", cset, _predictor(gold_types, [None] * 7)(cset.inputs))
    assert perfect["preop_macro_f1"] == 1.0 and perfect["macro_f1"] == 1.0
    # one preambular clause read as other: a miss for pre/op F1, not a false operative
    wrong = list(gold_types)
    wrong[2] = "other"
    got = challenge.score("clause-type", cset, _predictor(wrong, [None] * 7)(cset.inputs))
    assert got["preop_macro_f1"] == pytest.approx((2 / 3 + 1.0) / 2)
    phrases = [None, None, "Having considered", "Noting", "Requests", "Decides to", None]
    got = challenge.score("action-phrase", cset, _predictor(gold_types, phrases)(cset.inputs))
    assert got["exact_match"] == 0.75
    flat = challenge.flat_metrics({("harbour", "dev"): got, ("harbour", "final"): got},
                                  "action-phrase")
    assert flat["challenge/harbour/exact_match"] == 0.75
    assert "challenge_final/harbour/exact_match" in flat
    errors = challenge.error_rows("action-phrase", cset, _predictor(gold_types, phrases)(cset.inputs))
    assert errors["pred_phrase"].tolist() == ["Decides to"]
    # a phrase predicted where the clause has none lowers detection precision
    spurious = ["The Harbour", None, "Having considered", "Noting", "Requests", "Decides", None]
    got = challenge.score("action-phrase", cset, _predictor(gold_types, spurious)(cset.inputs))
    assert (got["exact_match"], got["detect_precision"]) == (1.0, 0.8)


def test_repository_challenge_sets_load_with_few_mismatches() -> None:
    sets = challenge.load_sets(challenge.PARTS)
    if not sets:
        pytest.skip("no challenge sets in this checkout")
    total = sum(len(s.gold) for s in sets)
    assert sum(len(s.mismatches) for s in sets) <= 0.1 * total
    assert all(set(s.gold["type"]) <= {"preambular", "operative", "other"} for s in sets)


@pytest.mark.parametrize("code", ["fr", "es", "ru", "zh", "ar"])
def test_repository_kinds_of_a_language_load_alone(code: str) -> None:
    """Each official language but English has its recommendation kind, read whole by the reader
    and kept apart from the other languages' kinds."""
    sets = challenge.load_sets(challenge.PARTS, languages=[code])
    if not sets:
        pytest.skip("no challenge sets in this checkout")
    assert {(s.kind, s.part) for s in sets} == {(f"education-recommendation-{code}", part)
                                                for part in challenge.PARTS}
    assert {s.language for s in sets} == {code}
    assert all(not s.mismatches and s.extra_segments == 0 for s in sets)
    assert all({"preambular", "operative", "other"} == set(s.gold["type"]) for s in sets)


def test_predictions_do_not_depend_on_markup(tmp_path: Path) -> None:
    """The same resolution read from AKN XML and from plain text gets the same types."""
    from synthetic import make_clause_table

    from pipelines.config import LinearConfig
    from pipelines.corpus.readers import read_documents
    from pipelines.models.base import build_model

    akn = Path(__file__).resolve().parents[1] / "fixtures" / "akn" / "A_RES_99_12.xml"
    (doc,) = list(read_documents([akn]))
    plain = tmp_path / "A_RES_99_12.txt"
    plain.write_text("\n\n".join(c.text for c in doc.clauses) + "\n", encoding="utf-8")
    (txt,) = list(read_documents([plain]))
    assert [c.text for c in txt.clauses] == [c.text for c in doc.clauses]

    train = make_clause_table(n_docs=30)
    model = build_model(LinearConfig(), "clause-type").fit(train[train["split"] == "train"])

    def frame(d) -> pd.DataFrame:
        return pd.DataFrame({"doc_id": "same", "para_id": [c.para_id for c in d.clauses],
                             "text": [c.text for c in d.clauses]})

    from_akn = model.predict(frame(doc))
    from_text = model.predict(frame(txt))
    assert from_akn["type"].tolist() == from_text["type"].tolist()
    pd.testing.assert_frame_equal(from_akn, from_text)


def test_lemmas_of_another_language_come_from_the_phrase_map(tmp_path: Path) -> None:
    part = tmp_path / "port" / "dev"
    part.mkdir(parents=True)
    (part / "pc-1.txt").write_text("Le Conseil portuaire,\n\nPrie le Bureau de draguer le chenal ;\n",
                                   encoding="utf-8")
    (part / "pc-1.labels.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in (
        {"para_id": 0, "text": "Le Conseil portuaire,", "type": "other", "action_phrase": None,
         "action_lemma": None},
        {"para_id": 1, "text": "Prie le Bureau de draguer le chenal ;", "type": "operative",
         "action_phrase": "Prie", "action_lemma": "request"})) + "\n", encoding="utf-8")
    predict = _predictor(["other", "operative"], [None, "Prie"])  # the model's lemma: "prie"
    english = challenge.load_set("port", "dev", tmp_path)
    assert challenge.score("action-phrase", english, predict(english.inputs))["lemma_accuracy"] == 0.0
    (tmp_path / "port" / "kind.json").write_text('{"language": "fr"}', encoding="utf-8")
    french = challenge.load_set("port", "dev", tmp_path)
    got = challenge.score("action-phrase", french, predict(french.inputs))
    assert got["exact_match"] == 1.0 and got["lemma_accuracy"] == 1.0
