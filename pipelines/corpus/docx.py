"""Word (.docx) reader: body paragraphs in order, via python-docx, then segmented.

Each paragraph (and each table cell's paragraphs, in reading order) becomes a block of
text separated by blank lines, so a paragraph is a clause unless the segmenter keeps a
sub-item "(a) …" with its numbered parent. Line breaks inside a paragraph go to the
segmenter as line breaks. Tracked deletions, field codes, text boxes and footnotes stay
out; tracked insertions are in. Automatic list numbering (``numPr``) is not printed text
and is not invented: the paragraph keeps its literal text.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from typing import Any

from pipelines.corpus.sources import SourceItem
from pipelines.corpus.text import document_from_text
from pipelines.errors import InputError
from pipelines.schema import Document

log = logging.getLogger(__name__)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT = (f"{_W}{t}" for t in
                                          ("p", "tbl", "tr", "tc", "sdt", "sdtContent"))
_TEXT_TAGS = {f"{_W}t": None, f"{_W}tab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n",
              f"{_W}noBreakHyphen": "-", f"{_W}softHyphen": "\u00ad"}
#: Containers whose runs are part of the paragraph text.
_INLINE_CONTAINERS = {f"{_W}{t}" for t in ("r", "hyperlink", "ins", "smartTag", "fldSimple",
                                           "customXml", "sdt", "sdtContent", "moveTo", "bdo",
                                           "dir")}
_HEADING_STYLES = ("heading", "title", "subtitle")


def _paragraph_text(p: Any) -> str:
    """Visible text of a ``w:p``: runs, tabs and breaks; no deletions, fields or text boxes."""
    parts: list[str] = []
    stack = list(reversed(list(p)))
    while stack:
        el = stack.pop()
        tag = el.tag
        if not isinstance(tag, str):  # comments, processing instructions
            continue
        if tag in _TEXT_TAGS:
            fixed = _TEXT_TAGS[tag]
            parts.append(el.text or "" if fixed is None else fixed)
        elif tag in _INLINE_CONTAINERS:
            stack.extend(reversed(list(el)))
    return "".join(parts)


def _blocks(container: Any) -> Iterator[Any]:
    """``w:p`` elements of a body or cell in reading order, descending into tables."""
    for el in container:
        if el.tag == _P:
            yield el
        elif el.tag == _TBL:
            for row in el.iter(_TR):
                for cell in row.iterchildren(_TC):
                    yield from _blocks(cell)
        elif el.tag == _SDT:
            for content in el.iterchildren(_SDT_CONTENT):
                yield from _blocks(content)


def _is_heading(p: Any, styles: dict[str, str]) -> bool:
    ppr = p.find(f"{_W}pPr")
    style = ppr.find(f"{_W}pStyle") if ppr is not None else None
    if style is None:
        return False
    sid = style.get(f"{_W}val", "")
    name = styles.get(sid, sid).lower()
    return name.startswith(_HEADING_STYLES)


def _open(item: SourceItem) -> Any:
    import docx  # heavy import, only when a .docx is read

    if item.data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise InputError(item.name, "is an old binary Word (.doc) file, not .docx",
                         "save it as .docx (Word or LibreOffice: Save As) and read that")
    try:
        return docx.Document(io.BytesIO(item.data))
    except Exception as exc:  # zipfile, python-docx and lxml raise many types
        problem = str(exc)[:200] or type(exc).__name__
        raise InputError(item.name, f"not a readable Word .docx file ({problem})",
                         "re-download the file or save it again as .docx") from None


def paragraphs(document: Any) -> list[tuple[str, bool]]:
    """(text, is_heading) for every body paragraph of an open document, in reading order."""
    try:
        styles = {s.style_id: s.name or "" for s in document.styles}
    except Exception:  # a broken styles part only costs us heading detection
        styles = {}
    out = []
    for p in _blocks(document.element.body):
        text = _paragraph_text(p)
        if text.strip():
            out.append((text, _is_heading(p, styles)))
    return out


def read(item: SourceItem) -> list[Document]:
    """Read a .docx file into one Document."""
    document = _open(item)
    try:
        blocks = [" ".join(text.split()) if heading else text
                  for text, heading in paragraphs(document)]
        title = document.core_properties.title
    except Exception as exc:  # a part that parsed but is malformed
        raise InputError(item.name, f"not a readable Word .docx file ({str(exc)[:200]})",
                         "re-download the file or save it again as .docx") from None
    meta = {"title": title} if title and title.strip() else {}
    return [document_from_text(item, "\n\n".join(blocks), "docx", metadata=meta,
                               paginated=False)]
