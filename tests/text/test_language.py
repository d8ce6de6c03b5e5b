"""Language codes, script direction and detection of the six UN languages."""

from __future__ import annotations

import pytest

from pipelines.text.language import (
    LANGUAGES,
    detect_language,
    document_language,
    language_code,
    text_direction,
)

# one invented operative clause per language
CLAUSES = {
    "en": "Requests the Secretary-General to report on the maintenance of coastal lighthouses;",
    "fr": "Prie le Secrétaire général de lui faire rapport sur l’entretien des phares côtiers ;",
    "es": "Solicita al Secretario General que la informe sobre el mantenimiento de los faros;",
    "ru": "просит Генерального секретаря представить доклад о содержании береговых маяков;",
    "zh": "请秘书长就沿海灯塔的维护问题提交报告；",
    "ar": "تطلب إلى الأمين العام أن يقدم تقريرا عن صيانة المنارات الساحلية؛",
}


@pytest.mark.parametrize(("value", "code"), [
    ("eng", "en"), ("fra", "fr"), ("spa", "es"), ("rus", "ru"), ("zho", "zh"), ("chi", "zh"),
    ("ara", "ar"), ("zh-CN", "zh"), ("Arabic", "ar"), ("FR", "fr"), ("deu", None), ("", None),
    (None, None)])
def test_language_code(value: str | None, code: str | None) -> None:
    assert language_code(value) == code


def test_direction() -> None:
    assert text_direction("ar") == "rtl"
    assert [text_direction(c) for c in LANGUAGES if c != "ar"] == ["ltr"] * 5
    assert text_direction(None) == "auto"


@pytest.mark.parametrize("code", LANGUAGES)
def test_detects_each_language_from_one_clause(code: str) -> None:
    detected, prob = detect_language(CLAUSES[code])
    assert detected == code and prob > 0.9


def test_no_letters_no_language() -> None:
    assert detect_language("79/251 – 12.3 (2044)") == (None, 0.0)


def test_document_language_prefers_the_body_over_cover_lines() -> None:
    texts = ["A/RES/99/30", "5 December 2044", CLAUSES["fr"], "Distr.: General"]
    assert document_language(texts)[0] == "fr"
