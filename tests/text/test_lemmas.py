"""Verb lemmas of action phrases, their modifiers, and phrases completed by their complement."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.text.lemmas import complete_phrase, lemmatize_phrase, lemmatize_verb, phrase_modifiers

# The brief's examples first, then openings as they occur in GA/ECOSOC resolutions.
LEMMAS = [
    ("Also requests", "request"), ("Requests", "request"), ("Further requests", "request"),
    ("Notes with appreciation", "note"), ("Takes note", "take note"),
    ("Taking note", "take note"), ("Recalling also", "recall"), ("Recalling further", "recall"),
    ("Deeply concerned", "be concerned"), ("Concerned", "be concerned"),
    ("Expresses its deep concern", "express concern"), ("Expressing concern", "express concern"),
    ("Calls upon", "call upon"), ("Once again urges", "urge"),
    ("Reiterates its call upon", "reiterate"), ("Strongly condemns", "condemn"),
    ("Decides", "decide"), ("Decide", "decide"), ("Express", "express"),
    ("Guided by", "be guided"), ("Mindful", "be mindful"), ("Having considered", "consider"),
    ("Bearing in mind", "bear in mind"), ("Welcoming", "welcome"), ("Emphasizing", "emphasize"),
    ("Reaffirming", "reaffirm"), ("Noting with concern", "note"), ("Considering that", "consider"),
    ("Whereas", "whereas"), ("Encourages", "encourage"), ("Invites", "invite"), ("Urges", "urge"),
    ("Recognizing", "recognize"), ("Acknowledging", "acknowledge"), ("Stressing", "stress"),
    ("Underlining", "underline"), ("Alarmed", "be alarmed"), ("Convinced", "be convinced"),
    ("Aware", "be aware"), ("Determined", "be determined"), ("Cognizant", "be cognizant"),
    # more openings from the corpus
    ("Expresses its appreciation", "express appreciation"),
    ("Expressing its grave concern also", "express concern"),
    ("Expressing gravest concerns", "express concern"),
    ("Expresses its profound gratitude", "express gratitude"),
    ("Expresses the hope", "express hope"), ("Expresses its conviction", "express"),
    ("Takes note with appreciation", "take note"), ("Taking into account", "take into account"),
    ("Taking into consideration", "take into consideration"), ("Taking stock", "take stock"),
    ("Calls once again upon", "call upon"), ("Calls for", "call for"), ("Calls on", "call on"),
    ("Calling attention also", "call attention"), ("Looks forward", "look forward"),
    ("Pays tribute", "pay tribute"), ("Draws the attention", "draw attention"),
    ("Bearing in mind also", "bear in mind"), ("Remains deeply concerned", "be concerned"),
    ("Remaining convinced", "be convinced"), ("Being gravely concerned", "be concerned"),
    ("Is encouraged", "be encouraged"), ("Encouraged", "be encouraged"),
    ("Gravely concerned", "be concerned"), ("Seized", "be seized"), ("Conscious", "be conscious"),
    ("Desirous", "be desirous"), ("Having heard", "hear"), ("Having examined", "examine"),
    ("Having also considered", "consider"), ("Having received", "receive"),
    ("Have agreed", "agree"), ("Continues to encourage", "encourage"),
    ("Continuing to underline", "underline"), ("Welcomes and urges", "welcome"),
    ("We also reaffirm", "reaffirm"), ("We therefore endeavour", "endeavour"),
    ("Condemns in the strongest terms", "condemn"), ("Reaffirms its commitment", "reaffirm"),
    ("Reiterating its deep concern", "reiterate"), ("Re-emphasizes", "re-emphasize"),
    ("Underscoring", "underscore"), ("Endorses", "endorse"), ("Appropriates", "appropriate"),
    ("Authorizes", "authorize"), ("Believing", "believe"), ("Referring", "refer"),
    ("Observing", "observe"), ("Proposes", "propose"), ("Determines", "determine"),
    ("Deploring", "deplore"), ("Appreciating", "appreciate"), ("Commemorating", "commemorate"),
    ("Honouring", "honour"), ("Recommits", "recommit"), ("Recommitting", "recommit"),
    ("Emphasizes once more", "emphasize"), ("Recognizes with concern", "recognize"),
    ("In that regard, notes", "note"), ("Also, in this regard, calls upon", "call upon"),
    ("Declare", "declare"), ("Assembled", "be assembled"), ("Committed to", "be committed"),
    ("Applies", "apply"), ("Studying", "study"), ("Promoting", "promote"),
]


@pytest.mark.parametrize(("phrase", "lemma"), LEMMAS)
def test_lemmatize_phrase(phrase: str, lemma: str) -> None:
    assert lemmatize_phrase(phrase) == lemma


@pytest.mark.parametrize(
    ("word", "base"),
    [("noting", "note"), ("taking", "take"), ("bearing", "bear"), ("having", "have"),
     ("referring", "refer"), ("committing", "commit"), ("regretting", "regret"),
     ("travelling", "travel"), ("controlled", "control"), ("fulfilling", "fulfil"),
     ("recalling", "recall"), ("installing", "install"), ("requiring", "require"),
     ("acquired", "acquire"), ("creating", "create"), ("guiding", "guide"),
     ("proposing", "propose"), ("focusing", "focus"), ("discussing", "discuss"),
     ("monitoring", "monitor"), ("developing", "develop"), ("considering", "consider"),
     ("maintaining", "maintain"), ("examining", "examine"), ("continuing", "continue"),
     ("producing", "produce"), ("acknowledging", "acknowledge"), ("changing", "change"),
     ("bringing", "bring"), ("compiling", "compile"), ("studies", "study"),
     ("stresses", "stress"), ("addresses", "address"), ("urges", "urge"), ("reaches", "reach"),
     ("express", "express"), ("focus", "focus"), ("considered", "consider"),
     ("heard", "hear"), ("agreed", "agree"), ("examined", "examine"), ("noted", "note"),
     ("re-emphasizing", "re-emphasize"), ("Decides", "decide")],
)
def test_lemmatize_verb(word: str, base: str) -> None:
    assert lemmatize_verb(word) == base


@pytest.mark.parametrize(
    ("phrase", "mods"),
    [("Once again strongly urges", ("once again", "strongly")),
     ("Notes with appreciation", ("with appreciation",)),
     ("Expresses its deep concern", ("deep",)),
     ("Recalling also", ("also",)),
     ("Also notes with great concern", ("also", "with great concern")),
     ("Condemns in the strongest possible terms", ("in the strongest possible terms",)),
     ("Decides", ())],
)
def test_phrase_modifiers(phrase: str, mods: tuple[str, ...]) -> None:
    assert phrase_modifiers(phrase) == mods


@pytest.mark.parametrize("phrase", ["", "   ", "The General Assembly", "That", "(a)", "1."])
def test_non_verb_openings_have_no_lemma(phrase: str) -> None:
    assert lemmatize_phrase(phrase) == ""


@pytest.mark.parametrize(
    ("phrase", "text", "completed"),
    [("Bearing", "Bearing in mind the work of the treaty bodies,", "Bearing in mind"),
     ("Takes", "12. Takes note of the report;", "Takes note"),
     ("Also calls", "Also calls upon States to act;", "Also calls upon"),
     ("Expresses", "Expresses its deep concern at the delays;", "Expresses its deep concern"),
     ("Remains", "10. Remains concerned with the lack of data;", "Remains concerned"),
     ("Having", "Having considered the report,", "Having considered"),
     ("Recalling", "Recalling its resolution 1/1,", "Recalling"),
     ("Notes", "Notes with appreciation the report;", "Notes"),
     ("Welcomes", "Welcomes and urges the parties;", "Welcomes"),
     ("Takes", "Urges the parties to take note;", "Takes")],
)
def test_complete_phrase(phrase: str, text: str, completed: str) -> None:
    assert complete_phrase(phrase, text) == completed


@given(st.text(max_size=60))
def test_lemmatize_phrase_is_total_and_lower_case(raw: str) -> None:
    lemma = lemmatize_phrase(raw)
    assert isinstance(lemma, str) and lemma == lemma.lower()
    assert lemmatize_phrase(raw) == lemma
    assert isinstance(phrase_modifiers(raw), tuple)


@pytest.mark.parametrize(("phrase", "lemma"), [
    ("To call upon", "call upon"), ("To take note", "take note"), ("We call for", "call for"),
    ("It is recommended", "recommend"), ("IT IS RECOMMENDED", "recommend"), ("Decide", "decide"),
])
def test_lemmas_of_other_genres(phrase: str, lemma: str) -> None:
    """Infinitive items, first person and the impersonal recommendation (issue 9)."""
    assert lemmatize_phrase(phrase) == lemma


@pytest.mark.parametrize(("word", "base"), [
    # forms the corpus rarely shows, which the spelling rules alone mangled
    ("expediting", "expedite"), ("owing", "owe"), ("died", "die"), ("fled", "flee"),
    ("underlying", "underlie"), ("trafficking", "traffic"), ("postponed", "postpone"),
    ("bring", "bring"), ("centred", "centre"),
    # the domain table still wins over the dictionary (UN spelling)
    ("fulfilled", "fulfil"), ("fulfils", "fulfil"),
    # a word outside the dictionary falls back to the spelling rules
    ("reprioritizing", "reprioritize"),
])
def test_dictionary_lemmas_under_domain_rules(word: str, base: str) -> None:
    assert lemmatize_verb(word) == base
