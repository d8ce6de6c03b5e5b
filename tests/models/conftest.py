"""Fixtures for the model families: an invented multi-document clause table and genre documents.

Every sentence is the project's own writing, composed from small phrase lists so that each
document differs while the grammar of clauses (participle preambles, numbered finite-verb
operative paragraphs, lettered sub-items, structural lines) is the real one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from synthetic import make_clause_table

GENRES = Path(__file__).resolve().parents[1] / "fixtures" / "genres"
REAL_DATA = Path(__file__).resolve().parents[2] / "data" / "processed" / "clauses"

def load_genres(name: str = "genres") -> pd.DataFrame:
    """Hand-written documents of other genres (communiqué, recommendation, old SC text…):
    ``genres`` (used while designing the features) or ``holdout`` (kept out of that)."""
    with (GENRES / f"{name}.jsonl").open(encoding="utf-8") as fh:
        return pd.DataFrame([json.loads(line) for line in fh if line.strip()])


@pytest.fixture(scope="session")
def clause_table() -> pd.DataFrame:
    """30 invented documents with train/validation splits."""
    return make_clause_table()


@pytest.fixture(scope="session")
def train_table(clause_table: pd.DataFrame) -> pd.DataFrame:
    return clause_table[clause_table["split"] == "train"].reset_index(drop=True)


@pytest.fixture(scope="session")
def valid_table(clause_table: pd.DataFrame) -> pd.DataFrame:
    return clause_table[clause_table["split"] == "validation"].reset_index(drop=True)


@pytest.fixture(scope="session")
def genre_table() -> pd.DataFrame:
    return load_genres("genres")


@pytest.fixture(scope="session", params=["genres", "holdout"])
def genre_set(request: pytest.FixtureRequest) -> pd.DataFrame:
    """Each generalisation set in turn."""
    return load_genres(request.param)


@pytest.fixture(scope="session")
def transfer_train(train_table: pd.DataFrame) -> pd.DataFrame:
    """Training clauses for transfer tests: the first 300 documents of the real training split
    when the dataset is built (fits in seconds), else the invented fixture."""
    train_file = REAL_DATA / "train.parquet"
    if train_file.exists():
        real = pd.read_parquet(train_file, columns=["doc_id", "para_id", "text", "type",
                                                    "action_phrase", "action_lemma"])
        docs = real["doc_id"].drop_duplicates().iloc[:300]
        return real[real["doc_id"].isin(docs)].reset_index(drop=True)
    return train_table


def upper_variant(frame: pd.DataFrame) -> pd.DataFrame:
    """The same clauses in ALL CAPS with hard wraps and other numbering styles."""
    def vary(text: str, i: int) -> str:
        text = text.upper()
        if text[:2].rstrip(".").isdigit() and "." in text[:3]:
            num, _, rest = text.partition(". ")
            text = f"{num}) {rest}" if i % 2 else f"({num}) {rest}"
        words = text.split(" ")
        if len(words) > 6:
            words[5] = "\n" + words[5]
        return " ".join(words)

    return frame.assign(text=[vary(t, i) for i, t in enumerate(frame["text"])])


class Checks:
    """Assertions every family's output must pass (shared through the ``checks`` fixture)."""

    @staticmethod
    def type_output(out: pd.DataFrame, clauses: pd.DataFrame) -> None:
        from pipelines.models.base import TYPE_OUTPUTS
        from pipelines.schema import CLAUSE_TYPES

        assert list(out.columns) == list(TYPE_OUTPUTS)
        assert out.index.equals(clauses.index)
        assert set(out["type"]) <= set(CLAUSE_TYPES)
        proba = out[[f"proba_{t}" for t in CLAUSE_TYPES]].to_numpy()
        assert (proba >= 0).all() and (proba <= 1 + 1e-9).all()
        assert abs(proba.sum(axis=1) - 1).max() < 1e-6
        assert (abs(out["type_score"].to_numpy() - proba.max(axis=1)) < 1e-9).all()

    @staticmethod
    def phrase_output(out: pd.DataFrame, clauses: pd.DataFrame) -> None:
        from pipelines.models.base import PHRASE_OUTPUTS

        assert list(out.columns) == list(PHRASE_OUTPUTS)
        assert out.index.equals(clauses.index)
        for text, phrase, start, end in zip(clauses["text"], out["action_phrase"],
                                            out["action_start"], out["action_end"], strict=True):
            if phrase is None:
                assert (start, end) == (-1, -1)
            else:
                assert text[start:end] == phrase

    @staticmethod
    def macro_f1(gold: pd.Series, pred: pd.Series) -> float:
        from sklearn.metrics import f1_score

        return float(f1_score(gold, pred, average="macro"))

    @staticmethod
    def exact_match(gold: pd.Series, pred: pd.Series) -> float:
        mask = gold.notna()
        return float((pred[mask] == gold[mask]).mean())

    upper_variant = staticmethod(upper_variant)


@pytest.fixture(scope="session")
def checks() -> type[Checks]:
    return Checks
