"""The words of a clause's opening: tokens, exact character spans, lower-cased word forms.

Everything starts after the numbering (:mod:`pipelines.text.numbering`), is robust to ALL CAPS,
hard wraps and edge punctuation, and is fast (compiled regexes, no allocation beyond the words
asked for): the annotator reads every clause through these functions.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import islice

from pipelines.text.numbering import MEMO_TEXTS, numbering_end

__all__ = ["CJK_RE", "Span", "clause_start", "first_words", "opening_spans", "opening_tokens",
           "opening_word_tokens", "span_words"]

#: ``(start, end, word, trail)``: character offsets of a word without its trailing
#: punctuation, the word lowercased without edge punctuation, and the trailing punctuation
Span = tuple[int, int, str, str]

#: a Chinese ideograph (CJK unified and compatibility ideographs): Chinese is written without
#: spaces, so its words are runs of these
CJK_RE = re.compile("[\u3400-\u9fff\uf900-\ufaff]")
_WORD_RE = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*|\d+(?:[.,/:]\d+)*")
#: ``_WORD_RE`` for ASCII text, where its classes are these (matching them is faster)
_ASCII_WORD_RE = re.compile(r"[A-Za-z]+(?:['\-][A-Za-z]+)*|[0-9]+(?:[.,/:][0-9]+)*")
_SPAN_RE = re.compile(r"\S+")
#: Chinese (no spaces): each ideograph is a token of its own and the punctuation after it joins
#: its trail, so a phrase is a whole number of characters
_CJK_SPAN_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|(?:(?![\u3400-\u9fff\uf900-\ufaff])\S)+")
_TRAIL = ",;:.!?)]}\"'”’*_，；：。、！？）،؛؟"
_LEADING = "\"'“‘(*_"


#: an enacting formula run into the clause it introduces, as OCR and PDF text give it: "The
#: Security Council, Having considered …", "The Conference, recognizing that …" (capitalised
#: words, then a comma and the clause); the clause's own opening starts after it
_FORMULA_RE = re.compile(r"(?:The|THE)\s+(?:[A-Z][\w’'\-]*\s+(?:(?:of|on|for|and|the|to|OF|ON|FOR|AND"
                         r"|THE|TO)\s+)*){0,6}[A-Z][\w’'\-]*,\s+(?!(?:or|and|OR|AND)\b)(?=[^\W\d_])")


@lru_cache(maxsize=MEMO_TEXTS)  # both models read it for every clause of a batch
def clause_start(text: str) -> int:
    """Where the clause's own words start: after the numbering and after an enacting formula
    run into the clause (``"The Security Council, Having considered …"`` → at "Having")."""
    offset = numbering_end(text)
    m = _FORMULA_RE.match(text, offset)
    return m.end() if m else offset


def first_words(text: str, n: int) -> list[str]:
    """The first ``n`` words of ``text`` (letters or numbers, no punctuation), lowercased.

    Chinese is written without spaces: a run of ideographs counts as two-character words
    ("请秘书长" → "请秘", "书长"), about the length of a Chinese word."""
    # the first n matches of the window, without matching the rest of it (findall's [:n])
    if text.isascii():  # an O(1) test
        return [m.group().lower() for m in islice(_ASCII_WORD_RE.finditer(text, 0, 40 + 16 * n), n)]
    words = [m.group() for m in islice(_WORD_RE.finditer(text, 0, 40 + 16 * n), n)]
    if words and CJK_RE.match(words[0]):
        split: list[str] = []
        for w in words:
            split.extend([w[i:i + 2] for i in range(0, len(w), 2)] if CJK_RE.match(w) else [w])
        words = split[:n]
    return [w.lower() for w in words]


def opening_tokens(text: str, n: int = 6) -> list[str]:
    """The first ``n`` words after numbering, bullets and quotes, lowercased (no punctuation)."""
    text = text or ""
    return first_words(text[clause_start(text):], n)


def opening_spans(text: str, n: int = 12) -> tuple[int, list[Span]]:
    """``(offset, spans)`` for the first ``n`` whitespace tokens after the numbering (and after
    an enacting formula run into the clause, see :func:`clause_start`); in Chinese, the first
    ``n`` characters.

    Each span is ``(start, end, word, trail)``: ``end`` excludes trailing punctuation ``trail``,
    so ``text[spans[0][0]:spans[k-1][1]]`` is the exact surface of a k-word opening phrase even
    across hard wraps; ``word`` is lowercased with edge punctuation removed.
    """
    text = text if isinstance(text, str) else ""
    offset = clause_start(text)
    spans: list[Span] = []
    append = spans.append
    chinese = not text.isascii() and CJK_RE.search(text, offset, offset + 2 * n + 8) is not None
    tokens = _CJK_SPAN_RE if chinese else _SPAN_RE
    for m in tokens.finditer(text, offset):
        tok = m.group()
        core = tok.rstrip(_TRAIL)
        if core is tok:  # no trailing punctuation (the common case)
            start = m.start()
            append((start, start + len(tok), tok.lower().strip(_LEADING), ""))
        elif core:
            start = m.start()
            append((start, start + len(core), core.lower().strip(_LEADING), tok[len(core):]))
        else:  # punctuation alone joins the previous word's trail
            if spans:
                spans[-1] = (*spans[-1][:3], spans[-1][3] + tok)
            continue
        if len(spans) >= n:
            break
    return offset, spans


def opening_word_tokens(text: str, n: int = 12,
                        ) -> tuple[int, list[tuple[str, str]], list[str]] | None:
    """``(offset, [(token, core)], words)`` for the first ``n`` words after the numbering, the
    words as :func:`opening_spans` reads them, without building spans (a lookup needs offsets
    only when it hits; ``text.find(token)`` gives them). None when punctuation-only tokens
    leave fewer than ``n`` words in the first ``n + 1`` tokens: use ``opening_spans`` then."""
    offset = clause_start(text)
    # Chinese (never ASCII, an O(1) test): tokens are characters
    if not text.isascii() and CJK_RE.search(text, offset, offset + 2 * n + 8):
        return None
    tokens = text[offset:].split(None, n)
    kept: list[tuple[str, str]] = []
    words: list[str] = []
    for tok in tokens[:n]:
        core = tok.rstrip(_TRAIL)
        if core:
            kept.append((tok, core))
            words.append(core.lower().strip(_LEADING))
    if len(words) < n and len(tokens) > n:
        return None
    return offset, kept, words


def span_words(phrase: str) -> tuple[str, ...]:
    """A phrase as the lowercased words :func:`opening_spans` would give for it."""
    out = []
    for m in (_CJK_SPAN_RE if CJK_RE.search(phrase) else _SPAN_RE).finditer(phrase):
        core = m.group().rstrip(_TRAIL)
        if core:
            out.append(core.lower().strip(_LEADING))
    return tuple(out)
