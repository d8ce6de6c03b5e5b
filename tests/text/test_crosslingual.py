"""The cross-lingual lemma: English rules for English, a learnt map for the other languages."""

from __future__ import annotations

import pytest

from pipelines.text.crosslingual import (
    learn_phrase_map,
    lemma_class,
    lemmas_agree,
    lookup,
    phrase_keys,
    phrase_lemma,
    resolution_person,
)

TRIPLES = [
    ("fr", "Prie", "request"), ("fr", "Prie", "request"), ("fr", "Prie également", "request"),
    ("fr", "Prie instamment", "urge"), ("fr", "Exhorte instamment", "urge"),
    ("fr", "Demande instamment", "urge"), ("fr", "Souligne", "stress"),
    ("fr", "Souligne", "emphasize"), ("fr", "Souligne", "stress"),
    ("zh", "请", "request"), ("zh", "又请", "request"), ("zh", "还请", "request"),
    ("zh", "促请", "urge"),
]


def test_learnt_map_takes_the_majority_lemma_per_phrase() -> None:
    table = learn_phrase_map(TRIPLES)["languages"]["fr"]
    assert table["phrases"]["prie"] == "request"
    assert table["phrases"]["souligne"] == "stress"
    assert table["keys"]["instamment"][0] == "urge"  # 3 of 3
    assert "prie" not in table["keys"]  # request 3, urge 1: below the precision bar


def test_lemma_class_joins_the_synonyms_the_translations_render_alike() -> None:
    assert lemma_class("stress") == lemma_class("emphasize") == lemma_class("underline")
    assert lemma_class("request") == "request"
    assert lemma_class("stress") != lemma_class("recognize")


def test_lookup_backs_off_to_the_most_precise_word() -> None:
    phrase_map = learn_phrase_map(TRIPLES)
    assert lookup("Prie également", "fr", phrase_map) == "request"  # seen whole
    assert lookup("Prie aussi instamment", "fr", phrase_map) == "urge"  # via "instamment"
    assert lookup("Remercie", "fr", phrase_map) is None
    assert lookup("Prie", "de", phrase_map) is None


def test_chinese_keys_are_character_bigrams_and_characters() -> None:
    assert phrase_keys("又请", "zh") == ["又请", "又", "请"]
    phrase_map = learn_phrase_map(TRIPLES)
    # "请" is in 3 request phrases and 1 urge phrase: 0.75 is below the 0.8 bar
    assert "请" not in phrase_map["languages"]["zh"]["keys"]
    assert lookup("再次请", "zh", phrase_map) is None
    phrase_map = learn_phrase_map([*TRIPLES, ("zh", "再请", "request")])  # 4 of 5
    assert phrase_map["languages"]["zh"]["keys"]["请"][0] == "request"
    assert lookup("再次请", "zh", phrase_map) == "request"


def test_synonym_agreement() -> None:
    assert lemmas_agree("request", "request")
    assert not lemmas_agree("stress", "emphasize")
    assert lemmas_agree("stress", "emphasize", synonyms=True)
    assert not lemmas_agree("request", "urge", synonyms=True)
    assert not lemmas_agree(None, None)


@pytest.mark.parametrize(("phrase", "language"), [
    ("Also requests", "en"), ("Prie également", "fr"), ("Solicita", "es"), ("просит", "ru"),
    ("请", "zh"), ("تطلب", "ar")])
def test_shipped_map_gives_one_english_vocabulary(phrase: str, language: str) -> None:
    assert phrase_lemma(phrase, language) == "request"


def test_english_keeps_its_rules_and_unknown_translations_are_none() -> None:
    assert phrase_lemma("Deeply concerned", None) == "be concerned"
    assert phrase_lemma("The States Parties", "en") == ""
    assert phrase_lemma("Zzyzx", "fr") is None


@pytest.mark.parametrize(("phrase", "language", "resolution"), [
    ("мы просим", "ru", "просит"), ("приветствуем", "ru", "приветствует"),
    ("nous invitons", "fr", "invite"), ("invitamos", "es", "invita"), ("我们呼吁", "zh", "呼吁"),
    ("نطلب", "ar", "تطلب"), ("وإذ يرى", "ar", "وإذ ترى"),
    # nothing to change: already the resolutions' person, or too short to be an ending
    ("просит", "ru", "просит"), ("prie", "fr", "prie"), ("تطلب", "ar", "تطلب"), ("请", "zh", "请"),
])
def test_resolution_person(phrase: str, language: str, resolution: str) -> None:
    assert resolution_person(phrase, language) == resolution


@pytest.mark.parametrize(("phrase", "language"), [
    ("Мы просим", "ru"), ("我们请", "zh"), ("نطلب", "ar"), ("يطلب", "ar")])
def test_first_person_and_masculine_verbs_take_the_resolutions_lemma(phrase: str,
                                                                      language: str) -> None:
    """A communiqué's "we request" and a council's masculine verb are what the map knows from
    the General Assembly's third person (feminine in Arabic)."""
    assert phrase_lemma(phrase, language) == "request"
