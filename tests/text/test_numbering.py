"""The one numbering parser: what counts as numbering, the marker as printed, where words start."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.text.numbering import is_subitem_marker, numbering_end, parse_numbering, split_number


@pytest.mark.parametrize(("text", "marker", "number", "kind", "rest"), [
    ("1. Decides to convene", "1.", "1", "digit", "Decides to convene"),
    ("12) Requests", "12)", "12", "digit", "Requests"),
    ("  3.\tUrges", "3.", "3", "digit", "Urges"),
    ("2 . REQUESTS THE COMMISSION", "2 .", "2", "digit", "REQUESTS THE COMMISSION"),
    ("1 Decides", "1", "1", "digit", "Decides"),  # OCR text drops the period
    ("2.1 Scope", "2.1", "2.1", "digit", "Scope"),
    ("7.", "7.", "7", "digit", ""),
    ("(a) To submit a report;", "(a)", "a", "alpha", "To submit a report;"),
    ("a) To report", "a)", "a", "alpha", "To report"),
    ("(1) First", "(1)", "1", "digit", "First"),
    ("(12a) Also urges", "(12a)", "12a", "digit", "Also urges"),
    ("3b) Invites", "3b)", "3b", "digit", "Invites"),
    ("(iv) To consult", "(iv)", "iv", "roman", "To consult"),
    ("IV. Follow-up", "IV.", "IV", "roman", "Follow-up"),
    ("I. Organization of work", "I.", "I", "roman", "Organization of work"),
    ("A. Plenary meetings", "A.", "A", "alpha", "Plenary meetings"),
    ("1. (b) Takes note", "1.", "1", "digit", "Takes note"),
    ("“Decides that", None, None, None, "Decides that"),
    ("• Issue a statement;", None, None, "bullet", "Issue a statement;"),
    ("22 November 2017", None, None, None, "22 November 2017"),
    ("2030 Agenda for all", None, None, None, "2030 Agenda for all"),
    ("1.5 million people", None, None, None, "1.5 million people"),
    ("I am here", None, None, None, "I am here"),
    ("A/RES/79/1", None, None, None, "A/RES/79/1"),
    ("Recalling its resolution 70/1,", None, None, None, "Recalling its resolution 70/1,"),
    ("", None, None, None, ""),
])
def test_parse_numbering(text: str, marker: str | None, number: str | None, kind: str | None,
                         rest: str) -> None:
    found = parse_numbering(text)
    assert (found.marker, found.number, found.kind, text[found.end:]) == (marker, number, kind,
                                                                         rest)
    assert numbering_end(text) == found.end
    assert split_number(text) == (marker, rest)


def test_numbering_end_offsets() -> None:
    assert numbering_end("12. Decides to") == 4
    assert numbering_end("(a) Urges all") == 4
    assert numbering_end("  Recalling") == 2
    assert numbering_end("2030 Agenda") == 0
    assert numbering_end("1 Decides") == 2


@pytest.mark.parametrize(("marker", "sub"), [
    ("(a)", True), ("(iv)", True), ("b)", True), ("(aa)", True), ("1.", False), ("(1)", False),
    ("A.", False), ("IV.", False), (None, False)])
def test_is_subitem_marker(marker: str | None, sub: bool) -> None:
    assert is_subitem_marker(marker) is sub


@given(st.text(max_size=40))
def test_split_number_keeps_the_text(text: str) -> None:
    found = parse_numbering(text)
    marker, rest = split_number(text)
    assert text.endswith(rest) and found.end == len(text) - len(rest)
    if marker is not None:
        assert marker in text[:found.end]
    assert not rest[:1].isspace()


@pytest.mark.parametrize(("text", "marker"), [
    ("7, Urges the parties to refrain", "7,"), ("12, Requests the Registrar", "12,"),
    ("3, 4 and 5 of the annex", None), ("1999, Decides", None), ("14, March was", None)])
def test_ocr_comma_after_the_number_is_numbering(text: str, marker: str | None) -> None:
    assert parse_numbering(text).marker == marker
    if marker:
        assert split_number(text)[1].split()[0][0].isupper()
