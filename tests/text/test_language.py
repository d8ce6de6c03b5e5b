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


def test_the_array_walk_scores_as_py3langid_does() -> None:
    """Detection walks py3langid's automaton with numpy (``visit_counts``): every text gets
    py3langid's own answer and probability, bit for bit, including the first bytes, empty
    and letterless text, and all-caps text (which py3langid lowercases)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    from pipelines.text.language import _identifier

    reference = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    reference.set_languages(list(LANGUAGES))
    texts = [*CLAUSES.values(), " ".join(CLAUSES.values()), "", " ", "1. 2.", "\x00x", "é",
             "DECIDES TO REMAIN SEIZED OF THE MATTER.", "  two  spaces  ", "x" * 3000]
    for text in texts:
        assert _identifier().classify(text) == reference.classify(text), text


def test_the_automaton_tracks_no_longer_byte_strings_than_the_walk_assumes() -> None:
    """``visit_counts`` holds when every state of py3langid's automaton is reached from the
    start in at most AUTOMATON_DEPTH bytes (its states are byte strings of that length at
    most). Breadth-first over the model's transitions; a new model with longer features fails
    here, not silently in detection."""
    import numpy as np

    from pipelines.text.language import AUTOMATON_DEPTH, _identifier

    nextmove, rowbase, _ = _identifier()._arrays
    depth = np.full(len(rowbase), -1)
    depth[0] = 0
    frontier, level = np.array([0]), 0
    while len(frontier):
        reached = np.unique(nextmove[(rowbase[frontier][:, None] + np.arange(256)).ravel()])
        frontier = reached[depth[reached] < 0]
        level += 1
        depth[frontier] = level
    assert (depth >= 0).all() and depth.max() == AUTOMATON_DEPTH
