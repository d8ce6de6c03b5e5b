"""JSONL clause files: grouping, field mapping, line-numbered errors, streaming."""

from __future__ import annotations

import json

import pytest

from pipelines.corpus import jsonl
from pipelines.corpus.sources import SourceItem
from pipelines.errors import InputError


def _lines(*records: object) -> bytes:
    return b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in records)


def test_groups_consecutive_lines_and_maps_fields() -> None:
    data = _lines(
        {"doc_id": "A_1", "para_id": 0, "text": "The Conference,", "type": "other",
         "body": "GA", "session": "99", "source_url": "https://example.org/a1"},
        {"doc_id": "A_1", "para_id": 1, "text": "Recalling its decision,", "type": "Preambular",
         "action_phrase": "Recalling", "action_lemma": "recall", "score": 0.9},
        {"doc_id": "A_1", "text": "1. Decides to act.", "number": 1, "is_subitem": False},
        {"doc_id": "B_2", "text": "Urges States to act."},
    )
    docs = jsonl.read(SourceItem("clauses.jsonl", data))
    assert [d.doc_id for d in docs] == ["A_1", "B_2"]
    a, b = docs
    assert a.fmt == "jsonl" and a.source == "clauses.jsonl"
    assert (a.body, a.session) == ("GA", "99")
    assert [c.para_id for c in a.clauses] == [0, 1, 2]
    assert [c.type for c in a.clauses] == ["other", "preambular", None]
    assert a.clauses[1].action_phrase == "Recalling" and a.clauses[1].action_lemma == "recall"
    assert a.clauses[0].extra == {"body": "GA", "session": "99",
                                  "source_url": "https://example.org/a1"}
    assert a.clauses[1].extra == {"score": 0.9}
    assert a.clauses[2].number == "1" and a.clauses[2].is_subitem is False
    assert b.clauses[0].para_id == 0 and b.clauses[0].doc_id == "B_2"
    assert a.warnings == [] and b.warnings == []


def test_missing_doc_id_uses_file_stem_and_running_index() -> None:
    data = _lines({"text": "First."}, {"text": "Second."})
    [doc] = jsonl.read(SourceItem("dir/new_clauses.jsonl", data))
    assert doc.doc_id == "new_clauses"
    assert [(c.para_id, c.text) for c in doc.clauses] == [(0, "First."), (1, "Second.")]


def test_unknown_type_kept_as_extra_with_warning() -> None:
    [doc] = jsonl.read(SourceItem("x.jsonl", _lines({"text": "Decides.", "type": "resolution"})))
    clause = doc.clauses[0]
    assert clause.type is None and clause.extra == {"type": "resolution"}
    assert doc.warnings and "line 1" in doc.warnings[0]


def test_doc_id_reappearing_later_is_a_separate_document_with_warning() -> None:
    data = _lines({"doc_id": "A", "text": "a"}, {"doc_id": "B", "text": "b"},
                  {"doc_id": "A", "text": "c"})
    docs = jsonl.read(SourceItem("x.jsonl", data))
    assert [d.doc_id for d in docs] == ["A", "B", "A"]
    assert "line 3" in docs[2].warnings[0]


def test_bom_blank_lines_crlf_and_unicode_separators() -> None:
    data = b"\xef\xbb\xbf" + _lines({"text": "Line\u2028with separator"}).replace(b"\n", b"\r\n")
    data += b"\r\n   \r\n" + _lines({"text": "Next"})
    [doc] = jsonl.read(SourceItem("x.jsonl", data))
    assert [c.text for c in doc.clauses] == ["Line\u2028with separator", "Next"]


@pytest.mark.parametrize(
    ("bad_line", "problem"),
    [
        (b'{"text": "unterminated', "line 3: not valid JSON (Unterminated string"),
        (b'["a list"]', "line 3: not a JSON object but a list"),
        (b'{"doc_id": "A"}', "line 3: missing field 'text'"),
        (b'{"text": 5}', "line 3: field 'text' must be a string, not int"),
        (b'{"text": "  "}', "line 3: field 'text' is empty"),
        (b'{"text": "x", "para_id": "first"}', "line 3: field 'para_id' must be a whole number"),
        (b'{"text": "x", "doc_id": ["A"]}', "line 3: field 'doc_id' must be a string"),
        (b'{"text": "x", "doc_id": false}', "line 3: field 'doc_id' must be a string"),
        (b'{"text": "x", "para_id": true}', "line 3: field 'para_id' must be a whole number, "
                                            "not True"),
        (b'{"text": "x", "para_id": 1.5}', "line 3: field 'para_id' must be a whole number, "
                                           "not 1.5"),
        (b'{"text": "caf\xe9"}', "line 3: not UTF-8 (byte 0xe9 at column 14)"),
    ],
)
def test_bad_line_is_an_input_error_naming_the_line(bad_line: bytes, problem: str) -> None:
    data = _lines({"text": "ok"}, {"text": "ok"}) + bad_line + b"\n" + _lines({"text": "ok"})
    with pytest.raises(InputError) as err:
        jsonl.read(SourceItem("annotated.jsonl", data))
    assert err.value.source == "annotated.jsonl"
    assert err.value.problem.startswith(problem), err.value.problem
    assert '"text"' in (err.value.hint or "")


def test_ids_given_otherwise_than_as_a_string_and_an_int() -> None:
    data = _lines({"doc_id": 7, "para_id": "3", "text": "a"}, {"doc_id": 7, "para_id": 4.0, "text": "b"},
                  {"doc_id": None, "para_id": None, "text": "c"})
    first, second = jsonl.read(SourceItem("ids.jsonl", data))
    assert [(c.doc_id, c.para_id) for c in first.clauses] == [("7", 3), ("7", 4)]
    assert [(c.doc_id, c.para_id) for c in second.clauses] == [("ids", 0)]


def test_empty_jsonl() -> None:
    with pytest.raises(InputError, match="empty document"):
        jsonl.read(SourceItem("empty.jsonl", b"\n\n"))


def test_iter_clause_records_skip_records_reasons() -> None:
    lines = ['{"text": "one"}', "not json", "", b'{"text": "two"}', "{}", b"\xff\xfe"]
    skipped: list[tuple[int, str]] = []
    got = list(jsonl.iter_clause_records(lines, "big.jsonl", on_error="skip", skipped=skipped))
    assert got == [(1, {"text": "one"}), (4, {"text": "two"})]
    assert [n for n, _ in skipped] == [2, 5, 6]
    assert skipped[0][1].startswith("line 2: not valid JSON")
    assert skipped[1][1] == "line 5: missing field 'text'"


def test_iter_clause_records_stop_raises() -> None:
    gen = jsonl.iter_clause_records(iter(['{"text": "one"}', "{oops"]), "big.jsonl")
    assert next(gen) == (1, {"text": "one"})
    with pytest.raises(InputError, match=r"big.jsonl: line 2: not valid JSON"):
        next(gen)


def test_iter_clause_records_streams_a_file(tmp_path) -> None:
    path = tmp_path / "many.jsonl"
    path.write_bytes(_lines(*({"doc_id": f"D{i // 10}", "text": f"clause {i}"}
                              for i in range(1000))))
    with path.open("rb") as fh:
        records = jsonl.iter_clause_records(fh, str(path), on_error="skip")
        first = next(records)
        assert first == (1, {"doc_id": "D0", "text": "clause 0"})
        assert sum(1 for _ in records) == 999


def test_record_to_clause_keeps_original_record_untouched() -> None:
    record = {"doc_id": "A", "para_id": "7", "text": "Notes.", "lang": "en"}
    clause, warnings = jsonl.record_to_clause(record, "A", 0)
    assert clause.para_id == 7 and clause.extra == {"lang": "en"} and warnings == []
    assert record["para_id"] == "7"


@pytest.mark.parametrize("line", ['{"text": "a"} x', '{"text": "a"}  ,', '{"text": ', "nul",
                                  '\ufeff{"text": "a"}', '[' * 5 + ']' * 4,
                                  # read by orjson, or refused by it and read by json
                                  '{"text": "a", "n": 1.5e3}', '{"text": "a", "v": NaN}',
                                  '{"text": "a", "big": 123456789012345678901234567890}',
                                  '{"text": "a\\ud800b"}', '{"text": "a", "text": "b"}',
                                  "null", '"text"'])
def test_records_are_parsed_as_json_loads_would_with_the_same_errors(line: str) -> None:
    """parse_record decodes without json.loads' per-call set-up; values and error messages
    (and their columns) stay json.loads' own."""
    try:
        expected = f"json.loads: {json.loads(line.strip())!r}"
        if not isinstance(json.loads(line.strip()), dict):
            expected = "not a JSON object"
    except json.JSONDecodeError as exc:
        expected = f"{exc.msg.removesuffix(' at')}, column {exc.colno}"
    try:
        got = f"json.loads: {jsonl.parse_record(line.encode(), 2)!r}"
    except jsonl.BadRecord as exc:
        got = str(exc)
    assert expected in got
