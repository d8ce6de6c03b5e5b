"""Annotation in any language: the language per document (input, detected or --lang), and the
HTML view right to left for Arabic. Clause texts are our own writing."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from pipelines.annotate.html import render_html, summarize
from pipelines.annotate.language import checked_language, unit_languages
from pipelines.annotate.run import annotate
from pipelines.annotate.stream import Unit
from pipelines.errors import UnclauseError

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "akn" / "languages"
DOCS = {
    "phares": ["L’Assemblée générale,", "Rappelant sa résolution sur la sécurité des côtes,",
               "1. Prie le Secrétaire général de lui faire rapport sur l’entretien des phares ;"],
    "manarat": ["إن الجمعية العامة،", "إذ تشير إلى قرارها بشأن سلامة السواحل،",
                "1 - تطلب إلى الأمين العام أن يقدم تقريرا عن صيانة المنارات؛"],
}


@pytest.fixture()
def store(champion_store: str) -> str:
    """The shared rules champions (tests/conftest.py) as the tracking store."""
    return champion_store


def _units(docs: dict[str, list[str]], language: dict[str, str] | None = None) -> list[Unit]:
    units = []
    for doc, texts in docs.items():
        for i, text in enumerate(texts):
            record: dict[str, Any] = {"doc_id": doc, "para_id": i, "text": text}
            if language and doc in language:
                record["language"] = language[doc]
            units.append(Unit(len(units), record, doc, i))
    return units


def _jsonl(path: Path) -> None:
    path.write_text("".join(json.dumps({"doc_id": d, "para_id": i, "text": t},
                                       ensure_ascii=False) + "\n"
                            for d, texts in DOCS.items() for i, t in enumerate(texts)),
                    encoding="utf-8")


def test_languages_detected_per_document_unless_given_or_overridden() -> None:
    assert unit_languages(_units(DOCS)) == ["fr"] * 3 + ["ar"] * 3
    assert unit_languages(_units(DOCS, {"manarat": "ara"})) == ["fr"] * 3 + ["ara"] * 3
    assert unit_languages(_units(DOCS), "es") == ["es"] * 6


def test_lang_option_is_checked() -> None:
    assert checked_language("Arabic") == "ar" and checked_language(None) is None
    with pytest.raises(UnclauseError, match="not one of the six UN languages"):
        checked_language("tlh")


def test_annotate_records_the_language(store: str, tmp_path: Path) -> None:
    _jsonl(tmp_path / "in.jsonl")
    annotate(tmp_path / "in.jsonl", tmp_path / "out.jsonl")
    rows = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text("utf-8").splitlines()]
    assert [r["language"] for r in rows] == ["fr"] * 3 + ["ar"] * 3
    annotate(tmp_path / "out.jsonl", tmp_path / "again.jsonl", lang="es")
    again = [json.loads(x) for x in (tmp_path / "again.jsonl").read_text("utf-8").splitlines()]
    assert {r["language"] for r in again} == {"es"}
    assert [r["input_language"] for r in again] == ["fr"] * 3 + ["ar"] * 3


def test_annotate_takes_the_language_of_akn_markup(store: str, tmp_path: Path) -> None:
    annotate(FIXTURES / "A_RES_99_30-0000001R.xml", tmp_path / "out.jsonl")
    rows = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text("utf-8").splitlines()]
    assert {r["language"] for r in rows} == {"ru"}


class _Dirs(HTMLParser):
    """(dir, lang, text) of each clause text span."""

    def __init__(self) -> None:
        super().__init__()
        self.spans: list[list[Any]] = []
        self._open: list[Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "span" and a.get("class") == "text":
            self._open = [a.get("dir"), a.get("lang"), ""]
            self.spans.append(self._open)

    def handle_endtag(self, tag: str) -> None:
        if tag == "span":  # a text span holds only mark and bdi elements
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open[2] += data


def test_html_view_sets_direction_per_clause() -> None:
    rows = [
        {"doc_id": "manarat", "para_id": 0, "text": DOCS["manarat"][2], "language": "ar",
         "type": "operative", "type_score": 0.9, "action_phrase": "تطلب",
         "action_lemma": "request", "action_span": [4, 8], "review": False},
        {"doc_id": "phares", "para_id": 0, "text": DOCS["phares"][2], "language": "fr",
         "type": "operative", "type_score": 0.9, "action_phrase": "Prie",
         "action_lemma": "request", "action_span": [3, 7], "review": False},
        {"doc_id": "x", "para_id": 0, "text": "12345", "type": "other", "type_score": 0.9,
         "action_phrase": None, "action_lemma": None, "action_span": None, "review": False},
    ]
    page = "".join(render_html(rows, summarize(rows), {"input": "x"}))
    parser = _Dirs()
    parser.feed(page)
    assert [(d, lang) for d, lang, _ in parser.spans] == [("rtl", "ar"), ("ltr", "fr"),
                                                         ("auto", None)]
    assert parser.spans[0][2].startswith("1 - تطلب إلى")
    assert '<bdi class="lemma" dir="ltr" lang="en">→ request</bdi>' in page


def test_annotated_arabic_document_renders_right_to_left(store: str, tmp_path: Path) -> None:
    annotate(FIXTURES / "A_RES_99_30-0000001A.xml", tmp_path / "out.html")
    page = (tmp_path / "out.html").read_text(encoding="utf-8")
    parser = _Dirs()
    parser.feed(page)
    assert parser.spans and {(d, lang) for d, lang, _ in parser.spans} == {("rtl", "ar")}
    assert any("تطلب" in text for _, _, text in parser.spans)


def test_translated_phrases_take_the_english_lemma() -> None:
    import pandas as pd

    from pipelines.annotate.merge import merge_predictions

    records = [{"doc_id": "d", "para_id": 0, "text": "1. Prie le Secrétaire général ;"},
               {"doc_id": "e", "para_id": 0, "text": "1. Requests the Secretary-General;"}]
    types = pd.DataFrame({"type": ["operative"] * 2, "type_score": [0.9] * 2})
    phrases = pd.DataFrame({"action_phrase": ["Prie", "Requests"],
                            "action_lemma": ["prie", "request"],
                            "action_start": [3, 3], "action_end": [7, 11]})
    rows = merge_predictions(records, types, phrases, 0.5, languages=["fr", "en"])
    assert [r["action_lemma"] for r in rows] == ["request", "request"]
