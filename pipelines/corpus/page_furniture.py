"""Print furniture of paginated text: page numbers, running headers and footers, print
lines (job numbers, barcodes) and repeated document-symbol lines, which are never content."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

__all__ = ["drop_debris", "is_page_number", "is_symbol_line", "split_at_page_numbers", "strip_page_furniture"]

_RE_PAGE_NUMBER = re.compile(
    r"^(?:[-–—]?\s*\d{1,4}\s*[-–—]?|\d{1,4}\s*/\s*\d{1,4}"
    r"|(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?)$",
    re.IGNORECASE,
)
_SYMBOL = r"[A-Z]{1,6}(?:/[A-Za-z0-9.\-]{1,20}){1,8}(?:\s*\(\d{4}\))?"
_RE_DOC_SYMBOL = re.compile(rf"^{_SYMBOL}(?:\s*[–—-]\s*{_SYMBOL})?$")
_JOB = r"(?:GE\.)?\d{2}-\d{4,6}(?:\s*\([A-Z]\))?"
_RE_JOB_NUMBER = re.compile(rf"^{_JOB}$")
# Print furniture that is never content, first page included: a job number with its print date
# ("24-21187 (E) 041224"), beside a page number ("2/3  24-21187", "24-21187 3/3"), or a barcode.
_PAGE_NO = r"\d{1,4}(?:\s*/\s*\d{1,4})?"
_RE_PRINT_LINE = re.compile(rf"^(?:(?:{_PAGE_NO}\s+)?{_JOB}(?:\s+\d{{6}})?(?:\s+{_PAGE_NO})?"
                            r"|\*?\d{7,9}\*?)$")
_RE_DIGITS = re.compile(r"\d+")


def is_page_number(line: str) -> bool:
    """A line that is only a page number: ``3``, ``- 3 -``, ``Page 3``, ``3/12``."""
    s = line.strip()
    return bool(s) and len(s) <= 20 and _RE_PAGE_NUMBER.match(s) is not None


def is_symbol_line(line: str) -> bool:
    """A line that is only a document symbol ("A/RES/79/1", "S/RES/1234 (1975)") or a job
    number."""
    s = line.strip()
    return len(s) <= 80 and (_RE_DOC_SYMBOL.match(s) is not None
                             or _RE_JOB_NUMBER.match(s) is not None)


def strip_page_furniture(pages: Sequence[Sequence[str]], depth: int = 2) -> list[list[str]]:
    """Drop running headers and footers: lines repeated at the top or bottom of most pages.

    A line counts as furniture when, with digits ignored ("Page 3" = "Page 4"), it is among
    the first or last ``depth`` non-blank lines of at least two pages and of at least half
    of them. It is dropped from every page but the first, whose masthead is content.
    """
    if len(pages) < 2:
        return [list(p) for p in pages]

    def key(line: str) -> str:
        return _RE_DIGITS.sub("#", " ".join(line.split()))

    def edges(page: Sequence[str]) -> set[int]:
        idx = [i for i, ln in enumerate(page) if ln.strip()]
        return set(idx[:depth]) | set(idx[-depth:])

    seen: Counter[str] = Counter()
    page_edges = [edges(p) for p in pages]
    for page, idx in zip(pages, page_edges, strict=True):
        seen.update({key(page[i]) for i in idx})
    need = max(2, (len(pages) + 1) // 2)
    furniture = {k for k, n in seen.items() if n >= need and k}
    out = [list(pages[0])]
    for page, idx in zip(pages[1:], page_edges[1:], strict=True):
        out.append([ln for i, ln in enumerate(page) if i not in idx or key(ln) not in furniture])
    return out


def drop_debris(lines: list[str], seen: set[str]) -> list[str]:
    """Page-number lines go; a document-symbol line is kept only the first time it occurs.

    ``seen`` holds the symbol lines met so far (shared across the pages of a document).
    """
    out: list[str] = []
    for line in lines:
        s = line.strip()
        if not s:
            out.append("")
            continue
        if is_page_number(s) or (_RE_PRINT_LINE.match(s) and not _RE_JOB_NUMBER.match(s)):
            continue
        if is_symbol_line(s):
            norm = " ".join(s.split())
            if norm in seen:
                continue
            seen.add(norm)
        out.append(line)
    return out


def split_at_page_numbers(lines: list[str]) -> list[list[str]]:
    """Lines cut at each page-number line that stands between blank lines (the line goes)."""
    chunks: list[list[str]] = [[]]
    for i, line in enumerate(lines):
        if (is_page_number(line) and 0 < i < len(lines) - 1
                and not lines[i - 1].strip() and not lines[i + 1].strip()):
            chunks.append([])
        else:
            chunks[-1].append(line)
    return chunks
