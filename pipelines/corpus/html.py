"""HTML reader: block elements in document order become paragraphs, then segmented.

Parsed with selectolax (lexbor). Scripts, styles, navigation, page header and footer,
forms and footnote sections are dropped, and so are footnote reference markers
(``<sup>`` holding only a number or an asterisk). Every block element (p, li, h1–h6,
td, div, …) closes the paragraph being collected, so a ``div`` that holds text directly
counts as a paragraph too; ``<br>`` is a line break inside the paragraph.
"""

from __future__ import annotations

import codecs
import logging
import re
from typing import Any

from pipelines.corpus.sources import SourceItem
from pipelines.corpus.text import decode_text, document_from_text  # + "unclause-latin1"
from pipelines.errors import InputError
from pipelines.schema import Document

log = logging.getLogger(__name__)

#: Elements whose whole subtree is not document text.
DROP_TAGS = ("script", "style", "noscript", "template", "nav", "header", "footer", "head",
             "form", "button", "select", "svg", "math", "iframe", "object", "canvas", "aside")
def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


#: Elements that start and end a paragraph.
BLOCK_TAGS = _words(
    "p div li ul ol dl dt dd h1 h2 h3 h4 h5 h6 td th tr table thead tbody tfoot caption "
    "blockquote section article main address figure figcaption hr pre center body "
    "fieldset details summary"
)
_RE_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]{1,40})""",
                         re.IGNORECASE)
_RE_FOOTNOTE_MARK = re.compile(r"^\s*(?:\[?\d{1,3}\]?|\*{1,3}|[†‡§])\s*$")
_RE_WS = re.compile(r"\s+")


def decode_html(data: bytes, name: str) -> tuple[str, list[str]]:
    """Decode by BOM, then the declared ``<meta charset>``, then as plain text would be."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_text(data, name)
    m = _RE_CHARSET.search(data[:4096])
    if m:
        label = m.group(1).decode("ascii").lower()
        try:
            codec = codecs.lookup(label).name
        except LookupError:
            codec = None
        if codec in ("latin-1", "iso8859-1", "ascii", "cp1252"):  # what browsers do
            return data.decode("cp1252", errors="unclause-latin1"), []
        if codec and codec not in ("utf-8", "utf-16", "utf-16-le", "utf-16-be"):
            text = data.decode(codec, errors="replace")
            bad = text.count("\ufffd")
            warnings = [f"{bad} byte(s) not valid in the declared charset {label} were replaced"
                        ] if bad else []
            return text, warnings
    return decode_text(data, name)


def _is_dropped(node: Any) -> bool:
    """Footnote sections and footnote reference markers."""
    attrs = node.attributes
    marker = f"{attrs.get('class') or ''} {attrs.get('id') or ''} {attrs.get('role') or ''}"
    if "footnote" in marker.lower() or "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    return node.tag == "sup" and _RE_FOOTNOTE_MARK.match(node.text(deep=True) or "") is not None


def html_blocks(root: Any) -> list[str]:
    """Text of the paragraphs under ``root`` in document order (``<br>`` kept as ``\\n``)."""
    blocks: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        text = "".join(buf)
        lines = [_RE_WS.sub(" ", ln).strip() for ln in text.split("\n")]
        text = "\n".join(ln for ln in lines if ln)
        if text:
            blocks.append(text)
        buf.clear()

    # iterative depth-first walk: (node, entering) pairs, so deep pages cannot overflow
    stack: list[tuple[Any, bool]] = [(root, True)]
    pre_depth = 0
    while stack:
        node, entering = stack.pop()
        tag = node.tag
        if not entering:
            if tag in BLOCK_TAGS:
                flush()
            if tag == "pre":
                pre_depth -= 1
            continue
        if tag == "-text":
            text = node.text_content or ""
            buf.append(text.replace("\n", " ") if not pre_depth else text)
            continue
        if tag == "br":
            buf.append("\n")
            continue
        if tag.startswith("-") or tag in DROP_TAGS or _is_dropped(node):
            continue  # comments, doctype, dropped subtrees
        if tag in BLOCK_TAGS:
            flush()
        if tag == "pre":
            pre_depth += 1
        stack.append((node, False))
        children = []
        child = node.child
        while child is not None:
            children.append(child)
            child = child.next
        stack.extend((c, True) for c in reversed(children))
    flush()
    return blocks


def read(item: SourceItem) -> list[Document]:
    """Read an HTML page into one Document."""
    from selectolax.lexbor import LexborHTMLParser  # only when HTML is read

    text, warnings = decode_html(item.data, item.name)
    if not text.strip():
        raise InputError(item.name, "empty document", "check that the file has text in it")
    tree = LexborHTMLParser(text)
    title_node = tree.css_first("title")
    title = title_node.text(deep=True).strip() if title_node is not None else ""
    root = tree.body if tree.body is not None else tree.root
    blocks = html_blocks(root) if root is not None else []
    if not blocks:
        raise InputError(item.name, "empty document (no text in the page body)",
                         "check that the page has its text in HTML, not only in scripts")
    return [document_from_text(item, "\n\n".join(blocks), "html", warnings,
                               {"title": title} if title else {}, paginated=False)]
