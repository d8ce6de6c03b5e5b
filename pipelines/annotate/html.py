"""The HTML review page: a summary, a legend, filters, a table of contents, then each document
with its own contents (parts, headings, flagged clauses) and its clauses coloured by type,
action phrases marked and low-confidence clauses flagged.

Clause text carries its ``lang`` and ``dir`` (``rtl`` for Arabic, ``ltr`` for the other UN
languages, ``auto`` when the row has no language), so Arabic reads right to left with its
punctuation in place; the English lemma after a phrase is isolated (``bdi``).

The page is rendered from ``templates/review.html.j2`` with Jinja2 autoescaping, so every piece
of input text lands in the page as text, never as markup. It is self-contained: no external
assets and no scripts (the type and "flagged only" filters are checkboxes that CSS ``:has()``
reads). Every clause has an anchor (``#d3-c17``: document 3, clause 17), every flagged clause
links to the previous and next one (``#flag-N``), and clause text carries ``dir="auto"`` so
right-to-left text reads right. Rows are streamed one document at a time.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from pipelines.annotate.stream import doc_key
from pipelines.io import atomic_open
from pipelines.schema import CLAUSE_TYPES
from pipelines.text.language import language_code, text_direction

TEMPLATE = "review.html.j2"
#: the parts a document's contents link to: clause type and its name there
PARTS: tuple[tuple[str, str], ...] = (("preambular", "preamble"), ("operative", "operative part"))
#: at most this many headings ("other" clauses: titles, dates, part headings) per document
MAX_HEADINGS = 40
HEADING_WIDTH = 80


@cache
def _template() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined)
    return env.get_template(TEMPLATE)


def summarize(rows: Iterable[dict[str, Any]], default_doc: str = "doc") -> dict[str, Any]:
    """Counts for the HTML summary: documents, clauses, types, review flags, phrases, and per
    document (``docs``: name, clauses, flagged) for the table of contents."""
    clauses, review, phrases = 0, 0, 0
    types: Counter[str] = Counter()
    docs: list[dict[str, Any]] = []
    for row in rows:
        doc = doc_key(row, default_doc)
        if not docs or docs[-1]["name"] != doc:
            docs.append({"name": doc, "clauses": 0, "review": 0})
        flagged = bool(row.get("review"))
        clauses += 1
        docs[-1]["clauses"] += 1
        docs[-1]["review"] += flagged
        types[str(row.get("type"))] += 1
        review += flagged
        phrases += row.get("action_phrase") is not None
    return {"documents": len(docs), "clauses": clauses, "types": dict(types), "review": review,
            "phrases": phrases, "docs": docs}


def _stats(summary: dict[str, Any], info: dict[str, Any]) -> list[dict[str, Any]]:
    """The summary cells: name, count and, for clause types, their share."""
    n = max(summary.get("clauses", 0), 1)
    stats = [("documents", summary.get("documents", 0)), ("clauses", summary.get("clauses", 0))]
    types = summary.get("types", {})
    stats += [(t, types.get(t, 0)) for t in CLAUSE_TYPES]
    stats += [(t, c) for t, c in types.items() if t not in CLAUSE_TYPES]
    stats += [("flagged for review", summary.get("review", 0)),
              ("action phrases", summary.get("phrases", 0))]
    if info.get("skipped"):
        stats.append(("input lines skipped", info["skipped"]))
    return [{"name": name, "count": count,
             "share": f" ({100 * count / n:.0f} %)" if name in types else ""}
            for name, count in stats]


def clause_view(row: dict[str, Any]) -> dict[str, Any]:
    """What the template shows of one output row (the text split around the action phrase)."""
    text = str(row.get("text", ""))
    span = row.get("action_span")
    view: dict[str, Any] = {"text": text, "phrase": None, "before": "", "after": "",
                            "lemma": None}
    if span and row.get("action_phrase") is not None:
        s, e = int(span[0]), int(span[1])
        view.update(before=text[:s], phrase=text[s:e], after=text[e:],
                    lemma=str(row["action_lemma"]) if row.get("action_lemma") else None)
    language = row.get("language")
    language = str(language) if language else None
    view.update(lang=language, dir=text_direction(language_code(language) if language else None))
    ctype = str(row.get("type") or "unknown")
    score = row.get("type_score")
    priority = row.get("priority")
    view.update(ctype=ctype, css=ctype if ctype in CLAUSE_TYPES else "unknown",
                flagged=bool(row.get("review")), para_id=str(row.get("para_id", "")),
                score=f"{float(score):.2f}" if isinstance(score, int | float) else "",
                priority=None if priority is None else str(priority),
                uncertainty=float(row.get("uncertainty") or 0))
    return view


def _document(n: int, name: str, rows: Iterable[dict[str, Any]], flags: Iterator[int]
              ) -> dict[str, Any]:
    """One document for the template: its clause views (with anchors and flag numbers) and its
    contents: where the preamble and the operative part start, its headings, its flags."""
    clauses = []
    for k, row in enumerate(rows, start=1):
        view = clause_view(row)
        view.update(anchor=f"d{n}-c{k}", flag=next(flags) if view["flagged"] else None)
        clauses.append(view)
    parts = []
    for ctype, label in PARTS:
        found = [c for c in clauses if c["ctype"] == ctype]
        if found:
            parts.append({"name": label, "anchor": found[0]["anchor"], "count": len(found)})
    headings = [{"anchor": c["anchor"], "text": _shorten(c["text"])}
                for c in clauses if c["ctype"] == "other"][:MAX_HEADINGS]
    return {"n": n, "name": name, "clauses": clauses, "parts": parts, "headings": headings,
            "flagged": [c for c in clauses if c["flagged"]]}


def _shorten(text: str, width: int = HEADING_WIDTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


def render_html(rows: Iterable[dict[str, Any]], summary: dict[str, Any],
                info: dict[str, Any] | None = None, default_doc: str = "doc") -> Iterator[str]:
    """The page, piece by piece (see the module docstring); ``summary`` from :func:`summarize`."""
    info = info or {}
    title = f"unclause annotation — {info.get('input', '')}".strip(" —")
    flags = itertools.count(1)
    documents = (_document(n, doc, group, flags) for n, (doc, group) in enumerate(
        itertools.groupby(rows, key=lambda r: doc_key(r, default_doc)), start=1))
    threshold = info.get("threshold")
    types = summary.get("types", {})
    filter_types = [*CLAUSE_TYPES, *(["unknown"] if any(t not in CLAUSE_TYPES for t in types)
                                     else [])]
    return _template().generate(
        title=title, models=str(info["models"]) if info.get("models") else None,
        threshold=None if threshold is None else float(threshold),
        stats=_stats(summary, info), clause_types=CLAUSE_TYPES, filter_types=filter_types,
        toc=summary.get("docs", []), flagged_total=summary.get("review", 0),
        documents=documents)


def write_html(rows: Callable[[], Iterable[dict[str, Any]]], out: Path,
               info: dict[str, Any], default_doc: str) -> None:
    """The page for ``rows`` (read twice: the summary first) written atomically to ``out``."""
    summary = summarize(rows(), default_doc)
    with atomic_open(out) as fh:
        for piece in render_html(rows(), summary, info, default_doc):
            fh.write(piece)
