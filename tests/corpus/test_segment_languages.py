"""The plain-text segmenter in French, Spanish, Russian, Chinese and Arabic.

The texts are our own, written for these tests: one short resolution a language, once with
blank lines between paragraphs and once with one paragraph a line (no blank lines), where
numbering, sub-item labels, clause-final punctuation (full-width in Chinese, Arabic in Arabic)
and, in Russian, lower-case preambular openings decide the clause boundaries.
"""

from __future__ import annotations

import pytest

from pipelines.corpus.segment import segment

DOCS = {
    "fr": ["L’Assemblée générale,",
           "Rappelant sa résolution 98/7 sur la sécurité des côtes,",
           "1. Accueille avec satisfaction le rapport du Secrétaire général ;",
           "2. Prie le Secrétaire général :",
           "a) De recueillir des données sur la réparation des phares ;",
           "b) De lui faire rapport à sa centième session ;",
           "3. Décide de rester saisie de la question."],
    "es": ["La Asamblea General,",
           "Recordando su resolución 98/7 sobre la seguridad de las costas,",
           "1. Acoge con beneplácito el informe del Secretario General;",
           "2. Solicita al Secretario General:",
           "a) Que reúna datos sobre la reparación de los faros;",
           "b) Que la informe en su centésimo período de sesiones;",
           "3. Decide seguir ocupándose de la cuestión."],
    "ru": ["Генеральная Ассамблея,",
           "ссылаясь на свою резолюцию 98/7 о безопасности побережья,",
           "1. приветствует доклад Генерального секретаря;",
           "2. просит Генерального секретаря:",
           "а) собрать сведения о ремонте маяков;",
           "b) представить ей доклад на ее сотой сессии;",
           "3. постановляет продолжать заниматься этим вопросом."],
    "zh": ["大会，",
           "回顾其关于海岸安全的第98/7号决议，",
           "1. 欢迎秘书长关于海岸灯光的报告；",
           "2. 请秘书长：",
           "(a) 收集关于灯塔维修的数据；",
           "(b) 向大会第一百届会议提交报告；",
           "3. 决定继续处理此事项。"],
    "ar": ["إن الجمعية العامة،",
           "إذ تشير إلى قرارها 98/7 بشأن سلامة السواحل،",
           "1 - ترحب بتقرير الأمين العام عن الأضواء الساحلية؛",
           "2 - تطلب إلى الأمين العام:",
           "(أ) أن يجمع بيانات عن إصلاح المنارات؛",
           "(ب) أن يقدم إليها تقريرا في دورتها المائة؛",
           "3 - تقرر أن تبقي المسألة قيد نظرها."],
}


@pytest.mark.parametrize("separator", ["\n\n", "\n"], ids=["blank-lines", "one-per-line"])
@pytest.mark.parametrize("language", list(DOCS))
def test_formula_preamble_and_numbered_paragraphs_with_their_subitems(language: str,
                                                                      separator: str) -> None:
    lines = DOCS[language]
    clauses = segment(separator.join(lines) + "\n")
    request = " ".join(lines[3:6])
    assert clauses == [lines[0], lines[1], lines[2], request, lines[6]]


def test_russian_preamble_opens_in_lower_case_after_a_comma() -> None:
    text = ("Генеральная Ассамблея,\nссылаясь на свою резолюцию 98/7,\n"
            "с обеспокоенностью отмечая, что маякам не хватает запасных частей,\n"
            "глубоко обеспокоенная состоянием маяков,\n1. приветствует доклад;\n")
    assert len(segment(text)) == 5


def test_chinese_and_arabic_list_markers_of_their_own() -> None:
    assert segment("一、导言\n二、建议\n") == ["一、导言", "二、建议"]
    assert segment("2 - تطلب إلى الأمين العام:\n’1‘ أن يجمع بيانات؛\n’2‘ أن يقدم تقريرا؛\n") == [
        "2 - تطلب إلى الأمين العام: ’1‘ أن يجمع بيانات؛ ’2‘ أن يقدم تقريرا؛"]



def test_plain_text_is_unicode_normalised_like_markup() -> None:
    # tatweel, full-width and Arabic-Indic digits, a decomposed accent
    text = "١ - تطلـــب إلى الأمين العام؛\n\n２. 请秘书长提交报告；\n\n3. De\u0301cide de rester saisie.\n"
    assert segment(text) == ["1 - تطلب إلى الأمين العام؛", "2. 请秘书长提交报告；",
                             "3. Décide de rester saisie."]
