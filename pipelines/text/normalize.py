"""Character normalisation: characters that differ only in print become one form.

Two functions for two kinds of text, on one table of invisible characters:

* :func:`normalize_layout` keeps the layout of a whole document (line breaks, form feeds,
  indentation, soft hyphens at line ends) for the segmenter, which reads that layout;
* :func:`normalize_text` turns a piece of text (a clause, a phrase, a metadata value) into one
  line as a reader sees it: every run of whitespace is one space.

Quotes and dashes are kept as written in both.
"""

from __future__ import annotations

import re

from pipelines.text.unicode import normalize_unicode

__all__ = ["SOFT_HYPHEN", "ZERO_WIDTH", "collapse_spaces", "normalize_layout", "normalize_text"]

#: zero-width spaces and joiners, the word joiner and the byte-order mark: never visible
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
#: soft hyphen: visible only where a word is split at a line end
SOFT_HYPHEN = "\u00ad"
#: left-to-right and right-to-left marks
_BIDI_MARKS = "\u200e\u200f"

# ── one line ─────────────────────────────────────────────────────────────────────────────

_INVISIBLE = ZERO_WIDTH + _BIDI_MARKS + SOFT_HYPHEN
_TEXT_TABLE = {ord(c): None for c in _INVISIBLE} | {0x2011: "-", 0x2010: "-"}
_TEXT_ODD_RE = re.compile("[" + _INVISIBLE + "\u2010\u2011]")


_SPACES_RE = re.compile(r"[ \t]+")


def collapse_spaces(text: str) -> str:
    """Runs of spaces and tabs as one space (line breaks kept)."""
    return _SPACES_RE.sub(" ", text) if "  " in text or "\t" in text else text


def normalize_text(text: str) -> str:
    """Text as a reader sees it: Unicode normalised (:func:`pipelines.text.unicode.
    normalize_unicode`), whitespace runs (tabs, newlines, NBSP, thin spaces…) → one space,
    invisible marks (zero-width spaces, LRM, soft hyphen) dropped, U+2010/U+2011 (hyphen,
    non-breaking hyphen) → "-"."""
    text = normalize_unicode(text)
    if _TEXT_ODD_RE.search(text):
        text = text.translate(_TEXT_TABLE)
    return " ".join(text.split())


# ── a document's layout ─────────────────────────────────────────────────────────────────

_LIGATURES = {
    "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
    "\ufb05": "st", "\ufb06": "st",
}
_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
          "\u202f\u205f\u3000"
_CHAR_TABLE: dict[int, str | None] = {ord(k): v for k, v in _LIGATURES.items()}
_CHAR_TABLE.update({ord(c): " " for c in _SPACES})
_CHAR_TABLE.update({ord(c): None for c in ZERO_WIDTH})
_CHAR_TABLE.update({c: None for c in range(0x20) if c not in (0x09, 0x0A, 0x0C)})  # C0
_CHAR_TABLE.update({c: None for c in range(0x7F, 0xA0)})  # DEL and C1
_CHAR_TABLE.update({c: None for c in range(0xFDD0, 0xFDF0)})  # the segmenter's placeholders
_CHAR_TABLE[0x0B] = "\n"  # vertical tab: a line break in Word exports
_CHAR_TABLE[0x2028] = "\n"
_CHAR_TABLE[0x2029] = "\n\n"
_RE_ODD_CHAR = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_CHAR_TABLE)) + "]")
_RE_SOFT_HYPHEN_INNER = re.compile(r"\u00ad(?![ \t]*\n)")
_RE_SOFT_HYPHEN_EOL = re.compile(r"\u00ad[ \t]+\n")


def normalize_layout(text: str) -> str:
    """Unify newlines and characters that only differ in print, keeping the layout.

    ``\\r\\n`` and ``\\r`` become ``\\n``; Unicode is normalised as in :func:`normalize_text`
    (NFC, tatweel, Arabic presentation forms, full-width digits); ligatures (ﬁ ﬂ …) are
    spelled out; no-break and other wide spaces become spaces; zero-width and control characters
    go (tab, newline and form feed stay); soft hyphens stay only at line ends, where they mark a
    split word. No general NFKC: it would also turn footnote superscripts into digits glued
    onto words.
    Noncharacters U+FDD0–FDEF go too (the segmenter parks escaped Markdown on them).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = normalize_unicode(text)
    # str.translate is slow on long text; replace only the (usually few) odd characters
    text = _RE_ODD_CHAR.sub(lambda m: _CHAR_TABLE[ord(m.group())] or "", text)
    if SOFT_HYPHEN in text:
        text = _RE_SOFT_HYPHEN_EOL.sub(SOFT_HYPHEN + "\n", text)
        text = _RE_SOFT_HYPHEN_INNER.sub("", text)
    return text
