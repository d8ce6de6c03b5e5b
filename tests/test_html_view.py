"""The self-contained HTML view: escaping, highlights, flags and summary; rendered by headless
Chromium to a screenshot when Chromium is installed (`make system-deps`)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from pipelines.annotate.html import render_html, summarize
from pipelines.annotate.run import annotate

ROWS: list[dict[str, Any]] = [
    {"doc_id": "Z/RES/1", "para_id": 0, "text": "The Council <script>alert('x')</script> & co,",
     "type": "other", "type_score": 0.97, "action_phrase": None, "action_lemma": None,
     "action_span": None, "review": False},
    {"doc_id": "Z/RES/1", "para_id": 1, "text": "Recalling <b>bold</b> claims & \"quotes\",",
     "type": "preambular", "type_score": 0.55, "action_phrase": "Recalling",
     "action_lemma": "recall", "action_span": [0, 9], "review": True},
    {"doc_id": "Z/RES/2", "para_id": 0, "text": "1. Also requests the <Secretariat>;",
     "type": "operative", "type_score": 0.91, "action_phrase": "Also requests",
     "action_lemma": "request", "action_span": [3, 16], "review": False},
]


class _Text(HTMLParser):
    """Collects text and tags, to check the page as a browser would see it."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: list[str] = []
        self.marks: list[str] = []
        self._in_mark = False
        self._skip = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._in_mark = tag == "mark" or self._in_mark
        self._skip = tag in ("style", "title")

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self._in_mark = False
        self._skip = False

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.text.append(data)
        if self._in_mark:
            self.marks.append(data)


def test_render_escapes_highlights_and_flags() -> None:
    page = "".join(render_html(ROWS, summarize(ROWS), {"input": "x.jsonl", "models": "m v1",
                                                       "threshold": 0.8}))
    parser = _Text()
    parser.feed(page)
    visible = "".join(parser.text)
    for row in ROWS:  # text survives as text, never as markup
        assert row["text"][row["action_span"][1] if row["action_span"] else 0:] in visible
    assert "script" not in parser.tags
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<b>bold" not in page and "&lt;b&gt;bold&lt;/b&gt;" in page
    assert "&lt;Secretariat&gt;" in page and "&#34;quotes&#34;" in page
    assert parser.marks[1:] == ["Recalling", "Also requests"]  # [0] is the legend's sample
    assert page.count('class="badge"') == 2  # legend + one flagged clause
    assert 'class="clause t-preambular review"' in page
    assert "Z/RES/1" in visible and "Z/RES/2" in visible
    for needle in ("<b>2</b><span>documents", "<b>3</b><span>clauses",
                   "<b>1</b><span>flagged for review", "<b>2</b><span>action phrases",
                   "preambular (33 %)"):
        assert needle in page, needle
    for external in ("<link", "src=", "href=\"http", "@import", "url("):
        assert external not in page


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def screenshot(html_path: Path, png: Path, profile: Path) -> Path:
    """Render ``html_path`` with headless Chromium into ``png`` (1200 × 1600)."""
    chromium = _chromium()
    assert chromium is not None
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={profile}", f"--screenshot={png}",
         "--window-size=1200,1600", html_path.resolve().as_uri()],
        check=True, capture_output=True, timeout=120)
    return png


def test_annotated_document_renders_in_chromium(champion_store: str, communique: Path,
                                                tmp_path: Path) -> None:
    doc = communique
    out = tmp_path / "view.html"
    result = annotate(doc, out, review_threshold=0.95)
    page = out.read_text(encoding="utf-8")
    assert result.fmt == "html" and page.startswith("<!DOCTYPE html>")
    assert "water_forum_communique" in page and "<mark>Recalling</mark>" in page
    assert f"<b>{result.written}</b><span>clauses" in page
    assert page.count('class="badge"') == 1 + result.review
    if _chromium() is None:
        pytest.skip("chromium is not installed (make system-deps installs it)")
    png = screenshot(out, tmp_path / "view.png", tmp_path / "chromium-profile")
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 20_000


# ------------------------------------------------------------------ navigation and filters

OPENINGS = [("preambular", "Recalling", "recall"), ("preambular", "Noting", "note"),
            ("operative", "Decides", "decide"), ("operative", "Invites", "invite")]


def long_rows(n_docs: int = 2, per_doc: int = 60) -> list[dict[str, Any]]:
    """Rows of long made-up documents: a title, numbered preambular and operative clauses, a
    heading half way, every seventh clause flagged."""
    rows: list[dict[str, Any]] = []
    for d in range(n_docs):
        for k in range(per_doc):
            if k in (0, per_doc // 2):
                text = f"Part {k // (per_doc // 2) + 1}: arrangements for the review cycle {d}"
                rows.append({"doc_id": f"Q/RES/{d + 1}", "para_id": k, "text": text,
                             "type": "other", "type_score": 0.99, "action_phrase": None,
                             "action_lemma": None, "action_span": None, "review": False})
                continue
            ctype, phrase, lemma = OPENINGS[(k * 3 + d) % len(OPENINGS)]
            text = f"{k}. {phrase} the working group's note number {k} on shared rivers;"
            start = len(f"{k}. ")
            flagged = k % 7 == 0
            rows.append({"doc_id": f"Q/RES/{d + 1}", "para_id": k, "text": text, "type": ctype,
                         "type_score": 0.6 if flagged else 0.95, "action_phrase": phrase,
                         "action_lemma": lemma, "action_span": [start, start + len(phrase)],
                         "review": flagged})
    return rows


def test_contents_anchors_and_flag_links() -> None:
    rows = long_rows()
    page = "".join(render_html(rows, summarize(rows), {"input": "long.jsonl"}))
    flagged = sum(r["review"] for r in rows)
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids))  # anchors are unique
    for n, d in enumerate(("Q/RES/1", "Q/RES/2"), start=1):
        assert f'<a href="#doc-{n}">{d}</a>' in page and f'id="doc-{n}"' in page
    assert sum(i.startswith("d") and "-c" in i for i in ids) == len(rows)  # one per clause
    assert [i for i in ids if i.startswith("flag-")] == [f"flag-{i}" for i in range(1, flagged + 1)]
    for href in re.findall(r'href="#([^"]+)"', page):  # every link lands on an anchor
        assert href in ids, href
    assert page.count('title="next flagged clause"') == flagged - 1
    assert page.count('title="previous flagged clause"') == flagged - 1
    assert page.count('class="text" dir="auto"') == len(rows)
    assert 'id="only-flagged"' in page and 'id="show-operative"' in page
    assert ">Part 2: arrangements for the review cycle 1</a>" in page  # a heading in contents
    assert "<script" not in page


def _browser_check(page_html: str, clicks: list[str], tmp: Path) -> list[str]:
    """Open the page in headless Chromium, click the checkboxes ``clicks`` (by id), and return
    the ids of the clause rows still rendered. The probe script is added here, for the test
    only: the page itself has no script."""
    probe = (f"<script>for (const id of {json.dumps(clicks)}) document.getElementById(id).click();"
             "document.body.dataset.shown = [...document.querySelectorAll('li.clause')]"
             ".filter(li => li.getClientRects().length > 0).map(li => li.id).join(' ');"
             "</script>")
    path = tmp / "probe.html"
    path.write_text(page_html.replace("</body>", probe + "</body>"), encoding="utf-8")
    chromium = _chromium()
    assert chromium is not None
    dom = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp / 'profile'}", "--dump-dom", path.resolve().as_uri()],
        check=True, capture_output=True, text=True, timeout=120).stdout
    found = re.search(r'data-shown="([^"]*)"', dom)
    assert found is not None, dom[-500:]
    return found.group(1).split()


@pytest.mark.slow  # starts headless Chromium
def test_filters_hide_rows_in_chromium(tmp_path: Path) -> None:
    if _chromium() is None:
        pytest.skip("chromium is not installed (make system-deps installs it)")
    rows = long_rows()
    page = "".join(render_html(rows, summarize(rows), {"input": "long.jsonl"}))
    anchors = [(f"d{1 + i // 60}-c{1 + i % 60}", r) for i, r in enumerate(rows)]
    assert _browser_check(page, [], tmp_path) == [a for a, _ in anchors]
    flagged_only = _browser_check(page, ["only-flagged"], tmp_path)
    assert flagged_only == [a for a, r in anchors if r["review"]] and flagged_only
    no_operative = _browser_check(page, ["show-operative"], tmp_path)
    assert no_operative == [a for a, r in anchors if r["type"] != "operative"]
    # the screenshot shows the filter bar (#fff8e1) above the documents
    html_path = tmp_path / "long.html"
    html_path.write_text(page, encoding="utf-8")
    png = screenshot(html_path, tmp_path / "long.png", tmp_path / "shot-profile")
    from matplotlib.image import imread

    pixels = (imread(png)[..., :3] * 255).round()
    bar = np.all(np.abs(pixels - np.array([255, 248, 225])) <= 2, axis=-1)
    rows_with_bar = np.flatnonzero(bar.sum(axis=1) > 600)  # at least half the page's width
    assert len(rows_with_bar) >= 20, "no filter bar in the screenshot"
    first_clause = np.flatnonzero(np.all(np.abs(pixels - np.array([232, 240, 254])) <= 2,
                                         axis=-1).sum(axis=1) > 600)  # a preambular row
    assert len(first_clause) and rows_with_bar.max() < first_clause.min()
