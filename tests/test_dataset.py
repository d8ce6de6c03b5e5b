"""The clause dataset: build from real corpus slices, invariants, data card, bad inputs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipelines.data.build import run_build
from pipelines.data.dataset import add_splits, dataset_digest, load_clauses
from pipelines.errors import InputError, UnclauseError
from pipelines.schema import CLAUSE_COLUMNS, CLAUSE_TYPES


@pytest.fixture(scope="module")
def built(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """Build from the emergency-session archive, the ECOSOC archive and the GA metadata."""
    out = tmp_path_factory.mktemp("built")
    sources = [corpus_dir / "unga/A_RES_ES.tar.xz", corpus_dir / "ecosoc/E_RES_2021-2025.tar.xz",
               corpus_dir / "unga/metadata.tar.xz"]
    result = run_build(sources, out / "clauses", out / "README.md")
    return out, result


def test_build_from_real_corpus_has_documents_clauses_and_all_columns(built) -> None:
    out, result = built
    frame = load_clauses(out / "clauses")
    assert frame["doc_id"].nunique() >= 9 + 140
    assert len(frame) > 5000
    assert list(frame.columns[: len(CLAUSE_COLUMNS)]) == list(CLAUSE_COLUMNS)
    assert set(frame["body"]) == {"GA", "ECOSOC"}
    labelled = frame[frame["type"].notna()]
    assert set(labelled["type"]) == set(CLAUSE_TYPES)
    assert result.counts()["clauses"] == len(frame)


@pytest.mark.slow  # logs a run with three dataset inputs
def test_build_is_recorded_in_mlflow_with_its_datasets_and_commit(built, mlflow_store: str) -> None:
    import mlflow

    from pipelines.tracking.lineage import git_commit, log_build

    out, result = built
    run = mlflow.MlflowClient().get_run(log_build(result, out / "README.md"))
    assert run.data.tags["dataset.digest"] == result.digest
    assert run.data.metrics["clauses"] == result.counts()["clauses"]
    assert {i.dataset.name for i in run.inputs.dataset_inputs} == {
        f"clauses-{s}" for s in ("train", "validation", "test")}
    if git_commit() is not None:
        assert run.data.tags["mlflow.source.git.commit"] == git_commit().removesuffix("-dirty")


def test_invariants_no_empty_text_no_markup_no_footnotes(built) -> None:
    out, _ = built
    frame = load_clauses(out / "clauses")
    assert frame["text"].str.strip().ne("").all()
    assert not frame["text"].str.contains(r"<[a-zA-Z/][^>]*>", regex=True).any()
    assert not frame["text"].str.contains("authorialNote").any()
    assert not frame["text"].str.contains("\t|  ", regex=True).any()
    assert frame.groupby("doc_id")["para_id"].apply(lambda s: s.is_unique).all()


def test_splits_are_disjoint_by_document(built) -> None:
    out, _ = built
    frame = load_clauses(out / "clauses")
    per_doc = frame.groupby("doc_id")["split"].nunique()
    assert (per_doc == 1).all()
    assert set(frame["split"]) == {"train", "validation", "test"}


def test_phrases_are_prefixes_of_the_clause_text(built) -> None:
    out, _ = built
    frame = load_clauses(out / "clauses")
    with_phrase = frame[frame["action_phrase"].notna()]
    assert len(with_phrase) > 2000
    ok = [p.lower() in t.lower()[: len(p) + 12] for p, t in
          zip(with_phrase["action_phrase"], with_phrase["text"], strict=True)]
    assert sum(ok) / len(ok) > 0.99
    assert with_phrase["action_lemma"].notna().all()


def test_metadata_joined_for_ga_documents(built) -> None:
    out, _ = built
    frame = load_clauses(out / "clauses")
    ga = frame[frame["body"] == "GA"].drop_duplicates("doc_id")
    assert ga["adoption"].notna().mean() > 0.5


def test_data_card_lists_counts_phrases_and_skips(built) -> None:
    out, result = built
    card = (out / "README.md").read_text(encoding="utf-8")
    for heading in ("Per body and split", "Per body and session", "most frequent action phrases",
                    "Clauses without an action phrase", "What was skipped"):
        assert heading in card
    assert "United Nations" in card
    assert result.digest in card


def test_digest_depends_on_content_not_row_order() -> None:
    frame = pd.DataFrame({"doc_id": ["a", "a", "b"], "para_id": [0, 1, 0],
                          "text": ["x", "y", "z"], "type": ["other"] * 3,
                          "action_phrase": [None] * 3, "action_lemma": [None] * 3,
                          "body": ["GA"] * 3, "session": ["1"] * 3})
    frame = add_splits(frame)
    assert dataset_digest(frame) == dataset_digest(frame.iloc[::-1])
    changed = frame.assign(text=["x", "y", "Z"])
    assert dataset_digest(frame) != dataset_digest(changed)


def _bad_inputs(folder: Path, corpus_dir: Path) -> None:
    import tarfile

    folder.mkdir()
    with tarfile.open(corpus_dir / "unga/A_RES_ES.tar.xz", "r:xz") as tar:
        member = next(m for m in tar.getmembers() if m.isfile() and m.name.endswith(".xml"))
        good = tar.extractfile(member).read()  # type: ignore[union-attr]
    (folder / "good.xml").write_bytes(good)
    (folder / "truncated.xml").write_bytes(good[: len(good) // 2])
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "latin1.txt").write_bytes(
        "Recalling the réunion of experts,\n\n1. Décides to meet again;\n".encode("latin-1"))


def test_bad_inputs_are_reported_and_the_build_goes_on(corpus_dir: Path, tmp_path: Path) -> None:
    src = tmp_path / "src"
    _bad_inputs(src, corpus_dir)
    result = run_build([src, tmp_path / "missing-folder"], tmp_path / "out", tmp_path / "card.md")
    skipped = dict(result.report.skipped)
    assert any(n.endswith("truncated.xml") for n in skipped)
    assert any(n.endswith("empty.txt") for n in skipped)
    assert any(n.endswith("binary.txt") for n in skipped)
    assert any(n.endswith("missing-folder") for n in skipped)
    docs = set(result.frame["source"].map(lambda s: Path(s).name))
    assert {"good.xml", "latin1.txt"} <= docs
    assert any("latin" in w.lower() or "1252" in w for _, w in result.report.warnings)
    card = (tmp_path / "card.md").read_text(encoding="utf-8")
    assert "truncated.xml" in card and "binary.txt" in card


def test_stop_mode_raises_one_clear_error_naming_the_file(corpus_dir: Path, tmp_path: Path) -> None:
    src = tmp_path / "src"
    _bad_inputs(src, corpus_dir)
    for name in ("good.xml", "empty.txt", "binary.txt", "latin1.txt"):
        (src / name).unlink()
    with pytest.raises(InputError) as err:
        run_build([src], tmp_path / "out", tmp_path / "card.md", on_error="stop")
    assert "truncated.xml" in str(err.value)
    assert not (tmp_path / "out").exists(), "a failed build must not leave partial output"


def test_corrupt_archive_member_is_reported(corpus_dir: Path, tmp_path: Path) -> None:
    data = (corpus_dir / "unga/A_RES_ES.tar.xz").read_bytes()
    broken = tmp_path / "broken.tar.xz"
    broken.write_bytes(data[: len(data) // 2])
    shutil.copy(corpus_dir / "ecosoc/E_RES_2021-2025.tar.xz", tmp_path / "ok.tar.xz")
    result = run_build([broken, tmp_path / "ok.tar.xz"], tmp_path / "out", tmp_path / "c.md")
    assert any("broken.tar.xz" in n for n, _ in result.report.skipped)
    assert result.frame["body"].eq("ECOSOC").any()
    assert result.frame["doc_id"].str.contains("ES-1").any(), "members before the damage are kept"


def test_missing_dataset_names_the_fix(tmp_path: Path) -> None:
    with pytest.raises(UnclauseError, match="unclause data build"):
        load_clauses(tmp_path / "nope")
