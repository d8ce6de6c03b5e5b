"""One JSON line in, one JSON line out: orjson, with the standard library for what it refuses.

Annotation reads and writes a JSON object per clause; the standard library spends about 7 µs a
clause doing that (half of what the whole streaming path costs without models), orjson about 2.
orjson accepts strict RFC 8259 JSON only. What it refuses (``NaN``, integers past 64 bits, lone
surrogates, a byte-order mark, invalid UTF-8) goes through the standard library, so every line
reads as the same value, or fails with the same message, as with ``json.loads`` (orjson reads
integers past 64 bits as floats: a line whose value holds a float is read by json); a row it
cannot encode (integers past 64 bits, keys that are not strings, lone surrogates) is encoded
by ``json`` with ASCII escapes. Output is compact (no spaces after ``:`` and ``,``); non-ASCII
characters are written as UTF-8.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

_ORJSON_LOADS = orjson.loads
_ORJSON_DUMPS = orjson.dumps
_DECODE_ERROR = orjson.JSONDecodeError
_ENCODE_ERROR = orjson.JSONEncodeError
#: the standard library's encoder for the rows orjson refuses: ASCII escapes, so that a lone
#: surrogate read from the input is written back as the same escape, not as invalid UTF-8
_STDLIB_ENCODE = json.JSONEncoder(default=str, separators=(",", ":")).encode


#: value classes of a record that orjson reads exactly as json does
_EXACT = frozenset({str, int, bool, type(None)})


def _holds_float(value: Any) -> bool:
    cls = value.__class__
    if cls is float:
        return True
    if cls is dict:
        return any(map(_holds_float, value.values()))
    if cls is list:
        return any(map(_holds_float, value))
    return False


def fast_loads(data: bytes | str) -> tuple[bool, Any]:
    """``(True, value)`` when orjson reads ``data`` as ``json.loads`` would, else
    ``(False, None)``: the caller then parses it with the standard library, which gives its own
    value or error. orjson reads an integer past 64 bits as a float, so a value holding any
    float goes to the standard library too (clause records hold strings and whole numbers)."""
    try:
        value = _ORJSON_LOADS(data)
    except _DECODE_ERROR:
        return False, None
    if value.__class__ is dict and _EXACT.issuperset(map(type, value.values())):
        return True, value  # the usual record: no float anywhere
    return (False, None) if _holds_float(value) else (True, value)


def dump_line(row: Any) -> bytes:
    """``row`` as one line of UTF-8 JSON, without the newline (values that are not JSON types
    are written as their ``str()``)."""
    try:
        return _ORJSON_DUMPS(row, default=str)
    except _ENCODE_ERROR:
        return _STDLIB_ENCODE(row).encode("ascii")


def loads_line(data: bytes | str) -> Any:
    """A line written by :func:`dump_line` (or any JSON) back as a value."""
    ok, value = fast_loads(data)
    return value if ok else json.loads(data)
