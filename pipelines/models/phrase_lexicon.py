"""A fast path for action phrases: openings whose phrase the training split already settles.

Most clauses open with a phrase seen hundreds of times ("Requests the Secretary-General",
"Recalling its resolution"), and for those the longest known phrase at the opening, together
with the word after it, decides the span with near certainty. :class:`PhraseLexicon` learns which
openings ``phrase|next word`` (and ``<none>|first two words`` for openings without any known
phrase) were right in at least ``min_precision`` of ``min_count``+ training clauses; the
phrase models (linear, CRF) take those spans directly and score only the rest. A "no phrase"
opening is learnt from titles and headings, so it is not trusted for a numbered item. On the GA/ECOSOC
test split about 84 % of clauses take the fast path, which is what lets annotation keep pace
with reading.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pipelines.text.numbering import parse_numbering
from pipelines.text.phrases import MAX_PHRASE_WORDS, phrase_length
from pipelines.text.tokens import Span, opening_spans, opening_word_tokens, span_words


def phrase_stems(known: frozenset[str]) -> frozenset[str]:
    """The word prefixes of ``known`` phrases that a longer known phrase continues ("takes
    note" of "takes note of"): an opening whose first words are none of them holds no known
    phrase longer than those words."""
    return frozenset(p[:i] for p in known for i, c in enumerate(p) if c == " ")


#: words read first for a lookup: they settle the key of 97 % of the test split's openings
_FIRST_WORDS = 4


def _opening_key(words: Sequence[str], known: frozenset[str],
                 stems: frozenset[str]) -> tuple[str, int, int]:
    """The lexicon key of an opening's words, the phrase length it stands for (0: none) and
    how many words the search read: ``phrase|next word`` for the longest known phrase, else
    ``<none>|first two words``. ``stems`` is ``phrase_stems(known)``. Words after the ones
    read can change the key only when all of ``words`` were read."""
    key = best_key = ""
    best = read = 0
    for read, word in enumerate(words[:MAX_PHRASE_WORDS], 1):
        key = f"{key} {word}" if key else word
        if key in known:
            best, best_key = read, key
        if key and key not in stems:  # every longer key is this one, a space and more words
            break
    if not best:
        return "<none>|" + " ".join(words[:2]), 0, read
    return f"{best_key}|{words[best] if best < len(words) else '<end>'}", best, read


@dataclass(frozen=True)
class PhraseLexicon:
    """Known phrases (as lowercased words) and the trusted opening keys."""

    known: frozenset[str] = field(default_factory=frozenset)
    trusted: frozenset[str] = field(default_factory=frozenset)
    #: ``phrase_stems(known)``: where the search for a longer known phrase can stop
    stems: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "stems", phrase_stems(self.known))

    @classmethod
    def learn(cls, texts: Sequence[str], phrases: Sequence[Any], use: Sequence[bool],
              min_count: int = 3, min_precision: float = 0.99) -> PhraseLexicon:
        """Learn from training clauses; ``use`` marks the rows that teach phrases."""
        known = frozenset(" ".join(span_words(p)) for p, ok in zip(phrases, use, strict=True)
                          if ok and isinstance(p, str) and p)
        stems = phrase_stems(known)
        hits: Counter[str] = Counter()
        right: Counter[str] = Counter()
        for text, phrase, ok in zip(texts, phrases, use, strict=True):
            if not ok:
                continue
            _, spans = opening_spans(text, MAX_PHRASE_WORDS + 1)
            gold = phrase_length(text, phrase if isinstance(phrase, str) else None, spans)
            key, k, _ = _opening_key([s[2] for s in spans], known, stems)
            hits[key] += 1
            right[key] += int(gold == k)
        trusted = frozenset(key for key, n in hits.items()
                            if n >= min_count and right[key] >= min_precision * n)
        return cls(known, trusted)

    def lookup(self, text: str) -> tuple[bool, tuple[int, int] | None]:
        """``(True, span offsets or None)`` when the opening is trusted, else ``(False, None)``."""
        if not self.trusted:
            return False, None
        # the first few words settle almost every key: the whole opening is read only when
        # the search read them all (fewer words than asked for: the text ended there)
        found = opening_word_tokens(text, _FIRST_WORDS)
        settled = False
        if found is not None:
            key, k, read = _opening_key(found[2], self.known, self.stems)
            settled = read < _FIRST_WORDS
        if not settled:
            found = opening_word_tokens(text, MAX_PHRASE_WORDS + 1)
            if found is not None:
                key, k, _ = _opening_key(found[2], self.known, self.stems)
        spans: list[Span] = []  # the opening's spans, read when the tokens above cannot be
        if found is None:
            _, spans = opening_spans(text, MAX_PHRASE_WORDS + 1)
            key, k, _ = _opening_key([s[2] for s in spans], self.known, self.stems)
        if key not in self.trusted:
            return False, None
        if not k:
            # "no phrase" keys come from titles and headings ("Report on the work …"); a numbered
            # item opening the same way ("5. Report on the progress …;") is left to the scorer
            return (False, None) if parse_numbering(text).kind else (True, None)
        if found is None:
            return True, (spans[0][0], spans[k - 1][1])
        pos, kept, _ = found
        start = end = -1
        for j, (tok, core) in enumerate(kept[:k]):  # offsets of the k words, in order
            at = text.find(tok, pos)
            start = at if j == 0 else start
            end, pos = at + len(core), at + len(tok)
        return True, (start, end)

    def to_state(self) -> dict[str, list[str]]:
        return {"known": sorted(self.known), "trusted": sorted(self.trusted)}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> PhraseLexicon:
        """From :meth:`to_state` output; a state without a lexicon gives an empty one."""
        return cls(frozenset(state.get("known", ())), frozenset(state.get("trusted", ())))

    def __len__(self) -> int:
        return len(self.trusted)
