"""The dataset in six languages: language column, shared splits, detection checks, alignment."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipelines.corpus.akn import read
from pipelines.corpus.sources import SourceItem
from pipelines.data.align import align_documents, build_phrase_map, phrase_ceiling
from pipelines.data.dataset import build_dataset, load_clauses
from pipelines.errors import UnclauseError

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "akn"
LANGUAGES = FIXTURES / "languages"


def test_build_has_a_language_column_and_one_split_per_resolution(tmp_path: Path) -> None:
    result = build_dataset([LANGUAGES], tmp_path / "clauses", workers=1)
    frame = load_clauses(tmp_path / "clauses")
    assert set(frame["language"]) == {"en", "fr", "es", "ru", "zh", "ar"}
    assert set(frame["work_id"]) == {"A/RES/99/30"} and frame["split"].nunique() == 1
    assert frame["doc_id"].nunique() == 6 and not result.language_mismatches
    manifest = json.loads((tmp_path / "clauses" / "_manifest.json").read_text())
    assert manifest["languages"] == {c: 1 for c in ("en", "fr", "es", "ru", "zh", "ar")}


def test_language_filter_and_unknown_codes(tmp_path: Path) -> None:
    result = build_dataset([LANGUAGES], tmp_path / "clauses", workers=1, languages=["en", "ara"])
    assert set(result.frame["language"]) == {"en", "ar"}
    assert sum("not among --language" in r for _, r in result.report.skipped) == 4
    with pytest.raises(UnclauseError, match="unknown language 'klingon'"):
        build_dataset([LANGUAGES], tmp_path / "other", languages=["klingon"])


def test_declared_language_that_detection_contradicts_is_reported_not_fatal(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    data = (FIXTURES / "A_RES_99_12.xml").read_bytes().replace(b'language="eng"', b'language="rus"')
    (src / "A_RES_99_12R.xml").write_bytes(data)
    shutil.copy(LANGUAGES / "A_RES_99_30-0000001F.xml", src)
    result = build_dataset([src], tmp_path / "clauses", workers=1)
    assert [(m["doc_id"], m["declared"], m["detected"]) for m in result.language_mismatches] == [
        ("A/RES/99/12 (rus)", "ru", "en")]
    assert set(result.frame["language"]) == {"ru", "fr"}  # the declared language is kept
    manifest = json.loads((tmp_path / "clauses" / "_manifest.json").read_text())
    assert manifest["language_mismatches"][0]["detected"] == "en"


def test_plain_text_gets_the_detected_language(tmp_path: Path) -> None:
    src = tmp_path / "note.txt"
    src.write_text("Le Conseil,\n\nRappelant ses décisions antérieures sur les phares,\n\n"
                   "1. Prie le secrétariat de lui faire rapport sur leur entretien.\n",
                   encoding="utf-8")
    result = build_dataset([src], tmp_path / "clauses", workers=1)
    assert set(result.frame["language"]) == {"fr"}


def test_alignment_pairs_clauses_by_eid(tmp_path: Path) -> None:
    docs = [read(SourceItem(p.name, p.read_bytes()))[0] for p in sorted(LANGUAGES.glob("*.xml"))]
    pairs, stats = align_documents(docs)
    assert len(pairs) == 5 * 5
    assert {lang: (s.documents, s.english_clauses, s.aligned) for lang, s in stats.items()} == {
        lang: (1, 5, 5) for lang in ("fr", "es", "ru", "zh", "ar")}
    assert all(p.clause.type == p.english.type for p in pairs)
    out = tmp_path / "map.json"
    phrase_map = build_phrase_map([LANGUAGES], out)
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert saved["languages"]["ru"]["phrases"]["просит"] == "request"
    assert saved["languages"]["ar"]["phrases"]["وإذ تلاحظ مع القلق"] == "note"
    assert phrase_map["agreement"]["fr"]["alignment_rate"] == 1.0


def test_phrase_ceiling_is_the_best_any_phrase_map_could_do() -> None:
    held = [("souligne", "stress"), ("souligne", "stress"), ("souligne", "emphasize"),
            ("prie", "request"), ("prie", "request")]
    assert phrase_ceiling(held) == 4  # "souligne" can be right only for its majority verb
    assert phrase_ceiling(held, key=lambda lemma: "same") == 5
