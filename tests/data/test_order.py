"""Document order: one implementation for every stage."""

from __future__ import annotations

import pandas as pd

from pipelines.data.order import complete_ids, document_order, document_positions, document_slices


def test_document_positions_groups_and_sorts() -> None:
    frame = pd.DataFrame({"doc_id": ["b", "a", "b", "a"], "para_id": [1, 1, 0, 0],
                          "text": ["", "", "", ""]})
    assert document_positions(frame) == [2, 0, 3, 1]


def test_document_order_keeps_index_and_columns() -> None:
    frame = pd.DataFrame({"doc_id": ["b", "a", "b", "a"], "para_id": [1, 1, 0, 0],
                          "text": ["b1", "a1", "b0", "a0"]}, index=[10, 11, 12, 13])
    ordered = document_order(frame)
    assert ordered.index.tolist() == [12, 10, 13, 11]
    assert ordered["text"].tolist() == ["b0", "b1", "a0", "a1"]
    assert document_order(frame.iloc[:0]).empty


def test_missing_para_id_keeps_row_order_and_slices_follow_documents() -> None:
    frame = pd.DataFrame({"doc_id": ["x", "y", "x"], "text": ["", "", ""]})
    assert document_positions(frame) == [0, 2, 1]
    assert document_slices(["x", "x", "y", "z", "z"]) == [(0, 2), (2, 3), (3, 5)]
    assert document_slices([]) == []


def test_rows_already_in_order_take_the_one_pass_path_with_the_same_answer() -> None:
    """The in-order check (no pandas sort) answers exactly as the sort would, and hands every
    case it cannot settle (a document that comes back, a para_id going down, ties, NaN) to it."""
    cases = [
        (["a", "a", "b", "b"], [0, 1, 0, 5], [0, 1, 2, 3]),         # in order: identity
        (["a", "a", "b"], [2, 2, 0], [0, 1, 2]),                    # ties keep row order
        (["a", "b", "a"], [0, 0, 1], [0, 2, 1]),                    # "a" comes back
        (["a", "a", "b"], [1, 0, 0], [1, 0, 2]),                    # para_id goes down
        (["a", "a", "a"], [0.0, float("nan"), 1.0], [0, 2, 1]),     # NaN sorts last
    ]
    for docs, paras, expected in cases:
        frame = pd.DataFrame({"doc_id": docs, "para_id": paras})
        assert document_positions(frame) == expected, (docs, paras)


def test_complete_ids_makes_doc_ids_strings_and_keeps_python_strings() -> None:
    mixed = complete_ids(pd.DataFrame({"doc_id": pd.Series(["a", 7], dtype=object),
                                       "text": ["x", "y"]}))
    assert mixed["doc_id"].tolist() == ["a", "7"]
    assert mixed["para_id"].tolist() == [0, 0]
    # a batch's column of Python strings is kept as it is, not turned into Arrow strings
    ids = pd.Series(["a", "a", "b"], dtype=object)
    kept = complete_ids(pd.DataFrame({"doc_id": ids, "text": ["x", "y", "z"]}))
    assert kept["doc_id"].dtype == object and kept["doc_id"].tolist() == ["a", "a", "b"]
    assert kept["para_id"].tolist() == [0, 1, 0]
