"""Pure feature functions shared by the model families: the *form* of a clause's opening and its
place among its neighbours.

Bag-of-words memorises the topics of General Assembly resolutions and does not transfer to other
genres. What transfers is grammar: a participle or adjective opening ("Recalling", "Deeply
concerned", "Having considered") marks a preamble, a finite verb ("Decides", first-person plural
"Decide", a subject + modal "Member States should") marks an operative clause, and lists inherit
from the line that announces them ("Decide to:" → "1. Issue…"). Everything here is robust to
numbering, ALL CAPS, hard wraps and leading OCR debris, and fast (pure Python, compiled regexes).

Which base-form words are verbs is learned from data (``learn_verb_stems``), not listed by hand;
only closed word classes (adverbs that modify the opening verb, modals, a few function words)
are spelled out.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

import pandas as pd

from pipelines.text.numbering import numbering_end, parse_numbering
from pipelines.text.wordclasses import MONTHS

Features = dict[str, float | str]

# --------------------------------------------------------------------------- tokens

_WORD_RE = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*|\d+(?:[.,/:]\d+)*")
_SPAN_RE = re.compile(r"\S+")
_TRAIL = ",;:.!?)]}\"'”’*_"
_LEADING = "\"'“‘(*_"
_DATE_RE = re.compile(rf"(?:\b\d{{1,2}}\s+(?:{MONTHS})\s+\d{{4}}|\b(?:{MONTHS})\s+\d{{1,2}},?\s+"
                      rf"\d{{4}}|\b(?:{MONTHS})\s+\d{{4}})", re.IGNORECASE)
_SYMBOL_RE = re.compile(r"\b[A-Z]{1,6}(?:/[A-Z0-9][A-Za-z0-9.\-]*){1,6}")
_MEETING_RE = re.compile(r"\b\d+\s*(?:st|nd|rd|th|d)\.?\s+(?:plenary\s+)?meeting\b"
                         r"|\bmeeting\s+(?:no\.\s*)?\d", re.IGNORECASE)
_ALPHA_RE = re.compile(r"[^\W\d_]")
_DIGIT_RE = re.compile(r"\d")

#: closed class: words that modify the opening verb and are skipped to find its head
ADVERBS = frozenset({
    "also", "further", "again", "once", "hereby", "still", "moreover", "furthermore",
    "likewise", "therefore", "thus", "accordingly", "both", "however", "nevertheless", "now",
    "and", "finally", "lastly", "first", "second", "third", "in", "addition",
})
#: closed class: conjunctions that open a subordinate (non-enacting) clause
SUBORDINATORS = frozenset({"whereas", "given", "since", "inasmuch"})
#: closed class: modal verbs; a subject followed by one is a finite predicate
MODALS = frozenset({"shall", "should", "will", "may", "must", "would", "can", "could"})
#: after a word in -s these make it a plural noun, not a verb ("Participants at", "Threats of")
NOUN_PREPOSITIONS = frozenset({"of", "at", "from", "by"})
#: closed class: function words at a candidate phrase boundary
FUNCTION_WORDS = frozenset({
    "the", "a", "an", "of", "to", "that", "its", "their", "his", "her", "our", "all", "in",
    "with", "for", "upon", "on", "by", "at", "and", "or", "as", "from", "this", "these", "those",
    "any", "which", "whose", "be", "is", "are", "has", "have", "not", "no",
})


def _words(text: str, n: int) -> list[str]:
    return [w.lower() for w in _WORD_RE.findall(text, 0, 40 + 16 * n)[:n]]


def opening_tokens(text: str, n: int = 6) -> list[str]:
    """The first ``n`` words after numbering, bullets and quotes, lowercased (no punctuation)."""
    text = text or ""
    return _words(text[numbering_end(text):], n)


def opening_spans(text: str, n: int = 12) -> tuple[int, list[tuple[int, int, str, str]]]:
    """``(offset, spans)`` for the first ``n`` whitespace tokens after the numbering.

    Each span is ``(start, end, word, trail)``: ``end`` excludes trailing punctuation ``trail``,
    so ``text[spans[0][0]:spans[k-1][1]]`` is the exact surface of a k-word opening phrase even
    across hard wraps; ``word`` is lowercased with edge punctuation removed.
    """
    text = text if isinstance(text, str) else ""
    offset = numbering_end(text)
    spans: list[tuple[int, int, str, str]] = []
    append = spans.append
    for m in _SPAN_RE.finditer(text, offset):
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
    offset = numbering_end(text)
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


# --------------------------------------------------------------------------- word form


@lru_cache(maxsize=1 << 16)
def verb_stem(word: str) -> str:
    """A crude stem shared by a verb's -s, -ing, -ed and base forms (decides/deciding/decide)."""
    w = word.lower()
    n = len(w)
    if n > 5 and w.endswith("ing"):
        w = w[:-3]
    elif n > 4 and w.endswith("ied"):
        w = w[:-3] + "y"
    elif n > 4 and w.endswith("ed"):
        w = w[:-2]
    elif n > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif n > 4 and w.endswith(("sses", "shes", "ches", "xes", "zes")):
        w = w[:-2]
    elif n > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    w = w.rstrip("e") or w
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
        w = w[:-1]
    return w


@lru_cache(maxsize=1 << 17)
def word_form(word: str, verbs: frozenset[str] | None = None) -> str:
    """Inflection class of a lowercased word.

    ``ing`` (participle/gerund, also "having"), ``ed`` (past participle/adjective), ``ly``
    (adverb), ``s`` (third person singular, plural), ``base_verb`` (uninflected form of a verb
    learned from data: first-person plural or imperative "Decide", "Issue"), ``base`` (anything
    else: adjectives "aware", nouns, function words), ``num`` or ``empty``.
    """
    if not word:
        return "empty"
    if word[0].isdigit():
        return "num"
    n = len(word)
    if n > 4 and word.endswith("ing"):
        return "ing"
    if n > 4 and word.endswith("ly") and word != "apply" and word != "supply":
        return "ly"
    if n > 3 and word.endswith("ed"):
        return "ed"
    if n > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "ous")):
        return "s"
    if verbs is not None and verb_stem(word) in verbs:
        return "base_verb"
    return "base"


def learn_verb_stems(texts: Iterable[str], min_count: int = 2, window: int = 12) -> frozenset[str]:
    """Stems seen both as an -ing form and as an -s/-es form in the first ``window`` words.

    This is how base forms such as "decide", "express", "call" are recognised as verbs in other
    genres without a hand-written verb list.
    """
    ing: Counter[str] = Counter()
    third: Counter[str] = Counter()
    for text in texts:
        for w in _words(text or "", window):
            n = len(w)
            if n > 5 and w.endswith("ing"):
                ing[verb_stem(w)] += 1
            elif n > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is", "ous")):
                third[verb_stem(w)] += 1
    return frozenset(s for s, c in ing.items() if c >= min_count and third[s] >= min_count
                     and len(s) > 2)


#: coarse grammatical class of a word form: finite verb, participle/adjective, adverb, other
COARSE_FORMS = {"s": "fin", "base_verb": "fin", "ing": "part", "ed": "part", "ly": "adv",
                "base": "base", "num": "num", "empty": "empty"}


def opening_words(text: str, verbs: frozenset[str] | None, n: int = 12,
                  ) -> tuple[list[tuple[int, int, str, str]], list[str], int, bool]:
    """``(spans, coarse_forms, head_index, caps)`` of the first ``n`` words, for phrase models.

    ``caps`` is True when the opening is written in capitals (old telegraphic text), so casing
    carries no information there. A word in -s before of/at/from/by is a plural noun ("base"),
    not a finite verb: "Threats of …", "Participants at …".
    """
    _, spans = opening_spans(text, n)
    words = [s[2] for s in spans]
    coarse = [COARSE_FORMS[word_form(w, verbs)] for w in words]
    for i in range(len(words) - 1):
        if coarse[i] == "fin" and words[i + 1] in NOUN_PREPOSITIONS and words[i][-1:] == "s":
            coarse[i] = "base"
    head, _ = _head(words)
    caps = bool(spans) and text[spans[0][0]:spans[-1][1]].isupper()
    return spans, coarse, head, caps


def _head(words: Sequence[str]) -> tuple[int, str]:
    """Index and word of the opening's head: the first word that is not a modifying adverb."""
    for i, w in enumerate(words[:4]):
        if w in ADVERBS or (len(w) > 4 and w.endswith("ly") and w not in ("apply", "supply")):
            continue
        return i, w
    return 0, words[0] if words else ""


def _len_bin(n: int) -> str:
    if n <= 3:
        return str(n)
    if n <= 6:
        return "4-6"
    if n <= 12:
        return "7-12"
    if n <= 25:
        return "13-25"
    if n <= 50:
        return "26-50"
    return "51+"


def _shape(token: str) -> str:
    token = token.lstrip("\"'“‘(*_[")
    if token.isupper():
        return "X" if len(token) > 1 and token[1].isalpha() else "Xx"
    if token.islower():
        return "x"
    first = token[:1]
    if first.isupper():
        return "Xx"
    return "d" if first.isdigit() else "p"


def clause_end(text: str) -> str:
    """The clause's final punctuation mark (``,`` ``;`` ``.`` ``:``) or ``none``."""
    stripped = text[-24:].rstrip(" \t\r\n\"'”’)*_")
    if not stripped:
        return "none"
    last = stripped[-1]
    if last in ",;.:":
        return last
    return "none"


def opening_features(text: str, verbs: frozenset[str] | None = None) -> Features:
    """Features of one clause's opening form (no document context).

    Keys: first words and head (first word that is not an adverb), suffixes and inflection class
    of the head, whether the opening is a finite predicate (verb in -s or a learned base-form
    verb, or subject + modal), casing shape, list numbering, final punctuation, length bin,
    "that"/"whereas"/"considering" openings, and date / symbol / meeting / number-only lines.
    """
    text = text if isinstance(text, str) else ""
    _, _, kind, offset = parse_numbering(text)
    rest = text[offset:]
    words = _words(rest, 6)
    w1 = words[0] if words else "<none>"
    w2 = words[1] if len(words) > 1 else "<none>"
    hi, head = _head(words)
    form = word_form(head, verbs)
    if form == "s" and hi == 0 and w2 in NOUN_PREPOSITIONS:
        form = "plural"
    if w1 == "we":  # "We, the participants, express…": the head is the first verb after "we"
        for j in range(1, len(words)):
            if word_form(words[j], verbs) == "base_verb":
                hi, head, form = j, words[j], "base_verb"
                break
    end = clause_end(text)
    modal = next((i for i, w in enumerate(words[:5]) if w in MODALS), -1)
    finite = form in ("s", "base_verb") or (modal > 0 and form != "ing")
    n_words = rest.count(" ") + 1 if rest.strip() else 0
    first_tok = rest.split(None, 1)[0] if n_words else ""
    feats: Features = {
        "w1": w1,
        "w2": w2,
        "w12": f"{w1} {w2}",
        "head": head,
        "head_suf3": head[-3:],
        "head_suf2": head[-2:],
        "form": form,
        "form_end": f"{form}|{end}",
        "w1_end": f"{w1}|{end}",
        "end": end,
        "len": _len_bin(n_words),
        "shape": _shape(first_tok),
        "num": kind or "none",
    }
    if hi:
        feats["adv"] = 1.0
        feats["adv_form"] = form
    if finite:
        feats["finite"] = 1.0
        feats["finite_end"] = end
    if modal > 0:
        feats["modal"] = 1.0
    if form in ("ing", "ed") or w1 in SUBORDINATORS:
        feats["nonfinite"] = 1.0  # participle, adjective or subordinate clause: not enacting
    elif end == "," and n_words <= 8 and not finite:
        feats["short_comma"] = 1.0  # "The General Assembly,", "We, the participants,"
    if w1 == "that" or (w1 == "and" and w2 == "that"):
        feats["that"] = 1.0
    elif w1 == "whereas":
        feats["whereas"] = 1.0
    if head in ("considering", "noting", "recognizing", "convinced", "aware") and w2 == "that":
        feats["verb_that"] = 1.0
    if w1 == "we":
        feats["we"] = 1.0
        feats["we_form"] = word_form(w2, verbs)
    if not words or (w1[0].isdigit() and not _ALPHA_RE.search(rest, 0, 80)):
        feats["no_letters"] = 1.0
    head_text = text[:120]
    if n_words <= 16:
        # meeting and date patterns both hold a digit: most short lines have none
        digit = _DIGIT_RE.search(head_text) is not None
        if digit and _MEETING_RE.search(head_text):
            feats["meeting"] = 1.0
        if n_words <= 10:
            if digit and _DATE_RE.search(head_text):
                feats["date"] = 1.0
            if _SYMBOL_RE.search(head_text):
                feats["symbol"] = 1.0
    if "symbol" not in feats and _SYMBOL_RE.match(rest):
        feats["symbol"] = 1.0
    if "\n" in text[:400].strip():
        feats["wrapped"] = 1.0
    return feats


def opening_kind(feats: Mapping[str, Any]) -> str:
    """A coarse, type-ish class of an opening, for neighbour and list-anchor features."""
    if "no_letters" in feats or "date" in feats or "symbol" in feats or "meeting" in feats:
        return "meta"
    if "that" in feats:
        return "that"
    end = feats.get("end")
    if "finite" in feats:
        return "finite" if end != "none" else "finite_noend"
    if "nonfinite" in feats:
        return "participle" if end != "none" else "participle_noend"
    if "short_comma" in feats:
        return "formula"
    return "other" if end != "none" else "title"


# --------------------------------------------------------------------------- document context

_NEIGHBOUR_KEYS = ("w1", "form", "end", "num")
_PREV_NAMES = tuple((k, "prev_" + k) for k in _NEIGHBOUR_KEYS)
_NEXT_NAMES = tuple((k, "next_" + k) for k in _NEIGHBOUR_KEYS)
#: keys ``document_features`` adds for context (everything else is the clause's own opening)
_CONTEXT_KEYS = frozenset({"relpos", "pos", "from_end", "kind"})
_CONTEXT_PREFIXES = ("prev_", "next_", "anc_", "seen_")


def _pos_bin(i: int) -> str:
    if i < 3:
        return str(i)
    if i < 6:
        return "3-5"
    if i < 11:
        return "6-10"
    if i < 21:
        return "11-20"
    return "21+"


_POS_BINS = tuple(_pos_bin(i) for i in range(21))
_UPPER_BYTES = bytes(range(ord("A"), ord("Z") + 1))
_LOWER_BYTES = bytes(range(ord("a"), ord("z") + 1))


def _doc_upper(texts: Sequence[str]) -> bool:
    """True when the document is written mostly in capitals (old telegraphic/OCR text)."""
    upper = lower = 0
    for t in texts:
        head = t[:160].encode("utf-8", "ignore")
        upper += len(head) - len(head.translate(None, _UPPER_BYTES))
        lower += len(head) - len(head.translate(None, _LOWER_BYTES))
    return upper > 3 * lower and upper > 20


def clause_texts(clauses: pd.DataFrame) -> list[str]:
    """The ``text`` column as Python strings (``""`` for a missing text)."""
    return [t if isinstance(t, str) else "" for t in clauses["text"].tolist()]


def document_features(clauses: pd.DataFrame, verbs: frozenset[str] | None = None,
                      context: bool = True, opening: bool = True) -> list[Features]:
    """Per-clause feature dicts for a clause table in document order.

    Always the opening features (casing shape neutralised in all-caps documents); with
    ``context`` also relative position and index from start/end, the previous and next clause's
    opening (``prev_``/``next_``), whether the previous clause ends with ":" and the opening of
    the line the current list hangs from (``anc_``), and what the document held so far (numbered
    clauses, finite openings, an enacting formula); ``opening=False`` keeps only the context
    keys. Rows keep the order of ``clauses``.
    """
    texts = clause_texts(clauses)
    doc_ids = clauses["doc_id"].tolist() if "doc_id" in clauses else [0] * len(texts)
    out: list[Features] = []
    start = 0
    n = len(texts)
    while start < n:
        stop = start + 1
        while stop < n and doc_ids[stop] == doc_ids[start]:
            stop += 1
        feats = _doc_features(texts[start:stop], verbs, context)
        if not opening:
            feats = [{k: v for k, v in f.items()
                      if k in _CONTEXT_KEYS or k.startswith(_CONTEXT_PREFIXES)} for f in feats]
        out.extend(feats)
        start = stop
    return out


def _doc_features(texts: Sequence[str], verbs: frozenset[str] | None,
                  context: bool) -> list[Features]:
    own = [opening_features(t, verbs) for t in texts]
    if _doc_upper(texts):
        for f in own:
            f["shape"] = "caps_doc"
    if not context:
        return own
    n = len(own)
    kinds = [opening_kind(f) for f in own]
    last = max(n - 1, 1)
    seen_num = seen_finite = seen_formula = seen_participle = False
    anchor: int | None = None
    prev: Features = {}
    anchor_feats: Features = {}
    # context keys are added in place: a clause's own keys are never overwritten, so the
    # neighbours still read their opening features from the same dicts
    for i, f in enumerate(own):
        g = f
        g["relpos"] = i / last
        g["pos"] = _POS_BINS[i] if i < 21 else "21+"
        g["from_end"] = _POS_BINS[n - 1 - i] if n - 1 - i < 21 else "21+"
        g["kind"] = kind = kinds[i]
        if i > 0:
            for key, name in _PREV_NAMES:
                g[name] = prev[key]
            g["prev_kind"] = kinds[i - 1]
            g["prev_end_form"] = prev["end"] + "|" + f["form"]
        else:
            g["prev_kind"] = "<start>"
        if i + 1 < n:
            q = own[i + 1]
            for key, name in _NEXT_NAMES:
                g[name] = q[key]
            g["next_kind"] = kinds[i + 1]
        else:
            g["next_kind"] = "<end>"
        # list anchor: the last line ending in ":" that the current run of items hangs from
        if i > 0 and prev["end"] == ":":
            anchor = i - 1
            anchor_feats = prev
        elif f["num"] == "none" and "that" not in f and f["end"] != ";":
            anchor = None
        if anchor is not None:
            g["anc_kind"] = kinds[anchor]
            g["anc_head"] = anchor_feats["head"]
            g["anc_form"] = anchor_feats["form"]
            g["anc_dist"] = min(i - anchor, 5) / 5.0
        if seen_num:
            g["seen_num"] = 1.0
        if seen_finite:
            g["seen_finite"] = 1.0
        if seen_formula:
            g["seen_formula"] = 1.0
        if seen_participle:
            g["seen_participle"] = 1.0
        seen_num = seen_num or f["num"] in ("digit", "alpha", "roman")
        seen_finite = seen_finite or kind == "finite"
        seen_formula = seen_formula or kind == "formula"
        seen_participle = seen_participle or kind == "participle"
        prev = f
    return own


# --------------------------------------------------------------------------- phrase spans


def phrase_words(phrase: str) -> tuple[str, ...]:
    """A phrase as the lowercased words ``opening_spans`` would give for it."""
    out = []
    for m in _SPAN_RE.finditer(phrase):
        core = m.group().rstrip(_TRAIL)
        if core:
            out.append(core.lower().strip(_LEADING))
    return tuple(out)


def _squash(text: str) -> str:
    return " ".join(text.split())


def phrase_length(text: str, phrase: str | None,
                  spans: Sequence[tuple[int, int, str, str]]) -> int | None:
    """How many opening words the gold ``phrase`` covers: 0 for no phrase, None if it is not
    an opening prefix of ``text`` (such rows are left out of training)."""
    if phrase is None or (isinstance(phrase, float) and math.isnan(phrase)) or not phrase:
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


def learn_phrase_stops(texts: Sequence[str], phrases: Sequence[str | None], window: int = 8,
                       min_count: int = 50) -> frozenset[str]:
    """Words seen at least ``min_count`` times among the first ``window`` words of clauses that
    have a gold phrase, yet never inside one ("the" after a verb, "that", "to", "of"…): a
    phrase candidate never extends over them, which prunes most candidates."""
    seen: Counter[str] = Counter()
    inside: set[str] = set()
    for text, phrase in zip(texts, phrases, strict=True):
        if not isinstance(phrase, str) or not phrase:
            continue
        _, spans = opening_spans(text, window)
        k = phrase_length(text, phrase, spans)
        if k is None:
            continue
        seen.update(s[2] for s in spans)
        inside.update(s[2] for s in spans[:k])
    return frozenset(w for w, c in seen.items() if c >= min_count and w not in inside)


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


def lemmatize_phrases(phrases: Sequence[str | None]) -> list[str | None]:
    """Lemmas via ``pipelines.corpus.labels.lemmatize_phrase`` (None for no phrase)."""
    from pipelines.corpus.labels import lemmatize_phrase

    return [lemmatize_phrase(p) if isinstance(p, str) and p else None for p in phrases]


# --------------------------------------------------------------------------- outputs


def document_positions(clauses: pd.DataFrame) -> list[int]:
    """Row positions of ``clauses`` in document order (grouped by doc_id, sorted by para_id)."""
    if clauses.empty:
        return []
    frame = pd.DataFrame({"doc_id": clauses["doc_id"].to_numpy(),
                          "para_id": clauses["para_id"].to_numpy() if "para_id" in clauses
                          else range(len(clauses))})
    frame["_doc"] = frame.groupby("doc_id", sort=False).ngroup()
    return frame.sort_values(["_doc", "para_id"], kind="stable").index.tolist()


def type_frame(proba: Any, classes: Sequence[str], labels: Sequence[str],
               index: pd.Index) -> pd.DataFrame:
    """The clause-type output columns from a probability matrix whose columns are ``classes``."""
    import numpy as np

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


def phrase_frame(texts: Sequence[str], bounds: Sequence[tuple[int, int] | None],
                 index: pd.Index) -> pd.DataFrame:
    """The action-phrase output columns from ``(start, end)`` offsets (None: no phrase)."""
    phrases = [texts[i][b[0]:b[1]] if b else None for i, b in enumerate(bounds)]
    return pd.DataFrame({
        "action_phrase": pd.Series(phrases, index=index, dtype=object),
        "action_lemma": pd.Series(lemmatize_phrases(phrases), index=index, dtype=object),
        "action_start": pd.Series([b[0] if b else -1 for b in bounds], index=index, dtype="int64"),
        "action_end": pd.Series([b[1] if b else -1 for b in bounds], index=index, dtype="int64"),
    }, index=index)

