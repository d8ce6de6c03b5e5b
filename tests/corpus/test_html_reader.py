"""HTML reader: block elements in order, page chrome and footnotes dropped."""

from __future__ import annotations

import pytest

from pipelines.corpus import html
from pipelines.corpus.sources import SourceItem
from pipelines.errors import InputError

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Resolution 99/1</title>
<style>p { margin: 0 }</style><script>console.log("not text");</script></head>
<body>
<header><a href="/">Home</a> | Search</header>
<nav><ul><li>Documents</li><li>Meetings</li></ul></nav>
<main>
  <h1>Adult   literacy
      for all</h1>
  <div>The General Assembly,</div>
  <p><i>Recalling</i> its resolution 98/1 of 1 January 2098,<sup><a href="#fn1">1</a></sup></p>
  <p>3. <em>Requests</em> the Secretary-General:</p>
  <ol><li>(a) To submit a report;</li><li>(b) To brief the Committee;</li></ol>
  <div><p>4. Decides to consider the question<br>at its next session.</p>Adopted without a vote</div>
  <table><tr><td>In favour</td><td>120</td></tr></table>
  <pre>Line one
Line two.</pre>
  <!-- an editor's comment -->
  <p hidden>Draft note</p>
</main>
<section class="footnotes"><p id="fn1">1 Official Records, Ninety-eighth Session.</p></section>
<footer>© United Nations</footer>
</body></html>
"""


def test_blocks_in_order_without_chrome() -> None:
    [doc] = html.read(SourceItem("web/res_99_1.html", PAGE.encode("utf-8")))
    assert doc.doc_id == "res_99_1" and doc.fmt == "html"
    assert doc.metadata == {"title": "Resolution 99/1"}
    assert doc.warnings == []
    assert [c.text for c in doc.clauses] == [
        "Adult literacy for all",
        "The General Assembly,",
        "Recalling its resolution 98/1 of 1 January 2098,",
        "3. Requests the Secretary-General: (a) To submit a report; (b) To brief the Committee;",
        "4. Decides to consider the question at its next session.",
        "Adopted without a vote",
        "In favour",
        "120",
        "Line one",
        "Line two.",
    ]


def test_declared_legacy_charset() -> None:
    data = ('<html><head><meta http-equiv="Content-Type" content="text/html; '
            'charset=windows-1252"></head><body><p>The “Café” initiative – Zürich.</p>'
            '</body></html>').encode("cp1252")
    [doc] = html.read(SourceItem("legacy.htm", data))
    assert doc.clauses[0].text == "The “Café” initiative – Zürich."
    assert doc.warnings == []


def test_undeclared_non_utf8_warns() -> None:
    [doc] = html.read(SourceItem("old.html", "<p>Société civile</p>".encode("latin-1")))
    assert doc.clauses[0].text == "Société civile"
    assert doc.warnings and "not UTF-8" in doc.warnings[0]


def test_deeply_nested_page_does_not_overflow() -> None:
    page = "<div>" * 3000 + "<p>Deep text.</p>" + "</div>" * 3000
    [doc] = html.read(SourceItem("deep.html", page.encode()))
    assert [c.text for c in doc.clauses] == ["Deep text."]


@pytest.mark.parametrize(
    "page",
    [b"", b"   ", b"<html><head><title>t</title></head><body><script>x()</script></body></html>"],
)
def test_empty_pages(page: bytes) -> None:
    with pytest.raises(InputError, match="empty document") as err:
        html.read(SourceItem("empty.html", page))
    assert err.value.source == "empty.html"


def test_binary_renamed_html() -> None:
    with pytest.raises(InputError, match="binary"):
        html.read(SourceItem("x.html", b"\x00\x01\x02\x03" * 100))
