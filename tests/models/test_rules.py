"""RulesModel: learned opening lexicon for types, gold phrase lexicon for action phrases."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from pipelines.config import RulesConfig
from pipelines.models.base import load_model
from pipelines.models.rules import RulesModel


@pytest.fixture(scope="module")
def type_model(train_table: pd.DataFrame) -> RulesModel:
    return RulesModel(RulesConfig(), "clause-type").fit(train_table)


@pytest.fixture(scope="module")
def phrase_model(train_table: pd.DataFrame) -> RulesModel:
    return RulesModel(RulesConfig(min_count=1), "action-phrase").fit(train_table)


def test_types_contract_and_quality(type_model, valid_table, checks) -> None:
    out = type_model.predict(valid_table)
    checks.type_output(out, valid_table)
    assert checks.macro_f1(valid_table["type"], out["type"]) >= 0.9


def test_types_longest_opening_and_backoff(type_model) -> None:
    frame = pd.DataFrame({"doc_id": "d", "para_id": range(4), "text": [
        "Deeply concerned about the situation,",   # known opening
        "7. Zorbifies the committee;",              # unknown word, numbered
        "Frobnicating the matter,",                  # unknown participle
        "Annex",                                      # structure
    ]})
    out = type_model.predict(frame)
    assert out["type"].tolist() == ["preambular", "operative", "preambular", "other"]


def test_types_robust_to_case_and_numbering(type_model, valid_table, checks) -> None:
    varied = checks.upper_variant(valid_table)
    out = type_model.predict(varied)
    assert checks.macro_f1(varied["type"], out["type"]) >= 0.9


def test_phrases_exact_substrings(phrase_model, valid_table, checks) -> None:
    out = phrase_model.predict(valid_table)
    checks.phrase_output(out, valid_table)
    assert checks.exact_match(valid_table["action_phrase"], out["action_phrase"]) >= 0.8
    varied = checks.upper_variant(valid_table)
    out_upper = phrase_model.predict(varied)
    checks.phrase_output(out_upper, varied)
    hits = out_upper["action_phrase"].dropna()
    assert len(hits) > 0.7 * valid_table["action_phrase"].notna().sum()
    assert all(p == p.upper() for p in hits)  # the text's own surface, not the lexicon's


def test_phrase_lemma(phrase_model) -> None:
    frame = pd.DataFrame({"doc_id": "d", "para_id": [0], "text": ["3. Also requests the Council;"]})
    out = phrase_model.predict(frame)
    assert out.loc[0, "action_phrase"] == "Also requests"
    assert out.loc[0, "action_lemma"] == "request"


@pytest.mark.parametrize("task", ["clause-type", "action-phrase"])
def test_save_load_round_trip(task, train_table, valid_table, tmp_path: Path) -> None:
    model = RulesModel(RulesConfig(), task).fit(train_table)
    saved = model.save(tmp_path / "m")
    json.loads((saved / "rules.json").read_text())  # plain JSON state
    loaded = load_model(saved)
    assert isinstance(loaded, RulesModel)
    pd.testing.assert_frame_equal(model.predict(valid_table), loaded.predict(valid_table))
