"""The annotation stage: clauses in, clause types and action phrases out.

INPUT is a JSONL of clauses ``{"doc_id", "para_id", "text", …}`` in document order, streamed
line by line, or anything :func:`pipelines.corpus.readers.read_documents` accepts (a document
file, a folder, an archive). Clauses reach the two registered models (``clause-type`` and
``action-phrase``, pyfunc) in batches of whole documents, so a model sees each document's
context; a document is split only when it alone exceeds the batch size. Memory stays flat in
the input's size: one batch (plus the document being read) at a time.

Every batch is appended to ``OUT.partial`` (JSONL, flushed and synced) and then recorded in the
sidecar ``OUT.partial.state`` (input lines consumed, output bytes written, counts, the models'
identities and a SHA-256 of the consumed input). ``resume=True`` checks that state against the
current run, truncates the partial to the recorded byte offset, skips the consumed input lines
(verifying their digest) and carries on; so an interrupted run, resumed, ends with exactly the
lines of an uninterrupted one. At the end the partial becomes OUT (JSONL, by rename) or is
rendered into CSV, a self-contained HTML view or Label Studio tasks (written atomically), and
the partial and its state are removed.

Output rows keep every input field unchanged and add ``type``, ``type_score``,
``action_phrase`` (an exact substring of ``text``, or null), ``action_lemma``, ``action_span``
(``[start, end]`` or null) and ``review`` (``type_score`` below the review threshold). An input
field with one of these names is kept as ``input_<name>``.
"""

from __future__ import annotations

import csv
import gc
import hashlib
import html
import json
import logging
import math
import os
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

import pandas as pd

from pipelines.errors import InputError, UnclauseError
from pipelines.io import atomic_open
from pipelines.models.base import empty_phrase_frame
from pipelines.schema import CLAUSE_TYPES
from pipelines.tracking.registry import LoadedModel, load_model
from pipelines.tracking.store import connect

log = logging.getLogger(__name__)

DEFAULT_TYPE_MODEL = "models:/clause-type@champion"
DEFAULT_PHRASE_MODEL = "models:/action-phrase@champion"
DEFAULT_BATCH_SIZE = 5000
DEFAULT_REVIEW_THRESHOLD = 0.8
#: Fields annotate adds to every input record, in this order.
OUTPUT_FIELDS: tuple[str, ...] = ("type", "type_score", "action_phrase", "action_lemma",
                                  "action_span", "review")
#: Fields added by ``select`` mode.
SELECT_FIELDS: tuple[str, ...] = ("priority", "uncertainty")
FORMATS: tuple[str, ...] = ("jsonl", "csv", "html", "labelstudio")
EXTENSION_FORMATS: dict[str, str] = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv",
                                     ".html": "html", ".htm": "html", ".json": "labelstudio"}
JSONL_INPUT_SUFFIXES = (".jsonl", ".ndjson")
STRATEGIES: tuple[str, ...] = ("least-confident", "margin", "entropy")
STATE_VERSION = 1
_SELECT_KEY = "__unclause_select__"  # private spool field in select mode, never written out

OnError = Literal["skip", "stop"]
Strategy = Literal["least-confident", "margin", "entropy"]


# =========================================================================== models


@dataclass
class Models:
    """The clause-type and action-phrase models used together."""

    type: LoadedModel
    phrase: LoadedModel

    @property
    def version_label(self) -> str:
        return f"{self.type.label} + {self.phrase.label}"

    def predict(self, frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Clause types for every row, then action phrases for the rows not typed ``other``.

        An "other" clause (title, date, heading, formula) has no action phrase by definition;
        leaving those rows out spares the phrase model about a quarter of the clauses.
        """
        types = self.type.predict(frame)
        keep = (types["type"] != "other").to_numpy()
        if keep.all():
            return types, self.phrase.predict(frame)
        if not keep.any():
            return types, empty_phrase_frame(frame.index)
        found = self.phrase.predict(frame[keep])
        found.index = frame.index[keep]  # a pyfunc's output carries a fresh RangeIndex
        found = found.reindex(frame.index)
        for col in ("action_phrase", "action_lemma"):
            found[col] = found[col].astype(object).where(keep, None)
        for col in ("action_start", "action_end"):
            found[col] = found[col].where(keep, -1).astype("int64")
        return types, found


def load_models(type_uri: str = DEFAULT_TYPE_MODEL,
                phrase_uri: str = DEFAULT_PHRASE_MODEL) -> Models:
    """Both models, from the registry (default: the ``champion`` aliases) or any model URI."""
    store = connect()
    models = Models(type=load_model(type_uri, store, "clause-type"),
                    phrase=load_model(phrase_uri, store, "action-phrase"))
    log.debug("models: %s", models.version_label)
    # The models hold ~500k long-lived objects (vocabularies, lexicons); the cyclic collector
    # would walk all of them on every full collection while batches allocate. Moving what
    # exists now out of its reach makes annotation 10-25 % faster (objects are still freed by
    # reference counting; only cycles created before this point are never collected).
    gc.freeze()
    return models


# =========================================================================== input


@dataclass(frozen=True)
class Unit:
    """One input clause: its line (or clause ordinal), the record as read, and the model keys."""

    line_no: int
    record: dict[str, Any]
    doc_id: str
    para_id: int


def is_jsonl_input(path: Path) -> bool:
    """A file of clause records (streamed), as opposed to documents for the readers."""
    return path.is_file() and path.name.lower().endswith(JSONL_INPUT_SUFFIXES)


def _document_record(doc: Any, clause: Any) -> dict[str, Any]:
    record: dict[str, Any] = {"doc_id": doc.doc_id, "para_id": clause.para_id,
                              "text": clause.text}
    for key in ("number", "section"):
        if getattr(clause, key, None) is not None:
            record[key] = getattr(clause, key)
    for key in ("body", "session", "date"):
        if getattr(doc, key, None) is not None:
            record[key] = getattr(doc, key)
    record["source"] = doc.source
    return record


class ClauseStream:
    """The input's clauses in order, with a digest of the prefix committed so far.

    Units are numbered by input line (JSONL) or clause ordinal (documents). ``start`` skips the
    first units of an earlier run (their digest must equal ``start_digest``); :meth:`commit`
    folds the raw lines up to a unit into the digest once its batch is written.
    """

    def __init__(self, path: Path, on_error: OnError = "stop", start: int = 0,
                 start_digest: str | None = None,
                 skipped: list[tuple[int | str, str]] | None = None,
                 last_doc: tuple[str | None, int] = (None, 0)) -> None:
        self.path = path
        self.kind = "jsonl" if is_jsonl_input(path) else "documents"
        self.on_error = on_error
        self.start = start
        self.start_digest = start_digest
        self.skipped: list[tuple[int | str, str]] = list(skipped or [])
        self.last_doc = last_doc  # (doc_id, clauses of it already seen): ordinals go on
        self.bytes_read = 0
        self.bytes_total = path.stat().st_size if self.kind == "jsonl" else None
        self._hasher = hashlib.sha256()
        self._pending: deque[tuple[int, bytes]] = deque()
        self._prefix_checked = start == 0
        from pipelines.corpus.sources import SourceItem
        from pipelines.corpus.text import doc_id_for

        self.default_doc = doc_id_for(SourceItem(str(path), b""))

    # -- digest of the consumed prefix

    def _check_prefix(self, seen: int) -> None:
        units = "line(s)" if self.kind == "jsonl" else "clause(s)"
        if seen < self.start:
            raise UnclauseError(
                f"cannot resume: {self.path} now has {seen} {units}, fewer than the "
                f"{self.start} the interrupted run had consumed",
                "pass --restart to annotate it from the start")
        if self.start_digest and self._hasher.hexdigest() != self.start_digest:
            raise UnclauseError(
                f"cannot resume: the first {self.start} {units} of {self.path} changed since "
                "the interrupted run", "pass --restart to annotate it from the start")
        self._prefix_checked = True

    def commit(self, line_no: int) -> str:
        """Fold raw lines up to ``line_no`` into the digest; return the digest."""
        while self._pending and self._pending[0][0] <= line_no:
            self._hasher.update(self._pending.popleft()[1])
        return self._hasher.hexdigest()

    # -- units

    def __iter__(self) -> Iterator[Unit]:
        units = self._jsonl_units() if self.kind == "jsonl" else self._document_units()
        last_doc, ordinal = self.last_doc
        for unit in units:
            if unit.doc_id != last_doc:
                last_doc, ordinal = unit.doc_id, 0
            # a record without para_id gets its position in the document
            yield unit if unit.para_id >= 0 else Unit(unit.line_no, unit.record, unit.doc_id,
                                                       ordinal)
            ordinal += 1

    def _raw_lines(self, fh: IO[bytes]) -> Iterator[bytes]:
        line_no = 0
        for line_no, raw in enumerate(fh, start=1):
            self.bytes_read += len(raw)
            if line_no <= self.start:
                self._hasher.update(raw)
                if line_no == self.start:
                    self._check_prefix(line_no)
                yield b""  # keeps the line numbering of the parser
                continue
            self._pending.append((line_no, raw))
            yield raw
        if not self._prefix_checked:
            self._check_prefix(line_no)

    def _jsonl_units(self) -> Iterator[Unit]:
        from pipelines.corpus.jsonl import _as_int, iter_clause_records

        skipped: list[tuple[int, str]] = []
        with self.path.open("rb") as fh:
            records = iter_clause_records(self._raw_lines(fh), str(self.path), self.on_error,
                                          skipped)
            for line_no, record in records:
                if skipped:
                    self.skipped.extend(skipped)
                    skipped.clear()
                raw_id = record.get("doc_id")
                doc_id = self.default_doc if raw_id is None or raw_id == "" else str(raw_id)
                para_id = _as_int(record.get("para_id"))
                yield Unit(line_no, record, doc_id, -1 if para_id is None else para_id)
        self.skipped.extend(skipped)

    def _document_units(self) -> Iterator[Unit]:
        from pipelines.corpus.readers import ReadReport, read_documents

        report = ReadReport()
        n = 0
        try:
            for doc in read_documents([self.path], self.on_error, report):
                for clause in doc.clauses:
                    n += 1
                    record = _document_record(doc, clause)
                    raw = (json.dumps(record, sort_keys=True, ensure_ascii=False, default=str)
                           + "\n").encode("utf-8")
                    self.bytes_read += len(raw)
                    if n <= self.start:
                        self._hasher.update(raw)
                        if n == self.start:
                            self._check_prefix(n)
                        continue
                    self._pending.append((n, raw))
                    yield Unit(n, record, doc.doc_id, int(clause.para_id))
            if not self._prefix_checked:
                self._check_prefix(n)
        finally:
            self.skipped[:] = [(name, reason) for name, reason in report.skipped]


def iter_batches(units: Iterable[Unit], batch_size: int) -> Iterator[list[Unit]]:
    """Group units into batches of whole documents of at most ``batch_size`` clauses.

    Consecutive units with one ``doc_id`` form a document; a document longer than a batch is
    cut into ``batch_size`` chunks. Batches depend only on the input, so a run resumed after a
    batch boundary forms the same batches as an uninterrupted one.
    """
    batch: list[Unit] = []
    doc: list[Unit] = []
    for unit in units:
        if doc and unit.doc_id != doc[-1].doc_id:
            if batch and len(batch) + len(doc) > batch_size:
                yield batch
                batch = []
            batch.extend(doc)
            doc = []
        doc.append(unit)
        if len(doc) >= batch_size:
            if batch:
                yield batch
                batch = []
            yield doc
            doc = []
    if batch and len(batch) + len(doc) > batch_size:
        yield batch
        batch = []
    batch.extend(doc)
    if batch:
        yield batch


# =========================================================================== predictions


def model_frame(units: list[Unit]) -> pd.DataFrame:
    """The pyfunc input for a batch: ``doc_id`` (str), ``para_id`` (int64), ``text`` (str).

    Texts stay Python strings (object dtype): the models read them as such, and a round trip
    through pandas' Arrow-backed string dtype costs more than a model's own features."""
    return pd.DataFrame({"doc_id": [u.doc_id for u in units],
                         "para_id": pd.Series([u.para_id for u in units], dtype="int64"),
                         "text": pd.Series([u.record["text"] for u in units], dtype=object)})


def checked_span(text: str, phrase: Any, start: Any, end: Any) -> tuple[str | None,
                                                                        list[int] | None]:
    """``(phrase, [start, end])`` with ``text[start:end] == phrase``, or ``(None, None)``.

    Offsets that do not point at the phrase are repaired from its first occurrence; a phrase
    that is not in the text at all is dropped (and logged), so the invariant always holds.
    """
    if phrase is None or (isinstance(phrase, float) and math.isnan(phrase)) or phrase == "":
        return None, None
    phrase = str(phrase)
    try:
        s, e = int(start), int(end)
    except (TypeError, ValueError):
        s, e = -1, -1
    if 0 <= s < e <= len(text) and text[s:e] == phrase:
        return phrase, [s, e]
    found = text.find(phrase)
    if found < 0:
        log.debug("dropped action phrase %r: not a substring of %r", phrase, text[:80])
        return None, None
    return phrase, [found, found + len(phrase)]


def _clean(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def merge_predictions(records: list[dict[str, Any]], type_pred: pd.DataFrame,
                      phrase_pred: pd.DataFrame, review_threshold: float,
                      keep_proba: bool = False) -> list[dict[str, Any]]:
    """Input records plus the output fields (pure; rows in the order of ``records``)."""
    if len(type_pred) != len(records) or len(phrase_pred) != len(records):
        raise UnclauseError(f"a model returned {len(type_pred)}/{len(phrase_pred)} rows for "
                            f"{len(records)} clauses", "the model is broken; retrain it")
    tp = type_pred.reset_index(drop=True).to_dict("list")
    pp = phrase_pred.reset_index(drop=True).to_dict("list")
    proba_cols = [f"proba_{t}" for t in CLAUSE_TYPES if f"proba_{t}" in tp]
    rows = []
    for i, record in enumerate(records):
        row = dict(record)
        for key in OUTPUT_FIELDS:
            if key in row:
                row[f"input_{key}"] = row.pop(key)
        score = round(float(tp["type_score"][i]), 6)
        phrase, span = checked_span(record["text"], pp["action_phrase"][i],
                                    pp["action_start"][i], pp["action_end"][i])
        row.update({"type": str(tp["type"][i]), "type_score": score,
                    "action_phrase": phrase,
                    "action_lemma": _clean(pp["action_lemma"][i]) if phrase else None,
                    "action_span": span, "review": score < review_threshold})
        if keep_proba:
            row[_SELECT_KEY] = [round(float(tp[c][i]), 6) for c in proba_cols]
        rows.append(row)
    return rows


# =========================================================================== active learning


def uncertainty(proba: pd.DataFrame | Any, strategy: Strategy = "least-confident") -> pd.Series:
    """How unsure the type model is, per row; larger means more worth a human's time.

    least-confident: ``1 - max p``; margin: ``1 - (p1 - p2)`` (the two best classes are close);
    entropy: ``-Σ p log p`` normalised by ``log K`` to [0, 1].
    """
    import numpy as np

    if strategy not in STRATEGIES:
        raise UnclauseError(f"unknown strategy '{strategy}'", f"use one of: {', '.join(STRATEGIES)}")
    values = np.asarray(proba, dtype=float)
    index = proba.index if isinstance(proba, pd.DataFrame) else None
    if values.size == 0:
        return pd.Series([], dtype=float, index=index)
    ordered = np.sort(values, axis=1)[:, ::-1]
    if strategy == "least-confident":
        score = 1.0 - ordered[:, 0]
    elif strategy == "margin":
        second = ordered[:, 1] if values.shape[1] > 1 else 0.0
        score = 1.0 - (ordered[:, 0] - second)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            logs = np.where(values > 0, np.log(values), 0.0)
        score = -(values * logs).sum(axis=1) / math.log(max(values.shape[1], 2))
    return pd.Series(np.round(score, 9), index=index)


def select_for_review(pred_frame: pd.DataFrame, n: int, strategy: Strategy = "least-confident",
                      per_doc_cap: int | None = None) -> pd.DataFrame:
    """The ``n`` clauses most worth a human's time, spread over documents.

    Uncertainty comes from the ``proba_*`` columns (see :func:`uncertainty`). Without
    ``per_doc_cap`` documents take turns: round 1 holds each document's most uncertain clause,
    round 2 its second, and so on, each round ordered by uncertainty; with ``per_doc_cap`` the
    global ranking is cut to at most that many clauses per document. Ties go to the earlier
    document, then the earlier clause, so the choice is deterministic. Returns the chosen rows
    (original columns) plus ``uncertainty`` and ``priority`` (1 = first), in priority order.
    """
    if n < 1:
        raise UnclauseError(f"--select must be at least 1, not {n}")
    if per_doc_cap is not None and per_doc_cap < 1:
        raise UnclauseError(f"the per-document cap must be at least 1, not {per_doc_cap}")
    proba_cols = [c for c in pred_frame.columns if str(c).startswith("proba_")]
    if not proba_cols:
        raise UnclauseError("cannot select clauses for review: no proba_* columns",
                            "select with a clause-type model that outputs probabilities")
    if pred_frame.empty:
        return pred_frame.assign(uncertainty=pd.Series(dtype=float),
                                 priority=pd.Series(dtype="int64"))
    frame = pred_frame.reset_index(drop=True)
    docs = frame["doc_id"].astype(str) if "doc_id" in frame else pd.Series("doc", frame.index)
    score = uncertainty(frame[proba_cols], strategy)
    key = pd.DataFrame({"u": score, "doc": docs.map({d: i for i, d in
                                                      enumerate(dict.fromkeys(docs))}),
                        "pos": range(len(frame))})
    key = key.sort_values(["u", "doc", "pos"], ascending=[False, True, True], kind="stable")
    key["rank_in_doc"] = key.groupby("doc", sort=False).cumcount()
    if per_doc_cap is not None:
        chosen = key[key["rank_in_doc"] < per_doc_cap]
    else:
        chosen = key.sort_values(["rank_in_doc", "u", "doc", "pos"],
                                 ascending=[True, False, True, True], kind="stable")
    chosen = chosen.head(n)
    out = pred_frame.iloc[chosen["pos"].to_numpy()].copy()
    out["uncertainty"] = chosen["u"].to_numpy()
    out["priority"] = range(1, len(out) + 1)
    return out


# =========================================================================== output: HTML

TYPE_COLOURS = {"preambular": ("#e8f0fe", "#1a56c4"), "operative": ("#e6f4ea", "#1e7b34"),
                "other": ("#f1f3f4", "#6b7280")}
_CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1f2328;
background:#fafafa}
header{background:#12355b;color:#fff;padding:18px 28px}header h1{margin:0 0 4px;font-size:22px}
header p{margin:2px 0;opacity:.85;font-size:13px}main{padding:16px 28px;max-width:1100px}
.summary{display:flex;flex-wrap:wrap;gap:10px;margin:0 0 12px}
.stat{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:8px 14px;min-width:110px}
.stat b{display:block;font-size:20px}.stat span{font-size:12px;color:#57606a}
.legend{display:flex;flex-wrap:wrap;gap:14px;align-items:center;margin:6px 0 18px;font-size:13px}
.chip{display:inline-block;border-radius:10px;padding:1px 9px;font-size:12px;font-weight:600}
.doc{background:#fff;border:1px solid #d0d7de;border-radius:10px;margin:0 0 22px;padding:6px 18px}
.doc h2{font-size:17px;margin:10px 0}.doc h2 small{font-weight:400;color:#57606a;font-size:13px}
ol.clauses{list-style:none;margin:0;padding:0}
li.clause{display:grid;grid-template-columns:50px 112px 1fr;gap:8px;align-items:baseline;
padding:6px 8px;margin:4px 0;border-left:5px solid;border-radius:4px}
.pid{color:#8c959f;font-size:12px;text-align:right}.meta{font-size:12px}
.score{display:block;color:#57606a;font-size:11px}.text{white-space:pre-wrap}
mark{background:#ffd54f;padding:0 2px;border-radius:3px;font-weight:600}
.lemma{color:#8a6d00;font-size:12px;margin-left:6px}
li.review{outline:2px dashed #d9480f;outline-offset:-1px}
.badge{display:inline-block;background:#d9480f;color:#fff;border-radius:8px;padding:0 7px;
font-size:11px;font-weight:700;margin-top:2px;text-transform:uppercase;letter-spacing:.03em}
.legend .badge{margin:0 4px 0 0}
nav.toc{font-size:13px;margin:0 0 16px;columns:3}nav.toc a{color:#12355b}
"""


def _type_css() -> str:
    rules = []
    for name, (bg, fg) in TYPE_COLOURS.items():
        rules.append(f"li.t-{name}{{background:{bg};border-left-color:{fg}}}"
                     f".chip.t-{name}{{background:{fg};color:#fff}}")
    rules.append("li.t-unknown{background:#fff;border-left-color:#999}"
                 ".chip.t-unknown{background:#999;color:#fff}")
    return "\n".join(rules)


def _doc_key(row: dict[str, Any], default_doc: str) -> str:
    raw = row.get("doc_id")
    return default_doc if raw is None or raw == "" else str(raw)


def summarize(rows: Iterable[dict[str, Any]], default_doc: str = "doc") -> dict[str, Any]:
    """Counts for the HTML summary: documents, clauses, types, review flags, phrases."""
    docs, clauses, review, phrases = 0, 0, 0, 0
    types: Counter[str] = Counter()
    last: str | None = None
    for row in rows:
        doc = _doc_key(row, default_doc)
        if doc != last:
            docs, last = docs + 1, doc
        clauses += 1
        types[str(row.get("type"))] += 1
        review += bool(row.get("review"))
        phrases += row.get("action_phrase") is not None
    return {"documents": docs, "clauses": clauses, "types": dict(types), "review": review,
            "phrases": phrases}


def _clause_html(row: dict[str, Any]) -> str:
    esc = html.escape
    text = str(row.get("text", ""))
    span = row.get("action_span")
    if span and row.get("action_phrase") is not None:
        s, e = int(span[0]), int(span[1])
        body = (f"{esc(text[:s])}<mark>{esc(text[s:e])}</mark>{esc(text[e:])}")
        if row.get("action_lemma"):
            body += f'<span class="lemma">→ {esc(str(row["action_lemma"]))}</span>'
    else:
        body = esc(text)
    ctype = str(row.get("type") or "unknown")
    css = ctype if ctype in TYPE_COLOURS else "unknown"
    flagged = bool(row.get("review"))
    score = row.get("type_score")
    score_txt = f"{float(score):.2f}" if isinstance(score, int | float) else ""
    badge = '<span class="badge" title="low confidence: please review">review</span>' \
        if flagged else ""
    extra = ""
    if row.get("priority") is not None:
        extra = (f'<span class="score">priority {esc(str(row["priority"]))}, uncertainty '
                 f'{float(row.get("uncertainty") or 0):.3f}</span>')
    title = esc(f"{ctype} (p={score_txt})", quote=True)
    return (f'<li class="clause t-{css}{" review" if flagged else ""}" title="{title}">'
            f'<span class="pid">¶ {esc(str(row.get("para_id", "")))}</span>'
            f'<span class="meta"><span class="chip t-{css}">{esc(ctype)}</span>'
            f'<span class="score">p = {score_txt}</span>{badge}{extra}</span>'
            f'<span class="text">{body}</span></li>')


def render_html(rows: Iterable[dict[str, Any]], summary: dict[str, Any],
                info: dict[str, Any] | None = None, default_doc: str = "doc") -> Iterator[str]:
    """A self-contained HTML page, piece by piece: summary, legend, then each document with its
    clauses coloured by type, action phrases marked and low-confidence clauses flagged.

    No scripts or external assets; every piece of text is escaped.
    """
    esc = html.escape
    info = info or {}
    title = f"unclause annotation — {info.get('input', '')}".strip(" —")
    yield ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
           f"<title>{esc(title)}</title><style>{_CSS}{_type_css()}</style></head><body>\n")
    sub = []
    if info.get("models"):
        sub.append(f"<p>models: {esc(str(info['models']))}</p>")
    if info.get("threshold") is not None:
        sub.append(f"<p>clauses with type probability below {float(info['threshold']):.2f} "
                   "are flagged for review</p>")
    yield f"<header><h1>{esc(title)}</h1>{''.join(sub)}</header><main>\n"
    n = max(summary.get("clauses", 0), 1)
    stats = [("documents", summary.get("documents", 0)), ("clauses", summary.get("clauses", 0))]
    types = summary.get("types", {})
    stats += [(t, types.get(t, 0)) for t in CLAUSE_TYPES]
    stats += [(t, c) for t, c in types.items() if t not in CLAUSE_TYPES]
    stats += [("flagged for review", summary.get("review", 0)),
              ("action phrases", summary.get("phrases", 0))]
    if info.get("skipped"):
        stats.append(("input lines skipped", info["skipped"]))
    cells = []
    for name, count in stats:
        share = f" ({100 * count / n:.0f} %)" if name in types else ""
        cells.append(f'<div class="stat"><b>{count:,}</b><span>{esc(name)}{share}</span></div>')
    yield f'<section class="summary">{"".join(cells)}</section>\n'
    legend = "".join(f'<span><span class="chip t-{t}">{t}</span></span>' for t in CLAUSE_TYPES)
    yield (f'<div class="legend"><b>Legend:</b>{legend}<span><mark>action phrase</mark></span>'
           '<span><span class="badge">review</span> low confidence</span></div>\n')
    current: str | None = None
    for row in rows:
        doc = _doc_key(row, default_doc)
        if doc != current:
            if current is not None:
                yield "</ol></section>\n"
            current = doc
            yield (f'<section class="doc"><h2>{esc(doc)}</h2><ol class="clauses">\n')
        yield _clause_html(row) + "\n"
    if current is not None:
        yield "</ol></section>\n"
    else:
        yield "<p>No clauses.</p>\n"
    yield "</main></body></html>\n"


# =========================================================================== output: files


def iter_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Rows of a JSONL file written by this module."""
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def _public(row: dict[str, Any]) -> dict[str, Any]:
    if _SELECT_KEY in row:
        row = {k: v for k, v in row.items() if k != _SELECT_KEY}
    return row


def _dumps(row: dict[str, Any]) -> str:
    return json.dumps(row, ensure_ascii=False, default=str)


def write_jsonl(rows: Iterable[dict[str, Any]], out: Path) -> None:
    with atomic_open(out) as fh:
        for row in rows:
            fh.write(_dumps(_public(row)) + "\n")


def _csv_value(value: Any, key: str) -> Any:
    if value is None:
        return ""
    if key == "action_span" and isinstance(value, list | tuple) and len(value) == 2:
        return f"{value[0]}-{value[1]}"
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False)
    return value


def write_csv(rows: Callable[[], Iterable[dict[str, Any]]], out: Path) -> None:
    """CSV with the JSONL's fields (header = every field seen, in order of first appearance);
    ``action_span`` as ``start-end``, nested values as JSON, nulls empty."""
    columns: dict[str, None] = {}
    for row in rows():
        columns.update(dict.fromkeys(_public(row)))
    with atomic_open(out) as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        for row in rows():
            writer.writerow({k: _csv_value(v, k) for k, v in _public(row).items()})


def write_html(rows: Callable[[], Iterable[dict[str, Any]]], out: Path,
               info: dict[str, Any], default_doc: str) -> None:
    summary = summarize(rows(), default_doc)
    with atomic_open(out) as fh:
        for piece in render_html(rows(), summary, info, default_doc):
            fh.write(piece)


def write_labelstudio(rows: Iterable[dict[str, Any]], out: Path, model_version: str,
                      default_doc: str) -> int:
    """Label Studio tasks (a JSON list), streamed one task at a time."""
    from pipelines.annotate.labelstudio import iter_tasks

    n = 0
    with atomic_open(out) as fh:
        fh.write("[")
        for task in iter_tasks((_public(r) for r in rows), model_version, default_doc):
            fh.write(("\n" if n == 0 else ",\n") + json.dumps(task, ensure_ascii=False,
                                                              default=str))
            n += 1
        fh.write("\n]\n" if n else "]\n")
    return n


def output_format(out: Path, fmt: str | None = None) -> str:
    """The output format from ``fmt`` or ``out``'s extension."""
    if fmt:
        fmt = fmt.lower().replace("-", "")
        fmt = {"ls": "labelstudio", "json": "labelstudio", "htm": "html"}.get(fmt, fmt)
        if fmt not in FORMATS:
            raise UnclauseError(f"unknown output format '{fmt}'", f"use one of: {', '.join(FORMATS)}")
        return fmt
    found = EXTENSION_FORMATS.get(out.suffix.lower())
    if found is None:
        raise UnclauseError(f"cannot tell the output format from '{out.name}'",
                            "end -o with .jsonl, .csv, .html or .json (Label Studio tasks), "
                            "or pass --format")
    return found


# =========================================================================== the run


@dataclass
class RunState:
    """The sidecar of ``OUT.partial``: what must match to resume, and how far the run got."""

    version: int
    input: str
    input_kind: str
    models: dict[str, Any]
    batch_size: int
    review_threshold: float
    select: bool
    lines_consumed: int = 0
    input_sha256: str = ""
    bytes_written: int = 0
    read: int = 0
    written: int = 0
    documents: int = 0
    last_doc: str | None = None
    last_doc_clauses: int = 0
    types: dict[str, int] = field(default_factory=dict)
    review: int = 0
    phrases: int = 0
    batches: int = 0
    skipped: list[list[Any]] = field(default_factory=list)

    def settings(self) -> dict[str, Any]:
        return {"version": self.version, "input": self.input, "input_kind": self.input_kind,
                "models": self.models, "batch_size": self.batch_size,
                "review_threshold": self.review_threshold, "select": self.select}

    def save(self, path: Path) -> None:
        with atomic_open(path) as fh:
            json.dump(asdict(self), fh, indent=1)

    @classmethod
    def load(cls, path: Path) -> RunState:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(**data)
        except (OSError, ValueError, TypeError) as exc:
            raise UnclauseError(f"cannot resume: the state file {path} is unreadable ({exc})",
                                "pass --restart to start over") from None


@dataclass
class BatchProgress:
    """Passed to ``on_batch`` after each batch is safely written."""

    batches: int
    read: int
    written: int
    skipped: int
    bytes_read: int
    bytes_total: int | None


@dataclass
class AnnotateResult:
    """What one annotate run read, skipped and wrote."""

    out: Path
    fmt: str
    input_kind: str
    read: int
    written: int
    skipped: list[tuple[int | str, str]]
    documents: int
    types: dict[str, int]
    review: int
    phrases: int
    models: str
    seconds: float
    resumed_from: int = 0
    selected: int | None = None


def partial_paths(out: Path) -> tuple[Path, Path]:
    """``OUT.partial`` and its state sidecar ``OUT.partial.state``."""
    partial = out.with_name(out.name + ".partial")
    return partial, partial.with_name(partial.name + ".state")


def _validate(batch_size: int, review_threshold: float, on_error: str, strategy: str,
              select: int | None) -> None:
    if batch_size < 1:
        raise UnclauseError(f"--batch-size must be at least 1, not {batch_size}")
    if not 0.0 <= review_threshold <= 1.0:
        raise UnclauseError(f"--review-threshold must be between 0 and 1, not {review_threshold}")
    if on_error not in ("skip", "stop"):
        raise UnclauseError(f"--on-error must be skip or stop, not '{on_error}'")
    if strategy not in STRATEGIES:
        raise UnclauseError(f"unknown strategy '{strategy}'", f"use one of: {', '.join(STRATEGIES)}")
    if select is not None and select < 1:
        raise UnclauseError(f"--select must be at least 1, not {select}")


def _select_rows(spool: Path, n: int, strategy: Strategy, per_doc_cap: int | None,
                 default_doc: str) -> list[dict[str, Any]]:
    """Two passes over the spool: rank by uncertainty, then fetch the chosen rows (with their
    neighbours' text for context), in priority order."""
    keys: dict[str, list[Any]] = {"doc_id": [], **{f"proba_{t}": [] for t in CLAUSE_TYPES}}
    for row in iter_jsonl(spool):
        keys["doc_id"].append(_doc_key(row, default_doc))
        for t, p in zip(CLAUSE_TYPES, row[_SELECT_KEY], strict=False):
            keys[f"proba_{t}"].append(p)
    chosen = select_for_review(pd.DataFrame(keys), n, strategy, per_doc_cap)
    wanted = {int(pos): (int(pri), float(u)) for pos, pri, u in
              zip(chosen.index, chosen["priority"], chosen["uncertainty"], strict=True)}
    picked: dict[int, dict[str, Any]] = {}
    prev: dict[str, Any] | None = None
    waiting: int | None = None
    for pos, row in enumerate(iter_jsonl(spool)):
        row = _public(row)
        same_doc = prev is not None and _doc_key(prev, default_doc) == _doc_key(row, default_doc)
        if waiting is not None:
            picked[waiting].setdefault("next_text", row.get("text") if same_doc else "")
            waiting = None
        if pos in wanted:
            priority, unc = wanted[pos]
            row.setdefault("prev_text", prev.get("text") if same_doc and prev else "")
            row.update({"priority": priority, "uncertainty": round(unc, 6)})
            picked[pos] = row
            waiting = pos
        prev = row
    if waiting is not None:
        picked[waiting].setdefault("next_text", "")
    return sorted(picked.values(), key=lambda r: r["priority"])


def annotate(
    input_path: str | Path,
    out: str | Path,
    *,
    type_model: str = DEFAULT_TYPE_MODEL,
    phrase_model: str = DEFAULT_PHRASE_MODEL,
    fmt: str | None = None,
    on_error: OnError = "stop",
    resume: bool = False,
    restart: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    review_threshold: float = DEFAULT_REVIEW_THRESHOLD,
    select: int | None = None,
    strategy: Strategy = "least-confident",
    per_doc_cap: int | None = None,
    on_batch: Callable[[BatchProgress], None] | None = None,
    models: Models | None = None,
) -> AnnotateResult:
    """Annotate ``input_path`` into ``out``; see the module docstring for the whole contract.

    ``on_batch`` is called after each batch is durably written (progress bars; tests use it
    to interrupt a run). ``models`` skips loading (already loaded models).
    """
    t0 = time.perf_counter()
    input_path, out = Path(input_path), Path(out)
    fmt = output_format(out, fmt)
    _validate(batch_size, review_threshold, on_error, strategy, select)
    if not input_path.exists():
        raise InputError(str(input_path), "no such file or folder", "check the path")
    partial, state_path = partial_paths(out)
    leftover = partial.exists() or state_path.exists()
    if leftover and restart:
        for p in (partial, state_path):
            p.unlink(missing_ok=True)
        log.info("--restart: removed %s", partial)
        leftover = False
    if leftover and not resume:
        raise UnclauseError(f"{partial} is left from an interrupted run into {out}",
                            "pass --resume to continue it, or --restart to start over")
    if resume and not leftover:
        log.info("nothing to resume at %s: starting from the beginning", partial)

    models = models or load_models(type_model, phrase_model)
    kind = "jsonl" if is_jsonl_input(input_path) else "documents"
    fresh = RunState(version=STATE_VERSION, input=str(input_path.resolve()), input_kind=kind,
                     models={"type": models.type.identity(), "phrase": models.phrase.identity()},
                     batch_size=batch_size, review_threshold=review_threshold,
                     select=select is not None)
    state = fresh
    if leftover:
        if not state_path.exists() or not partial.exists():
            raise UnclauseError(f"cannot resume: {state_path if partial.exists() else partial} "
                                "is missing", "pass --restart to start over")
        state = RunState.load(state_path)
        differ = [k for k, v in fresh.settings().items() if state.settings().get(k) != v]
        if differ:
            detail = "; ".join(f"{k}: was {state.settings().get(k)!r}, now {fresh.settings()[k]!r}"
                               for k in differ)
            raise UnclauseError(f"cannot resume {partial}: the run differs ({detail})",
                                "rerun with the same input, models and options, or pass "
                                "--restart to start over")
        with partial.open("r+b") as fh:
            fh.truncate(state.bytes_written)
        log.info("resuming %s after input line %d (%d rows written)", partial,
                 state.lines_consumed, state.written)
    resumed_from = state.lines_consumed
    stream = ClauseStream(input_path, on_error, start=state.lines_consumed,
                          start_digest=state.input_sha256 or None,
                          skipped=[(s[0], s[1]) for s in state.skipped] if kind == "jsonl"
                          else None, last_doc=(state.last_doc, state.last_doc_clauses))
    partial.parent.mkdir(parents=True, exist_ok=True)
    try:
        _run_batches(partial, state_path, state, stream, models, batch_size, review_threshold,
                     select is not None, on_batch, fresh=not leftover)
    except BaseException:
        if state.batches == 0:  # nothing worth resuming: leave no partial behind
            for p in (partial, state_path):
                p.unlink(missing_ok=True)
        raise
    types = Counter(state.types)

    skipped = list(stream.skipped)
    read = state.written + (len(skipped) if kind == "jsonl" else 0)
    info = {"input": input_path.name, "models": models.version_label,
            "threshold": review_threshold, "skipped": len(skipped)}
    selected: int | None = None
    if select is not None:
        chosen = _select_rows(partial, select, strategy, per_doc_cap, stream.default_doc)
        selected = len(chosen)
        _write(fmt, lambda: iter(chosen), out, info, models.version_label, stream.default_doc)
        partial.unlink()
    elif fmt == "jsonl":
        os.replace(partial, out)
    else:
        _write(fmt, lambda: iter_jsonl(partial), out, info, models.version_label,
               stream.default_doc)
        partial.unlink()
    state_path.unlink(missing_ok=True)
    written = selected if selected is not None else state.written
    result = AnnotateResult(out=out, fmt=fmt, input_kind=kind, read=read, written=written,
                            skipped=skipped, documents=state.documents, types=dict(types),
                            review=state.review, phrases=state.phrases,
                            models=models.version_label,
                            seconds=time.perf_counter() - t0, resumed_from=resumed_from,
                            selected=selected)
    log.debug("annotated %s → %s: read %d, skipped %d, wrote %d", input_path, out, read,
             len(skipped), written)
    return result


def _run_batches(partial: Path, state_path: Path, state: RunState, stream: ClauseStream,
                 models: Models, batch_size: int, review_threshold: float, keep_proba: bool,
                 on_batch: Callable[[BatchProgress], None] | None, fresh: bool) -> None:
    """Annotate batch after batch: append to the partial, sync, then record the state."""
    types = Counter(state.types)
    with partial.open("ab") as fh:
        if fresh:
            state.save(state_path)
        try:
            for batch in iter_batches(stream, batch_size):
                frame = model_frame(batch)
                rows = merge_predictions([u.record for u in batch], *models.predict(frame),
                                         review_threshold, keep_proba=keep_proba)
                data = "".join(_dumps(r) + "\n" for r in rows).encode("utf-8")
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
                last = batch[-1].line_no
                state.input_sha256 = stream.commit(last)
                state.lines_consumed = last
                state.bytes_written += len(data)
                state.written += len(rows)
                for unit in batch:
                    if unit.doc_id != state.last_doc:
                        state.documents += 1
                        state.last_doc, state.last_doc_clauses = unit.doc_id, 0
                    state.last_doc_clauses += 1
                for row in rows:
                    types[row["type"]] += 1
                    state.review += row["review"]
                    state.phrases += row["action_phrase"] is not None
                state.types = dict(types)
                if stream.kind == "jsonl":
                    state.skipped = [[n, r] for n, r in stream.skipped if int(n) <= last]
                state.read = state.written + len(state.skipped)
                state.batches += 1
                state.save(state_path)
                if on_batch is not None:
                    on_batch(BatchProgress(state.batches, state.read, state.written,
                                           len(stream.skipped), stream.bytes_read,
                                           stream.bytes_total))
        except InputError as exc:
            hint = "pass --on-error skip to skip bad lines" if stream.kind == "jsonl" else \
                "pass --on-error skip to skip unreadable documents"
            if state.written:
                hint += (f"; the {state.written:,} clause(s) annotated so far are kept in "
                         f"{partial}: fix the input and rerun with --resume")
            raise InputError(exc.source, exc.problem,
                             f"{exc.hint}; {hint}" if exc.hint else hint) from None


def _write(fmt: str, rows: Callable[[], Iterable[dict[str, Any]]], out: Path,
           info: dict[str, Any], model_version: str, default_doc: str) -> None:
    if fmt == "jsonl":
        write_jsonl(rows(), out)
    elif fmt == "csv":
        write_csv(rows, out)
    elif fmt == "html":
        write_html(rows, out, info, default_doc)
    else:
        write_labelstudio(rows(), out, model_version, default_doc)

