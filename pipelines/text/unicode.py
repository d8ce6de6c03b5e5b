"""Unicode normalisation for text in any of the six UN languages: the one place it happens.

``normalize_unicode`` is applied by every reader before its own whitespace and markup rules
(``pipelines.corpus.labels.normalize_text`` for AKN, ``segment.normalize_chars`` for plain text):

- NFC (composed accents: "é" one code point, as the lemma and phrase tables store them);
- Arabic tatweel (U+0640, the kashida that stretches a word in print) removed;
- Arabic presentation forms (U+FB50–FDFF, U+FE70–FEFF: the contextual glyph code points some
  PDF and Word exports emit) → their letters by NFKC, for those ranges only;
- full-width digits and Latin letters (U+FF10–FF19, FF21–FF3A, FF41–FF5A) and Arabic-Indic and
  Extended Arabic-Indic digits (U+0660–0669, U+06F0–06F9) → ASCII, so numbering and dates read
  alike in every script;
- parenthesised and circled CJK numbers ("㈠" U+3220–3243, "①" U+2460–2473) → their NFKC
  spelling "(一)", "1", as list markers.

Everything else is kept as written: full-width punctuation (，；：。、), Arabic punctuation (، ؛ ؟),
quotes, dashes and footnote superscripts (NFKC would glue those to words as digits). ASCII text
comes back unchanged, so English clause texts, and the dataset digest over them, do not move.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize_unicode"]

_TATWEEL = "\u0640"
_DIGITS: dict[int, str | None] = {0xFF10 + i: str(i) for i in range(10)}
_DIGITS.update({0x0660 + i: str(i) for i in range(10)})
_DIGITS.update({0x06F0 + i: str(i) for i in range(10)})
_DIGITS.update({0xFF21 + i: chr(ord("A") + i) for i in range(26)})
_DIGITS.update({0xFF41 + i: chr(ord("a") + i) for i in range(26)})
_DIGITS[ord(_TATWEEL)] = None
_TABLE = str.maketrans(_DIGITS)
#: characters handled by the translation table (one search decides whether any is present)
_TRANSLATED_RE = re.compile("[\u0640\u0660-\u0669\u06f0-\u06f9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
#: ranges whose characters are replaced by their NFKC form
_COMPAT_RE = re.compile("[\ufb50-\ufdff\ufe70-\ufefe\u3220-\u3243\u2460-\u2473]+")


def _compat(match: re.Match[str]) -> str:
    return unicodedata.normalize("NFKC", match.group())


def normalize_unicode(text: str) -> str:
    """``text`` in NFC with tatweel removed, Arabic presentation forms and parenthesised CJK
    numbers in NFKC, and full-width / Arabic-Indic digits as ASCII (see the module docstring).
    Idempotent; ASCII input is returned as is."""
    if text.isascii():
        return text
    if _COMPAT_RE.search(text):
        text = _COMPAT_RE.sub(_compat, text)
    if _TRANSLATED_RE.search(text):
        text = text.translate(_TABLE)
    # last: removing a tatweel can bring a letter and a combining mark together
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text
