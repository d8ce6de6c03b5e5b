"""The compiled loop of ``feature_matrix`` (``_feature_rows.c``) against its Python
specification: the same CSR arrays on real feature rows, on random ones, and on the odd
values a caller may pass; and the same errors. (That it is built at all is checked in
``test_linear.py``: these tests skip without it.)"""

from __future__ import annotations

import types
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.models.sparse_scorer import feature_matrix, python_rows, split_names

compiled = pytest.importorskip("pipelines.models._feature_rows",
                               reason="built by `pip install -e .` with a C compiler")


def both(vocabulary: dict[str, int], rows: list[Any]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """``(compiled, python)`` CSR arrays ``[data, indices, indptr]`` of ``rows``."""
    split = split_names(vocabulary)
    data, indices, indptr = compiled.rows(vocabulary, split, iter(rows))
    fast = [np.frombuffer(data, np.float64), np.frombuffer(indices, np.int32),
            np.frombuffer(indptr, np.int64)]
    return fast, list(python_rows(vocabulary, split, rows))


def assert_same(vocabulary: dict[str, int], rows: list[Any]) -> None:
    fast, slow = both(vocabulary, rows)
    for a, b in zip(fast, slow, strict=True):
        assert a.dtype == b.dtype and a.tolist() == b.tolist()


def test_real_feature_rows_give_the_same_matrix() -> None:
    """Clause-type rows (opening + context features, one-hot and numeric) of invented
    documents, over a vocabulary fitted on half of them."""
    from synthetic import make_clause_table

    from pipelines.features.context import document_features
    from pipelines.models.feature_indexer import FeatureIndexer

    rows = document_features(make_clause_table(12, seed=3))
    vocabulary = FeatureIndexer().fit(rows[: len(rows) // 2]).vocabulary_
    assert_same(vocabulary, rows)
    matrix = feature_matrix(vocabulary, rows)
    assert matrix.nnz > 10 * len(rows) and matrix.shape == (len(rows), len(vocabulary))


def test_odd_values_and_row_kinds_give_the_same_matrix() -> None:
    """Numbers of every kind (bool, int, numpy float, 0, negative), "=" inside keys and values,
    name lists, empty rows, a mapping that is not a dict, and a string value whose one-hot name
    is unknown while its key is a numeric feature (it is no number: nothing is placed)."""
    names = ["a=b=c", "a=b", "a", "k=v=", "n", "n=1.0", "x=", "=y", "w1=that", "flag"]
    vocabulary = {n: i for i, n in enumerate(names)}
    rows: list[Any] = [
        {"a": "b=c", "a=b": "c", "k": "v=", "n": 1.0, "x": "", "": "y"},
        {"n": "1.0", "a": "zz", "w1": "that", "flag": True},
        {"a": 0.5, "n": 2, "flag": np.float64(0.25), "w1": "thaT"},
        {"n": -3, "flag": False, "a": 0},
        types.MappingProxyType({"w1": "that", "n": 0.5}),
        ["a=b", "n", "nope", "n"],
        [],
        {},
    ]
    assert_same(vocabulary, rows)
    data, indices, indptr = both(vocabulary, rows)[0]
    assert indptr.tolist() == [0, 6, 9, 12, 15, 17, 20, 20, 20]
    assert indices.tolist() == [0, 0, 3, 4, 6, 7, 5, 8, 9, 2, 4, 9, 4, 9, 2, 8, 4, 1, 4, 4]
    assert data.tolist() == [1.0] * 9 + [0.5, 2.0, 0.25, -3.0, 0.0, 0.0, 1.0, 0.5, 1.0, 1.0, 1.0]


def test_no_rows_give_an_empty_matrix() -> None:
    assert_same({"a": 0}, [])
    assert feature_matrix({"a": 0}, iter([])).shape == (0, 1)


@pytest.mark.parametrize(("row", "error"), [
    ({"n": None}, TypeError),  # float(None)
    ({"n": "x", "a": ["unhashable"]}, TypeError),  # a list cannot be looked up
    ({"n": object()}, TypeError),
    (42, AttributeError),  # not a mapping: .items() is missing
])
def test_bad_values_raise_as_the_python_loop_does(row: Any, error: type[Exception]) -> None:
    vocabulary = {"n": 0, "a=b": 1}
    split = split_names(vocabulary)
    with pytest.raises(error):
        python_rows(vocabulary, split, [{"n": 1.0}, row])
    with pytest.raises((error, TypeError)):  # the C API says TypeError for a missing items()
        compiled.rows(vocabulary, split, [{"n": 1.0}, row])


def test_the_compiled_loop_takes_dicts_only() -> None:
    with pytest.raises(TypeError):
        compiled.rows(types.MappingProxyType({"a": 0}), {}, [])
    with pytest.raises(TypeError):
        compiled.rows({"a": 0}, {}, 3)  # not iterable
    # feature_matrix hands other mappings to the Python loop
    assert feature_matrix(types.MappingProxyType({"a=b": 0}), [{"a": "b"}]).nnz == 1


_keys = st.sampled_from(["w1", "w2", "head", "end", "relpos", "n", "a=b", "", "k"])
_values = st.one_of(st.sampled_from(["the", "decides", "", "b", "x=y", "1.0", ","]),
                    st.floats(-4, 4, allow_nan=False), st.integers(-3, 3), st.booleans())
_row = st.one_of(st.dictionaries(_keys, _values, max_size=8),
                 st.lists(st.sampled_from(["w1=the", "relpos", "n", "a=b=b", "zz", "end=,"]),
                          max_size=6))


@settings(max_examples=200, deadline=None)
@given(st.lists(_row, max_size=12))
def test_random_rows_give_the_same_matrix(rows: list[Any]) -> None:
    names = ["w1=the", "w1=decides", "w2=", "head=b", "end=,", "relpos", "n", "a=b=b", "a=b",
             "k=x=y", "k=1.0", "=the"]
    assert_same({n: i for i, n in enumerate(names)}, rows)
