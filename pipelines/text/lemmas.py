"""Verb lemmas of action phrases: "Also requests" → request, "Taking note" → take note.

Pure, deterministic functions used on gold data (the italic openings of AKN4UN markup) and on
model predictions alike.

Lemma rules (``lemmatize_phrase``), applied to the normalised phrase in this order:

1. A leading subject ``We`` is dropped ("We also reaffirm" → reaffirm).
2. Modifiers are set aside (returned by ``phrase_modifiers``): adverbs (also, further, again,
   once again, strongly, deeply, firmly, fully, gravely, seriously, …), manner phrases
   ("with appreciation", "with great concern", "in the strongest terms") and, inside a fixed
   complement, intensity adjectives ("deep", "grave" in "Expresses its deep concern").
3. ``Whereas`` stays ``whereas``. ``Having``/``Have``/``Has`` + participle is the participle's
   verb ("Having considered" → consider, "Having heard" → hear, "Have agreed" → agree), and
   "Continues to" + verb is that verb (modifier "continues to"). Openings that cannot be
   verbs ("The General Assembly", "That", "39th plenary meeting") give "".
4. Adjectives and past participles that open a preambular clause ("Concerned", "Mindful",
   "Guided by", "Convinced", "Aware"), alone or after a copula (is, are, being, remains,
   remaining), become ``be`` + the word: "Deeply concerned" → be concerned, "Remains
   convinced" → be convinced.
5. Otherwise the first word is a verb and ``lemmatize_verb`` gives its base form: the domain
   table of irregular and UN-usage forms first ("fulfils" → fulfil), then lemminflect's English
   dictionary ("expediting" → expedite, "owing" → owe, "died" → die), then, for words it does
   not know, spelling rules: third person -s/-es/-ies, -ing participles (undoubling
   "referring" → refer, restoring a final e "noting" → note) and -ed.
6. A few verbs keep a fixed complement because the verb alone says little or means something
   else (chosen by frequency in the GA/ECOSOC corpus): take note, take into account, take into
   consideration, take stock, call upon, call on, call for, call attention, bear in mind, keep
   in mind, pay tribute, look forward, draw attention, give consideration, and express + one of
   concern, appreciation, gratitude, satisfaction, support, regret, alarm, hope, solidarity,
   condolences ("Expressing its deep concern" → express concern). Any other complement is
   dropped ("Reiterates its call upon" → reiterate, "Reaffirms its commitment" → reaffirm).
7. Only the first verb of a coordination counts ("Welcomes and urges" → welcome).

The lemma is lower case; an empty or unanalysable phrase gives "".
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipelines.text.normalize import normalize_text
from pipelines.text.numbering import split_number
from pipelines.text.phrases import EDGE_PUNCT, normalize_phrase
from pipelines.text.wordclasses import MODIFIER_ADVERBS, wordset

__all__ = ["NOT_A_VERB_PHRASE", "complete_phrase", "lemmatize_phrase", "lemmatize_verb",
           "phrase_modifiers"]

#: the lemma of an opening that is no verb phrase ("It is desirable", "The meals")
NOT_A_VERB_PHRASE = ""

# ── verbs ───────────────────────────────────────────────────────────────────────────────────

_IRREGULAR: dict[str, str] = {
    # -ing / -s forms the spelling rules get wrong
    "bearing": "bear", "having": "have", "has": "have", "being": "be", "is": "be", "are": "be",
    "am": "be", "was": "be", "were": "be", "been": "be", "does": "do", "doing": "do",
    "goes": "go", "taking": "take", "making": "make", "giving": "give", "seeing": "see",
    "lying": "lie", "dying": "die", "tying": "tie", "focuses": "focus", "focusing": "focus",
    "focussing": "focus", "fulfilling": "fulfil", "fulfils": "fulfil", "fulfilled": "fulfil",
    "adding": "add", "monitoring": "monitor", "sponsoring": "sponsor", "boycotting": "boycott",
    "interfering": "interfere", "adhering": "adhere", "persevering": "persevere",
    "combating": "combat", "combated": "combat", "developing": "develop",
    "adhered": "adhere", "fuelling": "fuel", "fuelled": "fuel",
    # irregular past participles
    "heard": "hear", "taken": "take", "given": "give", "made": "make", "held": "hold",
    "met": "meet", "done": "do", "seen": "see", "undertaken": "undertake", "chosen": "choose",
    "known": "know", "shown": "show", "drawn": "draw", "written": "write", "brought": "bring",
    "sought": "seek", "thought": "think", "found": "find", "led": "lead", "paid": "pay",
    "laid": "lay", "sent": "send", "spent": "spend", "built": "build", "become": "become",
    "begun": "begin", "borne": "bear", "agreed": "agree", "decreed": "decree",
    "guaranteed": "guarantee", "focused": "focus", "focussed": "focus",
}

_UNDOUBLE = set("bdgmnprt")
_KEEP_LL = ("recall", "install", "stall", "befall", "enroll", "instill")
_E_SUFFIXES = (
    # stems that take a final e back ("invit-ing" → invite); checked after the general rules
    "plor", "stor", "gnor", "scor", "invit", "unit", "xcit", "recit", "incit", "writ",
    "mpet", "elet", "plet", "com", "ven", "creat", "guid", "sum",
)
_VOWELS = set("aeiou")


def _restore_e(stem: str) -> str:
    """Base form of a verb stem left by removing -ing/-ed ("not" → note, "consider" stays)."""
    if len(stem) < 2:
        return stem
    last, prev = stem[-1], stem[-2]
    if stem.endswith(_E_SUFFIXES):
        return stem + "e"
    if last in "vuzc":  # observ-e, continu-e, recogniz-e, produc-e
        return stem + "e"
    if last == "s":  # propos-e, advis-e, purchas-e, endors-e; not discuss, focus, bias
        return stem if stem.endswith(("ss", "cus", "ias")) else stem + "e"
    if last == "g":  # encourag-e, urg-e, acknowledg-e, chang-e; not bring, belong
        if prev in "rd" or (prev in _VOWELS):
            return stem + "e"
        if prev == "n" and len(stem) > 2 and stem[-3] in "ae":
            return stem + "e"
        return stem
    if last == "l" and prev in "bcdfgkptz":  # enabl-e, handl-e, settl-e
        return stem + "e"
    if last == "t" and prev == "a" and not stem.endswith(("eat", "oat")):
        return stem + "e"  # appreciat-e, reiterat-e; not repeat, treat
    if prev in _VOWELS and last not in _VOWELS and last not in "wxy":
        before = stem[-3] if len(stem) > 2 else ""
        if before in _VOWELS and stem[-4:-2] != "qu":  # maintain, appear: digraph, no e
            return stem
        if re.fullmatch(r"[^aeiouy]*[aeiouy][^aeiouwxy]", stem):  # one short syllable: note
            return stem + "e"
        if last == "r" and prev in "aiu":  # declar-e, requir-e, ensur-e; not consider
            return stem + "e"
        if last in "dbk" and prev in "aeiou":  # decid-e, describ-e, invok-e
            return stem + "e"
        if last == "n" and prev == "i":  # determin-e, examin-e, underlin-e
            return stem + "e"
        if last == "t" and prev in "uo":  # contribut-e, promot-e
            return stem + "e"
        if last == "p" and prev == "a":  # shap-e, escap-e
            return stem + "e"
        if last == "l":  # compil-e, schedul-e (British doubles the l of travel, control)
            return stem + "e"
    return stem


def _base_of_stem(stem: str) -> str:
    """Base form from the stem left by -ing/-ed: undouble a final consonant ("referr" → refer,
    British "labell" → label) or restore a final e ("not" → note)."""
    if len(stem) > 3 and stem[-1] == stem[-2]:
        if stem[-1] in _UNDOUBLE:
            return stem[:-1]
        if (stem.endswith("ll") and len(re.findall(r"[aeiouy]+", stem)) > 1
                and not stem.endswith(_KEEP_LL)):
            return stem[:-1]  # British travell-ing, controll-ed, signall-ing
        return stem
    return _restore_e(stem)


@lru_cache(maxsize=65536)
def _dictionary_lemma(word: str) -> str | None:
    """lemminflect's verb lemma of a word in its dictionary (its data ships in the wheel), or
    None for a word it does not know (then the spelling rules decide)."""
    from lemminflect import getLemma

    lemmas = getLemma(word, upos="VERB", lemmatize_oov=False)
    return lemmas[0] if lemmas else None


def lemmatize_verb(word: str) -> str:
    """Base form of one English verb form: "requests" → request, "noting" → note,
    "recognizing" → recognize, "studies" → study, "considered" → consider, "heard" → hear,
    "expediting" → expedite.

    Base forms pass through ("decide", "express", "address"). Hyphenated prefixes are kept:
    "re-emphasizes" → re-emphasize.
    """
    w = word.lower().strip(EDGE_PUNCT + "'’\"“”()")
    if "-" in w:
        head, _, tail = w.rpartition("-")
        return f"{head}-{lemmatize_verb(tail)}" if head and tail else w
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if w.isalpha() and (found := _dictionary_lemma(w)):
        return found
    if len(w) > 4 and w.endswith("ing"):
        return _base_of_stem(w[:-3])
    if len(w) > 4 and w.endswith("ied"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("ed") and not w.endswith("eed"):
        return _base_of_stem(w[:-2])
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if w.endswith(("sses", "shes", "ches", "xes", "zzes", "oes")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


# ── phrases → lemma ─────────────────────────────────────────────────────────────────────────


_MULTI_MODIFIERS: tuple[tuple[str, ...], ...] = tuple(
    tuple(m.split()) for m in (
        "once again", "yet again", "once more", "in particular", "in addition",
        "in this regard", "in that regard", "in this context", "in that context",
        "in this respect", "in that respect", "in the strongest possible terms",
        "in the strongest terms", "in strong terms", "ever more", "as well",
    )
)

_MULTI_BY_FIRST: dict[str, list[tuple[str, ...]]] = {}
for _multi in _MULTI_MODIFIERS:
    _MULTI_BY_FIRST.setdefault(_multi[0], []).append(_multi)

_INTENSITY = wordset("""
deep deepest grave gravest serious great greatest profound sincere strong strongest full
continued continuing particular utmost heartfelt warm warmest high growing increasing renewed
unwavering firm special sincerest very most utmost unequivocal
""")

_DETERMINERS = wordset("its their our his her the a an this that")
_NOT_MANNER = wordset("and or to regard respect reference view")
#: First words that cannot open an action phrase (titles, formulas, table cells, "That…").
_NOT_VERBS = wordset("the a an of in on at by for to and or with that this these those it")
_CONTINUE = wordset("continues continue continuing")
_PERFECT = wordset("having have has")

_BE_ADJECTIVES = wordset("""
aware mindful cognizant conscious desirous confident anxious eager hopeful grateful
appreciative fearful sensitive respectful supportive certain sure ready willing responsible
keen firm seized resolute heartened dismayed sad mindful apprehensive optimistic
""")

_COPULAS = wordset("is are am be being remains remaining remain continues")

_FIXED: dict[str, tuple[tuple[str, ...], ...]] = {
    "take": (("note",), ("into", "account"), ("into", "consideration"), ("stock",)),
    "call": (("upon",), ("on",), ("for",), ("attention",)),
    "bear": (("in", "mind"),),
    "keep": (("in", "mind"),),
    "pay": (("tribute",),),
    "look": (("forward",),),
    "draw": (("attention",),),
    "give": (("consideration",),),
    "express": tuple((n,) for n in (
        "concern", "appreciation", "gratitude", "satisfaction", "support", "regret", "alarm",
        "hope", "solidarity", "condolences")),
}
_PLURAL_COMPLEMENTS = {"concerns": "concern", "regrets": "regret", "hopes": "hope"}

_TOKEN_STRIP = "\"'“”‘’()[],;:.!?"


def _take_modifier(words: list[str], i: int) -> tuple[str | None, int]:
    """A modifier starting at ``words[i]`` and the index after it, or ``(None, i)``."""
    for multi in _MULTI_BY_FIRST.get(words[i], ()) if i < len(words) else ():
        if tuple(words[i:i + len(multi)]) == multi:
            return " ".join(multi), i + len(multi)
    if i < len(words) and words[i] in MODIFIER_ADVERBS:
        return words[i], i + 1
    if i < len(words) and words[i] == "with" and i + 1 < len(words):
        j = i + 1
        while j < len(words) and words[j] in _INTENSITY:
            j += 1
        if j < len(words) and words[j] not in _DETERMINERS and words[j] not in _NOT_MANNER:
            return " ".join(words[i:j + 1]), j + 1
    return None, i


def _skip_modifiers(words: list[str], i: int, mods: list[str]) -> int:
    while i < len(words):
        mod, j = _take_modifier(words, i)
        if mod is None:
            break
        mods.append(mod)
        i = j
    return i


def _is_participle_adjective(word: str) -> bool:
    return (word in _BE_ADJECTIVES
            or (len(word) > 4 and word.endswith("ed") and not word.endswith("eed")))


def _complement(verb: str, words: list[str], i: int, mods: list[str]) -> str:
    """The fixed complement of ``verb`` at ``words[i:]`` ("" if none), adding skipped modifiers."""
    options = _FIXED.get(verb)
    if not options:
        return ""
    local: list[str] = []
    j = _skip_modifiers(words, i, local)
    while j < len(words) and words[j] in _DETERMINERS:
        j += 1
    if verb == "express":
        while j < len(words) and (words[j] in _INTENSITY or words[j] in MODIFIER_ADVERBS):
            local.append(words[j])
            j += 1
    for opt in options:
        got = tuple(_PLURAL_COMPLEMENTS.get(w, w) for w in words[j:j + len(opt)])
        if got == opt:
            mods.extend(local)
            rest = words[j + len(opt):]
            _skip_modifiers(rest, 0, mods)
            return " ".join(opt)
    return ""


@lru_cache(maxsize=8192)
def _analyse(phrase: str) -> tuple[str, tuple[str, ...]]:
    words = [w for w in (t.strip(_TOKEN_STRIP).lower() for t in normalize_phrase(phrase).split())
             if w]
    if not words or not words[0][0].isalpha():  # "39th plenary meeting", "2030 Agenda"
        return "", ()
    mods: list[str] = []
    if words and words[0] == "we":
        words = words[1:]
    if words[:3] == ["it", "is", "recommended"]:  # the impersonal recommendation of other genres
        return "recommend", tuple(mods)
    if words[:1] == ["to"] and len(words) > 1:  # an infinitive item: "(a) To call upon …"
        words = words[1:]
    i = _skip_modifiers(words, 0, mods)
    if i >= len(words):
        return "", tuple(mods)
    head = words[i]
    i += 1
    if head == "whereas":
        return "whereas", tuple(mods)
    if head in _NOT_VERBS:
        return "", tuple(mods)
    if head in _CONTINUE and words[i:i + 1] == ["to"] and i + 1 < len(words):
        mods.append(f"{head} to")  # "Continues to encourage" → encourage
        i = _skip_modifiers(words, i + 1, mods)
        if i >= len(words):
            return "", tuple(mods)
        head, i = words[i], i + 1
    if head in _PERFECT and i < len(words):  # "Having considered", "Have agreed"
        j = _skip_modifiers(words, i, mods)
        if j < len(words):
            nxt = words[j]
            if nxt in _IRREGULAR or lemmatize_verb(nxt) != nxt:
                verb = lemmatize_verb(nxt)
                comp = _complement(verb, words, j + 1, mods)
                if not comp:
                    _skip_modifiers(words, j + 1, mods)
                return (f"{verb} {comp}" if comp else verb), tuple(mods)
    if head in _COPULAS and i < len(words):
        j = _skip_modifiers(words, i, mods)
        if j < len(words) and _is_participle_adjective(words[j]):
            head, i = words[j], j + 1
            _skip_modifiers(words, i, mods)
            return f"be {head}", tuple(mods)
    if _is_participle_adjective(head):
        _skip_modifiers(words, i, mods)
        return f"be {head}", tuple(mods)
    verb = lemmatize_verb(head)
    comp = _complement(verb, words, i, mods)
    if not comp:
        _skip_modifiers(words, i, mods)
    return (f"{verb} {comp}" if comp else verb), tuple(mods)


#: lemmas whose verb only makes sense with what follows ("Having" considered, "Remains" concerned)
_OPEN_HEADS = frozenset({"have", "be", "remain", "continue"})


def complete_phrase(phrase: str, clause_text: str, max_words: int = 4) -> str:
    """``phrase`` extended by the words that follow it in ``clause_text`` when they are its fixed
    complement: an italic "Bearing" before "in mind" → "Bearing in mind", "Takes" before
    "note of" → "Takes note", "Remains" before "concerned" → "Remains concerned".

    Unchanged unless ``phrase`` opens the text (after numbering) and one to ``max_words``
    following words turn its lemma into a lemma with a complement.
    """
    phrase = normalize_phrase(phrase)
    lemma = lemmatize_phrase(phrase)
    if lemma not in _FIXED and lemma not in _OPEN_HEADS:  # nothing could complete it
        return phrase
    _, body = split_number(normalize_text(clause_text))
    if not body.startswith(phrase):
        return phrase
    rest = body[len(phrase):].split()
    for k in range(1, min(max_words, len(rest)) + 1):
        candidate = normalize_phrase(f"{phrase} {' '.join(rest[:k])}")
        new = lemmatize_phrase(candidate)
        if new != lemma and (new.startswith(lemma + " ") or lemma in _OPEN_HEADS):
            return candidate if body.startswith(candidate) else phrase
    return phrase


def lemmatize_phrase(phrase: str) -> str:
    """Canonical verb lemma of an action phrase: "Also requests" → request, "Taking note" →
    take note, "Deeply concerned" → be concerned, "Expresses its deep concern" → express
    concern, "Having considered" → consider. See the module docstring for the rules."""
    return _analyse(phrase)[0]


def phrase_modifiers(phrase: str) -> tuple[str, ...]:
    """The modifiers set aside by ``lemmatize_phrase``, lower case and in order of appearance:
    "Once again strongly urges" → ("once again", "strongly")."""
    return _analyse(phrase)[1]
