"""Document order: one implementation for every stage."""

from __future__ import annotations

import pandas as pd

from pipelines.data.order import document_order, document_positions, document_slices


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
