"""PDF reader: the text layer via pdfplumber, laid out as plain text, then segmented.

Per page: superscript footnote markers (characters much smaller than the body font) are
dropped; so is the footnote block at the page bottom (lines in a smaller font, below the
middle of the page, up to the last body-size line). Lines become plain text with the page
layout kept as signals for the segmenter: a blank line where the vertical gap is clearly
larger than the usual line pitch, leading spaces where a line starts right of the margin.
Pages are joined with form feeds so :func:`pipelines.corpus.segment.segment` can drop
running headers, footers and page numbers.
"""

from __future__ import annotations

import io
import logging
import re
import statistics
from collections import Counter
from typing import Any

from pipelines.corpus.segment import is_page_number
from pipelines.corpus.sources import SourceItem
from pipelines.corpus.text import document_from_text
from pipelines.errors import InputError
from pipelines.schema import Document

log = logging.getLogger(__name__)

#: A character smaller than this share of the body size is a superscript marker.
SUPERSCRIPT_RATIO = 0.7
#: A line whose font is smaller than this share of the body size may be a footnote.
FOOTNOTE_RATIO = 0.92
#: A line pitch larger than this multiple of the usual pitch marks a paragraph break.
PARAGRAPH_GAP = 1.45

_RE_CID = re.compile(r"\(cid:\d+\)")
_OCR_HINT = ("run OCR on it first (e.g. `ocrmypdf --force-ocr in.pdf out.pdf`) and read the "
             "result, or use the document's .docx/.txt version")


def _line_size(line: dict[str, Any]) -> float:
    """The most common character size in a pdfplumber text line."""
    sizes = Counter(round(c.get("size", 0.0), 1) for c in line.get("chars", ()))
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _body_size(pages: list[Any]) -> float:
    """The font size most characters of the document are set in."""
    sizes: Counter[float] = Counter()
    for page in pages:
        sizes.update(round(c.get("size", 0.0), 1) for c in page.chars)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _drop_footnotes(lines: list[dict[str, Any]], body: float, height: float) -> list[dict]:
    """Lines in a smaller font at the bottom of the page (footnotes, small footers) go.

    Walking up from the bottom, below the middle of the page: small-font lines go, page
    numbers are stepped over (and left for the segmenter), the first body-size line stops.
    """
    keep_tail: list[dict[str, Any]] = []
    end = len(lines)
    while end > 0:
        line = lines[end - 1]
        if line["top"] < 0.5 * height:
            break
        if is_page_number(line["text"]):
            keep_tail.append(line)
        elif _line_size(line) >= FOOTNOTE_RATIO * body:
            break
        end -= 1
    return lines[:end] + keep_tail[::-1]


def _page_text(lines: list[dict[str, Any]], body: float, pitch: float) -> str:
    """Lines → text: blank lines at paragraph gaps, leading spaces for indented lines."""
    if not lines:
        return ""
    margin = min(line["x0"] for line in lines)
    char_w = max(body * 0.5, 1.0)
    out: list[str] = []
    prev_top: float | None = None
    for line in lines:
        text = line["text"].strip()
        if not text:
            continue
        if prev_top is not None and line["top"] - prev_top > PARAGRAPH_GAP * pitch:
            out.append("")
        indent = int((line["x0"] - margin) / char_w)
        out.append((" " * indent if indent >= 2 else "") + text)
        prev_top = line["top"]
    return "\n".join(out)


def _typical_pitch(all_lines: list[list[dict[str, Any]]], body: float) -> float:
    """The usual distance between the tops of consecutive lines (one line of text)."""
    pitches = []
    for lines in all_lines:
        for a, b in zip(lines, lines[1:], strict=False):
            d = b["top"] - a["top"]
            if 0 < d < 3 * body:
                pitches.append(d)
    return statistics.median(pitches) if len(pitches) >= 3 else 1.25 * body


def _open(item: SourceItem) -> Any:
    import pdfplumber  # heavy import, only when a PDF is read

    try:
        return pdfplumber.open(io.BytesIO(item.data))
    except Exception as exc:  # pdfminer raises many types for broken files
        msg = str(exc) or type(exc).__name__
        if "password" in msg.lower() or "encrypt" in msg.lower():
            raise InputError(item.name, "is password-protected",
                             "save an unprotected copy of the PDF and read that") from None
        raise InputError(item.name, f"not a readable PDF ({msg[:200]})",
                         "re-download the file, or use the document's .docx/.txt version"
                         ) from None


def extract_pages(item: SourceItem) -> list[str]:
    """The text of each page, laid out for the segmenter (see the module docstring)."""
    return _extract(item)[0]


def _extract(item: SourceItem) -> tuple[list[str], dict[str, Any]]:
    """Page texts and document metadata (the title, when the PDF has one)."""
    pdf = _open(item)
    with pdf:
        try:
            title = (pdf.metadata or {}).get("Title")
            meta = {"title": title.strip()} if isinstance(title, str) and title.strip() else {}
            pages = pdf.pages
            if not pages:
                raise InputError(item.name, "has no pages", "check that the PDF is complete")
            body = _body_size(pages[:20]) or _body_size(pages)
            if body <= 0:
                raise InputError(item.name, "has no text layer (scanned?)", _OCR_HINT)
            small = SUPERSCRIPT_RATIO * body
            kept = []
            for page in pages:
                view = page.dedupe_chars().filter(
                    lambda o: o.get("object_type") != "char" or o.get("size", 0.0) >= small)
                lines = view.extract_text_lines(strip=True, return_chars=True)
                lines.sort(key=lambda ln: (round(ln["top"]), ln["x0"]))
                kept.append(_drop_footnotes(lines, body, float(page.height)))
                page.close()  # free the page's parsed objects: long PDFs stay small in memory
            pitch = _typical_pitch(kept, body)
            return [_page_text(lines, body, pitch) for lines in kept], meta
        except InputError:
            raise
        except Exception as exc:  # damaged streams surface only when a page is parsed
            raise InputError(item.name, f"not a readable PDF ({str(exc)[:200] or type(exc)})",
                             "re-download the file, or use the document's .docx/.txt version"
                             ) from None


def read(item: SourceItem) -> list[Document]:
    """Read a PDF with a text layer into one Document."""
    pages, meta = _extract(item)
    text = "\f".join(pages)
    warnings: list[str] = []
    cids = len(_RE_CID.findall(text))
    if cids:
        visible = len(_RE_CID.sub("", text).split())
        if cids > visible:
            raise InputError(item.name, "text layer cannot be decoded (fonts without a Unicode "
                             "mapping)", _OCR_HINT)
        text = _RE_CID.sub("", text)
        warnings.append(f"{cids} character(s) without a Unicode mapping were dropped")
    if not text.strip():
        raise InputError(item.name, "has no text layer (scanned?)", _OCR_HINT)
    return [document_from_text(item, text, "pdf", warnings, meta)]
