"""The tables models read and write: the text column in, which rows teach a phrase model, and the
output columns of each task (see :mod:`pipelines.models.base` for the protocol).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from pipelines.text.crosslingual import phrase_lemma
from pipelines.text.lemmas import NOT_A_VERB_PHRASE, lemmatize_phrase
from pipelines.text.wordclasses import (
    IMPERSONAL_STARTS,
    MODAL_AFTER,
    MODALS,
    NON_PHRASE_CONJUNCTIONS,
    PHRASE_VERBS,
    ROMANCE_NON_PHRASE_STARTS,
)


def phrase_training_rows(frame: pd.DataFrame) -> list[bool]:
    """Which rows teach a phrase model: clauses with a gold phrase, and ``other`` clauses (which
    have none). A preambular or operative clause without a gold phrase is a markup gap in this
    corpus (declarations in the first person, ``phrase_missing`` rows), not a clause without an
    opening phrase, so it is left out rather than taught as "no phrase"."""
    phrase = frame["action_phrase"].tolist()
    types = frame["type"].tolist() if "type" in frame else ["other"] * len(frame)
    missing = (frame["phrase_missing"].fillna(False).astype(bool).tolist()
               if "phrase_missing" in frame else [False] * len(frame))
    return [not miss and (isinstance(p, str) and bool(p.strip()) or t == "other")
            for p, t, miss in zip(phrase, types, missing, strict=True)]


def type_frame(proba: Any, classes: Sequence[str], labels: Sequence[str],
               index: pd.Index) -> pd.DataFrame:
    """The clause-type output columns from a probability matrix whose columns are ``classes``."""
    proba = np.asarray(proba, dtype=float)
    full = np.zeros((len(index), len(labels)))
    for j, cls in enumerate(classes):
        if cls in labels:
            full[:, labels.index(cls)] = proba[:, j]
    total = full.sum(axis=1, keepdims=True)
    full = np.divide(full, total, out=np.full_like(full, 1 / len(labels)), where=total > 0)
    best = full.argmax(axis=1)
    out = pd.DataFrame({"type": [labels[i] for i in best],
                        "type_score": full[np.arange(len(index)), best]}, index=index)
    for j, label in enumerate(labels):
        out[f"proba_{label}"] = full[:, j]
    return out


#: a modal verb right after a span: the span is its subject ("Teachers shall", "States should")
_MODAL_NEXT = re.compile(r"\s+(?:" + "|".join(sorted(MODALS)) + r")\b", re.IGNORECASE).match
#: a modal later in the same stretch of the clause (before , ; : or .): the verb of a long
#: subject ("Visits to enterprises and short periods of observation should form …")
_MODAL_LATER = re.compile(r"[^,;:.]{0,160}?\b(?:" + "|".join(sorted(MODALS)) + r")\b",
                          re.IGNORECASE).match
#: a span opening with a subordinating conjunction: the clause's verb is not its opening
_CONJUNCTION_FIRST = re.compile(r"(?:" + "|".join(NON_PHRASE_CONJUNCTIONS) + r")\b",
                                re.IGNORECASE).match
#: the first word of a phrase, an elided article on its own ("L'échange" → "L")
_FIRST_WORD = re.compile(r"\s*([^\W\d_]+)").match
#: the script of a phrase in Russian, Chinese or Arabic
_SCRIPTS = (("ru", re.compile("[\u0400-\u04ff]")), ("zh", re.compile("[\u3400-\u9fff]")),
            ("ar", re.compile("[\u0600-\u06ff]")))


def _no_phrase_opening(text: str, start: int, end: int, lemma: str | None) -> bool:
    """Whether the span ``text[start:end]`` (lemmatized ``lemma``) has a shape no gold phrase of
    the corpora has (see :func:`phrase_frame`)."""
    phrase = text[start:end]
    return bool(_MODAL_NEXT(text, end) or _CONJUNCTION_FIRST(text, start)
                or _romance_non_phrase(phrase) or _modal_subject(text, end, phrase)
                or _english_noun_subject(text, end, phrase, lemma))


def _english_noun_subject(text: str, end: int, phrase: str, lemma: str | None) -> bool:
    """An English span opening with a word in -s that is none of the phrase verbs, followed by
    a modal in the same stretch of the clause: a plural noun, the subject of that modal
    ("Vessels that fish … should carry", "Visits to enterprises … should form"). British
    spellings count as the American ones ("Recognises")."""
    if not lemma or not phrase.isascii():
        return False
    first = _FIRST_WORD(phrase)
    if first is None or not first.group(1).endswith("s"):
        return False
    head = lemma.split(None, 1)[0]
    if head in PHRASE_VERBS or head.replace("ise", "ize") in PHRASE_VERBS:
        return False
    return _MODAL_LATER(text, end) is not None


def _romance_non_phrase(phrase: str) -> bool:
    """A French or Spanish opening that starts as no phrase does: "Les ministères", "Es
    conveniente", "Il est souhaitable" (but "Il est recommandé" is a phrase)."""
    first = _FIRST_WORD(phrase)
    word = first.group(1).lower() if first else ""
    if word not in ROMANCE_NON_PHRASE_STARTS:
        return False
    return not (word == "il" and "recommand" in phrase.lower())


def _modal_subject(text: str, end: int, phrase: str) -> bool:
    """A Russian, Chinese or Arabic opening that is no phrase: an impersonal start ("Желательно",
    "ينبغي") or, when the phrase map knows no verb in it, the subject of a modal that follows
    ("Учителя должны …", "学校应当 …")."""
    if phrase.isascii():  # none of the three scripts (an O(1) test)
        return False
    language = next((code for code, script in _SCRIPTS if script.search(phrase, 0, 8)), None)
    if language is None:
        return False
    words = phrase.lower() + " "
    if any(words.startswith(start + " ") for start in IMPERSONAL_STARTS.get(language, ())):
        return True
    modal = MODAL_AFTER.get(language)
    return (modal is not None and modal.match(text, end, end + 60) is not None
            and phrase_lemma(phrase, language) is None)


def phrase_frame(texts: Sequence[str], bounds: Sequence[tuple[int, int] | None],
                 index: pd.Index) -> pd.DataFrame:
    """The action-phrase output columns from ``(start, end)`` offsets (None: no phrase).

    A span whose English reading is no verb phrase ("It is desirable", "The meals": lemma
    ``NOT_A_VERB_PHRASE``) is no phrase: a phrase model trained on resolutions proposes one
    for every clause, also for recommendations that open without a verb. Phrases in the other
    languages never read so (the English rules leave their words as they are). Nor is a span
    with a shape that no gold phrase of the GA/ECOSOC or six-language corpus has: followed by a
    modal verb ("Teachers" in "Teachers shall use …", the subject of a modal recommendation);
    opening with a subordinating conjunction other than "Whereas" ("Since the previous session,
    …"); an English word in -s that is no phrase verb, the subject of a modal later in the
    clause ("Vessels that fish … should carry"); a French or Spanish span opening with an
    article, a preposition, "Que" or an impersonal "Il"/"Es" ("Les ministères devraient …",
    "Es conveniente que …"); a Russian, Chinese or Arabic impersonal start or subject of a
    modal ("Желательно, чтобы …", "学校应当 …")."""
    phrases: list[str | None] = []
    lemmas: list[str | None] = []
    kept: list[tuple[int, int] | None] = []
    for text, b in zip(texts, bounds, strict=True):
        phrase = text[b[0]:b[1]] if b else None
        lemma = lemmatize_phrase(phrase) if phrase else None
        if lemma == NOT_A_VERB_PHRASE or (b and _no_phrase_opening(text, b[0], b[1], lemma)):
            phrase, lemma, b = None, None, None
        phrases.append(phrase)
        lemmas.append(lemma)
        kept.append(b)
    return pd.DataFrame({
        "action_phrase": pd.Series(phrases, index=index, dtype=object),
        "action_lemma": pd.Series(lemmas, index=index, dtype=object),
        "action_start": pd.Series([b[0] if b else -1 for b in kept], index=index, dtype="int64"),
        "action_end": pd.Series([b[1] if b else -1 for b in kept], index=index, dtype="int64"),
    }, index=index)


def with_translated_lemmas(frame: pd.DataFrame, language: str | None) -> pd.DataFrame:
    """``frame``'s lemmas as annotate writes them for a document in ``language``: the models
    lemmatize in English; a phrase in another language takes its English verb from the
    cross-lingual phrase map. English, or a frame without phrases: ``frame`` itself."""
    if language in (None, "en") or "action_phrase" not in frame:
        return frame
    return frame.assign(action_lemma=[phrase_lemma(p, language) if isinstance(p, str) and p
                                      else None for p in frame["action_phrase"]])


def without_phrases(frame: pd.DataFrame, drop: np.ndarray) -> pd.DataFrame:
    """A copy of the action-phrase output ``frame`` with no phrase on the rows where ``drop``
    is True (missing values there, as after a reindex, become "no phrase" too)."""
    out = frame.copy()
    for col in ("action_phrase", "action_lemma"):
        out[col] = out[col].astype(object).where(~drop, None)
    for col in ("action_start", "action_end"):
        out[col] = out[col].where(~drop, -1).astype("int64")
    return out


def empty_phrase_frame(index: pd.Index) -> pd.DataFrame:
    """An action-phrase output with no phrase found for every row."""
    return pd.DataFrame({"action_phrase": pd.Series([None] * len(index), index=index, dtype=object),
                         "action_lemma": pd.Series([None] * len(index), index=index, dtype=object),
                         "action_start": -1, "action_end": -1}, index=index)
