"""Gold action phrases from markup: is the italic opening really its clause's opening phrase?

``check_phrase`` gives the reason a phrase cannot be the opening of its clause (the AKN reader
keys its repairs on these stable strings); ``pipelines.text`` holds the language rules it uses
(numbering, normalisation, phrase length, lemmas).
"""

from __future__ import annotations

import re

from pipelines.text.normalize import normalize_text
from pipelines.text.numbering import split_number
from pipelines.text.phrases import MAX_PHRASE_WORDS, normalize_phrase

__all__ = [
    "SLIP_EMPTY",
    "SLIP_MID_WORD",
    "SLIP_MISSING_FIRST_LETTER",
    "SLIP_NOT_PREFIX",
    "SLIP_TOO_LONG",
    "check_phrase",
]

#: Reasons returned by ``check_phrase`` (stable strings; the reader keys its repairs on them).
SLIP_EMPTY = "empty phrase"
SLIP_MISSING_FIRST_LETTER = "phrase lacks the first letter of its word"
SLIP_MID_WORD = "phrase ends in the middle of a word"
SLIP_TOO_LONG = "phrase is too long"
SLIP_NOT_PREFIX = "phrase is not at the start of the clause"
#: scripts written without spaces between words (CJK ideographs, kana)
_UNSPACED_RE = re.compile("[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")


def check_phrase(phrase: str, clause_text: str) -> str | None:
    """A reason why ``phrase`` cannot be ``clause_text``'s opening phrase, or ``None`` if it can.

    The phrase must be a prefix of the text after its numbering, end at a word boundary and be
    at most ``MAX_PHRASE_WORDS`` words. A phrase that starts lower case one character into
    the text whose first letter is upper case ("ecides" in "Decides…") lacks its first letter.
    """
    phrase = normalize_phrase(phrase)
    if not phrase:
        return SLIP_EMPTY
    _, body = split_number(normalize_text(clause_text))
    if body.startswith(phrase):
        end = len(phrase)
        if (end < len(body) and body[end].isalnum() and phrase[-1].isalnum()
                and not _UNSPACED_RE.match(phrase[-1])):  # Chinese: no spaces between words
            return SLIP_MID_WORD
    elif (phrase[0].islower() and len(body) > len(phrase) and body[0].isupper()
          and body[1:].startswith(phrase)):
        return SLIP_MISSING_FIRST_LETTER
    else:
        return SLIP_NOT_PREFIX
    n_words = len(phrase.split())
    if n_words > MAX_PHRASE_WORDS:
        return f"{SLIP_TOO_LONG} ({n_words} words)"
    return None
