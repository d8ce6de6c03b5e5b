"""Per-language figures and training on some languages only."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from synthetic import write_dataset

from pipelines.config import load_config
from pipelines.training.runner import language_metrics, load_splits


def _two_languages(folder: Path) -> Path:
    """The invented dataset with every other document relabelled French."""
    write_dataset(folder)
    for part in folder.glob("*.parquet"):
        frame = pd.read_parquet(part)
        docs = sorted(frame["doc_id"].unique())
        french = set(docs[1::2])
        frame["language"] = ["fr" if d in french else "en" for d in frame["doc_id"]]
        frame.to_parquet(part, index=False)
    return folder


def test_language_metrics_per_language_and_none_for_one(tmp_path: Path) -> None:
    gold = pd.DataFrame({"type": ["operative", "other", "preambular", "operative"],
                         "language": ["en", "en", "fr", "fr"]})
    pred = pd.DataFrame({"type": ["operative", "other", "operative", "operative"],
                         "type_score": [0.9] * 4})
    out = language_metrics("clause-type", gold, pred, "test")
    assert out["test/lang/en/accuracy"] == 1.0 and out["test/lang/fr/accuracy"] == 0.5
    assert language_metrics("clause-type", gold.assign(language="en"), pred, "test") == {}
    assert language_metrics("clause-type", gold.drop(columns="language"), pred, "test") == {}


def test_translated_phrases_are_scored_with_the_phrase_maps_lemma() -> None:
    gold = pd.DataFrame({"action_phrase": ["Requests", "Prie", "Prie également"],
                         "action_lemma": ["request", "request", "request"],
                         "language": ["en", "fr", "fr"]})
    pred = pd.DataFrame({"action_phrase": ["Requests", "Prie", "Prie également"],
                         "action_lemma": ["request", "prie", "prie également"]})  # English rules
    out = language_metrics("action-phrase", gold, pred, "test")
    assert out["test/lang/en/lemma_accuracy"] == out["test/lang/fr/lemma_accuracy"] == 1.0


def test_train_languages_keeps_the_others_for_evaluation(tmp_path: Path) -> None:
    data = _two_languages(tmp_path / "clauses")
    cfg = load_config("default", ["task=clause-type", "model=rules", f"data.path={data}",
                                  "data.train_languages=[en]"])
    splits = load_splits(cfg)
    assert set(splits["train"]["language"]) == {"en"}
    assert set(splits["test"]["language"]) | set(splits["validation"]["language"]) == {"en", "fr"}
    only_fr = load_splits(load_config("default", ["task=clause-type", "model=rules",
                                                  f"data.path={data}", "data.languages=[fr]"]))
    assert all(set(f["language"]) == {"fr"} for f in only_fr.values() if len(f))


def test_runs_are_scored_on_the_challenge_kinds_of_their_languages(tmp_path: Path) -> None:
    from pipelines.evaluation import challenge
    from pipelines.models.base import build_model
    from pipelines.training.runner import challenge_metrics, run_languages

    data = _two_languages(tmp_path / "clauses")
    cfg = load_config("default", ["task=clause-type", "model=rules", f"data.path={data}"])
    splits = load_splits(cfg)
    assert run_languages(splits) == ["en", "fr"]
    assert run_languages({s: f.drop(columns="language") for s, f in splits.items()}) == ["en"]
    model = build_model(cfg.model, cfg.task, cfg.seed)
    model.fit(splits["train"], splits["validation"])
    kinds = {lang: {k for k in challenge.available_kinds() if challenge.kind_language(k) == lang}
             for lang in ("en", "fr")}
    assert kinds["en"] and kinds["fr"]
    for languages in (["en"], ["en", "fr"], ["fr"]):
        metrics: dict[str, float] = {}
        challenge_metrics(cfg.task, model, metrics, languages)
        scored = {k.split("/")[1] for k in metrics}
        assert scored == set().union(*(kinds[lang] for lang in languages)), languages
