"""The annotate stage end to end: tiny champions registered once per session, then JSONL, CSV
and plain-text input, bad lines, missing or unreachable models, resume, and active learning."""

from __future__ import annotations

import json
import pickle
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from pipelines.annotate.merge import OUTPUT_FIELDS, load_models, rounded_scores
from pipelines.annotate.parallel import fork_problem
from pipelines.annotate.run import annotate
from pipelines.annotate.select import select_for_review, uncertainty
from pipelines.annotate.state import partial_paths
from pipelines.annotate.stream import Unit, UnitBatch, iter_batches
from pipelines.errors import InputError, TrackingError, UnclauseError


def write_clauses(path: Path, n_docs: int = 8, seed: int = 99, gold: bool = True) -> list[dict]:
    """Unseen invented resolutions as a clause JSONL, with an extra nested field per line."""
    from synthetic import SMALL_VOCABULARY, make_clause_table

    frame = make_clause_table(n_docs, seed, vocabulary=SMALL_VOCABULARY).drop(
        columns=["split", "action_phrase", "action_lemma"])
    if not gold:
        frame = frame.drop(columns=["type"])
    records = frame.to_dict("records")
    for i, rec in enumerate(records):
        rec["meta"] = {"line": i, "tags": ["x", None]}
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return records


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def check_rows(rows: list[dict]) -> None:
    for row in rows:
        for key in OUTPUT_FIELDS:
            assert key in row, key
        assert row["type"] in ("preambular", "operative", "other")
        assert 0.0 <= row["type_score"] <= 1.0
        if row["action_phrase"] is None:
            assert row["action_span"] is None and row["action_lemma"] is None
        else:
            start, end = row["action_span"]
            assert row["text"][start:end] == row["action_phrase"]


# --------------------------------------------------------------------------- happy paths


def test_jsonl_with_default_champions(champion_store: str, tmp_path: Path) -> None:
    records = write_clauses(tmp_path / "in.jsonl")
    result = annotate(tmp_path / "in.jsonl", tmp_path / "out.jsonl")
    rows = read_jsonl(tmp_path / "out.jsonl")
    assert len(rows) == len(records) == result.read == result.written
    assert result.models == "clause-type v1 + action-phrase v1"
    check_rows(rows)
    for rec, row in zip(records, rows, strict=True):
        # every input field unchanged (a gold `type` is kept as input_type), in order
        assert {k: row[k] for k in rec if k != "type"} == {k: v for k, v in rec.items()
                                                            if k != "type"}
        assert row["input_type"] == rec["type"]
    assert sum(r["type"] == r["input_type"] for r in rows) / len(rows) > 0.9
    assert sum(r["action_phrase"] is not None for r in rows) > len(rows) / 3
    assert not partial_paths(tmp_path / "out.jsonl")[0].exists()
    assert result.documents == 8 and sum(result.types.values()) == len(rows)


def test_phrases_only_for_clauses_not_typed_other(champion_store: str, tmp_path: Path) -> None:
    """Both models run on each batch; the phrase model's answer is kept for preambular and
    operative clauses and an "other" clause (title, date, formula) never carries a phrase."""
    records = write_clauses(tmp_path / "in.jsonl", n_docs=4)
    annotate(tmp_path / "in.jsonl", tmp_path / "out.jsonl")
    rows = read_jsonl(tmp_path / "out.jsonl")
    models = load_models()
    frame = pd.DataFrame(records)[["doc_id", "para_id", "text"]]
    own = models.phrase.predict(frame)
    kinds = {r["type"] for r in rows}
    assert {"other", "operative"} <= kinds
    for row, phrase in zip(rows, own["action_phrase"], strict=True):
        expected = None if row["type"] == "other" else phrase
        assert row["action_phrase"] == expected


def test_csv_output(champion_store: str, tmp_path: Path) -> None:
    records = write_clauses(tmp_path / "in.jsonl", n_docs=3)
    annotate(tmp_path / "in.jsonl", tmp_path / "out.csv")
    frame = pd.read_csv(tmp_path / "out.csv", keep_default_na=False)
    assert len(frame) == len(records)
    assert list(frame["text"]) == [r["text"] for r in records]
    for col in ("type", "type_score", "action_phrase", "action_lemma", "action_span", "review",
                "meta", "input_type"):
        assert col in frame.columns
    for text, phrase, span in zip(frame["text"], frame["action_phrase"], frame["action_span"],
                                  strict=True):
        if phrase:
            start, end = (int(x) for x in span.split("-"))
            assert text[start:end] == phrase
        else:
            assert span == ""
    assert json.loads(frame["meta"][0]) == records[0]["meta"]


def test_plain_text_document(champion_store: str, communique: Path, tmp_path: Path) -> None:
    result = annotate(communique, tmp_path / "out.jsonl")
    rows = read_jsonl(tmp_path / "out.jsonl")
    assert result.input_kind == "documents" and len(rows) >= 8
    check_rows(rows)
    assert {r["doc_id"] for r in rows} == {"water_forum_communique"}
    assert [r["para_id"] for r in rows] == list(range(len(rows)))
    recalling = next(r for r in rows if r["text"].startswith("Recalling"))
    assert recalling["type"] == "preambular" and recalling["action_phrase"] == "Recalling"


def test_cli_prints_counts_and_path(champion_store: str, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from pipelines.cli.main import app

    write_clauses(tmp_path / "in.jsonl", n_docs=2)
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(app, ["annotate", "in.jsonl", "-o", "o.jsonl"])
    assert res.exit_code == 0, res.output
    assert "wrote" in res.output and "o.jsonl" in res.output and "skipped 0" in res.output
    assert (tmp_path / "o.jsonl").exists()


# --------------------------------------------------------------------------- bad input


def _with_bad_lines(path: Path) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = '{"doc_id": "X", "para_id": 2, "text": "unterminated'
    lines[5] = json.dumps({"doc_id": json.loads(lines[5])["doc_id"], "para_id": 5})
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def test_malformed_line_stops_naming_file_and_line(champion_store: str, tmp_path: Path) -> None:
    write_clauses(tmp_path / "in.jsonl", n_docs=2)
    _with_bad_lines(tmp_path / "in.jsonl")
    with pytest.raises(InputError) as err:
        annotate(tmp_path / "in.jsonl", tmp_path / "out.jsonl", batch_size=1)
    message = str(err.value)
    assert "in.jsonl" in message and "line 3" in message and "not valid JSON" in message
    assert "--on-error skip" in message and "--resume" in message  # two lines were written
    assert not (tmp_path / "out.jsonl").exists()
    assert partial_paths(tmp_path / "out.jsonl")[0].exists()
    with pytest.raises(InputError, match="line 3"):  # nothing written: nothing left behind
        annotate(tmp_path / "in.jsonl", tmp_path / "o2.jsonl")
    assert list(tmp_path.glob("o2.jsonl*")) == []


def test_missing_text_stops(champion_store: str, tmp_path: Path) -> None:
    (tmp_path / "in.jsonl").write_text('{"doc_id": "a", "para_id": 0, "text": "Recalling x,"}\n'
                                       '{"doc_id": "a", "para_id": 1}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"line 2: missing field 'text'"):
        annotate(tmp_path / "in.jsonl", tmp_path / "out.jsonl")


def test_bad_lines_skipped_and_counted(champion_store: str, tmp_path: Path) -> None:
    write_clauses(tmp_path / "in.jsonl", n_docs=2)
    n_lines = _with_bad_lines(tmp_path / "in.jsonl")
    result = annotate(tmp_path / "in.jsonl", tmp_path / "out.jsonl", on_error="skip")
    rows = read_jsonl(tmp_path / "out.jsonl")
    assert len(rows) == n_lines - 2 == result.written
    assert result.read == n_lines
    assert [n for n, _ in result.skipped] == [3, 6]
    assert "missing field 'text'" in result.skipped[1][1]
    check_rows(rows)


# --------------------------------------------------------------------------- models and store


def test_nonexistent_model_uri(champion_store: str, tmp_path: Path) -> None:
    write_clauses(tmp_path / "in.jsonl", n_docs=1)
    with pytest.raises(UnclauseError) as err:
        annotate(tmp_path / "in.jsonl", tmp_path / "o.jsonl",
                 type_model="models:/no-such-model@champion")
    message = str(err.value)
    assert "models:/no-such-model@champion" in message and "make run" in message
    assert "clause-type (@champion → v1)" in message  # what the registry does hold
    with pytest.raises(UnclauseError, match=r"has no alias @nope \(versions: 1\)"):
        annotate(tmp_path / "in.jsonl", tmp_path / "o.jsonl", type_model="models:/clause-type@nope")
    with pytest.raises(UnclauseError, match="for the action-phrase task, not clause-type"):
        annotate(tmp_path / "in.jsonl", tmp_path / "o.jsonl",
                 type_model="models:/action-phrase@champion")
    assert not (tmp_path / "o.jsonl").exists()


def test_missing_store_is_not_created(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_clauses(tmp_path / "in.jsonl", n_docs=1)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'none.db'}")
    with pytest.raises(UnclauseError, match="no MLflow store at .*none.db") as err:
        annotate(tmp_path / "in.jsonl", tmp_path / "o.jsonl")
    assert "make run" in str(err.value)
    assert not (tmp_path / "none.db").exists()


def test_unreachable_tracking_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_clauses(tmp_path / "in.jsonl", n_docs=1)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"http://127.0.0.1:{port}")
    t0 = time.perf_counter()
    with pytest.raises(TrackingError, match="unreachable"):
        annotate(tmp_path / "in.jsonl", tmp_path / "o.jsonl")
    assert time.perf_counter() - t0 < 10


# --------------------------------------------------------------------------- streaming, resume


def test_batches_keep_documents_whole() -> None:
    sizes = {"a": 3, "b": 4, "c": 9, "d": 2, "e": 1}
    units = [Unit(i, {}, doc, p) for i, (doc, p) in
             enumerate(((d, p) for d, n in sizes.items() for p in range(n)), start=1)]
    batches = list(iter_batches(units, 5))
    assert [u for b in batches for u in b] == units
    assert all(len(b) <= 5 for b in batches)
    for batch in batches:
        docs = {u.doc_id for u in batch}
        for doc in docs - {"c"}:  # only c (9 > 5) may be cut
            assert sum(u.doc_id == doc for u in batch) == sizes[doc]
    assert [[u.doc_id for u in b] for b in batches][:2] == [["a"] * 3, ["b"] * 4]
    # more input was seen after a batch closed at a document boundary; never after the last
    assert batches[0].more_follows and batches[1].more_follows and not batches[-1].more_follows
    # also when the last document, read to the end of the input, does not fit
    last_two = list(iter_batches([Unit(i, {}, "a" if i < 3 else "b", i) for i in range(6)], 5))
    assert [len(b) for b in last_two] == [3, 3] and last_two[0].more_follows


def test_a_batch_pickles_back_to_the_same_units() -> None:
    units = [Unit(1, {"text": "Recalling", "doc_id": "a"}, "a", 0), Unit(3, {"text": "x"}, "f", 5)]
    for batch in [*iter_batches(units, 1), *iter_batches(units, 5), UnitBatch()]:
        again = pickle.loads(pickle.dumps(batch))
        assert type(again) is UnitBatch and again == batch
        assert all(type(u) is Unit for u in again)


class _Interrupt(Exception):
    pass


def test_interrupted_run_resumes_to_identical_output(champion_store: str, tmp_path: Path) -> None:
    inp = tmp_path / "in.jsonl"
    write_clauses(inp, n_docs=20)
    lines = inp.read_text(encoding="utf-8").splitlines()
    lines[100] = "{broken"
    inp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    opts: dict[str, Any] = {"batch_size": 30, "on_error": "skip"}
    full = annotate(inp, tmp_path / "full.jsonl", **opts)
    assert full.skipped == [(101, full.skipped[0][1])]

    out = tmp_path / "out.jsonl"
    partial, state_path = partial_paths(out)

    def interrupt(progress: Any) -> None:
        if progress.batches == 4:
            raise _Interrupt

    with pytest.raises(_Interrupt):
        annotate(inp, out, on_batch=interrupt, **opts)
    state = json.loads(state_path.read_text())
    assert state["batches"] == 4 and 0 < state["lines_consumed"] < len(lines)
    assert partial.stat().st_size == state["bytes_written"]
    with partial.open("ab") as fh:  # a torn write after the last recorded batch
        fh.write(b'{"doc_id": "half a li')
    # the temporary file of a checkpoint cut short by a SIGKILL (tests/test_faults.py kills a
    # real run; this is the same file, made where the test can be sure of it)
    killed_checkpoint = state_path.with_name(f".{state_path.name}.k1ll3d_1.tmp")
    killed_checkpoint.write_text('{"batches": 5', encoding="utf-8")

    with pytest.raises(UnclauseError, match="--resume"):
        annotate(inp, out, **opts)
    with pytest.raises(UnclauseError, match="batch_size"):
        annotate(inp, out, resume=True, batch_size=31, on_error="skip")

    resumed = annotate(inp, out, resume=True, **opts)
    assert resumed.resumed_from == state["lines_consumed"]
    assert out.read_bytes() == (tmp_path / "full.jsonl").read_bytes()
    assert (resumed.read, resumed.written, resumed.skipped, resumed.types) == (
        full.read, full.written, full.skipped, full.types)
    assert not partial.exists() and not state_path.exists() and not killed_checkpoint.exists()


def test_worker_processes_change_nothing_in_output_errors_or_resume(
        champion_store: str, tmp_path: Path, single_threaded: Callable[..., Any]) -> None:
    """--jobs 2: the same bytes as one process, a bad line stops after the batches before it
    (kept for --resume), and a run interrupted and resumed in workers ends identical."""
    inp = tmp_path / "in.jsonl"
    write_clauses(inp, n_docs=20)
    single_threaded(_worker_runs, inp, tmp_path)


def _worker_runs(inp: Path, tmp_path: Path) -> None:
    """The checks of the test above, in a process that can fork workers."""
    opts: dict[str, Any] = {"batch_size": 30}
    assert fork_problem() is None  # so the workers really run (and not this process alone)
    one = annotate(inp, tmp_path / "one.jsonl", jobs=1, **opts)
    two = annotate(inp, tmp_path / "two.jsonl", jobs=2, **opts)
    assert (tmp_path / "two.jsonl").read_bytes() == (tmp_path / "one.jsonl").read_bytes()
    assert (two.read, two.written, two.documents, two.types, two.review, two.phrases) == (
        one.read, one.written, one.documents, one.types, one.review, one.phrases)

    lines = inp.read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join([*lines[:150], "{broken", *lines[150:]]) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    partial, state_path = partial_paths(out)
    with pytest.raises(InputError, match="line 151") as caught:
        annotate(bad, out, jobs=2, **opts)
    assert "--resume" in str(caught.value)
    state = json.loads(state_path.read_text())
    assert 0 < state["lines_consumed"] <= 150 and partial.stat().st_size == state["bytes_written"]

    def interrupt(progress: Any) -> None:
        if progress.batches == 3:
            raise _Interrupt

    with pytest.raises(_Interrupt):
        annotate(inp, out, jobs=2, restart=True, on_batch=interrupt, **opts)
    assert json.loads(state_path.read_text())["batches"] == 3
    resumed = annotate(inp, out, jobs=2, resume=True, **opts)
    assert resumed.resumed_from > 0 and resumed.types == one.types
    assert out.read_bytes() == (tmp_path / "one.jsonl").read_bytes()


def test_resume_refuses_a_changed_input_and_restart_starts_over(champion_store: str,
                                                                tmp_path: Path) -> None:
    inp = tmp_path / "in.jsonl"
    write_clauses(inp, n_docs=6)
    out = tmp_path / "out.jsonl"

    def interrupt(progress: Any) -> None:
        raise _Interrupt

    with pytest.raises(_Interrupt):
        annotate(inp, out, batch_size=20, on_batch=interrupt)
    text = inp.read_text(encoding="utf-8")
    changed = text.replace("The General Assembly,", "The Assembly,", 1)
    assert changed != text
    inp.write_text(changed, encoding="utf-8")
    with pytest.raises(UnclauseError, match="changed since the interrupted run"):
        annotate(inp, out, batch_size=20, resume=True)
    result = annotate(inp, out, batch_size=20, restart=True)
    assert result.resumed_from == 0
    assert len(read_jsonl(out)) == len(inp.read_text(encoding="utf-8").splitlines())


# --------------------------------------------------------------------------- active learning


def _table(rows: list[tuple[str, float, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["doc_id", "proba_preambular", "proba_operative",
                                       "proba_other"])


def test_strategies_rank_a_hand_made_table_differently() -> None:
    table = _table([("a", 0.50, 0.50, 0.00),     # a tie between two classes
                    ("b", 0.40, 0.30, 0.30),     # flat: lowest top probability
                    ("e", 0.55, 0.225, 0.225),   # confident-ish but spread over the rest
                    ("d", 0.90, 0.05, 0.05)])    # sure
    order = {s: select_for_review(table, 4, s)["doc_id"].tolist()
             for s in ("least-confident", "margin", "entropy")}
    assert order == {"least-confident": ["b", "a", "e", "d"],
                     "margin": ["a", "b", "e", "d"],
                     "entropy": ["b", "e", "a", "d"]}
    lc = uncertainty(table[["proba_preambular", "proba_operative", "proba_other"]])
    assert lc.round(3).tolist() == [0.5, 0.6, 0.45, 0.1]
    chosen = select_for_review(table, 2, "margin")
    assert chosen["priority"].tolist() == [1, 2]
    assert chosen["uncertainty"].round(3).tolist() == [1.0, 0.9]


def test_selection_spreads_over_documents_deterministically() -> None:
    table = _table([("d1", 0.34, 0.33, 0.33), ("d1", 0.35, 0.33, 0.32),
                    ("d1", 0.36, 0.33, 0.31), ("d2", 0.60, 0.20, 0.20),
                    ("d3", 0.95, 0.03, 0.02), ("d4", 0.60, 0.20, 0.20)])
    turns = select_for_review(table, 4)
    assert turns["doc_id"].tolist() == ["d1", "d2", "d4", "d3"]  # one per document first
    assert turns.index.tolist() == [0, 3, 5, 4]                 # d2 before d4: earlier document
    capped = select_for_review(table, 4, per_doc_cap=2)
    assert capped.index.tolist() == [0, 1, 3, 5]
    assert select_for_review(table, 4).equals(turns)
    assert len(select_for_review(table, 50)) == len(table)


def test_select_writes_only_the_chosen_clauses(champion_store: str, tmp_path: Path) -> None:
    write_clauses(tmp_path / "in.jsonl", n_docs=6)
    result = annotate(tmp_path / "in.jsonl", tmp_path / "review.jsonl", select=5,
                      strategy="entropy")
    rows = read_jsonl(tmp_path / "review.jsonl")
    assert len(rows) == result.selected == result.written == 5
    assert [r["priority"] for r in rows] == [1, 2, 3, 4, 5]
    assert len({(r["doc_id"], r["para_id"]) for r in rows}) == 5
    assert len({r["doc_id"] for r in rows}) == 5  # six documents: one clause from each of five
    assert all("uncertainty" in r and "prev_text" in r for r in rows)
    assert rows == sorted(rows, key=lambda r: -r["uncertainty"])
    check_rows(rows)
    tasks = tmp_path / "review.json"
    annotate(tmp_path / "in.jsonl", tasks, select=5, strategy="entropy")
    exported = json.loads(tasks.read_text(encoding="utf-8"))
    assert [t["data"]["text"] for t in exported] == [r["text"] for r in rows]
    assert [t["data"]["priority"] for t in exported] == [1, 2, 3, 4, 5]


def test_rounded_scores_are_pythons_round_bit_for_bit() -> None:
    rng = np.random.default_rng(7)
    halves = (np.arange(0, 200_001, dtype=np.float64) + 0.5) / 1e6  # nearest to a tie
    values = np.concatenate([
        rng.random(100_000), halves, np.nextafter(halves, 2), np.nextafter(halves, -1), -halves,
        rng.random(1000) * 1e12,
        [0.0, -0.0, 1.0, 0.0078125, 2.5e-6, 5e-324, 1e300, np.inf, -np.inf, np.nan]])
    got = rounded_scores(values)
    want = [round(float(v), 6) for v in values]
    assert np.array_equal(np.array(got).view(np.int64), np.array(want).view(np.int64))
