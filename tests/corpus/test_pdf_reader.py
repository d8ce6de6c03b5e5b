"""PDF reader on PDFs generated here with matplotlib (real text layer, TrueType fonts), with
PDFium's own writer (fonts scaled by the text matrix), and on a whole UN-style resolution from
the PDF benchmark's generator (headers, job numbers, footnotes, page breaks)."""

from __future__ import annotations

import ctypes
import importlib
import io
import random
from pathlib import Path
from typing import Any

import matplotlib
import pypdfium2 as pdfium
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.backends.backend_pdf import PdfPages  # noqa: E402

from pipelines.corpus import pdf  # noqa: E402
from pipelines.corpus.sources import SourceItem  # noqa: E402
from pipelines.errors import InputError  # noqa: E402

PAGES = [
    [
        "United Nations General Assembly",
        "",
        "The General Assembly,",
        "Recalling its resolution 98/1 of 1 January 2098 on the promotion of inter-",
        "national cooperation in education,",
        "",
        "1. Decides to establish an open-ended working group on adult literacy;",
        "2. Requests the Secretary-General to provide the working group with all",
    ],
    [
        "the assistance necessary for the discharge of its mandate;",
        "3. Decides to remain seized of the matter.",
    ],
]


def _make_pdf(pages: list[list[str]], header: str | None = "A/RES/99/1",
              footnote: str | None = "1 Official Records, Ninety-eighth Session.",
              number_size: int = 9, title: str | None = None) -> bytes:
    matplotlib.rcParams["pdf.fonttype"] = 42
    buf = io.BytesIO()
    with PdfPages(buf, metadata={"Title": title} if title else None) as out:
        for number, lines in enumerate(pages, start=1):
            fig = plt.figure(figsize=(8.27, 11.69))
            if header:
                fig.text(0.1, 0.95, header, fontsize=9)
            y = 0.9
            for line in lines:
                if line:
                    fig.text(0.1, y, line, fontsize=11)
                y -= 0.02 if line else 0.015
            if footnote and number == 1:
                fig.text(0.1, 0.08, footnote, fontsize=7)
            fig.text(0.5, 0.04, str(number), fontsize=number_size)
            out.savefig(fig)
            plt.close(fig)
    return buf.getvalue()


@pytest.fixture(scope="module")
def two_page_pdf() -> bytes:
    return _make_pdf(PAGES)


def test_reads_text_layer_into_clauses(two_page_pdf: bytes) -> None:
    [doc] = pdf.read(SourceItem("in/A_RES_99_1.pdf", two_page_pdf))
    assert doc.doc_id == "A_RES_99_1" and doc.fmt == "pdf"
    assert [c.text for c in doc.clauses] == [
        "A/RES/99/1",
        "United Nations General Assembly",
        "The General Assembly,",
        "Recalling its resolution 98/1 of 1 January 2098 on the promotion of international "
        "cooperation in education,",
        "1. Decides to establish an open-ended working group on adult literacy;",
        "2. Requests the Secretary-General to provide the working group with all the "
        "assistance necessary for the discharge of its mandate;",
        "3. Decides to remain seized of the matter.",
    ]
    assert [c.para_id for c in doc.clauses] == list(range(len(doc.clauses)))


def test_footnotes_headers_and_page_numbers_dropped(two_page_pdf: bytes) -> None:
    [doc] = pdf.read(SourceItem("x.pdf", two_page_pdf))
    joined = " ".join(c.text for c in doc.clauses)
    assert "Official Records" not in joined
    assert joined.count("A/RES/99/1") == 1
    assert not any(c.text.isdigit() for c in doc.clauses)


def test_footnote_above_a_body_size_page_number_is_dropped() -> None:
    data = _make_pdf(PAGES, number_size=11, title="Adult literacy")
    [doc] = pdf.read(SourceItem("x.pdf", data))
    assert doc.metadata == {"title": "Adult literacy"}
    texts = [c.text for c in doc.clauses]
    assert not any("Official Records" in t for t in texts)
    assert texts[-1] == "3. Decides to remain seized of the matter."


def test_extract_pages_marks_paragraph_gaps(two_page_pdf: bytes) -> None:
    pages = pdf.extract_pages(SourceItem("x.pdf", two_page_pdf))
    assert len(pages) == 2
    assert "\n\nThe General Assembly," in pages[0]


def test_no_text_layer() -> None:
    fig = plt.figure()
    fig.add_artist(plt.Line2D([0.1, 0.9], [0.1, 0.9]))
    buf = io.BytesIO()
    fig.savefig(buf, format="pdf")
    plt.close(fig)
    with pytest.raises(InputError, match=r"no text layer \(scanned\?\)") as err:
        pdf.read(SourceItem("scan.pdf", buf.getvalue()))
    assert "ocrmypdf" in (err.value.hint or "")
    assert str(err.value).startswith("scan.pdf: ")


@pytest.mark.parametrize("cut", [0, 20, 400])
def test_corrupt_pdf(two_page_pdf: bytes, cut: int) -> None:
    with pytest.raises(InputError, match="not a readable PDF") as err:
        pdf.read(SourceItem("broken.pdf", two_page_pdf[:cut]))
    assert err.value.source == "broken.pdf"


def test_garbage_with_pdf_header() -> None:
    with pytest.raises(InputError, match="not a readable PDF"):
        pdf.read(SourceItem("junk.pdf", b"%PDF-1.7\nthis is not a pdf body at all\n"))


@pytest.fixture()
def bench_pdf(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The PDF benchmark module (its UN-style resolution generator), imported from benchmarks/."""
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[2] / "benchmarks"))
    return importlib.import_module("bench_pdf")


@pytest.mark.parametrize("seed", [3, 8])
def test_un_style_resolution_reads_to_its_clauses(bench_pdf: Any, seed: int) -> None:
    """Masthead columns, running headers that swap sides, "2/4" page numbers, job numbers,
    superscript markers inside lines, footnotes, sub-items and paragraphs across page breaks."""
    resolution = bench_pdf.make_resolution(random.Random(seed), 42)
    data, pages = bench_pdf.render(resolution)
    assert pages >= 3 and any(p.notes for p in resolution.paras)
    [doc] = pdf.read(SourceItem("A_RES_42.pdf", data))
    texts = [c.text for c in doc.clauses]
    assert texts == resolution.expected()
    assert not any(resolution.job in t for t in texts)


def _pdfium_pdf(lines: list[tuple[str, float, float, float]]) -> bytes:
    """A one-page PDF written by PDFium: each line set in a 1-point Times font that the text
    matrix scales to the given size (as many PDF producers do), at (x, y)."""
    doc = pdfium.PdfDocument.new()
    page = doc.new_page(595, 842)
    for text, size, x, y in lines:
        obj = pdfium.raw.FPDFPageObj_NewTextObj(doc.raw, b"Times-Roman", 1.0)
        encoded = (text + "\x00").encode("utf-16-le")
        pdfium.raw.FPDFText_SetText(obj, (ctypes.c_ushort * (len(encoded) // 2)).from_buffer_copy(encoded))
        pdfium.raw.FPDFPageObj_Transform(obj, size, 0, 0, size, x, y)
        pdfium.raw.FPDFPage_InsertObject(page.raw, obj)
    pdfium.raw.FPDFPage_GenerateContent(page.raw)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def test_font_size_scaled_by_the_text_matrix() -> None:
    data = _pdfium_pdf([
        ("The General Assembly,", 11, 72, 760),
        ("1. Decides to convene a meeting on the archiving of records", 11, 72, 740),
        ("2", 6, 355, 744),  # a raised footnote marker
        ("in the year to come;", 11, 72, 727),
        ("2. Requests a report on the matter.", 11, 72, 707),
        ("2 See the summary record of the preceding meeting.", 8, 72, 90),
        ("24-12345 (E)", 8, 72, 50),
    ])
    [doc] = pdf.read(SourceItem("scaled.pdf", data))
    assert [c.text for c in doc.clauses] == [
        "The General Assembly,",
        "1. Decides to convene a meeting on the archiving of records in the year to come;",
        "2. Requests a report on the matter.",
    ]


def test_two_column_page_is_read_column_by_column() -> None:
    left = ["The Assembly,", "Recalling its earlier decisions on the", "upkeep of coastal lighthouses,",
            "Noting that many keepers have retired", "without successors,",
            "1. Decides to open a school for", "lighthouse keepers in each region;"]
    right = ["2. Requests the secretariat to draw up", "a syllabus for the school and to report",
             "on its progress at the next session;", "3. Invites members to donate lamps,",
             "lenses and other equipment to the", "school;",
             "4. Decides to remain seized of the matter."]
    rows = [("Resolution 12 on the care and upkeep of coastal lighthouses and their keepers",
             10, 72, 740)]
    rows += [(text, 10, 72, 700 - 14 * i) for i, text in enumerate(left)]
    rows += [(text, 10, 320, 700 - 14 * i) for i, text in enumerate(right)]
    rows += [("7", 10, 290, 60)]
    [doc] = pdf.read(SourceItem("columns.pdf", _pdfium_pdf(rows)))
    assert [c.text for c in doc.clauses] == [
        "Resolution 12 on the care and upkeep of coastal lighthouses and their keepers",
        "The Assembly,",
        "Recalling its earlier decisions on the upkeep of coastal lighthouses,",
        "Noting that many keepers have retired without successors,",
        "1. Decides to open a school for lighthouse keepers in each region;",
        "2. Requests the secretariat to draw up a syllabus for the school and to report on its "
        "progress at the next session;",
        "3. Invites members to donate lamps, lenses and other equipment to the school;",
        "4. Decides to remain seized of the matter.",
    ]


def test_a_masthead_with_two_pieces_is_no_second_column() -> None:
    rows = [("United Nations", 10, 72, 780), ("A/RES/99/2", 10, 450, 780),
            ("The Assembly,", 10, 72, 740),
            ("1. Decides to keep the lamps lit through the winter months;", 10, 72, 726),
            ("2. Decides to remain seized of the matter.", 10, 72, 712)]
    [doc] = pdf.read(SourceItem("masthead.pdf", _pdfium_pdf(rows)))
    assert [c.text for c in doc.clauses][-3:] == [
        "The Assembly,", "1. Decides to keep the lamps lit through the winter months;",
        "2. Decides to remain seized of the matter."]
