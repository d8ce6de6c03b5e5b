"""Document-level Viterbi decoding (pipelines.models.decode) on small invented sequences."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.models.decode import ViterbiDecoder
from pipelines.schema import CLAUSE_TYPES

PRE, OP, OTHER = "preambular", "operative", "other"
GRAMMAR = [OTHER, OTHER, PRE, PRE, PRE, OP, OP, OP, OTHER]


def _train(n_docs: int = 20) -> pd.DataFrame:
    rows = [{"doc_id": f"d{d}", "para_id": i, "type": t, "text": ""}
            for d in range(n_docs) for i, t in enumerate(GRAMMAR)]
    return pd.DataFrame(rows)


def _pred(proba: list[list[float]]) -> pd.DataFrame:
    arr = np.asarray(proba)
    out = pd.DataFrame({f"proba_{t}": arr[:, j] for j, t in enumerate(CLAUSE_TYPES)})
    out.insert(0, "type_score", arr.max(axis=1))
    out.insert(0, "type", [CLAUSE_TYPES[j] for j in arr.argmax(axis=1)])
    return out


def test_learned_transitions_follow_the_grammar() -> None:
    dec = ViterbiDecoder.learn(_train(), CLAUSE_TYPES)
    t = np.exp(dec.log_trans)
    i = {lab: k for k, lab in enumerate(CLAUSE_TYPES)}
    assert t[i[PRE], i[OP]] > t[i[OP], i[PRE]]
    assert t[i[OP], i[OP]] > t[i[OP], i[PRE]]
    assert np.allclose(t.sum(axis=1), 1.0)


def test_an_uncertain_clause_inside_the_preamble_becomes_preambular() -> None:
    dec = ViterbiDecoder.learn(_train(), CLAUSE_TYPES)
    # pre, op, other columns (CLAUSE_TYPES order)
    proba = [[0.05, 0.05, 0.9], [0.9, 0.05, 0.05], [0.40, 0.55, 0.05], [0.9, 0.05, 0.05],
             [0.05, 0.9, 0.05], [0.05, 0.9, 0.05]]
    clauses = pd.DataFrame({"doc_id": "x", "para_id": range(6), "text": ""})
    pred = _pred(proba)
    assert pred["type"][2] == OP  # clause by clause
    out = dec.apply(clauses, pred)
    assert out["type"].tolist() == [OTHER, PRE, PRE, PRE, OP, OP]
    assert out["type_score"][2] == 0.40  # the model's own probability of the decoded type
    assert (out["proba_operative"] == pred["proba_operative"]).all()


def test_confident_predictions_are_kept_and_weight_zero_is_argmax() -> None:
    dec = ViterbiDecoder.learn(_train(), CLAUSE_TYPES, weight=0.3)
    proba = [[0.9, 0.05, 0.05], [0.001, 0.998, 0.001], [0.998, 0.001, 0.001]]
    clauses = pd.DataFrame({"doc_id": "x", "para_id": range(3), "text": ""})
    assert dec.apply(clauses, _pred(proba))["type"].tolist() == [PRE, OP, PRE]
    flat = ViterbiDecoder.learn(_train(), CLAUSE_TYPES, weight=0.0)
    uncertain = [[0.40, 0.55, 0.05]] * 3
    assert flat.apply(clauses, _pred(uncertain))["type"].tolist() == [OP, OP, OP]


def test_documents_are_decoded_separately_in_document_order() -> None:
    dec = ViterbiDecoder.learn(_train(), CLAUSE_TYPES)
    # two documents, rows shuffled: each starts with a confident formula
    clauses = pd.DataFrame({"doc_id": ["b", "a", "b", "a"], "para_id": [1, 1, 0, 0], "text": ""})
    proba = [[0.45, 0.5, 0.05], [0.9, 0.05, 0.05], [0.05, 0.05, 0.9], [0.05, 0.05, 0.9]]
    out = dec.apply(clauses, _pred(proba))
    assert out["type"].tolist() == [PRE, PRE, OTHER, OTHER]


def test_state_round_trip(tmp_path) -> None:
    dec = ViterbiDecoder.learn(_train(), CLAUSE_TYPES, weight=0.3)
    dec.save(tmp_path)
    back = ViterbiDecoder.load(tmp_path)
    assert back is not None and back.labels == dec.labels and back.weight == 0.3
    assert np.allclose(back.log_trans, dec.log_trans)
    assert ViterbiDecoder.load(tmp_path / "none") is None
