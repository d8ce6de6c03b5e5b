"""Resolution metadata: loading JSON Lines from files, folders and archives; joining onto docs."""

from __future__ import annotations

import io
import json
import logging
import tarfile
from pathlib import Path

import pytest

from pipelines.corpus.metadata import (
    iso_date,
    join_metadata,
    load_metadata,
    metadata_fields,
)
from pipelines.corpus.sources import SourceItem
from pipelines.schema import Clause, Document

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"

RECORDS = [
    {"symbol": "A/RES/99/12", "resolution_number": "99/12.",
     "title": "Cooperation on official statistics", "session": "Ninety-ninth session",
     "adoption_meeting": "40th plenary meeting", "adoption_date": "5\u00a0December 2044",
     "originating_document": "A/99/430", "report_paragraph": "N.A.",
     "committee": "Second Committee", "agenda_item": "Agenda item 21 (b)",
     "agenda_item_name": "Cooperation on official statistics",
     "adoption_type": "By a recorded vote", "MS_in_favour_count": "150",
     "MS_against_count": "0", "MS_abstaining_count": "4", "pv": "A/99/PV.40",
     "MS_in_favour": ["FREEDONIA", "SYLVANIA"], "MS_against": [], "MS_abstaining": ["GRAUSTARK"],
     "sponsors": ["FREEDONIA", "SYLVANIA"], "additional_sponsors": ["GRAUSTARK"],
     "SDGs": ["17", "9", "9"], "subjects": [["STATISTICS", "UNBIS Thesaurus"]]},
    {"symbol": "A/RES/99/250", "title": "Questions relating to the statistical hubs",
     "committee": "#fifthCommittee", "agenda_item": "Agenda items 30 and 31",
     "adoption_type": "Without a vote", "voting_type": "adoptedWithoutVote",
     "MS_in_favour_count": "0", "MS_against_count": "N.A.", "MS_abstaining_count": "0",
     "adoption_date": "2044-12-24 00:00:00", "SDGs": []},
]


def _jsonl(records: list[object], bad: bool = True) -> bytes:
    lines = [json.dumps(r) for r in records]
    if bad:
        lines[1:1] = ["{not json", "", json.dumps({"title": "no symbol"}), "[1, 2]"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _doc(doc_id: str) -> Document:
    return Document(doc_id=doc_id, source="x.xml", body="GA", session="99",
                    clauses=[Clause(doc_id=doc_id, para_id=0, text="1. Decides;")],
                    metadata={"committee": "Without reference to a Main Committee",
                              "proponent": "[from the markup]"})


def test_load_from_file_skips_bad_lines_with_warnings(tmp_path: Path,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "99.json"
    path.write_bytes(_jsonl(RECORDS))
    with caplog.at_level(logging.WARNING, logger="pipelines.corpus.metadata"):
        index = load_metadata(path)
    assert set(index) == {"A/RES/99/12", "A/RES/99/250"}
    assert len(index.skipped) == 3
    reasons = [reason for _, reason in index.skipped]
    assert any("not valid JSON" in r for r in reasons)
    assert sum("no 'symbol'" in r for r in reasons) == 2
    assert index.skipped[0][0].endswith("99.json:2")
    assert "skipped metadata line" in caplog.text


def test_load_from_folder_archive_and_items(tmp_path: Path) -> None:
    folder = tmp_path / "metadata"
    folder.mkdir()
    (folder / "99.json").write_bytes(_jsonl(RECORDS[:1], bad=False))
    (folder / "notes.txt").write_text("not metadata", encoding="utf-8")
    assert set(load_metadata(folder)) == {"A/RES/99/12"}

    archive = tmp_path / "metadata.tar.xz"
    with tarfile.open(archive, "w:xz") as tar:
        data = _jsonl(RECORDS, bad=False)
        info = tarfile.TarInfo("metadata/99.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    assert set(load_metadata([archive])) == {"A/RES/99/12", "A/RES/99/250"}

    item = SourceItem("meta.jsonl", _jsonl(RECORDS[1:], bad=False))
    assert set(load_metadata(item)) == {"A/RES/99/250"}


def test_missing_and_undecodable_sources_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_bytes(b"\xff\xfe\x00not utf-8 \xc3")
    index = load_metadata([tmp_path / "missing", tmp_path / "bad.json"])
    assert len(index) == 0
    assert [name.endswith(("missing", "bad.json")) for name, _ in index.skipped] == [True, True]


def test_metadata_fields_are_short_scalars() -> None:
    fields = metadata_fields(RECORDS[0])
    assert fields == {
        "committee": "Second Committee", "agenda_item": "21 (b)",
        "title": "Cooperation on official statistics",
        "agenda_item_name": "Cooperation on official statistics",
        "meeting": "40th plenary meeting", "pv": "A/99/PV.40", "draft": "A/99/430",
        "resolution_number": "99/12.", "adoption": "adoptedRecordedVote",
        "votes_for": 150, "votes_against": 0, "votes_abstaining": 4,
        "adoption_date": "2044-12-05", "sdgs": [9, 17], "n_sponsors": 2,
        "n_additional_sponsors": 1,
    }
    other = metadata_fields(RECORDS[1])
    assert other["committee"] == "Fifth Committee"
    assert other["agenda_item"] == "30 and 31"
    assert other["adoption"] == "adoptedWithoutVote"
    assert not {"votes_for", "votes_against", "votes_abstaining"} & set(other)  # no vote taken
    assert other["sdgs"] == []


def test_join_sets_fields_and_keeps_the_markups_others() -> None:
    doc = _doc("A/RES/99/12")
    join_metadata(doc, RECORDS[0])
    assert doc.metadata["committee"] == "Second Committee"  # the record wins
    assert doc.metadata["proponent"] == "[from the markup]"  # the markup's own fields stay
    assert doc.metadata["votes_for"] == 150 and doc.metadata["adoption"] == "adoptedRecordedVote"
    assert doc.date == "2044-12-05"
    assert "MS_in_favour" not in doc.metadata and "FREEDONIA" not in str(doc.metadata)


def test_join_with_an_index_falls_back_to_the_resolution_of_a_part(tmp_path: Path) -> None:
    path = tmp_path / "99.json"
    path.write_bytes(_jsonl(RECORDS, bad=False))
    index = load_metadata(path)
    assert "A/RES/99/250 A-B" in index and "A/RES/99/250 B" in index
    assert "A/RES/99/2" not in index and index.get("A/RES/99/2") is None
    doc = _doc("A/RES/99/250 A-B")
    join_metadata(doc, index[doc.doc_id])
    assert doc.metadata["title"] == "Questions relating to the statistical hubs"
    other = _doc("A/RES/99/250 B")
    join_metadata(other, index)  # the whole index also works
    assert other.metadata["committee"] == "Fifth Committee"
    unknown = _doc("A/RES/99/3")
    join_metadata(unknown, index)
    assert unknown.metadata == _doc("A/RES/99/3").metadata


@pytest.mark.parametrize(
    ("value", "iso"),
    [("2 March 2022", "2022-03-02"), ("22\u00a0September 2024", "2024-09-22"),
     ("2022-03-02 00:00:00", "2022-03-02"), ("", None), ("N.A.", None), (None, None)],
)
def test_iso_date(value: object, iso: str | None) -> None:
    assert iso_date(value) == iso


def test_real_metadata_archive_joins_onto_emergency_session_documents() -> None:
    archive = CORPUS / "unga" / "metadata.tar.xz"
    if not archive.exists():
        pytest.skip("../shared/corpus is not present")
    from pipelines.corpus.akn import read
    from pipelines.corpus.sources import iter_sources

    index = load_metadata(archive)
    assert len(index) > 1900 and not index.skipped
    docs = [d for item in iter_sources([CORPUS / "unga" / "A_RES_ES.tar.xz"])
            if isinstance(item, SourceItem) for d in read(item)]
    assert docs and all(d.doc_id in index for d in docs)
    for doc in docs:
        join_metadata(doc, index[doc.doc_id])
        assert doc.metadata["adoption"] in ("adoptedRecordedVote", "adoptedWithoutVote")
        assert doc.metadata["committee"] == "Without reference to a Main Committee"
        assert doc.metadata.get("adoption_date") == doc.date
