"""The action-phrase fast path: which openings it trusts, and the spans it returns."""

from __future__ import annotations

import json

from pipelines.models.phrase_lexicon import PhraseLexicon

# (text, gold phrase) pairs written for this test
TRAIN = (
    [("Requests the Secretary-General to report on progress;", "Requests")] * 6
    + [("Strongly urges all Member States to cooperate;", "Strongly urges")] * 6
    + [("Welcomes the report;", "Welcomes")] * 2  # seen too rarely to be trusted
    # the same opening "Calls upon|all" with two gold lengths: not settled, so not trusted
    + [("Calls upon all parties to comply;", "Calls upon")] * 4
    + [("Calls upon all parties to comply;", "Calls")] * 2
    + [("The General Assembly,", None)] * 5
)


def _learn() -> PhraseLexicon:
    texts = [t for t, _ in TRAIN]
    phrases = [p for _, p in TRAIN]
    return PhraseLexicon.learn(texts, phrases, [True] * len(TRAIN))


def test_trusted_openings_give_exact_spans() -> None:
    lexicon = _learn()
    text = "3.  Strongly urges all   parties to negotiate;"  # same phrase and next word
    hit, span = lexicon.lookup(text)
    assert hit and span is not None
    assert text[span[0]:span[1]] == "Strongly urges"
    hit, span = lexicon.lookup("Requests the Secretary-General to act;")
    assert hit and span == (0, len("Requests"))


def test_openings_without_phrase_are_trusted_as_none() -> None:
    hit, span = _learn().lookup("The General Assembly,")
    assert hit and span is None


def test_a_numbered_item_opening_like_a_title_goes_to_the_model() -> None:
    """"No phrase" openings are learnt from titles; a numbered item that opens the same way
    ("5. The General Assembly …", "5. Report on …") is no title, so the model decides."""
    lexicon = _learn()
    assert lexicon.lookup("5. The General Assembly,") == (False, None)
    assert lexicon.lookup("(b) The General Assembly,") == (False, None)
    assert lexicon.lookup("3. Requests the Secretary-General to act;")[0]  # phrases still hit


def test_rare_and_ambiguous_openings_fall_through_to_the_model() -> None:
    lexicon = _learn()
    assert lexicon.lookup("Welcomes the report;") == (False, None)
    assert lexicon.lookup("Calls upon all parties to comply;") == (False, None)
    assert lexicon.lookup("Something never seen before") == (False, None)


def test_state_round_trips_and_an_old_state_gives_an_empty_lexicon() -> None:
    lexicon = _learn()
    again = PhraseLexicon.from_state(json.loads(json.dumps(lexicon.to_state())))
    assert again == lexicon and len(again) == len(lexicon) > 0
    empty = PhraseLexicon.from_state({"verbs": []})
    assert empty.lookup("Requests the Secretary-General;") == (False, None)


def test_the_key_search_stops_only_where_no_longer_phrase_is_known() -> None:
    """An opening's key is the longest known phrase whatever words follow it: stopping once
    the words read so far begin no known phrase loses none (empty words included)."""
    from itertools import product

    from pipelines.models.phrase_lexicon import _opening_key, phrase_stems

    known = frozenset({"calls", "calls upon", "calls upon all states", "takes note of",
                       "also", "also takes note", " urges", "urges", "a  b"})
    stems = phrase_stems(known)
    assert stems == {"calls", "calls upon", "calls upon all", "takes", "takes note", "also",
                     "also takes", "", "a", "a "}
    vocabulary = ["calls", "upon", "all", "states", "takes", "note", "of", "also", "urges", "",
                  "a", "b"]
    for words in product(vocabulary, repeat=4):
        # the reference: every prefix tried
        key = best_key = ""
        best = 0
        for k, word in enumerate(words, 1):
            key = f"{key} {word}" if key else word
            if key in known:
                best, best_key = k, key
        expected = ((f"{best_key}|{words[best] if best < len(words) else '<end>'}", best) if best
                    else ("<none>|" + " ".join(words[:2]), 0))
        assert _opening_key(list(words), known, stems)[:2] == expected, words
        # the first words settle the key unless the search read them all
        for first in (1, 2, 3):
            key, k, read = _opening_key(list(words[:first]), known, stems)
            if read < first:
                assert (key, k) == expected, (words, first)
