"""List numbering at the start of a clause: the one parser every stage uses.

The corpus readers (the number printed before a paragraph, the text a gold action phrase must
open), the feature functions (the form of the opening) and every model family (where the action
phrase starts) read numbering here, so they agree on where the words of a clause begin.

Recognised, up to two levels ("1. (b) Takes note"): ``1.`` ``12)`` ``2.1`` ``2 .`` ``(1)``
``(a)`` ``(iv)`` ``(1a)`` ``1a)`` ``a)`` ``A.`` ``IV.``, and bare digits before a capitalised word
("1 Decides", as OCR text drops the period) or digits and a comma ("4, Decides", an OCR
slip). In the other UN languages also ``1 -`` (Arabic),
``а)`` (Cyrillic), ``(أ)`` and ``’1‘`` (Arabic sub-items), ``(一)``, ``（十二）`` and ``一、``
(Chinese). Bullets, opening quotes, Markdown emphasis and
leading OCR debris are skipped. Dates and years are not numbers ("22 November 2017",
"2030 Agenda", "1.5 million").
"""

from __future__ import annotations

import re
import string
from functools import lru_cache
from typing import NamedTuple

from pipelines.text.wordclasses import MONTH_RE

__all__ = ["Numbering", "is_subitem_marker", "numbering_end", "parse_numbering", "split_number"]

#: leading quotes, bullets, Markdown emphasis and OCR debris before (and after) the numbering
_LEAD_RE = re.compile(r"[\s\"'“”‘’«»*_>•·▪◦|~\-–—]*")
_ROMAN = r"[ivxlcIVXLC]{1,6}"
_HAN_NUMERAL = r"[一二三四五六七八九十]{1,3}"
_NUM_RE = re.compile(
    r"(?:[(（]\s*(?P<pn>\d{1,3}[a-z]?|[A-Za-z]{1,2}|" + _ROMAN  # (a) (1) (ii) (1a)
    + r"|[\u0621-\u064a]{1,2}|" + _HAN_NUMERAL + r")\s*[)）]"         # (أ) (一) （十二）
    r"|(?P<dn>\d{1,3}(?:\.\d{1,3})*)(?:\s?[.)]|\s?-(?=\s+\D|$)|,?(?=\s))"  # 1. 1) 1.2 2 . "1 Decides" 1 -
    r"|(?P<an>\d{1,3}[a-z])\)"                                          # 1a)
    r"|(?P<qn>\d{1,2})‘"                                                # ’1‘ (Arabic (i); ’ is lead)
    r"|(?P<hn>" + _HAN_NUMERAL + r")[、.]"                               # 一、 一.
    r"|(?P<ln>[A-Za-zА-Яа-я]|" + _ROMAN + r")[.)](?=\s|$))"             # a) A. IV. а)
)
_ROMAN_RE = re.compile(r"^[ivxlc]+$", re.IGNORECASE)
_BULLET_RE = re.compile(r"^\s*[•·▪◦*\-–—]\s")
_SUBITEM_RE = re.compile(r"^(?:\((?:[a-z]{1,2}|[ivxlc]{1,6}|[\u0621-\u064a]{1,2})\)|[a-zа-я]\)"
                         r"|[ivx]{1,4}\)|’?\d{1,2}‘|[(（]" + _HAN_NUMERAL + r"[)）])$")


class Numbering(NamedTuple):
    """The numbering a clause opens with.

    ``marker`` is the first list marker as printed (``"1."``, ``"(a)"``, ``"IV."``, ``"1"``),
    ``number`` its value (``"1"``, ``"a"``, ``"IV"``), ``kind`` one of ``digit``, ``alpha``,
    ``roman``, ``bullet`` or None; ``text[end:]`` is the clause from its first word.
    """

    marker: str | None
    number: str | None
    kind: str | None
    end: int


def _number_kind(number: str) -> str:
    if number[0].isdigit():
        return "digit"
    if not number.isascii():  # Arabic and Cyrillic letters, Chinese numerals
        return "digit" if number[0] in "一二三四五六七八九十" else "alpha"
    if _ROMAN_RE.match(number) and (len(number) > 1 or number.lower() in "iv"):
        return "roman"
    return "alpha"


def _skip_lead(text: str, pos: int) -> int:
    lead = _LEAD_RE.match(text, pos)
    return lead.end() if lead else pos


#: texts whose numbering is remembered: annotation reads each clause's numbering several times
#: (the clause-type features, the list rule, the phrase model), a batch of 5,000 clauses at a
#: time, so a batch's texts fit. A recency cache, it never holds more than this many texts, so
#: it cannot turn a long input that repeats itself into a table of answers.
MEMO_TEXTS = 6144


_ASCII_LETTERS = frozenset(string.ascii_letters)
_ROMAN_LETTERS = frozenset("ivxlcIVXLC")
_NOT_ROMAN = _ASCII_LETTERS - _ROMAN_LETTERS
_NONE = Numbering(None, None, None, 0)


def _opens_with_a_word(text: str) -> bool:
    """True when ``text`` starts so that no numbering, lead or bullet can match: an ASCII
    letter, then a letter that is not a roman digit (no roman numeral "iv." can span them), or,
    after a letter that is not a roman digit, anything but "." and ")" ("a)", "A.")."""
    first, second = text[:1], text[1:2]
    return first in _ASCII_LETTERS and (second in _NOT_ROMAN or (
        first in _NOT_ROMAN and second != "." and second != ")"))


@lru_cache(maxsize=MEMO_TEXTS)
def parse_numbering(text: str) -> Numbering:
    """The leading numbering of ``text`` (see the module docstring for what counts)."""
    if _opens_with_a_word(text):  # "Recalling …", "Calls upon …": two in five clauses
        return _NONE
    pos = _skip_lead(text, 0)
    marker: str | None = None
    number: str | None = None
    kind: str | None = None
    for _ in range(2):
        m = _NUM_RE.match(text, pos)
        if not m:
            break
        val = (m.group("pn") or m.group("dn") or m.group("an") or m.group("qn")
               or m.group("hn") or m.group("ln"))
        if m.group("dn") and m.group()[-1] not in ".)-":
            # bare digits or an OCR comma: "1 Decides", "4, Decides" are numbered,
            # "2030 Agenda", "22 November" and "1, 2 and 3" are not
            after = text[m.end():m.end() + 16].lstrip()
            if len(val.split(".")[0]) > 2 or not after[:1].isupper() or MONTH_RE.match(after):
                break
        if number is None:
            marker, number, kind = m.group(), val, _number_kind(val)
        pos = _skip_lead(text, m.end())
    if number is None and _BULLET_RE.match(text):
        kind = "bullet"
    return Numbering(marker, number, kind, pos)


def numbering_end(text: str) -> int:
    """Character offset of the clause's first word, after numbering, bullets and quotes."""
    return parse_numbering(text).end


def split_number(text: str) -> tuple[str | None, str]:
    """``(marker, rest)``: ``"12. Decides…"`` → ``("12.", "Decides…")``, ``"Decides"`` →
    ``(None, "Decides")``; ``rest`` starts at the first word (:func:`numbering_end`)."""
    found = parse_numbering(text)
    return found.marker, text[found.end:]


def is_subitem_marker(marker: str | None) -> bool:
    """True for the marker of a lettered or roman sub-item: ``(a)``, ``(iv)``, ``b)``."""
    return marker is not None and _SUBITEM_RE.match(marker) is not None
