"""The AKN4UN reader on invented fixtures (tests/fixtures/akn) and on slices of the real corpus."""

from __future__ import annotations

import re
import tarfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.corpus.akn import read
from pipelines.corpus.readers import read_item
from pipelines.corpus.sources import SourceItem
from pipelines.errors import InputError
from pipelines.schema import Document
from pipelines.text.numbering import split_number

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "akn"
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
MARKUP = re.compile(r"<[A-Za-z/!?][^>]*>")


def _item(name: str) -> SourceItem:
    path = FIXTURES / name
    return SourceItem(str(path), path.read_bytes())


def _read(name: str) -> Document:
    docs = read(_item(name))
    assert len(docs) == 1
    return docs[0]


@pytest.fixture(scope="module")
def ga() -> Document:
    return _read("A_RES_99_12.xml")


def _by_start(doc: Document, start: str):
    return next(c for c in doc.clauses if c.text.startswith(start))


def test_identity_and_metadata(ga: Document) -> None:
    assert (ga.doc_id, ga.body, ga.session, ga.date, ga.fmt) == (
        "A/RES/99/12", "GA", "99", "2044-12-05", "akn")
    meta = ga.metadata
    assert meta["committee"] == "Second Committee"
    assert meta["agenda_item"] == "21 (b)"
    assert meta["title"] == "Cooperation on official statistics"
    assert meta["adoption"] == "adoptedRecordedVote"
    assert (meta["votes_for"], meta["votes_against"], meta["votes_abstaining"]) == (150, 0, 4)
    assert meta["sdgs"] == [9, 17]
    assert "FREEDONIA" not in str(meta)


def test_types_in_document_order(ga: Document) -> None:
    types = [c.type for c in ga.clauses]
    assert types == (["other"] * 12 + ["preambular"] * 4 + ["operative"] * 6
                     + ["other", "preambular", "operative", "other"])
    assert [c.para_id for c in ga.clauses] == list(range(len(ga.clauses)))
    assert {c.doc_id for c in ga.clauses} == {"A/RES/99/12"}
    sections = [c.section for c in ga.clauses]
    assert sections[:10] == ["coverPage"] * 10
    assert sections[10] == "preface" and sections[11] == "preamble"
    assert sections[-1] == "conclusions"


def test_cover_page_preface_formula_conclusions_are_other_lines(ga: Document) -> None:
    texts = [c.text for c in ga.clauses if c.type == "other"]
    assert texts[:4] == ["United Nations", "A/RES/99/12", "General Assembly", "Distr.: General"]
    assert "[on the report of the Second Committee (A/99/430)]" in texts
    assert "99/12. Cooperation on official statistics" in texts
    assert "The General Assembly," in texts
    assert texts[-1] == "40th plenary meeting 5 December 2044"


def test_phrases_and_lemmas(ga: Document) -> None:
    got = [(c.action_phrase, c.action_lemma) for c in ga.clauses if c.type != "other"]
    assert got == [
        ("Recalling", "recall"), ("Deeply concerned", "be concerned"),
        ("Having considered", "consider"), ("Guided by", "be guided"),
        ("Takes note", "take note"), ("Requests", "request"), (None, None),
        ("Decides", "decide"), ("Also requests", "request"), (None, None),
        ("Noting with appreciation", "note"), ("Urges", "urge"),
    ]
    for clause in ga.clauses:
        if clause.action_phrase:
            assert split_number(clause.text)[1].startswith(clause.action_phrase)


def test_footnotes_and_markers_removed_tail_kept(ga: Document) -> None:
    text = " ".join(c.text for c in ga.clauses)
    assert "FOOTNOTE-SECRET" not in text and "authorialNote" not in text
    recalling = _by_start(ga, "Recalling")
    assert recalling.text == ("Recalling its resolution 97/5 of 1 October 2042 on the statistical "
                              "commons, and the work of the regional statistical hubs,")
    assert _by_start(ga, "1.").text == ("1. Takes note of the report of the Statistical "
                                        "Commission on its fifty-fifth session;")
    assert _by_start(ga, "Having").text.endswith("on data sharing,")  # <sup>1</sup> dropped


def test_whitespace_and_hyphens_normalised(ga: Document) -> None:
    assert "Secretary-General" in _by_start(ga, "Having").text  # U+2011 in the source
    for clause in ga.clauses:
        assert clause.text == clause.text.strip()
        assert not re.search(r"\s{2,}|\t|\u00a0|\u2011", clause.text)


def test_numbering_and_sub_items(ga: Document) -> None:
    para = _by_start(ga, "2.")
    assert para.number == "2."
    assert para.text == ("2. Requests the Secretary-General: (a) To submit a report on the "
                         "statistical commons at its one hundredth session; (b) To convene an "
                         "expert group on census methods;")
    assert para.extra["n_subitems"] == 2 and not para.is_subitem
    # sub-items printed as their own paragraphs ("(a)" as <num>, "(b)" in the text) join too
    urges = _by_start(ga, "7.")
    assert urges.text == ("7. Urges Member States to consider: (a) Contributing to the trust "
                          "fund; (b) Seconding statisticians to the hubs;")
    assert urges.extra["n_subitems"] == 2
    assert not any(c.text.startswith("(") for c in ga.clauses)


def test_paragraph_without_italic_phrase(ga: Document) -> None:
    para = _by_start(ga, "3.")
    assert para.type == "operative" and para.action_phrase is None
    assert para.extra["phrase_missing"] is True


def test_slips_repaired_or_dropped_with_warnings(ga: Document) -> None:
    decides = _by_start(ga, "4.")
    assert decides.action_phrase == "Decides"
    assert decides.extra["phrase_raw"] == "ecides"
    also = _by_start(ga, "5.")
    assert also.action_phrase == "Also requests" and also.action_lemma == "request"
    long_one = _by_start(ga, "6.")
    assert long_one.action_phrase is None and long_one.extra["phrase_missing"]
    assert long_one.extra["phrase_slip"].startswith("phrase is too long")
    assert len(ga.warnings) == 3
    assert any("'ecides' repaired to 'Decides'" in w for w in ga.warnings)
    assert any("'Also request' repaired to 'Also requests'" in w for w in ga.warnings)
    assert any("dropped" in w and "too long" in w for w in ga.warnings)


def test_section_heading_and_preambular_cross_heading(ga: Document) -> None:
    heading = _by_start(ga, "II")
    assert (heading.type, heading.number, heading.text) == (
        "other", "II", "II Financing of the statistical hubs")
    cross = _by_start(ga, "Noting")
    assert (cross.type, cross.section, cross.action_lemma) == ("preambular", "mainBody", "note")


def test_embedded_draft_and_annex() -> None:
    doc = _read("E_RES_2099_7.xml")
    assert (doc.doc_id, doc.body, doc.session, doc.date) == (
        "E/RES/2099/7", "ECOSOC", "2099", "2099-07-20")
    assert doc.metadata["adoption"] == "adoptedWithoutVote"
    assert "votes_for" not in doc.metadata
    rows = [(c.type, c.section, c.text) for c in doc.clauses]
    assert ("other", "preface", "2099/7. Global programme on agricultural censuses") in rows
    assert ("other", "preamble", "The Economic and Social Council,") in rows
    bearing = _by_start(doc, "Bearing")  # "in mind" outside the italics
    assert (bearing.action_phrase, bearing.action_lemma) == ("Bearing in mind", "bear in mind")
    assert bearing.extra["phrase_raw"] == "Bearing"
    assert doc.warnings == ["container_2a: action phrase 'Bearing' completed to 'Bearing in mind'"]
    recommends = _by_start(doc, "Recommends")
    assert recommends.type == "operative"
    assert recommends.text.endswith("the following draft resolution:")  # no embedded text
    embedded = [c for c in doc.clauses if c.extra.get("embedded")]
    assert [(c.type, c.action_lemma) for c in embedded] == [
        ("other", None), ("preambular", "recognize"), ("operative", "welcome")]
    annex = [c for c in doc.clauses if c.section == "annex"]
    assert [(c.type, c.text[:22]) for c in annex] == [
        ("other", "Annex"), ("other", "I Purpose of the progr"),
        (None, "1. The programme guide"), ("other", "Improving census cover"),
        ("operative", "2. Decides that the pr"),
        ("other", "Region Censuses planne"), ("other", "Africa 54")]
    assert all(c.extra.get("annex") for c in annex)
    assert "FOOTNOTE-SECRET" not in " ".join(c.text for c in doc.clauses)


def test_collection_keeps_parts_in_order() -> None:
    doc = _read("A_RES_99_250.xml")
    assert (doc.doc_id, doc.session, doc.date) == ("A/RES/99/250 A-B", "99", "2044-12-24")
    parts = [(c.extra.get("part"), c.type, c.text) for c in doc.clauses]
    assert parts[2] == (None, "other", "99/250. Questions relating to the statistical hubs")
    assert [p for p in parts if p[1] == "operative"] == [
        ("A", "operative", "1. Decides to keep the question under review."),
        ("B", "operative", "1. Calls upon all States to support the hubs;")]
    assert parts[-1] == ("B", "other", "55th plenary meeting 24 December 2044")


def test_read_item_dispatches_xml_to_this_reader() -> None:
    docs = read_item(_item("A_RES_99_12.xml"))
    assert docs[0].doc_id == "A/RES/99/12" and docs[0].fmt == "akn"


def test_translation_gets_its_own_id_and_its_language() -> None:
    data = (FIXTURES / "A_RES_99_12.xml").read_bytes().replace(
        b'language="eng"', b'language="fra"')
    doc = read(SourceItem("A_RES_99_12_F.xml", data))[0]
    assert doc.doc_id == "A/RES/99/12 (fra)" and doc.metadata["symbol"] == "A/RES/99/12"
    assert doc.language == doc.metadata["language"] == "fr"
    assert {c.language for c in doc.clauses} == {"fr"}
    assert any(c.action_phrase for c in doc.clauses)


def test_english_clauses_say_en_and_keep_their_eid() -> None:
    doc = read(_item("A_RES_99_12.xml"))[0]
    assert doc.language == "en" and {c.language for c in doc.clauses} == {"en"}
    assert any(c.extra.get("eid", "").startswith("para_") for c in doc.clauses)


# ── bad input ──────────────────────────────────────────────────────────────────────────────


def test_truncated_file_is_an_input_error_naming_the_line() -> None:
    data = (FIXTURES / "A_RES_99_12.xml").read_bytes()
    with pytest.raises(InputError, match=r"not well-formed XML \(line \d+") as err:
        read(SourceItem("cut.xml", data[: len(data) // 2]))
    assert err.value.source == "cut.xml"
    assert "truncated or corrupt" in (err.value.hint or "")


@pytest.mark.parametrize(
    ("data", "problem"),
    [(b"", "empty document"), (b"  \n\t ", "empty document"),
     (b"<?xml version='1.0'?><html><body><p>Hi</p></body></html>", "not an Akoma Ntoso document"),
     (b"<root>text</root>", "not an Akoma Ntoso document"),
     (b"\x00\x01binary", "not well-formed XML")],
)
def test_bad_input(data: bytes, problem: str) -> None:
    with pytest.raises(InputError, match=problem):
        read(SourceItem("bad.xml", data))


def test_entities_are_not_expanded() -> None:
    data = (b'<?xml version="1.0"?><!DOCTYPE akomaNtoso [<!ENTITY big "EXPANDED">]>'
            b'<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0">'
            b'<statement name="resolution"><preamble><container><p><span class="italic">'
            b'Recalling</span> &big; its resolution,</p></container></preamble></statement>'
            b'</akomaNtoso>')
    doc = read(SourceItem("ent.xml", data))[0]
    assert "EXPANDED" not in " ".join(c.text for c in doc.clauses)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=100_000))
def test_any_truncation_reads_or_raises_input_error(cut: int) -> None:
    data = (FIXTURES / "A_RES_99_12.xml").read_bytes()
    try:
        docs = read(SourceItem("cut.xml", data[: cut % (len(data) + 1)]))
    except InputError:
        return
    assert docs[0].doc_id == "A/RES/99/12"


# ── the real corpus ────────────────────────────────────────────────────────────────────────


def _corpus_docs(archive: Path, limit: int | None = None) -> list[Document]:
    docs: list[Document] = []
    with tarfile.open(archive, "r:xz") as tar:
        for member in tar:
            if not member.isfile() or not member.name.endswith(".xml"):
                continue
            data = tar.extractfile(member).read()  # type: ignore[union-attr]
            docs.extend(read(SourceItem(f"{archive.name}:{member.name}", data, str(archive))))
            if limit is not None and len(docs) >= limit:
                break
    return docs


@pytest.fixture(scope="module")
def corpus_slice() -> list[Document]:
    if not CORPUS.exists():
        pytest.skip("../shared/corpus is not present")
    return (_corpus_docs(CORPUS / "unga" / "A_RES_ES.tar.xz")
            + _corpus_docs(CORPUS / "ecosoc" / "E_RES_2021-2025.tar.xz", limit=40))


def test_corpus_slice_invariants(corpus_slice: list[Document]) -> None:
    assert len(corpus_slice) == 9 + 40
    for doc in corpus_slice:
        assert doc.doc_id.startswith(("A/RES/ES-", "E/RES/20")), doc.doc_id
        assert doc.body in ("GA", "ECOSOC") and doc.session and doc.date
        for clause in doc.clauses:
            assert clause.text and clause.text == clause.text.strip(), (doc.doc_id, clause)
            assert not MARKUP.search(clause.text), (doc.doc_id, clause.text)
            assert "authorialNote" not in clause.text
            if clause.action_phrase:
                assert split_number(clause.text)[1].startswith(clause.action_phrase)
                assert clause.action_lemma
    es = [d for d in corpus_slice if d.body == "GA"]
    assert {d.session for d in es} == {"ES-10", "ES-11"}


def test_corpus_slice_has_preamble_and_operative_parts(corpus_slice: list[Document]) -> None:
    lacking = [d.doc_id for d in corpus_slice
               if not {"preambular", "operative"} <= {c.type for c in d.clauses}]
    # ECOSOC resolutions that only decide (no preamble) exist but are rare
    assert len(lacking) <= 2, lacking
    phrases = [c for d in corpus_slice for c in d.clauses if c.type in ("preambular", "operative")]
    with_phrase = sum(1 for c in phrases if c.action_phrase)
    assert with_phrase / len(phrases) > 0.95
