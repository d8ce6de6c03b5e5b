"""Action phrases as text: their longest length, their tidy form, their span in the opening.

An action phrase ("Also requests", "Deeply concerned") is always a prefix of its clause's words
after the numbering; :func:`phrase_length` says how many opening words a gold phrase covers.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipelines.text.normalize import normalize_text
from pipelines.text.numbering import split_number
from pipelines.text.tokens import Span

__all__ = ["EDGE_PUNCT", "MAX_PHRASE_WORDS", "normalize_phrase", "phrase_length"]

#: A phrase longer than this has swallowed (part of) its clause: the gold check rejects it and
#: the phrase models consider no longer candidates.
MAX_PHRASE_WORDS = 8
#: punctuation stripped from the edges of a phrase
EDGE_PUNCT = " ,;:."


def normalize_phrase(raw: str) -> str:
    """An action phrase as written, tidied: whitespace collapsed, numbering and edge punctuation
    (commas, colons, semicolons, full stops) stripped. ``" 2.\\u00a0Also  requests ,"`` →
    ``"Also requests"``."""
    text = normalize_text(raw).strip(EDGE_PUNCT)
    _, text = split_number(text)
    return text.strip(EDGE_PUNCT)


def _squash(text: str) -> str:
    return " ".join(text.split())


def phrase_length(text: str, phrase: str | float | None, spans: Sequence[Span]) -> int | None:
    """How many opening words (``spans`` of ``text``, from ``opening_spans``) the gold
    ``phrase`` covers: 0 for no phrase (None, NaN or ""), None if it is not an opening prefix
    of ``text`` (such rows are left out of training)."""
    if phrase is None or isinstance(phrase, float) or not phrase:
        return 0
    target = _squash(phrase)
    if not spans:
        return None
    start = spans[0][0]
    for k, span in enumerate(spans, 1):
        surface = _squash(text[start:span[1]])
        if surface == target:
            return k
        if len(surface) > len(target) + 2:
            break
    return None
