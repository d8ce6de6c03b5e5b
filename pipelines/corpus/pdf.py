"""PDF reader: the text layer via PDFium (pypdfium2), laid out as plain text, then segmented.

Per page, PDFium gives each character with its effective font size (the font size times the
text matrix's scale) and its baseline origin. Characters much smaller than the body font
(superscript footnote markers) are dropped; the rest are grouped into lines by baseline,
pieces of one baseline ordered left to right. The footnote block at the page bottom goes
(lines in a smaller font, below the middle of the page, up to the last body-size line).
A page set in two columns (many baselines with a piece on each side of one gutter) is read
column by column: within each band between lines that cross the gutter (a title, a full-width
paragraph), the left column, then the right. Lines become plain text with the page layout
kept as signals for the segmenter: a blank line
where the vertical gap is clearly larger than the usual line pitch, leading spaces where a line
starts right of the margin. Pages are joined with form feeds so
:func:`pipelines.corpus.segment.segment` can drop running headers, footers and page numbers.

PDFium comes through pypdfium2 (Apache-2.0 / BSD-3-Clause): about 30× faster than the
pdfplumber reader it replaced (``benchmarks/bench_pdf.py``). PyMuPDF is faster still but
AGPL-licensed (see the README).
"""

from __future__ import annotations

import ctypes
import logging
import math
import statistics
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from pipelines.corpus.page_furniture import is_page_number
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
#: Characters whose baselines differ by less than this share of their size share a line.
BASELINE_TOLERANCE = 0.25
#: Pieces of one baseline further apart than this many em are separate lines (columns).
COLUMN_GAP = 4.0
#: A page is read as two columns when at least this many baselines, and this share of all, hold
#: a piece on each side of one gutter.
MIN_COLUMN_ROWS = 5
MIN_COLUMN_SHARE = 0.3
#: The body size is taken from the first this many pages.
BODY_SAMPLE_PAGES = 20

_BREAKS = frozenset((10, 13))
_SPACES = frozenset((9, 32))
_PDFIUM_HYPHENS = frozenset((2, 0xFFFE))  # PDFium's codes for a hyphen at a line end
_HYPHEN = ord("-")
_OCR_HINT = ("run OCR on it first (e.g. `ocrmypdf --force-ocr in.pdf out.pdf`) and read the "
             "result, or use the document's .docx/.txt version")
_REDOWNLOAD_HINT = "re-download the file, or use the document's .docx/.txt version"


@dataclass(slots=True)
class _Run:
    """Characters in content order on one baseline (a line, or a piece of one)."""

    y: float  # baseline, PDF units from the page bottom
    x0: float  # origin of the first character
    x_last: float  # origin of the last character
    size_last: float
    chars: list[str] = field(default_factory=list)
    sizes: list[float] = field(default_factory=list)

    def space(self) -> None:
        if self.chars and self.chars[-1] != " ":
            self.chars.append(" ")
            self.sizes.append(0.0)


@dataclass(slots=True)
class _Line:
    top: float  # baseline, PDF units from the page top
    x0: float
    x1: float  # right end (the last character's origin plus half its size)
    text: str
    size: float  # the most common font size of its characters


#: One character: Unicode code point, effective size (points, 0.1 precision; 0 for a space),
#: baseline origin x and y.
_Char = tuple[int, float, float, float]


@dataclass(slots=True)
class _Page:
    """One page's characters in content order (None where PDFium breaks the line)."""

    chars: list[_Char | None]
    top: float
    height: float
    unmapped: int


def _read_page(page: Any) -> _Page:
    """A page's characters from PDFium's text page.

    The codes come in one call (per character only where PDFium's text and character lists
    differ in length); then three ctypes calls a character (Unicode-map check, font size,
    origin), plus the text matrix whenever the baseline or the nominal size changes.
    """
    import pypdfium2.raw as raw

    textpage = page.get_textpage()
    try:
        handle, count = textpage.raw, textpage.count_chars()
        text = textpage.get_text_range() if count else ""
        codes = [ord(c) for c in text] if len(text) == count else \
            [raw.FPDFText_GetUnicode(handle, i) for i in range(count)]
        get_size, get_matrix = raw.FPDFText_GetFontSize, raw.FPDFText_GetMatrix
        unmapped_at, get_origin = raw.FPDFText_HasUnicodeMapError, raw.FPDFText_GetCharOrigin
        matrix, x, y = raw.FS_MATRIX(), ctypes.c_double(), ctypes.c_double()
        chars: list[_Char | None] = []
        unmapped = 0
        last_y = last_nominal = math.nan
        size = 0.0
        for i, code in enumerate(codes):
            if code in _BREAKS:
                chars.append(None)
            elif code in _SPACES:
                chars.append((32, 0.0, 0.0, 0.0))
            elif unmapped_at(handle, i) == 1:
                unmapped += 1
            elif get_origin(handle, i, x, y):
                nominal = get_size(handle, i)
                if y.value != last_y or nominal != last_nominal:
                    # the effective size is the font size times the text matrix's scale
                    # (0 for rotated text: margin notes are no body text)
                    last_y, last_nominal = y.value, nominal
                    upright = get_matrix(handle, i, matrix) and abs(matrix.b) <= abs(matrix.a)
                    size = round(nominal * math.hypot(matrix.c, matrix.d), 1) if upright else 0.0
                if size:
                    chars.append((_HYPHEN if code in _PDFIUM_HYPHENS else code, size, x.value,
                                  last_y))
        _left, bottom, _right, top = page.get_bbox()
        return _Page(chars, top, top - bottom, unmapped)
    finally:
        textpage.close()
        page.close()


def _runs(chars: list[_Char | None], small: float) -> list[_Run]:
    """Characters → runs on one baseline; superscripts (size < ``small``) go.

    A PDFium line break ends a run only where the next character sits on another baseline
    (PDFium also breaks after a raised footnote marker); a space goes in where such a break
    jumps right by more than a character. A character set back to the left, or further right
    than ``COLUMN_GAP`` em, starts a run of its own (another column, or text printed twice).
    Characters at one origin are kept: PDFium spells out a ligature ("ff") that way.
    """
    runs: list[_Run] = []
    run: _Run | None = None
    broke = False
    for ch in chars:
        if ch is None:
            broke = True
            continue
        code, size, x, y = ch
        if code == 32:
            if run is not None:
                run.space()
            continue
        if size < small:
            continue
        if run is None or abs(y - run.y) > BASELINE_TOLERANCE * size \
                or not -0.5 * size < x - run.x_last < COLUMN_GAP * size:
            run = _Run(y, x, x, size)
            runs.append(run)
        elif broke and x - run.x_last > run.size_last:
            run.space()
        broke = False
        run.chars.append(chr(code))
        run.sizes.append(size)
        run.x_last, run.size_last = x, size
    return runs


def _lines(runs: list[_Run], page_top: float) -> list[_Line]:
    """Runs → lines top to bottom: runs on one baseline joined left to right.

    Pieces of a baseline further apart than ``COLUMN_GAP`` em (a running header's symbol
    and title, a masthead's two columns) stay lines of their own, left to right.
    """
    out: list[_Line] = []
    group: list[_Run] = []
    for run in sorted(runs, key=lambda r: -r.y):
        if group and abs(run.y - group[0].y) > BASELINE_TOLERANCE * max(run.size_last, 1.0):
            out += _join(group, page_top)
            group = []
        group.append(run)
    if group:
        out += _join(group, page_top)
    return out


def _join(group: list[_Run], page_top: float) -> list[_Line]:
    """The runs of one baseline as one line, or several where far apart."""
    group.sort(key=lambda r: r.x0)
    lines: list[_Line] = []
    parts: list[str] = []
    sizes: Counter[float] = Counter()
    first = prev = None
    for run in group:
        text = "".join(run.chars).strip()
        if not text:
            continue
        if prev is not None:
            gap = run.x0 - prev.x_last
            if text == "".join(prev.chars).strip() and abs(run.x0 - prev.x0) < prev.size_last:
                continue  # a line printed twice, slightly offset (fake bold)
            if gap > COLUMN_GAP * prev.size_last:
                assert first is not None  # set with prev: the first run since the last break
                lines.append(_line(first, prev, parts, sizes, page_top))
                parts, sizes, first = [], Counter(), None
            elif gap > prev.size_last:
                parts.append(" ")
        first = first or run
        parts.append(text)
        sizes.update(run.sizes)
        prev = run
    if first is not None:
        assert prev is not None
        lines.append(_line(first, prev, parts, sizes, page_top))
    return lines


def _line(first: _Run, last: _Run, parts: list[str], sizes: Counter[float],
          page_top: float) -> _Line:
    sizes.pop(0.0, None)  # spaces
    size = sizes.most_common(1)[0][0] if sizes else 0.0
    return _Line(page_top - first.y, first.x0, last.x_last + 0.5 * last.size_last,
                 "".join(parts), size)


def _rows(lines: list[_Line], body: float) -> list[list[_Line]]:
    """Lines (top to bottom) grouped by baseline, each row left to right."""
    rows: list[list[_Line]] = []
    for line in lines:
        if rows and abs(line.top - rows[-1][0].top) <= BASELINE_TOLERANCE * body:
            rows[-1].append(line)
        else:
            rows.append([line])
    return [sorted(row, key=lambda ln: ln.x0) for row in rows]


def _column_start(lines: list[_Line], body: float) -> float | None:
    """Where the right column starts, when the page is set in two columns, else None.

    The start is the left edge shared (within one em) by the most pieces that follow another
    piece on their baseline; the page has two columns when ``MIN_COLUMN_ROWS`` baselines, and
    ``MIN_COLUMN_SHARE`` of them all, are split there.
    """
    rows = _rows(lines, body)
    starts: Counter[int] = Counter()
    for row in rows:
        starts.update({round(b.x0 / body) for a, b in zip(row, row[1:], strict=False)
                       if b.x0 > a.x1})
    if not starts:
        return None
    x = starts.most_common(1)[0][0] * body
    split = sum(1 for row in rows
                if any(abs(b.x0 - x) <= body and a.x1 < b.x0
                       for a, b in zip(row, row[1:], strict=False)))
    return x - body if split >= max(MIN_COLUMN_ROWS, MIN_COLUMN_SHARE * len(rows)) else None


def _reading_order(lines: list[_Line], body: float) -> list[_Line]:
    """A two-column page's lines in reading order (see the module docstring); the right
    column's lines moved left by the column offset, so their indentation reads as in the
    left column. Pages in one column come back as they are."""
    start = _column_start(lines, body)
    if start is None:
        return lines
    offset = start - min(line.x0 for line in lines)
    out: list[_Line] = []
    left: list[_Line] = []
    right: list[_Line] = []
    for line in lines:
        if is_page_number(line.text):  # stays where it is printed, between bands
            out += left + right + [line]
            left, right = [], []
        elif line.x0 >= start:
            right.append(replace(line, x0=line.x0 - offset, x1=line.x1 - offset))
        elif line.x1 <= start + body:
            left.append(line)
        else:  # crosses the gutter: ends the band of columns above it
            out += left + right + [line]
            left, right = [], []
    return out + left + right


def _drop_footnotes(lines: list[_Line], body: float, height: float) -> list[_Line]:
    """Lines in a smaller font at the bottom of the page (footnotes, small footers) go.

    Walking up from the bottom, below the middle of the page: small-font lines go, page
    numbers are stepped over (and left for the segmenter), the first body-size line stops.
    """
    keep_tail: list[_Line] = []
    end = len(lines)
    while end > 0:
        line = lines[end - 1]
        if line.top < 0.5 * height:
            break
        if is_page_number(line.text):
            keep_tail.append(line)
        elif line.size >= FOOTNOTE_RATIO * body:
            break
        end -= 1
    return lines[:end] + keep_tail[::-1]


def _page_text(lines: list[_Line], body: float, pitch: float) -> str:
    """Lines → text: blank lines at paragraph gaps, leading spaces for indented lines."""
    if not lines:
        return ""
    margin = min(line.x0 for line in lines)
    char_w = max(body * 0.5, 1.0)
    out: list[str] = []
    prev_top: float | None = None
    for line in lines:
        if prev_top is not None and line.top - prev_top > PARAGRAPH_GAP * pitch:
            out.append("")
        indent = int((line.x0 - margin) / char_w)
        out.append((" " * indent if indent >= 2 else "") + line.text)
        prev_top = line.top
    return "\n".join(out)


def _typical_pitch(all_lines: list[list[_Line]], body: float) -> float:
    """The usual distance between the baselines of consecutive lines (one line of text)."""
    pitches = []
    for lines in all_lines:
        for a, b in zip(lines, lines[1:], strict=False):
            d = b.top - a.top
            if 0 < d < 3 * body:
                pitches.append(d)
    return statistics.median(pitches) if len(pitches) >= 3 else 1.25 * body


def _body_size(pages: list[_Page]) -> float:
    """The font size most characters of the document are set in."""
    sizes: Counter[float] = Counter()
    for page in pages:
        sizes.update(ch[1] for ch in page.chars if ch is not None)
    sizes.pop(0.0, None)  # spaces
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _open(item: SourceItem) -> Any:
    """The PDF opened by PDFium; InputError for a locked or unreadable file."""
    import pypdfium2 as pdfium  # only when a PDF is read

    try:
        return pdfium.PdfDocument(item.data)
    except pdfium.PdfiumError as exc:
        if exc.err_code in (pdfium.raw.FPDF_ERR_PASSWORD, pdfium.raw.FPDF_ERR_SECURITY):
            raise InputError(item.name, "is password-protected",
                             "save an unprotected copy of the PDF and read that") from None
        raise InputError(item.name, f"not a readable PDF ({str(exc)[:200]})", _REDOWNLOAD_HINT
                         ) from None


def extract_pages(item: SourceItem) -> list[str]:
    """The text of each page, laid out for the segmenter (see the module docstring)."""
    return _extract(item)[0]


def _extract(item: SourceItem) -> tuple[list[str], dict[str, Any], int]:
    """Page texts, document metadata (the title, when the PDF has one) and the number of
    characters without a Unicode mapping."""
    pdf = _open(item)
    try:
        title = pdf.get_metadata_value("Title")
        meta = {"title": title.strip()} if title and title.strip() else {}
        n_pages = len(pdf)
        if not n_pages:
            raise InputError(item.name, "has no pages", "check that the PDF is complete")
        sample = [_read_page(pdf[i]) for i in range(min(n_pages, BODY_SAMPLE_PAGES))]
        body = _body_size(sample)
        unmapped = sum(p.unmapped for p in sample)
        if body <= 0:
            if unmapped:
                raise InputError(item.name, "text layer cannot be decoded (fonts without a "
                                 "Unicode mapping)", _OCR_HINT)
            raise InputError(item.name, "has no text layer (scanned?)", _OCR_HINT)
        small = SUPERSCRIPT_RATIO * body
        kept = []
        for i in range(n_pages):
            page = sample[i] if i < len(sample) else _read_page(pdf[i])
            unmapped += page.unmapped if i >= len(sample) else 0
            lines = _drop_footnotes(_lines(_runs(page.chars, small), page.top), body, page.height)
            kept.append(_reading_order(lines, body))
        pitch = _typical_pitch(kept, body)
        return [_page_text(lines, body, pitch) for lines in kept], meta, unmapped
    except InputError:
        raise
    except Exception as exc:  # damaged streams surface only when a page is parsed
        raise InputError(item.name, f"not a readable PDF ({str(exc)[:200] or type(exc)})",
                         _REDOWNLOAD_HINT) from None
    finally:
        pdf.close()


def read(item: SourceItem) -> list[Document]:
    """Read a PDF with a text layer into one Document."""
    pages, meta, unmapped = _extract(item)
    text = "\f".join(pages)
    warnings: list[str] = []
    if unmapped:
        if unmapped > len(text.split()):
            raise InputError(item.name, "text layer cannot be decoded (fonts without a Unicode "
                             "mapping)", _OCR_HINT)
        warnings.append(f"{unmapped} character(s) without a Unicode mapping were dropped")
    if not text.strip():
        raise InputError(item.name, "has no text layer (scanned?)", _OCR_HINT)
    return [document_from_text(item, text, "pdf", warnings, meta)]
