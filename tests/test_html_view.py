"""The self-contained HTML view: escaping, highlights, flags and summary; rendered by headless
Chromium to a screenshot when Chromium is installed (`make system-deps`)."""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from test_annotate import COMMUNIQUE, train_champions

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


@pytest.fixture()
def store(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Any:
    champions = train_champions(tmp_path_factory)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", champions["uri"])
    monkeypatch.delenv("MLFLOW_REGISTRY_URI", raising=False)
    yield champions["uri"]
    import mlflow

    mlflow.set_tracking_uri(None)
    mlflow.set_registry_uri(None)


def test_annotated_document_renders_in_chromium(store: str, tmp_path: Path) -> None:
    doc = tmp_path / "water_forum_communique.txt"
    doc.write_text(COMMUNIQUE, encoding="utf-8")
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
