"""One lemma vocabulary for six languages: the English verb.

English phrases get their lemma from the English rules (``lemmatize_phrase``). A French, Spanish,
Russian, Chinese or Arabic phrase ("Prie également", "Solicita", "просит", "请", "يطلب") is looked
up in a map learnt from aligned paragraphs: the phrase of a translated paragraph paired with the
lemma of the English paragraph that has the same ``eId`` in the same resolution
(:func:`learn_phrase_map`, built by ``pipelines.corpus.align``). The map is a JSON resource shipped
in the package (``resources/phrase_lemmas.json``):

- ``phrases``: the normalised phrase (lower case, edge punctuation stripped) → its lemma, the
  English lemma most often aligned with it;
- ``keys``: words of phrases (character bigrams in Chinese) → ``[lemma, precision, count]``, a
  back-off for phrases never seen whole: the key with the highest precision wins, so "prie
  instamment" takes *urge* from "instamment" rather than *request* from "prie".

A phrase found in neither gives ``None`` (unknown), never "" (which means: not a verb phrase).
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from typing import Any

from pipelines.text.lemmas import lemmatize_phrase
from pipelines.text.phrases import normalize_phrase
from pipelines.text.tokens import CJK_RE

__all__ = [
    "MAP_RESOURCE",
    "learn_phrase_map",
    "load_phrase_map",
    "phrase_keys",
    "phrase_lemma",
    "LEMMA_SYNONYMS",
    "lemma_class",
    "lemmas_agree",
    "normalize_translated_phrase",
    "lookup",
    "resolution_person",
]

MAP_RESOURCE = "phrase_lemmas.json"
#: a back-off key must have been seen this often, and this precisely, to be trusted
MIN_KEY_COUNT = 3
MIN_KEY_PRECISION = 0.8
_WORD_RE = re.compile(r"[^\W\d_]+")


#: Arabic short vowels and other harakat, optional in print ("علماً" = "علما")
_HARAKAT_RE = re.compile("[\u064b-\u065f\u0670]")

#: English lemmas the five translations render alike ("Souligne" for stresses, emphasizes,
#: underlines and underscores): agreement up to these is reported beside exact agreement.
LEMMA_SYNONYMS: tuple[frozenset[str], ...] = tuple(frozenset(s.split("|")) for s in (
    "stress|emphasize|underline|underscore|highlight",
    "recognize|acknowledge",
    "note|take note",
    "call upon|call on|call for|appeal",
    "reaffirm|reiterate",
    "be mindful|bear in mind|keep in mind|be aware|be conscious|be cognizant",
    "consider|take into account|take into consideration",
))
_SYNONYM_CLASS = {lemma: i for i, group in enumerate(LEMMA_SYNONYMS) for lemma in group}


def lemma_class(lemma: str) -> str:
    """The ``LEMMA_SYNONYMS`` set of ``lemma`` as one string ("emphasize|stress|…"), or the lemma
    itself when it has no synonyms."""
    group = _SYNONYM_CLASS.get(lemma)
    return lemma if group is None else "|".join(sorted(LEMMA_SYNONYMS[group]))


def lemmas_agree(a: str | None, b: str | None, synonyms: bool = False) -> bool:
    """Whether two lemmas are the same (or, with ``synonyms``, in one ``LEMMA_SYNONYMS`` set)."""
    if a is None or b is None:
        return False
    return a == b or (synonyms and lemma_class(a) == lemma_class(b))


def normalize_translated_phrase(phrase: str, language: str) -> str:
    """The map's key for a translated phrase: lower case, edge punctuation stripped, and in
    Arabic without the optional short vowels."""
    text = normalize_phrase(phrase).lower()
    return _HARAKAT_RE.sub("", text) if language == "ar" else text


def phrase_keys(phrase: str, language: str) -> list[str]:
    """Back-off keys of a (normalised) phrase: its words, or for Chinese its character
    bigrams and single characters."""
    if language == "zh":
        chars = CJK_RE.findall(phrase)
        return ["".join(chars[i:i + 2]) for i in range(len(chars) - 1)] + chars
    return _WORD_RE.findall(phrase)


def learn_phrase_map(triples: Iterable[tuple[str, str, str]]) -> dict[str, Any]:
    """The map from ``(language, phrase, english_lemma)`` triples of aligned clauses.

    For each language: every phrase's most frequent lemma (ties: the alphabetically first), and
    the back-off keys with their most frequent lemma, its precision and count (kept when seen
    ``MIN_KEY_COUNT`` times at ``MIN_KEY_PRECISION``).
    """
    by_phrase: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    by_key: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for language, phrase, lemma in triples:
        norm = normalize_translated_phrase(phrase, language)
        if not norm or not lemma:
            continue
        by_phrase[language][norm][lemma] += 1
        for key in set(phrase_keys(norm, language)):
            by_key[language][key][lemma] += 1
    out: dict[str, Any] = {"languages": {}}
    for language in sorted(by_phrase):
        phrases = {p: min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0]
                   for p, c in sorted(by_phrase[language].items())}
        keys: dict[str, list[Any]] = {}
        for key, counts in sorted(by_key[language].items()):
            lemma, n = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            total = sum(counts.values())
            if total >= MIN_KEY_COUNT and n / total >= MIN_KEY_PRECISION:
                keys[key] = [lemma, round(n / total, 4), total]
        out["languages"][language] = {"phrases": phrases, "keys": keys}
    return out


@lru_cache(maxsize=1)
def load_phrase_map() -> dict[str, Any]:
    """The shipped map (empty languages if the resource is missing)."""
    ref = resources.files("pipelines.text") / "resources" / MAP_RESOURCE
    if not ref.is_file():
        return {"languages": {}}
    loaded: dict[str, Any] = json.loads(ref.read_text(encoding="utf-8"))
    return loaded


def lookup(phrase: str, language: str, phrase_map: dict[str, Any]) -> str | None:
    """The lemma of a translated ``phrase`` in ``phrase_map`` (see the module docstring); a
    phrase it does not know is tried again in the person of the resolutions
    (:func:`resolution_person`)."""
    table = phrase_map.get("languages", {}).get(language)
    if not table:
        return None
    norm = normalize_translated_phrase(phrase, language)
    found = _lookup_normalized(norm, language, table)
    if found is None:
        variant = resolution_person(norm, language)
        if variant != norm:
            found = _lookup_normalized(variant, language, table)
    return found


def _lookup_normalized(norm: str, language: str, table: dict[str, Any]) -> str | None:
    lemma = table["phrases"].get(norm)
    if lemma is not None:
        return str(lemma)
    best: tuple[float, int, str] | None = None
    for key in phrase_keys(norm, language):
        hit = table["keys"].get(key)
        if hit is not None and (best is None or (hit[1], hit[2]) > best[:2]):
            best = (hit[1], hit[2], hit[0])
    return best[2] if best else None


#: Arabic particles before the verb ("وإذ ترى", "و يدعو")
_AR_PARTICLES = frozenset({"و", "إذ", "وإذ", "كما"})
#: first-person plural endings → third-person singular, by language (the first that fits)
_PLURAL_TO_THIRD: dict[str, tuple[tuple[str, str], ...]] = {
    "ru": (("аем", "ает"), ("яем", "яет"), ("уем", "ует"), ("ём", "ёт"), ("ем", "ет"), ("им", "ит")),
    "fr": (("ons", "e"),),
    "es": (("amos", "a"), ("emos", "e"), ("imos", "e")),
}
#: the first-person pronoun a communiqué puts before its verbs
_WE = {"ru": "мы", "fr": "nous", "es": "nosotros", "zh": "我们"}


def resolution_person(norm: str, language: str) -> str:
    """A normalised phrase put in the person the General Assembly's resolutions use, which is
    all the phrase map has seen: the verbs of communiqués and conference texts speak as "we"
    ("Мы просим", "Nous invitons", "我们呼吁", "نطلب") or, in Arabic, as a masculine body
    ("يدعو" — the Assembly is feminine: "تدعو"). Russian, French and Spanish first-person
    plural endings become third-person singular ("просим" → "просит", "invitons" → "invite"),
    the pronoun goes, and an Arabic verb's person prefix (ي, ن) becomes ت. Unchanged when
    nothing applies."""
    words = norm.split()
    we = _WE.get(language)
    if language == "zh":
        return norm[len(we):] if we and norm.startswith(we) and len(norm) > len(we) else norm
    if language == "ar":
        for i, word in enumerate(words):
            if word in _AR_PARTICLES:
                continue
            if len(word) >= 3 and word[0] in "ين":
                words[i] = "ت" + word[1:]
            break
        return " ".join(words)
    if we and len(words) > 1 and words[0] == we:
        words = words[1:]
    for ending, third in _PLURAL_TO_THIRD.get(language, ()):
        if words and words[0].endswith(ending) and len(words[0]) > len(ending) + 2:
            words[0] = words[0][: -len(ending)] + third
            break
    return " ".join(words)


def phrase_lemma(phrase: str, language: str | None) -> str | None:
    """The English verb lemma of an action phrase in ``language`` (ISO 639-1; ``None`` or
    "en" is English): "Also requests" → request, "Prie également" → request, "请" → request.
    "" when an English phrase is no verb phrase; ``None`` when a translated phrase is unknown."""
    if language in (None, "en"):
        return lemmatize_phrase(phrase)
    return lookup(phrase, language, load_phrase_map())
