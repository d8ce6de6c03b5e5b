"""One entry point for every input format: detect it, read it, report what was skipped.

Each format has its own module with a function ``read(item: SourceItem) -> list[Document]``
that raises ``InputError`` for input it cannot read. Formats are chosen by extension and, for
unknown or misleading extensions, by sniffing the first bytes.
"""

from __future__ import annotations

import importlib
import logging
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pipelines.corpus.sources import SourceFailure, SourceItem, iter_sources
from pipelines.errors import InputError, UnclauseError
from pipelines.schema import CLAUSE_TOO_LONG_HINT, Document, clause_too_long

log = logging.getLogger(__name__)

#: format name → module under pipelines.corpus that defines ``read(item)``.
FORMAT_MODULES: dict[str, str] = {
    "akn": "pipelines.corpus.akn",
    "text": "pipelines.corpus.text",
    "pdf": "pipelines.corpus.pdf",
    "docx": "pipelines.corpus.docx",
    "html": "pipelines.corpus.html",
    "jsonl": "pipelines.corpus.jsonl",
}

EXTENSIONS: dict[str, str] = {
    ".xml": "akn", ".akn": "akn",
    ".txt": "text", ".text": "text", ".md": "text",
    ".pdf": "pdf",
    ".docx": "docx",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".jsonl": "jsonl", ".ndjson": "jsonl",
}

OnError = Literal["skip", "stop"]


def sniff_format(item: SourceItem) -> str | None:
    """Guess the format from the content's first bytes; ``None`` when nothing fits."""
    head = item.data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    low = head[:512].lower()
    if b"<akomantoso" in low or (low.startswith(b"<?xml") and b"akomantoso" in item.data[:8192].lower()):
        return "akn"
    if low.startswith((b"<!doctype html", b"<html")) or b"<body" in low:
        return "html"
    if head.startswith(b"{"):
        return "jsonl"
    return None


def detect_format(item: SourceItem) -> str:
    """The format to read ``item`` with: extension first, content sniffing to confirm or fill in."""
    suffix = Path(item.member).suffix.lower()
    by_ext = EXTENSIONS.get(suffix)
    sniffed = sniff_format(item)
    if by_ext in {"pdf", "docx"} and sniffed != by_ext:
        return by_ext  # let the reader report the corrupt file precisely
    if by_ext == "text" and sniffed in {"pdf", "docx"}:
        return sniffed
    if by_ext:
        return by_ext
    if sniffed:
        return sniffed
    return "text"


def get_reader(fmt: str) -> Callable[[SourceItem], list[Document]]:
    """The ``read`` function of a format's module."""
    if fmt not in FORMAT_MODULES:
        raise UnclauseError(f"unknown input format '{fmt}'",
                            f"use one of: {', '.join(sorted(FORMAT_MODULES))}")
    return importlib.import_module(FORMAT_MODULES[fmt]).read


def read_item(item: SourceItem, fmt: str | None = None) -> list[Document]:
    """Read one source item into documents; raises ``InputError`` if it cannot be read."""
    fmt = fmt or detect_format(item)
    docs = get_reader(fmt)(item)
    for doc in docs:
        doc.fmt = doc.fmt or fmt
        for clause in doc.clauses:
            problem = clause_too_long(clause.text)
            if problem:
                raise InputError(item.name, f"clause {clause.para_id} of {doc.doc_id} {problem}",
                                 CLAUSE_TOO_LONG_HINT)
    return docs


@dataclass
class ReadReport:
    """Counts of what was read, skipped (with reasons) and produced."""

    items: int = 0
    documents: int = 0
    clauses: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    formats: Counter = field(default_factory=Counter)

    def skip(self, name: str, reason: str) -> None:
        self.skipped.append((name, reason))

    def summary(self) -> str:
        return (f"read {self.items} source item(s) → {self.documents} document(s), "
                f"{self.clauses} clause(s); skipped {len(self.skipped)}")


def read_documents(
    paths: list[Path] | list[str],
    on_error: OnError = "skip",
    report: ReadReport | None = None,
    fmt: str | None = None,
    include: Callable[[SourceItem], bool] | None = None,
) -> Iterator[Document]:
    """Read every document under ``paths``.

    Unreadable items are recorded in ``report.skipped`` with their reason and the build goes
    on (``on_error="skip"``), or the first one raises ``InputError`` (``on_error="stop"``).
    ``include`` filters items before they are parsed (e.g. to leave metadata files out).
    """
    report = report if report is not None else ReadReport()
    for item in iter_sources(paths):
        if isinstance(item, SourceFailure):
            report.skip(item.name, item.problem)
            if on_error == "stop":
                raise InputError(item.name, item.problem, item.hint)
            log.warning("skipped %s: %s (%s)", item.name, item.problem, item.hint)
            continue
        if include is not None and not include(item):
            continue
        report.items += 1
        try:
            docs = read_item(item, fmt)
        except InputError as exc:
            report.skip(item.name, exc.problem)
            if on_error == "stop":
                raise
            log.warning("skipped %s", exc)
            continue
        if not docs or all(not d.clauses for d in docs):
            reason = "no clauses found (empty document)"
            report.skip(item.name, reason)
            if on_error == "stop":
                raise InputError(item.name, reason, "check that the file has text in it")
            continue
        for doc in docs:
            report.formats[doc.fmt or "?"] += 1
            report.documents += 1
            report.clauses += len(doc.clauses)
            for w in doc.warnings:
                report.warnings.append((doc.doc_id, w))
            yield doc
