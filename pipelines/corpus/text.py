"""Plain-text reader (.txt, .md): decode the bytes, then segment into clauses.

Also home of the helpers every plain-text-producing reader shares: :func:`doc_id_for`,
:func:`decode_text` and :func:`document_from_text`.
"""

from __future__ import annotations

import codecs
import logging
from pathlib import PurePosixPath

from pipelines.corpus.segment import segment
from pipelines.corpus.sources import SourceItem
from pipelines.errors import InputError
from pipelines.schema import Clause, Document
from pipelines.text.numbering import is_subitem_marker, split_number

log = logging.getLogger(__name__)

#: What we read, for hints in error messages.
READABLE_FORMATS = (".txt/.md (UTF-8 text), .xml (AKN4UN), .pdf, .docx, .html, .jsonl, "
                    "or .tar.xz/.zip archives of them")
NOT_UTF8_WARNING = ("not UTF-8: decoded as Windows-1252/Latin-1; convert the file to UTF-8 "
                    "to be sure of the characters")
_SAMPLE = 65536
_TEXT_CONTROLS = frozenset(b"\t\n\r\x0b\x0c\x1a")  # tab, newlines, form feed, DOS EOF


def doc_id_for(item: SourceItem) -> str:
    """A single-document file's id: the member's base name without its extension."""
    name = PurePosixPath(item.member.replace("\\", "/")).name
    stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
    return stem or name or "document"


def _cp1252_or_latin1(err: UnicodeError) -> tuple[str, int]:
    """Codec error handler: the 5 bytes Windows-1252 leaves undefined are read as Latin-1."""
    if not isinstance(err, UnicodeDecodeError):
        raise err
    bad = err.object[err.start:err.end]
    return bytes(bad).decode("latin-1"), err.end


codecs.register_error("unclause-latin1", _cp1252_or_latin1)


def binary_reason(data: bytes) -> str | None:
    """Why ``data`` looks binary, naming the bytes: NUL bytes, or more than 5% control
    characters, in the first 64 KiB; ``None`` for text."""
    sample = data[:_SAMPLE]
    if not sample:
        return None
    nuls = sample.count(0)
    if nuls:
        where = "in the first 64 KiB" if len(data) > _SAMPLE else "in the file"
        return (f"has {nuls:,} NUL byte(s) (0x00; the first at byte offset {sample.index(0):,}) "
                f"{where}, so it looks like a binary file, not text")
    controls = sum(1 for b in sample if (b < 0x20 and b not in _TEXT_CONTROLS) or b == 0x7F)
    if controls > 0.05 * len(sample):
        return (f"has {controls:,} control characters in {len(sample):,} bytes "
                f"({controls / len(sample):.0%}), so it looks like a binary file, not text")
    return None


def _mostly_controls(text: str) -> bool:
    sample = text[:_SAMPLE]
    bad = sum(1 for ch in sample if ord(ch) < 0x20 and ch not in "\t\n\r\x0b\x0c")
    return bad > 0.05 * max(1, len(sample))


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when every other byte is NUL (BOM-less UTF-16 of Latin text)."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def decode_text(data: bytes, name: str) -> tuple[str, list[str]]:
    """Bytes → text and warnings: UTF-8 (BOM or not), UTF-16/32 with a BOM, else 1252/Latin-1.

    Raises ``InputError`` for binary content. Text that is not UTF-8 is decoded as
    Windows-1252 (Latin-1 for its five undefined bytes), losing nothing, with a warning.
    """
    warnings: list[str] = []
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                       (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(codec), warnings
            except UnicodeDecodeError as exc:
                raise InputError(name, f"has a {codec.upper()} byte-order mark but is not "
                                 f"valid {codec.upper()} ({exc.reason} at byte {exc.start})",
                                 "re-save the file as UTF-8 text") from None
    bare16 = _utf16_without_bom(data)
    if bare16:
        try:
            text = data.decode(bare16)
        except UnicodeDecodeError:
            pass
        else:
            if not _mostly_controls(text):
                warnings.append(f"no byte-order mark: decoded as {bare16.upper()}; "
                                "re-save the file as UTF-8 to be sure of the characters")
                return text, warnings
    reason = binary_reason(data)
    if reason:
        raise InputError(name, reason,
                         f"unclause reads {READABLE_FORMATS}; if this is text, remove the NUL "
                         "and control bytes (e.g. tr -d '\\000' < FILE > FIXED); otherwise "
                         "convert the file or give it its proper extension")
    try:
        return data.decode("utf-8-sig"), warnings
    except UnicodeDecodeError:
        pass
    warnings.append(NOT_UTF8_WARNING)
    return data.decode("cp1252", errors="unclause-latin1"), warnings


def clauses_from_texts(doc_id: str, texts: list[str]) -> list[Clause]:
    """Clause objects for clause strings: para_id 0..n-1, the list marker as printed in
    ``number`` ("1.", "(a)"), ``is_subitem`` for a clause that opens with "(a)", "(iv)"…"""
    clauses = []
    for i, text in enumerate(texts):
        number, _ = split_number(text)
        clauses.append(Clause(doc_id=doc_id, para_id=i, text=text, number=number,
                              is_subitem=is_subitem_marker(number)))
    return clauses


def document_from_text(item: SourceItem, text: str, fmt: str,
                       warnings: list[str] | None = None,
                       metadata: dict | None = None, paginated: bool = True) -> Document:
    """Segment ``text`` into one Document named after ``item``; empty text is an InputError.

    ``paginated``: see :func:`pipelines.corpus.segment.segment`.
    """
    if not text.strip():
        raise InputError(item.name, "empty document", "check that the file has text in it")
    doc_id = doc_id_for(item)
    texts = segment(text, paginated=paginated)
    if not texts:
        raise InputError(item.name, "empty document (nothing left after removing page "
                         "numbers, markup and debris)", "check that the file has text in it")
    return Document(doc_id=doc_id, clauses=clauses_from_texts(doc_id, texts), source=item.name,
                    fmt=fmt, metadata=dict(metadata or {}), warnings=list(warnings or []))


def read(item: SourceItem) -> list[Document]:
    """Read a plain-text (or Markdown) document."""
    text, warnings = decode_text(item.data, item.name)
    for w in warnings:
        log.info("%s: %s", item.name, w)
    return [document_from_text(item, text, "text", warnings)]
