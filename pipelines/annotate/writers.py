"""Annotation output files: JSONL, CSV and Label Studio tasks (the HTML view is
:mod:`pipelines.annotate.html`), each written atomically, and the format an output path asks for.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from pipelines.annotate.html import write_html
from pipelines.annotate.merge import SELECT_KEY
from pipelines.errors import UnclauseError
from pipelines.io import atomic_open
from pipelines.json_lines import dump_line, loads_line

FORMATS: tuple[str, ...] = ("jsonl", "csv", "html", "labelstudio")
EXTENSION_FORMATS: dict[str, str] = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv",
                                     ".html": "html", ".htm": "html", ".json": "labelstudio"}


def iter_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Rows of a JSONL file written by this module."""
    with path.open("rb") as fh:
        for line in fh:
            if line.strip():
                yield loads_line(line)


def public(row: dict[str, Any]) -> dict[str, Any]:
    """``row`` without the private select-mode field."""
    if SELECT_KEY in row:
        row = {k: v for k, v in row.items() if k != SELECT_KEY}
    return row


def jsonl_bytes(rows: list[dict[str, Any]]) -> bytes:
    """``rows`` as JSONL lines, each ending in a newline (empty for no rows)."""
    return b"".join([dump_line(row) + b"\n" for row in rows])


def write_jsonl(rows: Iterable[dict[str, Any]], out: Path) -> None:
    """``rows`` as JSONL, one object a line."""
    with atomic_open(out, "wb") as fh:
        for row in rows:
            fh.write(dump_line(public(row)) + b"\n")


def _csv_value(value: Any, key: str) -> Any:
    if value is None:
        return ""
    if key == "action_span" and isinstance(value, list | tuple) and len(value) == 2:
        return f"{value[0]}-{value[1]}"
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False)
    return value


def write_csv(rows: Callable[[], Iterable[dict[str, Any]]], out: Path) -> None:
    """CSV with the JSONL's fields (header = every field seen, in order of first appearance);
    ``action_span`` as ``start-end``, nested values as JSON, nulls empty."""
    columns: dict[str, None] = {}
    for row in rows():
        columns.update(dict.fromkeys(public(row)))
    with atomic_open(out) as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        for row in rows():
            writer.writerow({k: _csv_value(v, k) for k, v in public(row).items()})


def write_labelstudio(rows: Iterable[dict[str, Any]], out: Path, model_version: str,
                      default_doc: str) -> int:
    """Label Studio tasks (a JSON list), streamed one task at a time."""
    from pipelines.annotate.labelstudio import iter_tasks

    n = 0
    with atomic_open(out) as fh:
        fh.write("[")
        for task in iter_tasks((public(r) for r in rows), model_version, default_doc):
            fh.write(("\n" if n == 0 else ",\n") + json.dumps(task, ensure_ascii=False,
                                                              default=str))
            n += 1
        fh.write("\n]\n" if n else "]\n")
    return n


def output_format(out: Path, fmt: str | None = None) -> str:
    """The output format from ``fmt`` or ``out``'s extension."""
    if fmt:
        fmt = fmt.lower().replace("-", "")
        fmt = {"ls": "labelstudio", "json": "labelstudio", "htm": "html"}.get(fmt, fmt)
        if fmt not in FORMATS:
            raise UnclauseError(f"unknown output format '{fmt}'", f"use one of: {', '.join(FORMATS)}")
        return fmt
    found = EXTENSION_FORMATS.get(out.suffix.lower())
    if found is None:
        raise UnclauseError(f"cannot tell the output format from '{out.name}'",
                            "end -o with .jsonl, .csv, .html or .json (Label Studio tasks), "
                            "or pass --format")
    return found


def write(fmt: str, rows: Callable[[], Iterable[dict[str, Any]]], out: Path,
          info: dict[str, Any], model_version: str, default_doc: str) -> None:
    """Write ``rows`` (a callable, since CSV and HTML read them twice) to ``out`` as ``fmt``."""
    if fmt == "jsonl":
        write_jsonl(rows(), out)
    elif fmt == "csv":
        write_csv(rows, out)
    elif fmt == "html":
        write_html(rows, out, info, default_doc)
    else:
        write_labelstudio(rows(), out, model_version, default_doc)

