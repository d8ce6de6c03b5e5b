"""CRFModel: linear-chain CRF over a document's clauses and over a clause's first words."""

from __future__ import annotations

import pickle

import pandas as pd
import pytest

from pipelines.config import CRFConfig
from pipelines.models.base import load_model
from pipelines.models.crf import CRFModel, token_features


@pytest.fixture(scope="module")
def type_model(train_table: pd.DataFrame) -> CRFModel:
    return CRFModel(CRFConfig(), "clause-type").fit(train_table)


@pytest.fixture(scope="module")
def phrase_model(train_table: pd.DataFrame) -> CRFModel:
    return CRFModel(CRFConfig(), "action-phrase").fit(train_table)


def test_types_contract_and_quality(type_model, valid_table, checks) -> None:
    out = type_model.predict(valid_table)
    checks.type_output(out, valid_table)
    assert checks.macro_f1(valid_table["type"], out["type"]) >= 0.9


def test_types_robust_to_case_and_numbering(type_model, valid_table, checks) -> None:
    varied = checks.upper_variant(valid_table)
    out = type_model.predict(varied)
    assert checks.macro_f1(varied["type"], out["type"]) >= 0.9


def test_types_shuffled_input_keeps_index(type_model, valid_table) -> None:
    shuffled = valid_table.sample(frac=1.0, random_state=1)
    out = type_model.predict(shuffled)
    pd.testing.assert_frame_equal(out.sort_index(), type_model.predict(valid_table).sort_index())


def test_genres(type_model, genre_table, checks) -> None:
    out = type_model.predict(genre_table)
    checks.type_output(out, genre_table)
    assert checks.macro_f1(genre_table["type"], out["type"]) >= 0.85


def test_token_features() -> None:
    spans, items = token_features("2. Calls upon the parties;", frozenset())
    assert len(spans) == len(items) == 4
    assert items[0]["w"] == "calls" and items[1]["prefix"] == "calls upon"
    assert token_features("", frozenset()) == ([], [])


def test_phrases_contract_and_quality(phrase_model, valid_table, checks) -> None:
    out = phrase_model.predict(valid_table)
    checks.phrase_output(out, valid_table)
    assert checks.exact_match(valid_table["action_phrase"], out["action_phrase"]) >= 0.9


def test_determinism(train_table, valid_table) -> None:
    for task in ("clause-type", "action-phrase"):
        a = CRFModel(CRFConfig(), task).fit(train_table).predict(valid_table)
        b = CRFModel(CRFConfig(), task).fit(train_table).predict(valid_table)
        pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("task", ["clause-type", "action-phrase"])
def test_save_load_round_trip(task, type_model, phrase_model, valid_table, tmp_path) -> None:
    model = type_model if task == "clause-type" else phrase_model
    loaded = load_model(model.save(tmp_path / "m"))
    assert isinstance(loaded, CRFModel)
    assert (tmp_path / "m" / "crf.crfsuite").stat().st_size > 0
    pd.testing.assert_frame_equal(model.predict(valid_table), loaded.predict(valid_table))
    clone = pickle.loads(pickle.dumps(model))  # e.g. for Spark workers
    pd.testing.assert_frame_equal(model.predict(valid_table), clone.predict(valid_table))
