"""Closed English word classes the language rules share, each named for the rule that reads it.

Open classes (which words are verbs) are learned from data; only these small closed lists are
spelled out. Two lists of adverbs serve two rules and differ on purpose: the opening's head is
found past :data:`OPENING_ADVERBS` (which include "and", "in addition", ordinals), while the
lemmatizer sets aside the longer list of manner and degree adverbs in :data:`MODIFIER_ADVERBS`.
"""

from __future__ import annotations

import re

__all__ = [
    "ABBREVIATIONS", "CONTINUING_WORDS", "DATE_RE", "FUNCTION_WORDS", "MODALS", "MODIFIER_ADVERBS",
    "ING_PREPOSITIONS", "MONTHS", "MONTH_RE", "NOUN_PHRASE_STARTS", "NOUN_PREPOSITIONS",
    "OPENING_ADVERBS",
    "SUBORDINATORS", "wordset",
]


def wordset(spaced: str) -> frozenset[str]:
    """The words of a whitespace-separated list."""
    return frozenset(spaced.split())


# ── dates ─────────────────────────────────────────────────────────────────────────────────

#: month names, lower case, as an alternation for regular expressions
MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|"
          "december")
#: a month name at the match position (any case)
MONTH_RE = re.compile(rf"(?:{MONTHS})\b", re.IGNORECASE)
#: a written date: "22 November 2017", "November 22, 2017", "November 2017"
DATE_RE = re.compile(rf"(?:\b\d{{1,2}}\s+(?:{MONTHS})\s+\d{{4}}|\b(?:{MONTHS})\s+\d{{1,2}},?\s+"
                     rf"\d{{4}}|\b(?:{MONTHS})\s+\d{{4}})", re.IGNORECASE)

# ── the opening of a clause ───────────────────────────────────────────────────────────────

#: words that modify the opening verb and are skipped to find its head
OPENING_ADVERBS = frozenset({
    "also", "further", "again", "once", "hereby", "still", "moreover", "furthermore",
    "likewise", "therefore", "thus", "accordingly", "both", "however", "nevertheless", "now",
    "and", "finally", "lastly", "first", "second", "third", "in", "addition",
})
#: conjunctions that open a subordinate (non-enacting) clause
SUBORDINATORS = frozenset({"whereas", "given", "since", "inasmuch"})
#: prepositions in -ing: "Including:", "Concerning the agenda:" open no participle clause
ING_PREPOSITIONS = frozenset({
    "including", "concerning", "regarding", "following", "during", "according", "excluding",
    "pending", "notwithstanding", "barring", "respecting", "touching",
})
#: subordinating conjunctions that open no action phrase ("Since the last session, …"); "Whereas"
#: is not one of them: the preambles of recommendations print it as their phrase
NON_PHRASE_CONJUNCTIONS = ("since", "when", "while", "if", "although", "because", "as", "inasmuch")
#: first words of French and Spanish openings that are no action phrase: articles, determiners,
#: prepositions, "Que" of a "Considérant :" item, the copula of "Es conveniente que …" and the
#: impersonal "Il" of "Il est souhaitable que …" (no gold phrase of the six-language corpus opens
#: with one; "Il est recommandé", like "It is recommended", is the exception)
ROMANCE_NON_PHRASE_STARTS = frozenset({
    "le", "la", "les", "l", "un", "une", "des", "du", "dans", "lors", "depuis", "en", "ce", "cette",
    "ces", "chaque", "il", "que", "qu", "el", "los", "las", "una", "unos", "unas", "desde", "es",
    "cada", "este", "esta", "estos", "estas", "todo", "todos", "toda", "todas",
})
#: impersonal openings of recommendations in Russian and Arabic, and Russian "that" items, no
#: action phrase ("Желательно, чтобы …", "Что многие дети …;", "ينبغي أن …"); whole words, none
#: opens a gold phrase of the six-language corpus
IMPERSONAL_STARTS: dict[str, tuple[str, ...]] = {
    "ru": ("желательно", "необходимо", "важно", "целесообразно", "можно", "нужно", "что",
           "чтобы"),
    "ar": ("لا ينبغي", "ينبغي", "لا يجب", "يجب", "يمكن", "من المستحسن", "من الضروري", "من المهم"),
}
#: a modal verb just after a span in Russian (within three words) and Chinese (eight
#: characters): the span is the subject of a recommendation ("Учителя должны …", "学校应当 …")
MODAL_AFTER: dict[str, re.Pattern[str]] = {
    "ru": re.compile(r"\W*(?:\w+\W+){0,3}?(?:следует|должн\w*|может|могут|можно|надлежит)\b",
                     re.IGNORECASE),
    "zh": re.compile(r".{0,8}?(?:应当|应该|应|宜|可以|不应|必须|须)"),
}
#: modal verbs; a subject followed by one is a finite predicate
MODALS = frozenset({"shall", "should", "will", "may", "must", "would", "can", "could"})
#: after a word in -s these make it a plural noun, not a verb ("Participants at", "Threats of")
NOUN_PREPOSITIONS = frozenset({"of", "at", "from", "by"})
#: function words at a candidate phrase boundary
FUNCTION_WORDS = frozenset({
    "the", "a", "an", "of", "to", "that", "its", "their", "his", "her", "our", "all", "in",
    "with", "for", "upon", "on", "by", "at", "and", "or", "as", "from", "this", "these", "those",
    "any", "which", "whose", "be", "is", "are", "has", "have", "not", "no",
})
#: first words of a noun phrase (a list item "The risk of …;", not "Issue a statement;")
NOUN_PHRASE_STARTS = frozenset({
    "the", "a", "an", "its", "their", "our", "all", "any", "each", "every", "this", "these",
    "those", "such", "further", "greater", "more",
})


# ── action phrases ────────────────────────────────────────────────────────────────────────

#: adverbs the lemmatizer sets aside as modifiers ("Also", "Strongly", "Once again")
MODIFIER_ADVERBS = wordset("""
also further again furthermore moreover additionally likewise similarly equally especially
particularly therefore hereby thus duly warmly sincerely greatly profoundly highly unanimously
resolutely urgently respectfully solemnly unequivocally categorically vigorously emphatically
expressly explicitly still nevertheless accordingly consequently hence finally lastly ever
strongly deeply firmly fully gravely seriously most very once yet now always continually
constantly repeatedly earnestly keenly sorely genuinely wholeheartedly fervently increasingly
particularly specifically officially formally collectively jointly individually
""")

#: the verbs (lemmas, American spelling) that open English action phrases: every head of a
#: gold lemma of the GA/ECOSOC training split and of the six-language phrase map, and a few
#: decision verbs of other bodies. A word in -s outside them that is the subject of a later
#: modal ("Vessels that fish … should carry") opens no phrase (``models.frames``).
PHRASE_VERBS = wordset("""
acknowledge adopt affirm agree aim amend anticipate appeal applaud appoint appreciate
appropriate approve ask assert authorize be bear believe bring call commemorate commend commit
concur condemn confirm congratulate consider continue decide declare deem demand deplore
determine direct draw emphasize encourage endeavour endorse entrust establish examine expect
exhort express extend give greet have hear highlight honour insist instruct invite listen look
maintain mark mourn note object observe pay pledge praise proceed proclaim promote propose
raise re-emphasize reaffirm realize recall receive recognize recommend recommit reconfirm refer
regret reiterate reject remind renew request require resolve respect revise seek share
strengthen stress strive suggest support take trust underline underscore understand undertake
urge value warn welcome wish
""")

# ── line joining ──────────────────────────────────────────────────────────────────────────

#: a line that ends in one of these goes on in the next line
CONTINUING_WORDS = wordset(
    "a an and as at by for from in into its of on or the their to with which that whose whom "
    "including between among against under upon over through towards toward than nor but if "
    "our your his her this these those such both either"
)
#: abbreviations whose full stop does not end a sentence ("Mr.", "No.", "e.g.")
ABBREVIATIONS = wordset(
    "mr mrs ms dr st no nos art arts para paras vol p pp e.g i.e cf viz ch sect rev corr add "
    "distr op cit ibid"
)
