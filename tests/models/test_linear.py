"""LinearModel: feature dicts / TF-IDF into logistic regression; boundary ranker for phrases."""

from __future__ import annotations

import pandas as pd
import pytest

from pipelines.config import LinearConfig
from pipelines.data.order import document_positions
from pipelines.models.base import load_model
from pipelines.models.linear import LinearModel, candidate_features


@pytest.fixture(scope="module")
def type_model(train_table: pd.DataFrame) -> LinearModel:
    return LinearModel(LinearConfig(), "clause-type", seed=3).fit(train_table)


@pytest.fixture(scope="module")
def phrase_model(train_table: pd.DataFrame) -> LinearModel:
    return LinearModel(LinearConfig(), "action-phrase", seed=3).fit(train_table)


def test_types_contract_and_quality(type_model, valid_table, checks) -> None:
    out = type_model.predict(valid_table)
    checks.type_output(out, valid_table)
    assert checks.macro_f1(valid_table["type"], out["type"]) >= 0.9


def test_types_shuffled_input_keeps_index(type_model, valid_table) -> None:
    shuffled = valid_table.sample(frac=1.0, random_state=0)
    out = type_model.predict(shuffled)
    assert out.index.equals(shuffled.index)
    pd.testing.assert_frame_equal(out.sort_index(), type_model.predict(valid_table).sort_index())


def test_types_robust_to_case_and_numbering(type_model, valid_table, checks) -> None:
    varied = checks.upper_variant(valid_table)
    out = type_model.predict(varied)
    assert checks.macro_f1(varied["type"], out["type"]) >= 0.9


@pytest.mark.parametrize("features", [["opening"], ["context"], ["words"], ["opening", "chars"]])
def test_feature_groups(features, train_table, valid_table, checks) -> None:
    model = LinearModel(LinearConfig(features=features, char_ngrams=(2, 3)), "clause-type")
    out = model.fit(train_table).predict(valid_table)
    checks.type_output(out, valid_table)
    assert checks.macro_f1(valid_table["type"], out["type"]) >= 0.8


@pytest.mark.parametrize("options", [{"classifier": "svm"}, {"calibrate": True}])
def test_calibrated_classifiers(options, train_table, valid_table, checks) -> None:
    model = LinearModel(LinearConfig(**options), "clause-type").fit(train_table)
    out = model.predict(valid_table)
    checks.type_output(out, valid_table)
    assert checks.macro_f1(valid_table["type"], out["type"]) >= 0.9


def test_determinism(train_table, valid_table) -> None:
    for task in ("clause-type", "action-phrase"):
        a = LinearModel(LinearConfig(), task, seed=5).fit(train_table).predict(valid_table)
        b = LinearModel(LinearConfig(), task, seed=5).fit(train_table).predict(valid_table)
        pd.testing.assert_frame_equal(a, b)


def test_candidates_cover_every_length() -> None:
    spans, cands = candidate_features("1. Also requests the Secretary-General to report;",
                                      frozenset())
    assert len(cands) == len(spans) + 1 == 7
    assert "k0" in cands[0] and "phrase=also requests" in cands[2]
    assert "next=the" in cands[2] and "next_func" in cands[2]


def test_phrases_contract_and_quality(phrase_model, valid_table, checks) -> None:
    out = phrase_model.predict(valid_table)
    checks.phrase_output(out, valid_table)
    assert checks.exact_match(valid_table["action_phrase"], out["action_phrase"]) >= 0.9
    others = out.loc[valid_table["type"] == "other", "action_phrase"]
    assert others.isna().mean() >= 0.9


def test_phrases_robust_to_case(phrase_model, valid_table, checks) -> None:
    varied = checks.upper_variant(valid_table)
    out = phrase_model.predict(varied)
    checks.phrase_output(out, varied)
    gold = valid_table["action_phrase"].str.upper()
    assert checks.exact_match(gold, out["action_phrase"]) >= 0.8


def test_phrase_lemma(phrase_model) -> None:
    frame = pd.DataFrame({"doc_id": "d", "para_id": [0, 1],
                          "text": ["3. Also requests the Council;", "The General Assembly,"]})
    out = phrase_model.predict(frame)
    assert out["action_phrase"].tolist() == ["Also requests", None]
    assert out.loc[0, "action_lemma"] == "request"


@pytest.mark.parametrize("task", ["clause-type", "action-phrase"])
def test_save_load_round_trip(task, type_model, phrase_model, valid_table, tmp_path) -> None:
    model = type_model if task == "clause-type" else phrase_model
    loaded = load_model(model.save(tmp_path / "m"))
    assert isinstance(loaded, LinearModel)
    # the default clause-type classifier and the phrase ranker: plain arrays + JSON, no skops
    state = "linear_type.coef.npy" if task == "clause-type" else "linear_phrase.coef.npy"
    assert (tmp_path / "m" / state).exists()
    assert not (tmp_path / "m" / "linear.skops").exists()
    pd.testing.assert_frame_equal(model.predict(valid_table), loaded.predict(valid_table))


def test_type_arrays_predict_bitwise_as_the_pipeline(type_model, train_table, valid_table) -> None:
    """The array form of the default clause-type classifier gives the fitted scikit-learn
    pipeline's probabilities bit for bit."""
    reference = LinearModel(LinearConfig(), "clause-type")
    reference.verbs = type_model.verbs
    ordered = train_table.iloc[document_positions(train_table)]
    keep = ordered["type"].isin(reference.labels).to_numpy()
    reference.pipeline = reference._type_pipeline().fit(
        reference._type_inputs(ordered)[keep], ordered["type"].to_numpy()[keep])
    assert type_model.pipeline is None and type_model.type_scorer is not None
    pd.testing.assert_frame_equal(type_model.predict(valid_table), reference.predict(valid_table),
                                  check_exact=True)


def test_type_pipelines_arrays_cannot_hold_stay_in_skops(train_table, valid_table, tmp_path) -> None:
    model = LinearModel(LinearConfig(features=["opening", "context", "words"]), "clause-type")
    model.fit(train_table)
    assert model.type_scorer is None and model.pipeline is not None
    loaded = load_model(model.save(tmp_path / "m"))
    assert (tmp_path / "m" / "linear.skops").exists()
    pd.testing.assert_frame_equal(model.predict(valid_table), loaded.predict(valid_table))


def test_empty_input(type_model, phrase_model) -> None:
    empty = pd.DataFrame({"doc_id": [], "para_id": [], "text": []})
    assert type_model.predict(empty).empty and phrase_model.predict(empty).empty


def test_genres_default_config(genre_set, transfer_train, checks) -> None:
    """The default (opening + context) features transfer from GA/ECOSOC resolutions (real ones
    when the dataset is built, else invented) to communiqués, recommendations and old all-caps
    Security Council text."""
    model = LinearModel(LinearConfig(), "clause-type").fit(transfer_train)
    out = model.predict(genre_set)
    checks.type_output(out, genre_set)
    assert checks.macro_f1(genre_set["type"], out["type"]) >= 0.85


def test_genres_beat_bag_of_words(genre_set, train_table, checks) -> None:
    """Bag-of-words learns topics, not grammar: it transfers worse than the default features."""
    form = LinearModel(LinearConfig(), "clause-type").fit(train_table).predict(genre_set)
    bag = LinearModel(LinearConfig(features=["words"]), "clause-type").fit(train_table)
    assert checks.macro_f1(genre_set["type"], bag.predict(genre_set)["type"]) < \
        checks.macro_f1(genre_set["type"], form["type"]) - 0.1


def test_the_project_is_installed_with_the_compiled_feature_loop() -> None:
    """`make venv` (``pip install -e .``, with a C compiler) built ``_feature_rows``: without it
    ``feature_matrix`` runs its Python twin, about 10 % slower annotation, and says nothing."""
    from pipelines.models.sparse_scorer import COMPILED

    assert COMPILED, "rebuild it: .venv/bin/pip install --no-deps -e . (needs gcc)"


def test_feature_matrix_places_names_and_values_in_row_order() -> None:
    """One-hot ``key=value`` names, numbers under their key (1, other weights, 0, ints), name
    lists, unknown names dropped; each row's columns in the order its features came."""
    import numpy as np

    from pipelines.models.sparse_scorer import feature_matrix

    vocabulary = {"w1=recalling": 0, "relpos": 1, "finite": 2, "anc_dist": 3, "k=2": 4, "n": 5}
    rows = [{"w1": "recalling", "relpos": 0.25, "finite": 1.0, "w2": "unknown"},
            {"anc_dist": 0.0, "n": 3, "w1": "decides"},
            ["k=2", "nope", "n"],
            {}]
    matrix = feature_matrix(vocabulary, rows)
    assert matrix.shape == (4, 6)
    assert matrix.indptr.tolist() == [0, 3, 5, 7, 7]
    assert matrix.indices.tolist() == [0, 1, 2, 3, 5, 4, 5]
    assert matrix.data.tolist() == [1.0, 0.25, 1.0, 0.0, 3.0, 1.0, 1.0]
    assert matrix.data.dtype == np.float64 and matrix.indices.dtype == np.int32


def test_feature_matrix_finds_one_hot_names_without_building_them() -> None:
    """The ``key → value → column`` lookup places exactly the columns the names
    ``f"{key}={value}"`` name: keys and values holding "=", a key that is also a numeric
    feature, values that look like numbers, unknown keys and values; a FeatureIndexer keeps its
    lookup out of what it saves and rebuilds it after loading."""
    import pickle

    import numpy as np

    from pipelines.models.feature_indexer import FeatureIndexer
    from pipelines.models.sparse_scorer import feature_matrix, split_names

    names = ["a=b=c", "a=b", "a=x", "a", "k=v=", "k==", "n", "n=1.0", "x=", "=y", "w1=that"]
    vocabulary = {n: i for i, n in enumerate(names)}
    assert split_names(vocabulary)["a"] == {"b=c": 0, "b": 1, "x": 2}
    assert split_names(vocabulary)["a=b"] == {"c": 0}
    rows: list[dict[str, str | float] | list[str]] = [
        {"a": "b=c", "a=b": "c", "k": "v=", "k=": "", "k=v": "", "n": 1.0, "x": "", "": "y"},
        {"n": "1.0", "a": "x", "w1": "that", "n=1": ".0", "zz": "q"},
        {"a": 0.5, "n": 2, "w1": "thaT"},
        ["a=b", "n"],
        {}]
    # the reference: the same rows with every one-hot name built as a string
    expected: list[list[int]] = []
    weights: list[float] = []
    for row in rows:
        cols: list[int] = []
        for k, v in (row.items() if isinstance(row, dict) else ((n, None) for n in row)):
            name = k if v is None or not isinstance(v, str) else f"{k}={v}"
            if name in vocabulary:
                cols.append(vocabulary[name])
                weights.append(1.0 if v is None or isinstance(v, str) else float(v))
        expected.append(cols)
    matrix = feature_matrix(vocabulary, rows)
    bounds = matrix.indptr.tolist()
    assert [matrix.indices[a:b].tolist() for a, b in zip(bounds, bounds[1:], strict=False)] == expected
    assert matrix.data.tolist() == weights
    assert expected == [[0, 0, 4, 5, 4, 6, 8, 9], [7, 2, 10], [3, 6], [1, 6], []]
    indexer = FeatureIndexer().fit(rows)
    fitted = indexer.transform(rows)
    again = pickle.loads(pickle.dumps(indexer))
    assert "_split" in vars(indexer) and "_split" not in vars(again)
    assert (again.transform(rows) != fitted).nnz == 0
    assert np.array_equal(again.transform(rows).indices, fitted.indices)
