"""Plain-text reader: decoding (UTF-8, BOMs, UTF-16, Windows-1252), binary and empty input."""

from __future__ import annotations

import codecs

import pytest

from pipelines.corpus import text
from pipelines.corpus.sources import SourceItem
from pipelines.errors import InputError

BODY = (
    "The General Assembly,\n\n"
    "Recalling its resolution 98/1 of 1 January 2098 on café society,\n\n"
    "1. Decides to establish a working group;\n"
    "2. Requests the Secretary-General to report at its next session.\n"
)


def _read(data: bytes, name: str = "docs/A_RES_99_1.txt") -> list:
    return text.read(SourceItem(name, data))


def test_utf8_document() -> None:
    [doc] = _read(BODY.encode("utf-8"))
    assert doc.doc_id == "A_RES_99_1"
    assert doc.source == "docs/A_RES_99_1.txt"
    assert doc.fmt == "text"
    assert doc.warnings == []
    assert [c.para_id for c in doc.clauses] == [0, 1, 2, 3]
    assert [c.text for c in doc.clauses] == [
        "The General Assembly,",
        "Recalling its resolution 98/1 of 1 January 2098 on café society,",
        "1. Decides to establish a working group;",
        "2. Requests the Secretary-General to report at its next session.",
    ]
    assert [c.number for c in doc.clauses] == [None, None, "1.", "2."]
    assert all(c.type is None and c.doc_id == "A_RES_99_1" for c in doc.clauses)


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF8 + BODY.encode("utf-8"),
        BODY.encode("utf-16"),  # with BOM
        codecs.BOM_UTF16_BE + BODY.encode("utf-16-be"),
        BODY.encode("utf-32"),
    ],
)
def test_byte_order_marks(data: bytes) -> None:
    [doc] = _read(data)
    assert doc.clauses[0].text == "The General Assembly,"
    assert "café" in doc.clauses[1].text
    assert doc.warnings == []


def test_utf16_without_bom_read_with_warning() -> None:
    [doc] = _read(BODY.encode("utf-16-le"))
    assert doc.clauses[0].text == "The General Assembly,"
    assert doc.warnings and "UTF-16-LE" in doc.warnings[0]


def test_windows_1252_read_with_warning_and_no_loss() -> None:
    raw = "The Assembly welcomes the “Café” initiative – and the Zürich meeting.".encode("cp1252")
    raw += b" Odd byte \x81 kept."
    [doc] = _read(raw, "latin.txt")
    assert doc.warnings == [text.NOT_UTF8_WARNING]
    assert doc.clauses[0].text.startswith("The Assembly welcomes the “Café” initiative – and the "
                                          "Zürich meeting.")


def test_latin1_decoding_keeps_every_byte() -> None:
    data = bytes(range(0x20, 0x100))
    decoded, warnings = text.decode_text(data, "x.txt")
    assert len(decoded) == len(data) and warnings == [text.NOT_UTF8_WARNING]


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00" + bytes(range(256)) * 4,
        bytes([1, 2, 3, 4, 5, 6, 14, 15, 16, 17]) * 50 + b"some text",
    ],
)
def test_binary_file_is_an_input_error(data: bytes) -> None:
    with pytest.raises(InputError) as err:
        _read(data, "picture.txt")
    assert err.value.source == "picture.txt"
    assert "binary file" in err.value.problem
    assert ".docx" in (err.value.hint or "") and ".pdf" in (err.value.hint or "")


@pytest.mark.parametrize("data", [b"", b"   \n\n\t \r\n", codecs.BOM_UTF8])
def test_empty_document(data: bytes) -> None:
    with pytest.raises(InputError, match="empty document") as err:
        _read(data, "empty.txt")
    assert "empty.txt" in str(err.value)


def test_only_debris_is_empty() -> None:
    with pytest.raises(InputError, match="empty document"):
        _read(b"- 1 -\n\n2\n\n* * *\n", "numbers.txt")


def test_bad_utf16_with_bom_is_an_input_error() -> None:
    with pytest.raises(InputError, match="UTF-16"):
        _read(codecs.BOM_UTF16_LE + b"\x00\xd8\x41", "broken.txt")


@pytest.mark.parametrize(
    ("member", "doc_id"),
    [("A_RES_99_1.txt", "A_RES_99_1"), ("dir/sub/S_RES_1.v2.md", "S_RES_1.v2"),
     ("README", "README"), (".hidden", ".hidden")],
)
def test_doc_id_is_member_stem(member: str, doc_id: str) -> None:
    assert text.doc_id_for(SourceItem(member, b"")) == doc_id


def test_doc_id_inside_archive_uses_member() -> None:
    item = SourceItem("/data/corpus.zip:99/A_RES_99_2.txt", b"Text.", archive="/data/corpus.zip")
    assert text.doc_id_for(item) == "A_RES_99_2"


def test_markdown_file() -> None:
    md = b"# Annex\n\n*Decides* to act on [resolution 98/1](https://example.org/98/1);\n"
    [doc] = _read(md, "note.md")
    assert [c.text for c in doc.clauses] == ["Annex", "Decides to act on resolution 98/1;"]
