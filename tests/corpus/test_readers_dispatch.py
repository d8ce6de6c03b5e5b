"""read_documents over a folder of good and broken inputs: skip with reasons, or stop."""

from __future__ import annotations

import io
import logging
import os
import tarfile
import zipfile
from pathlib import Path

import pytest

from pipelines.corpus.readers import ReadReport, read_documents
from pipelines.errors import InputError

GOOD = "The General Assembly,\n\nRecalling its resolution 98/1,\n\n1. Decides to act.\n"
LATIN1 = "The Conference welcomes the Société civile and the Zürich meeting.\n"


def _tar_xz(path: Path, members: list[tuple[str, bytes]]) -> None:
    with tarfile.open(path, "w:xz") as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def _zip(path: Path, members: list[tuple[str, bytes]]) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zf:
        for name, data in members:
            zf.writestr(name, data)


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "good.txt").write_text(GOOD, encoding="utf-8")
    (root / "empty.txt").write_bytes(b"")
    (root / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (root / "latin.txt").write_bytes(LATIN1.encode("latin-1"))
    # a .tar.xz whose second member is cut off: its first member is still read
    whole = root / "whole.tar.xz"
    _tar_xz(whole, [("res/first.txt", GOOD.encode()), ("res/second.txt", os.urandom(200_000))])
    data = whole.read_bytes()
    whole.unlink()
    (root / "cut.tar.xz").write_bytes(data[: len(data) // 2])
    # a .zip with a damaged member (CRC mismatch) between two good ones
    zpath = root / "bundle.zip"
    marker = b"DAMAGE-ME " * 20
    _zip(zpath, [("a.txt", GOOD.encode()), ("b.txt", marker + GOOD.encode()),
                 ("c.txt", GOOD.encode())])
    raw = zpath.read_bytes()
    zpath.write_bytes(raw.replace(marker, marker.replace(b"DAMAGE", b"BROKEN"), 1))
    return root


def _skipped_names(report: ReadReport, root: Path) -> dict[str, str]:
    """Skipped item names relative to ``root`` (archive members as ``archive:member``)."""
    return {name.replace(f"{root}{os.sep}", "").replace(f"{root.parent}{os.sep}", ""): reason
            for name, reason in report.skipped}


def test_skips_each_broken_item_with_a_reason(corpus: Path, caplog) -> None:
    report = ReadReport()
    missing = corpus / "nowhere.txt"
    with caplog.at_level(logging.WARNING):
        docs = list(read_documents([corpus, missing], report=report))
    read_ids = sorted(d.doc_id for d in docs)
    assert read_ids == ["a", "c", "first", "good", "latin"]
    skipped = _skipped_names(report, corpus)
    assert set(skipped) == {"empty.txt", "image.txt", "cut.tar.xz:res/second.txt",
                            "bundle.zip:b.txt", "nowhere.txt"}
    assert "empty document" in skipped["empty.txt"]
    assert "binary file" in skipped["image.txt"]
    assert "corrupt" in skipped["cut.tar.xz:res/second.txt"]
    assert "corrupt" in skipped["bundle.zip:b.txt"]
    assert "no such file" in skipped["nowhere.txt"]
    assert len(report.skipped) == 5
    latin = next(d for d in docs if d.doc_id == "latin")
    assert latin.clauses[0].text == LATIN1.strip()
    assert any(doc_id == "latin" and "not UTF-8" in w for doc_id, w in report.warnings)
    assert report.documents == 5 and report.clauses == sum(len(d.clauses) for d in docs)
    assert "image.txt" in caplog.text


def test_truncated_xml_goes_to_akn_reader_and_is_skipped(tmp_path: Path) -> None:
    xml = tmp_path / "A_RES_99_1.xml"
    xml.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<akomaNtoso xmlns="http://docs.'
                   'oasis-open.org/legaldocml/ns/akn/3.0"><doc name="resolution"><preamble>'
                   '<container><p>Recalling', encoding="utf-8")
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    report = ReadReport()
    docs = list(read_documents([tmp_path], report=report))
    assert [d.doc_id for d in docs] == ["good"]
    assert len(report.skipped) == 1
    name, reason = report.skipped[0]
    assert name.endswith("A_RES_99_1.xml") and reason


@pytest.mark.parametrize(
    ("name", "problem"),
    [("empty.txt", "empty document"), ("image.txt", "binary file"),
     ("cut.tar.xz", "corrupt"), ("bundle.zip", "corrupt")],
)
def test_stop_raises_naming_the_file(corpus: Path, name: str, problem: str) -> None:
    with pytest.raises(InputError, match=problem) as err:
        list(read_documents([corpus / name], on_error="stop"))
    assert name in str(err.value)


def test_stop_on_missing_path(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file") as err:
        list(read_documents([tmp_path / "absent"], on_error="stop"))
    assert "absent" in str(err.value)


def test_each_reader_reached_by_extension(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# Title\n\n*Decides* to act.\n", encoding="utf-8")
    (tmp_path / "b.html").write_text("<html><body><p>Urges States to act.</p></body></html>",
                                     encoding="utf-8")
    (tmp_path / "c.jsonl").write_text('{"doc_id": "C", "text": "Notes the report."}\n',
                                      encoding="utf-8")
    report = ReadReport()
    docs = {d.doc_id: d for d in read_documents([tmp_path], report=report)}
    assert [c.text for c in docs["a"].clauses] == ["Title", "Decides to act."]
    assert docs["b"].fmt == "html" and docs["C"].fmt == "jsonl"
    assert report.skipped == []
