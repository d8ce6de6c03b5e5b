"""JSONL reader: one ready clause per line, ``{"doc_id", "para_id", "text", …}``, in order.

Consecutive lines with the same ``doc_id`` form one Document. Gold fields (``type``,
``action_phrase``, ``action_lemma``) and the other Clause fields (``number``, ``section``,
``is_subitem``) are mapped when their values fit; every other field is kept in
``Clause.extra`` so a round trip (annotate) keeps it. :func:`iter_clause_records` streams
huge files line by line for the annotate command.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator
from typing import IO, Any, Literal

from pipelines.corpus.sources import SourceItem
from pipelines.corpus.text import doc_id_for
from pipelines.errors import InputError
from pipelines.json_lines import fast_loads
from pipelines.schema import CLAUSE_TYPES, MAX_CLAUSE_CHARS, Clause, Document, clause_too_long

log = logging.getLogger(__name__)

OnError = Literal["skip", "stop"]

RECORD_HINT = ('each line must be one JSON object with at least a "text" field, e.g. '
               '{"doc_id": "A_RES_1_1", "para_id": 0, "text": "Recalling its resolution 1/1,"}')
#: Fields that become Clause attributes (when their values have the right type).
MAPPED_FIELDS = ("doc_id", "para_id", "text", "type", "action_phrase", "action_lemma",
                 "number", "section", "is_subitem")
#: Record fields that describe the whole document.
DOCUMENT_FIELDS = ("body", "session", "date")


#: the longest line parsed as a record: a clause at its limit, in UTF-8, plus other fields
MAX_RECORD_BYTES = 4 * MAX_CLAUSE_CHARS + (1 << 20)


class BadRecord(ValueError):
    """A line that is not a usable clause record; ``str()`` says why, naming the line."""


_DECODER = json.JSONDecoder()
_JSON_SPACE = re.compile(r"[ \t\n\r]*").match  # json.decoder's WHITESPACE


def _loads(line: str) -> Any:
    """``json.loads`` of a stripped line, without its per-call set-up (the same value, and the
    same error at the same position)."""
    if line[:1] == "\ufeff":  # json.loads' own error for a byte-order mark
        return json.loads(line)
    value, end = _DECODER.raw_decode(line)
    if end != len(line):
        space = _JSON_SPACE(line, end)  # always matches (maybe nothing)
        raise json.JSONDecodeError("Extra data", line, space.end() if space else end)
    return value


def parse_record(raw: str | bytes, line_no: int) -> dict[str, Any] | None:
    """One line → its record (unchanged), ``None`` for a blank line; ``BadRecord`` if unusable."""
    if len(raw) > MAX_RECORD_BYTES:
        raise BadRecord(f"line {line_no}: is {len(raw):,} bytes long, over the "
                        f"{MAX_RECORD_BYTES:,}-byte limit for one record (a clause holds at most "
                        f"{MAX_CLAUSE_CHARS:,} characters)")
    ok, record = fast_loads(raw)  # most lines: strict JSON, read in one step
    if not ok:
        record = _slow_parse(raw, line_no)
        if record is None:
            return None
    return _checked(record, line_no)


def _slow_parse(raw: str | bytes, line_no: int) -> Any:
    """What orjson refused, read as ``json.loads`` would (a blank line is None)."""
    if isinstance(raw, bytes | bytearray):
        try:
            raw = bytes(raw).decode("utf-8-sig" if line_no == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise BadRecord(f"line {line_no}: not UTF-8 (byte 0x{raw[exc.start]:02x} at "
                            f"column {exc.start + 1})") from None
    elif line_no == 1:
        raw = raw.lstrip("\ufeff")
    line = raw.strip()
    if not line:
        return None
    try:
        record = _loads(line)
    except json.JSONDecodeError as exc:
        # json's own messages may end in "at" ("Unterminated string starting at")
        raise BadRecord(f"line {line_no}: not valid JSON ({exc.msg.removesuffix(' at')}, "
                        f"column {exc.colno})") from None
    except RecursionError:
        raise BadRecord(f"line {line_no}: not valid JSON (nested too deeply)") from None
    return record


def _usual(record: Any) -> bool:
    """True for the usual record, usable as it is: a dict with a non-empty ``text`` within the
    length limit, a string ``doc_id`` or none, a whole-number ``para_id`` or none (one test;
    :func:`_checked` says what is wrong with any other)."""
    if record.__class__ is not dict:
        return False
    text, doc_id, para_id = record.get("text"), record.get("doc_id"), record.get("para_id")
    return (text.__class__ is str and clause_too_long(text) is None and bool(text.strip())
            and (doc_id is None or doc_id.__class__ is str)
            and (para_id is None or para_id.__class__ is int))


def _checked(record: Any, line_no: int) -> dict[str, Any]:
    """``record`` if it is a usable clause record; else ``BadRecord`` naming the line."""
    if _usual(record):
        return record  # a dict, as _usual checked
    if not isinstance(record, dict):
        raise BadRecord(f"line {line_no}: not a JSON object but a {type(record).__name__}")
    if "text" not in record:
        raise BadRecord(f"line {line_no}: missing field 'text'")
    text = record["text"]
    if not isinstance(text, str):
        raise BadRecord(f"line {line_no}: field 'text' must be a string, "
                        f"not {type(text).__name__}")
    if not text.strip():
        raise BadRecord(f"line {line_no}: field 'text' is empty")
    too_long = clause_too_long(text)
    if too_long:
        raise BadRecord(f"line {line_no}: field 'text' {too_long}")
    doc_id = record.get("doc_id")
    if doc_id is not None and (isinstance(doc_id, bool) or not isinstance(doc_id, str | int)):
        raise BadRecord(f"line {line_no}: field 'doc_id' must be a string")
    if "para_id" in record and record["para_id"] is not None and as_int(record["para_id"]) is None:
        raise BadRecord(f"line {line_no}: field 'para_id' must be a whole number, "
                        f"not {record['para_id']!r}")
    return record


def as_int(value: Any) -> int | None:
    """A whole number given as an int, an integral float or a digit string; else None."""
    if value.__class__ is int:  # the usual case, first (a bool is not of class int)
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def capped_lines(fh: IO[bytes], limit: int = MAX_RECORD_BYTES) -> Iterator[bytes]:
    """The lines of a binary stream, none held longer than ``limit`` + 1 bytes: an over-long
    line is cut there (so :func:`parse_record` refuses it by length) and the rest skipped."""
    while line := fh.readline(limit + 1):
        if len(line) > limit and not line.endswith(b"\n"):
            while (rest := fh.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
        yield line


def duplicate_warning(doc_id: str, para_id: int, first_line: int) -> str:
    """The warning for a clause whose (doc_id, para_id) an earlier line already had."""
    return (f"(doc_id, para_id) = ({doc_id!r}, {para_id}) repeats line {first_line}: a duplicated "
            "line? both are kept, and each is the other's neighbour for the models")


def iter_clause_records(
    lines: Iterable[str | bytes],
    name: str,
    on_error: OnError = "stop",
    skipped: list[tuple[int, str]] | None = None,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Stream ``(line_number, record)`` for every usable line (numbers start at 1).

    Blank lines are passed over. A bad line raises ``InputError`` naming ``name`` and the
    line (``on_error="stop"``), or is passed over and recorded as ``(line_number, reason)``
    in ``skipped`` (``on_error="skip"``).
    """
    for line_no, raw in enumerate(lines, start=1):
        record = read_record(raw, line_no, name, on_error, skipped)
        if record is not None:
            yield line_no, record


def read_record(raw: str | bytes, line_no: int, name: str, on_error: OnError = "stop",
                skipped: list[tuple[Any, str]] | None = None) -> dict[str, Any] | None:
    """Line ``line_no`` of ``name`` as its record; ``None`` for a blank line or a bad one
    skipped (``on_error="skip"``: recorded in ``skipped``); a bad line with ``on_error="stop"``
    raises ``InputError`` naming ``name`` and the line. The usual line is read in one step."""
    if len(raw) <= MAX_RECORD_BYTES:
        ok, record = fast_loads(raw)
        if ok and _usual(record):
            return record  # a dict, as _usual checked
    try:
        return parse_record(raw, line_no)
    except BadRecord as exc:
        if on_error == "stop":
            raise InputError(name, str(exc), RECORD_HINT) from None
        log.warning("%s: skipped %s", name, exc)
        if skipped is not None:
            skipped.append((line_no, str(exc)))
        return None


def record_to_clause(record: dict[str, Any], doc_id: str, index: int) -> tuple[Clause, list[str]]:
    """A record as a Clause (``para_id`` from the record, else ``index``) and any warnings."""
    warnings: list[str] = []
    extra = {k: v for k, v in record.items() if k not in MAPPED_FIELDS}
    para_id = as_int(record.get("para_id"))
    clause = Clause(doc_id=doc_id, para_id=index if para_id is None else para_id,
                    text=record["text"])
    label = record.get("type")
    if isinstance(label, str) and label.strip().lower() in CLAUSE_TYPES:
        clause.type = label.strip().lower()
    elif label is not None:
        extra["type"] = label
        warnings.append(f"para {clause.para_id}: 'type' {label!r} is not one of "
                        f"{', '.join(CLAUSE_TYPES)}; kept as an extra field, not a label")
    for key in ("action_phrase", "action_lemma", "section"):
        value = record.get(key)
        if isinstance(value, str) or value is None:
            setattr(clause, key, value)
        else:
            extra[key] = value
    number = record.get("number")
    if isinstance(number, str | int) and not isinstance(number, bool):
        clause.number = str(number)
    elif number is not None:
        extra["number"] = number
    sub = record.get("is_subitem")
    if isinstance(sub, bool):
        clause.is_subitem = sub
    elif sub is not None:
        extra["is_subitem"] = sub
    clause.extra = extra
    return clause, warnings


def read(item: SourceItem) -> list[Document]:
    """Read a JSONL file of clauses into Documents (consecutive lines of one doc_id)."""
    default_id = doc_id_for(item)
    docs: list[Document] = []
    seen: dict[str, int] = {}
    current: Document | None = None
    para_lines: dict[int, int] = {}  # para_id → first line, within the current document
    for line_no, record in iter_clause_records(item.data.splitlines(), item.name, "stop"):
        raw_id = record.get("doc_id")
        doc_id = default_id if raw_id is None or raw_id == "" else str(raw_id)
        if current is None or current.doc_id != doc_id:
            current = Document(doc_id=doc_id, clauses=[], source=item.name, fmt="jsonl")
            for key in DOCUMENT_FIELDS:
                value = record.get(key)
                if isinstance(value, str | int) and not isinstance(value, bool):
                    setattr(current, key, str(value))
            if doc_id in seen:
                current.warnings.append(
                    f"doc_id {doc_id!r} appears again at line {line_no}, apart from its earlier "
                    f"lines (from line {seen[doc_id]}); read as a separate document")
            else:
                seen[doc_id] = line_no
            docs.append(current)
            para_lines = {}
        clause, warnings = record_to_clause(record, doc_id, len(current.clauses))
        first = para_lines.setdefault(clause.para_id, line_no)
        if first != line_no:
            warnings.append(duplicate_warning(doc_id, clause.para_id, first))
        current.clauses.append(clause)
        current.warnings.extend(f"line {line_no}: {w}" for w in warnings)
    if not docs:
        raise InputError(item.name, "empty document (no clause lines)", RECORD_HINT)
    return docs
