"""Annotation input: the clauses of a JSONL (streamed line by line) or of documents the readers
accept, in order, as :class:`Unit` s grouped into batches of whole documents.

The stream keeps a SHA-256 of the input prefix whose batches are written, so that a resumed run
can check that the input it skips is the input the interrupted run consumed.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from pipelines.annotate.options import OnError
from pipelines.errors import UnclauseError

log = logging.getLogger(__name__)

JSONL_INPUT_SUFFIXES = (".jsonl", ".ndjson")
#: duplicate (doc_id, para_id) warnings shown one by one; the rest are counted
MAX_DUPLICATE_WARNINGS = 10


def doc_key(record: dict[str, Any], default_doc: str) -> str:
    """A record's ``doc_id`` as a string, or ``default_doc`` when it is missing or empty."""
    raw = record.get("doc_id")
    return default_doc if raw is None or raw == "" else str(raw)


class Unit(NamedTuple):
    """One input clause: its line (or clause ordinal), the record as read, and the model keys.

    A named tuple: built once per input clause, it costs a third of a frozen dataclass."""

    line_no: int
    record: dict[str, Any]
    doc_id: str
    para_id: int


class UnitBatch(list[Unit]):
    """A batch of units (a list) that pickles as four columns, not as one named tuple per unit.

    A batch goes to a worker process. Each named tuple pickles through Python calls of its own
    (``__reduce_ex__``, ``__getnewargs__``): about 1 µs a unit in the reading process, against
    0.4 for the columns. ``more_follows`` is True when the reader had already seen input after
    the batch (so the caller can start worker processes without reading ahead); it is not
    pickled."""

    more_follows = False

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        if not self:
            return UnitBatch, ()
        line_nos, records, doc_ids, para_ids = map(list, zip(*self, strict=True))
        return _unit_batch, (line_nos, records, doc_ids, para_ids)


def _unit_batch(line_nos: list[int], records: list[dict[str, Any]], doc_ids: list[str],
                para_ids: list[int]) -> UnitBatch:
    """A pickled :class:`UnitBatch` back from its columns."""
    return UnitBatch(map(Unit, line_nos, records, doc_ids, para_ids))


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
    language = getattr(clause, "language", None) or getattr(doc, "language", None)
    if language:
        record["language"] = language
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
        self.duplicates = 0  # clauses whose (doc_id, para_id) an earlier line already had
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
        pending, done = self._pending, []
        while pending and pending[0][0] <= line_no:
            done.append(pending.popleft()[1])
        self._hasher.update(b"".join(done))  # one update: the same digest as line by line
        return self._hasher.hexdigest()

    # -- units

    def __iter__(self) -> Iterator[Unit]:
        from pipelines.corpus.jsonl import duplicate_warning

        units = self._jsonl_units() if self.kind == "jsonl" else self._document_units()
        last_doc, ordinal = self.last_doc
        first_line: dict[int, int] = {}  # para_id → its first line, in the current document
        for unit in units:
            if unit.doc_id != last_doc:
                last_doc, ordinal = unit.doc_id, 0
                first_line = {}
            # a record without para_id gets its position in the document
            if unit.para_id < 0:
                unit = Unit(unit.line_no, unit.record, unit.doc_id, ordinal)
            first = first_line.setdefault(unit.para_id, unit.line_no)
            if first != unit.line_no:
                self.duplicates += 1
                if self.duplicates <= MAX_DUPLICATE_WARNINGS:
                    log.warning("%s line %d: %s", self.path, unit.line_no,
                                duplicate_warning(unit.doc_id, unit.para_id, first))
            yield unit
            ordinal += 1
        if self.duplicates > MAX_DUPLICATE_WARNINGS:
            log.warning("%s: %d clauses in all repeat an earlier (doc_id, para_id)", self.path,
                        self.duplicates)

    def _jsonl_units(self) -> Iterator[Unit]:
        """The units of a JSONL, line by line, in one loop (the reading process's hot path):
        lines before ``start`` go into the digest only; the rest are held for :meth:`commit`."""
        from pipelines.corpus.jsonl import as_int, capped_lines, read_record

        name, on_error, skipped, start = str(self.path), self.on_error, self.skipped, self.start
        hold = self._pending.append
        default_doc = self.default_doc
        line_no = 0
        with self.path.open("rb") as fh:
            for line_no, raw in enumerate(capped_lines(fh), start=1):
                self.bytes_read += len(raw)
                if line_no <= start:
                    self._hasher.update(raw)
                    if line_no == start:
                        self._check_prefix(line_no)
                    continue
                hold((line_no, raw))
                record = read_record(raw, line_no, name, on_error, skipped)
                if record is None:
                    continue
                para_id = record.get("para_id")
                if para_id.__class__ is not int:  # the usual para_id is one already
                    para_id = as_int(para_id)
                yield Unit(line_no, record, doc_key(record, default_doc),
                           -1 if para_id is None else para_id)
        if not self._prefix_checked:
            self._check_prefix(line_no)

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


def document_pieces(batch: UnitBatch, n: int) -> list[UnitBatch]:
    """``batch`` cut into at most ``n`` pieces of whole documents, of about equal numbers of
    units, in order (one piece when it holds one document)."""
    size = len(batch)

    def starts_document(i: int) -> bool:
        return 0 < i < size and batch[i].doc_id != batch[i - 1].doc_id

    bounds = [0]
    for k in range(1, n):
        at = size * k // n
        # the document start nearest to ``at``, looking both ways
        cut = next((i for d in range(size) for i in (at - d, at + d) if starts_document(i)), None)
        if cut is not None and cut > bounds[-1]:
            bounds.append(cut)
    bounds.append(size)
    return [UnitBatch(batch[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]


def iter_batches(units: Iterable[Unit], batch_size: int) -> Iterator[UnitBatch]:
    """Group units into batches of whole documents of at most ``batch_size`` clauses.

    Consecutive units with one ``doc_id`` form a document; a document longer than a batch is
    cut into ``batch_size`` chunks. Batches depend only on the input, so a run resumed after a
    batch boundary forms the same batches as an uninterrupted one. A batch yielded with units
    after it in hand has ``more_follows`` set.
    """
    batch = UnitBatch()
    doc: list[Unit] = []
    for unit in units:
        if doc and unit.doc_id != doc[-1].doc_id:
            if batch and len(batch) + len(doc) > batch_size:
                batch.more_follows = True
                yield batch
                batch = UnitBatch()
            batch.extend(doc)
            doc = []
        doc.append(unit)
        if len(doc) >= batch_size:
            if batch:
                batch.more_follows = True  # the chunk of ``doc``
                yield batch
                batch = UnitBatch()
            yield UnitBatch(doc)
            doc = []
    if batch and len(batch) + len(doc) > batch_size:
        batch.more_follows = True  # ``doc``
        yield batch
        batch = UnitBatch()
    batch.extend(doc)
    if batch:
        yield batch
