"""The JSON lines codec: orjson's speed, the standard library's values and messages."""

from __future__ import annotations

import json
import math

import pytest

from pipelines.json_lines import dump_line, loads_line


@pytest.mark.parametrize("row", [
    {"doc_id": "D", "para_id": 3, "text": "Décide de prier — 决定", "type_score": 0.912345,
     "action_span": [0, 6], "review": False, "action_phrase": None},
    {"text": "a", "big": 2 ** 70},  # past 64 bits: orjson refuses, json writes it
    {"text": "lone \ud800 surrogate"},  # not UTF-8: written as the \\ud800 escape
    {"text": "a", 1: "non-string key"},
])
def test_rows_round_trip_to_the_values_json_would_read(row: dict) -> None:
    line = dump_line(row)
    assert b"\n" not in line
    expected = json.loads(json.dumps(row, ensure_ascii=False))
    assert loads_line(line) == expected
    assert json.loads(line) == expected  # plain JSON any reader takes


def test_values_that_are_not_json_types_are_written_as_their_str() -> None:
    class Thing:
        def __str__(self) -> str:
            return "thing"

    assert json.loads(dump_line({"x": Thing()})) == {"x": "thing"}


def test_nan_is_read_as_json_reads_it_and_written_as_null() -> None:
    value = loads_line(b'{"x": NaN}')
    assert math.isnan(value["x"])
    assert dump_line(value) == b'{"x":null}'  # valid JSON, unlike json.dumps' NaN
