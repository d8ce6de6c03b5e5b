"""Unicode normalisation: NFC, tatweel, Arabic presentation forms, full-width and Arabic digits."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from pipelines.text.normalize import normalize_text
from pipelines.text.unicode import normalize_unicode


def test_ascii_comes_back_as_the_same_object() -> None:
    text = "1. Decides to remain seized of the matter."
    assert normalize_unicode(text) is text


def test_decomposed_accents_are_composed() -> None:
    assert normalize_unicode("El Nin\u0303o, communique\u0301") == "El Niño, communiqué"


def test_tatweel_goes_and_arabic_letters_stay() -> None:
    assert normalize_unicode("الجمعيـــة العامة") == "الجمعية العامة"
    assert normalize_unicode("(هـ)") == "(ه)"


def test_presentation_forms_become_letters() -> None:
    # "ﻻ" (lam-alef ligature, U+FEFB) and isolated/final glyph forms of "سلام"
    assert normalize_unicode("\ufefb") == "لا"
    assert normalize_unicode("\ufeb3\ufee0\ufe8e\ufee1") == "سلام"


def test_full_width_and_arabic_indic_digits_become_ascii() -> None:
    assert normalize_unicode("第７９/１号决议") == "第79/1号决议"
    assert normalize_unicode("القرار ٧٩/١") == "القرار 79/1"
    assert normalize_unicode("۱۲۳") == "123"


def test_full_width_punctuation_and_parenthesised_numbers() -> None:
    assert normalize_unicode("大会，回顾；注意到：。") == "大会，回顾；注意到：。"
    assert normalize_unicode("㈠ 导言") == "(一) 导言"
    assert normalize_unicode("x²") == "x²"  # footnote superscripts are not glued on as digits


def test_readers_normalise_through_normalize_text() -> None:
    assert normalize_text("  ٣ -\u00a0تقرر  ") == "3 - تقرر"


@given(st.text())
def test_idempotent_and_nfc(text: str) -> None:
    once = normalize_unicode(text)
    assert normalize_unicode(once) == once
    assert unicodedata.is_normalized("NFC", once)
