"""Word reader on .docx files generated here with python-docx."""

from __future__ import annotations

import copy
import io
import zipfile

import docx
import pytest
from docx.oxml.ns import qn

from pipelines.corpus import docx as docx_reader
from pipelines.corpus.sources import SourceItem
from pipelines.errors import InputError


def _save(document: object) -> bytes:
    buf = io.BytesIO()
    document.save(buf)  # type: ignore[attr-defined]
    return buf.getvalue()


@pytest.fixture(scope="module")
def resolution_docx() -> bytes:
    d = docx.Document()
    d.core_properties.title = "Draft resolution on adult literacy"
    d.add_heading("Adult literacy\nfor all", level=1)
    d.add_paragraph("The General Assembly,")
    p = d.add_paragraph()
    p.add_run("Recalling").italic = True
    p.add_run(" its resolution 98/1 of 1 January 2098,")
    d.add_paragraph("3. Requests the Secretary-General:")
    d.add_paragraph("(a) To submit a report;")
    d.add_paragraph("(b) To brief the Committee;")
    p = d.add_paragraph("4. Decides to consider the question")
    p.add_run().add_break()
    p.add_run("at its next session.")
    d.add_paragraph("Welcomes the contributions of Member States", style="List Number")
    d.add_paragraph("   ")
    table = d.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "In favour"
    table.cell(0, 1).text = "120"
    d.add_paragraph("5. Decides to remain seized of the matter.")
    return _save(d)


def test_paragraphs_in_order(resolution_docx: bytes) -> None:
    [doc] = docx_reader.read(SourceItem("drafts/L_99_1.docx", resolution_docx))
    assert doc.doc_id == "L_99_1" and doc.fmt == "docx"
    assert doc.metadata == {"title": "Draft resolution on adult literacy"}
    assert [c.text for c in doc.clauses] == [
        "Adult literacy for all",
        "The General Assembly,",
        "Recalling its resolution 98/1 of 1 January 2098,",
        "3. Requests the Secretary-General: (a) To submit a report; (b) To brief the Committee;",
        "4. Decides to consider the question at its next session.",
        "Welcomes the contributions of Member States",
        "In favour",
        "120",
        "5. Decides to remain seized of the matter.",
    ]
    assert [c.para_id for c in doc.clauses] == list(range(9))
    assert doc.clauses[3].number == "3."


def test_tracked_changes_and_field_codes() -> None:
    d = docx.Document()
    p = d.add_paragraph("Urges all States ")
    body = p._p
    ins = body.makeelement(qn("w:ins"), {qn("w:id"): "1", qn("w:author"): "x"})
    run = copy.deepcopy(p.runs[0]._r)
    run.find(qn("w:t")).text = "strongly "
    ins.append(run)
    body.append(ins)
    dele = body.makeelement(qn("w:del"), {qn("w:id"): "2", qn("w:author"): "x"})
    drun = body.makeelement(qn("w:r"), {})
    dtext = drun.makeelement(qn("w:delText"), {})
    dtext.text = "never "
    drun.append(dtext)
    dele.append(drun)
    body.append(dele)
    field = body.makeelement(qn("w:r"), {})
    instr = field.makeelement(qn("w:instrText"), {})
    instr.text = " PAGE "
    field.append(instr)
    body.append(field)
    p.add_run("to act.")
    [doc] = docx_reader.read(SourceItem("tracked.docx", _save(d)))
    assert [c.text for c in doc.clauses] == ["Urges all States strongly to act."]


def test_empty_docx() -> None:
    d = docx.Document()
    d.add_paragraph("  ")
    with pytest.raises(InputError, match="empty document"):
        docx_reader.read(SourceItem("blank.docx", _save(d)))


@pytest.mark.parametrize(
    "data",
    [b"", b"PK\x03\x04 not really a zip", b"plain text, not a docx"],
)
def test_corrupt_docx(data: bytes) -> None:
    with pytest.raises(InputError, match=r"not a readable Word \.docx file") as err:
        docx_reader.read(SourceItem("broken.docx", data))
    assert err.value.source == "broken.docx"
    assert err.value.hint


def test_truncated_docx(resolution_docx: bytes) -> None:
    with pytest.raises(InputError, match="not a readable Word"):
        docx_reader.read(SourceItem("cut.docx", resolution_docx[: len(resolution_docx) // 2]))


def test_zip_that_is_not_a_word_document() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "hello")
    with pytest.raises(InputError, match="not a readable Word"):
        docx_reader.read(SourceItem("other.docx", buf.getvalue()))


def test_old_binary_doc() -> None:
    with pytest.raises(InputError, match=r"old binary Word \(\.doc\)"):
        docx_reader.read(SourceItem("old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64))
