"""The AKN reader in the six UN languages, on one invented resolution written in each.

The fixtures (tests/fixtures/akn/languages/) are our own text, marked up as AKN4UN does it:
italic openings in English, French, Spanish and Russian (Russian in lower case), bold in
Chinese, bold italic in Arabic; sub-items numbered "(a)", "a)", "а)" (Cyrillic) or "(أ)";
Arabic paragraphs numbered "1 -" and a tatweel in one word.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.corpus.akn import read
from pipelines.corpus.sources import SourceItem
from pipelines.schema import Document
from pipelines.text.numbering import is_subitem_marker, split_number

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "akn" / "languages"
LETTERS = {"en": "E", "fr": "F", "es": "S", "ru": "R", "zh": "C", "ar": "A"}
PHRASES = {
    "en": ["Recalling", "Noting with concern", "Welcomes", "Requests", "Decides"],
    "fr": ["Rappelant", "Notant avec préoccupation", "Accueille avec satisfaction", "Prie",
           "Décide"],
    "es": ["Recordando", "Observando con preocupación", "Acoge con beneplácito", "Solicita",
           "Decide"],
    "ru": ["ссылаясь", "с обеспокоенностью отмечая", "приветствует", "просит", "постановляет"],
    "zh": ["回顾", "关切地注意到", "欢迎", "请", "决定"],
    "ar": ["إذ تشير", "وإذ تلاحظ مع القلق", "ترحب", "تطلب", "تقرر"],
}
LEMMAS = ["recall", "note", "welcome", "request", "decide"]


def _read(language: str) -> Document:
    path = FIXTURES / f"A_RES_99_30-0000001{LETTERS[language]}.xml"
    return read(SourceItem(path.name, path.read_bytes()))[0]


@pytest.mark.parametrize("language", list(LETTERS))
def test_language_comes_from_the_markup(language: str) -> None:
    doc = _read(language)
    assert doc.language == language and doc.metadata["symbol"] == "A/RES/99/30"
    assert {c.language for c in doc.clauses} == {language}
    assert doc.doc_id == "A/RES/99/30" if language == "en" else doc.doc_id.startswith(
        "A/RES/99/30 (")


@pytest.mark.parametrize("language", list(LETTERS))
def test_types_and_segmentation_match_the_english(language: str) -> None:
    doc = _read(language)
    assert [c.type for c in doc.clauses] == ["other", "other", "preambular", "preambular",
                                             "operative", "operative", "operative", "other"]
    request = doc.clauses[5]
    assert request.extra["n_subitems"] == 2  # "(a)", "a)", "а)", "(أ)" joined to paragraph 2
    assert [c.extra.get("eid") for c in doc.clauses if c.type in ("preambular", "operative")] == [
        "container_2", "container_3", "para_4", "para_5", "para_6"]


@pytest.mark.parametrize("language", list(LETTERS))
def test_action_phrases_and_the_english_lemma(language: str) -> None:
    doc = _read(language)
    labelled = [c for c in doc.clauses if c.type in ("preambular", "operative")]
    assert [c.action_phrase for c in labelled] == PHRASES[language]
    assert [c.action_lemma for c in labelled] == LEMMAS
    assert not doc.warnings


def test_arabic_numbering_punctuation_and_tatweel() -> None:
    doc = _read("ar")
    operative = [c for c in doc.clauses if c.type == "operative"]
    assert [c.number for c in operative] == ["1 -", "2 -", "3 -"]
    assert operative[0].text.endswith("الساحلية؛") and "ـ" not in operative[0].text
    assert "(أ)" in operative[1].text and "(ب)" in operative[1].text


def test_chinese_clause_ends_and_no_spaces() -> None:
    doc = _read("zh")
    preambular = [c for c in doc.clauses if c.type == "preambular"]
    assert all(c.text.endswith("，") for c in preambular)
    assert doc.clauses[6].text == "3. 决定继续处理此事项。"


@pytest.mark.parametrize(("text", "number", "rest"), [
    ("1 - تقرر", "1 -", "تقرر"), ("12- foo", "12-", "foo"), ("(أ) أن يجمع", "(أ)", "أن يجمع"),
    ("а) собрать", "а)", "собрать"), ("’2‘ نص", "2‘", "نص"), ("(一) 导言", "(一)", "导言"),
    ("一、导言", "一、", "导言"), ("（十二）导言", "（十二）", "导言"),
    ("a) De recueillir", "a)", "De recueillir"), ("2030 Agenda", None, "2030 Agenda"),
    ("5 - 7 December", None, "5 - 7 December")])
def test_numbering_in_every_script(text: str, number: str | None, rest: str) -> None:
    assert split_number(text) == (number, rest)


@pytest.mark.parametrize(("marker", "subitem"), [
    ("(a)", True), ("a)", True), ("а)", True), ("(أ)", True), ("’1‘", True), ("(一)", True),
    ("1.", False), ("1 -", False), ("一、", False)])
def test_subitem_markers_in_every_script(marker: str, subitem: bool) -> None:
    assert is_subitem_marker(marker) is subitem
