"""Element-level reading of AKN4UN XML: local names, navigation and the visible text of an
element (footnotes, images, embedded structures and footnote markers left out)."""

from __future__ import annotations

import re
from typing import Any

from pipelines.text.normalize import normalize_text

__all__ = ["AKN_NS", "DROPPED", "children", "find", "findall", "local_name", "raw_text",
           "visible_text"]

AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"

#: Inline elements whose content never reaches clause text.
DROPPED = frozenset({"authorialNote", "img", "embeddedStructure", "noteRef", "meta"})
#: Elements printed on their own (cover page, preface): spaces around their text.
_SPACED = frozenset({"docNumber", "docTitle", "docType", "docDate", "docStatus", "docAuthority",
                     "docProponent", "session", "location", "event", "docketNumber"})
#: a superscript that only repeats a footnote marker
_MARKER_RE = re.compile(r"^[\s\d,–\-a-z*†‡§]{0,12}$")

_LOCAL: dict[str, str] = {}


def local_name(el: Any) -> str:
    """Local name of an element ('' for comments, processing instructions, entities)."""
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    name = _LOCAL.get(tag)
    if name is None:
        name = _LOCAL[tag] = tag.rpartition("}")[2]
    return name


def children(el: Any) -> list[Any]:
    """The element children of ``el`` (no comments or processing instructions)."""
    return [c for c in el if isinstance(c.tag, str)]


def find(root: Any, path: str) -> Any:
    """``root.find`` with ``akn:`` standing for the AKN namespace."""
    return root.find(path.replace("akn:", f"{{{AKN_NS}}}"))


def findall(root: Any, path: str) -> list[Any]:
    """``root.findall`` with ``akn:`` standing for the AKN namespace."""
    return root.findall(path.replace("akn:", f"{{{AKN_NS}}}"))


def _collect(el: Any, out: list[str], spaced: bool) -> None:
    if el.text:
        out.append(el.text)
    for child in el:
        name = local_name(child)
        if not name or name in DROPPED:
            pass
        elif name == "sup" and _MARKER_RE.match("".join(child.itertext())):
            pass  # a footnote marker repeated as plain superscript
        elif name in ("eol", "br"):
            out.append(" ")
        elif spaced and name in _SPACED:
            out.append(" ")
            _collect(child, out, spaced)
            out.append(" ")
        else:
            _collect(child, out, spaced)
        if child.tail:
            out.append(child.tail)


def visible_text(el: Any, spaced: bool = False) -> str:
    """Visible text of ``el``: footnotes, images, embedded structures and markers left out.
    ``spaced`` separates the cover-page elements printed on their own (docNumber, docTitle…)."""
    out: list[str] = []
    _collect(el, out, spaced)
    text = normalize_text("".join(out))
    if spaced:
        text = re.sub(r" ([,;:.)\]])", r"\1", text).replace("( ", "(")
    return text


def raw_text(el: Any) -> str:
    """Visible text of ``el`` as written, not normalised (the italic span of a phrase)."""
    out: list[str] = []
    _collect(el, out, False)
    return "".join(out)
