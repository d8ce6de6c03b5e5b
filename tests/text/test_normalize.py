"""Character normalisation: a document's layout for the segmenter, one line for a reader."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pipelines.text.normalize import normalize_layout, normalize_text


def test_layout_newlines_ligatures_spaces_controls() -> None:
    raw = "e\ufb03cient \ufb01nance\r\nA\u00a0B\u200bC\x07D\rE — “quoted” ‘x’ – y"
    assert normalize_layout(raw) == "efficient finance\nA BCD\nE — “quoted” ‘x’ – y"


def test_layout_keeps_soft_hyphens_only_at_line_end() -> None:
    assert normalize_layout("co\u00adoper\u00ad  \nation") == "cooper\u00ad\nation"


def test_text_maps_what_a_reader_sees() -> None:
    assert normalize_text(" Secretary\u2011General\u00a0\u2009of\t\nthe  UN\u200e ") == \
        "Secretary-General of the UN"
    assert normalize_text("“quoted” – dash") == "“quoted” – dash"


@given(st.text(max_size=60))
def test_text_is_idempotent(raw: str) -> None:
    assert normalize_text(normalize_text(raw)) == normalize_text(raw)
