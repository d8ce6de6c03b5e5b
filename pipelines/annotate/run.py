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
lines of an uninterrupted one. Resuming (or ``restart=True``) also removes the temporary file a
run killed mid-checkpoint leaves beside the state (a SIGKILL cannot be held back). At the end
the partial becomes OUT (JSONL, by rename) or is rendered into CSV, a self-contained HTML view
or Label Studio tasks (written atomically), and the partial and its state are removed.

Output rows keep every input field unchanged and add ``type``, ``type_score``,
``action_phrase`` (an exact substring of ``text``, or null), ``action_lemma``, ``action_span``
(``[start, end]`` or null) and ``review`` (``type_score`` below the review threshold). An input
field with one of these names is kept as ``input_<name>``. Every row also says its ``language``
(ISO 639-1: ``--lang``, else the input's, else detected per document).
"""

from __future__ import annotations

import gc
import logging
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import takewhile
from pathlib import Path
from typing import Any

from pipelines.annotate.language import checked_language, unit_languages
from pipelines.annotate.merge import Models, load_models, merge_predictions, model_frame
from pipelines.annotate.options import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_PHRASE_MODEL,
    DEFAULT_REVIEW_THRESHOLD,
    DEFAULT_TYPE_MODEL,
    STRATEGIES,
    OnError,
    Strategy,
)
from pipelines.annotate.parallel import in_order, resolved_jobs
from pipelines.annotate.routing import ModelRouter
from pipelines.annotate.select import select_rows
from pipelines.annotate.state import (
    STATE_VERSION,
    RunState,
    check_leftover,
    partial_paths,
    resume_state,
)
from pipelines.annotate.stream import (
    ClauseStream,
    Unit,
    document_pieces,
    is_jsonl_input,
    iter_batches,
)
from pipelines.annotate.writers import iter_jsonl, jsonl_bytes, output_format, write
from pipelines.errors import InputError, UnclauseError
from pipelines.io import check_writable

log = logging.getLogger(__name__)


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


def check_paths(input_path: Path, out: Path) -> None:
    """Everything about the input and output paths that can fail, checked before the models
    load: a missing or empty input, an output that is (or lies inside) the input, and an output
    that cannot be written (a folder, a parent that is a file, a read-only place)."""
    if not input_path.exists():
        raise InputError(str(input_path), "no such file or folder", "check the path")
    if input_path.is_dir() and not any(p.is_file() and not p.name.startswith(".")
                                       for p in input_path.rglob("*")):
        raise InputError(str(input_path), "the folder holds no files to annotate",
                         "check the path, or pass a JSONL of clauses, a document or an archive")
    source, target = input_path.resolve(), out.resolve()
    partial, _ = partial_paths(out)
    for written in (target, partial.resolve()):
        if written == source or (source.is_dir() and source in written.parents):
            where = "is the input" if written == source else f"lies inside the input folder {source}"
            raise UnclauseError(f"the output {written} {where}: annotating would overwrite it, "
                                "or read its own output next time",
                                "write the output elsewhere: --out NAME.annotated.jsonl")
    check_writable(out, "output")
    if partial.is_dir():
        raise UnclauseError(f"the working file {partial} of output {out} is a folder",
                            "remove it, or choose another --out")


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
    models: Models | ModelRouter | None = None,
    lang: str | None = None,
    jobs: int = 1,
) -> AnnotateResult:
    """Annotate ``input_path`` into ``out``; see the module docstring for the whole contract.

    ``on_batch`` is called after each batch is durably written (progress bars; tests use it
    to interrupt a run). ``models`` skips loading (already loaded models). ``lang`` (ISO
    639-1) sets every clause's ``language``; by default it is the input's, else detected per
    document (:mod:`pipelines.annotate.language`). With the default model URIs, documents in
    the five other languages go to the multilingual champions
    (:mod:`pipelines.annotate.routing`). ``jobs`` worker processes run the models (``0``: one
    per CPU; :mod:`pipelines.annotate.parallel`); the output does not depend on it.
    """
    t0 = time.perf_counter()
    input_path, out = Path(input_path), Path(out)
    fmt = output_format(out, fmt)
    _validate(batch_size, review_threshold, on_error, strategy, select)
    jobs = resolved_jobs(jobs)
    check_paths(input_path, out)
    lang = checked_language(lang)
    partial, state_path = partial_paths(out)
    leftover = check_leftover(out, resume, restart)

    if models is None:
        models = ModelRouter.for_uris(load_models(type_model, phrase_model), type_model,
                                      phrase_model)
    kind = "jsonl" if is_jsonl_input(input_path) else "documents"
    identities = {"type": models.type.identity(), "phrase": models.phrase.identity()}
    if isinstance(models, ModelRouter):  # the other languages' models load later, if at all
        identities["other_languages"] = {"type": models.type_uri, "phrase": models.phrase_uri}
    fresh = RunState(version=STATE_VERSION, input=str(input_path.resolve()), input_kind=kind,
                     models=identities,
                     batch_size=batch_size, review_threshold=review_threshold,
                     select=select is not None)
    state = resume_state(fresh, out) if leftover else fresh
    resumed_from = state.lines_consumed
    stream = ClauseStream(input_path, on_error, start=state.lines_consumed,
                          start_digest=state.input_sha256 or None,
                          skipped=[(s[0], s[1]) for s in state.skipped] if kind == "jsonl"
                          else None, last_doc=(state.last_doc, state.last_doc_clauses))
    partial.parent.mkdir(parents=True, exist_ok=True)
    try:
        _run_batches(partial, state_path, state, stream, models, batch_size, review_threshold,
                     select is not None, on_batch, fresh=not leftover, lang=lang, jobs=jobs)
    except BaseException:
        if state.batches == 0:  # nothing worth resuming: leave no partial behind
            for p in (partial, state_path):
                p.unlink(missing_ok=True)
        raise
    types = Counter(state.types)

    skipped = list(stream.skipped)
    if state.written == 0:  # an empty output is never a success: say why there was nothing
        for p in (partial, state_path):
            p.unlink(missing_ok=True)
        reasons = "; ".join(f"{w}: {r}" for w, r in skipped[:3])
        raise InputError(str(input_path), "no clauses to annotate" + (
            f" ({len(skipped):,} skipped: {reasons})" if skipped else " (it is empty)"),
                         "check the input: a JSONL of clauses with a 'text' field, or documents")
    read = state.written + (len(skipped) if kind == "jsonl" else 0)
    info = {"input": input_path.name, "models": models.version_label,
            "threshold": review_threshold, "skipped": len(skipped)}
    selected: int | None = None
    if select is not None:
        chosen = select_rows(partial, select, strategy, per_doc_cap, stream.default_doc)
        selected = len(chosen)
        write(fmt, lambda: iter(chosen), out, info, models.version_label, stream.default_doc)
        partial.unlink()
    elif fmt == "jsonl":
        os.replace(partial, out)
    else:
        write(fmt, lambda: iter_jsonl(partial), out, info, models.version_label,
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


@dataclass
class BatchOutput:
    """One batch annotated: its output lines and what the run's state counts of them."""

    data: bytes
    rows: int
    types: Counter[str]
    review: int
    phrases: int
    #: the models for the other languages have annotated a row in the process that annotated
    #: this batch, this batch or an earlier one (see ``ModelRouter.used_other``)
    other_languages: bool

    @classmethod
    def joined(cls, parts: list[BatchOutput]) -> BatchOutput:
        """The output of a batch from its pieces' (:func:`document_pieces`), in order."""
        types: Counter[str] = Counter()
        for part in parts:
            types.update(part.types)
        return cls(data=b"".join(part.data for part in parts),
                   rows=sum(part.rows for part in parts), types=types,
                   review=sum(part.review for part in parts),
                   phrases=sum(part.phrases for part in parts),
                   other_languages=any(part.other_languages for part in parts))


def annotated_batch(batch: list[Unit], models: Models | ModelRouter, review_threshold: float,
                    keep_proba: bool = False, lang: str | None = None) -> BatchOutput:
    """One batch's output lines and counts (the unit of work of a worker process)."""
    rows = annotate_units(batch, models, review_threshold, keep_proba, lang)
    return BatchOutput(data=jsonl_bytes(rows), rows=len(rows),
                       types=Counter(row["type"] for row in rows),
                       review=sum(row["review"] for row in rows),
                       phrases=sum(row["action_phrase"] is not None for row in rows),
                       other_languages=isinstance(models, ModelRouter) and models.used_other)


def annotate_units(batch: list[Unit], models: Models | ModelRouter, review_threshold: float,
                   keep_proba: bool = False, lang: str | None = None) -> list[dict[str, Any]]:
    """Output rows for one batch of whole documents (every engine's unit of work)."""
    languages = unit_languages(batch, lang)
    frame = model_frame(batch)
    predicted = models.predict(frame, languages) if isinstance(models, ModelRouter) else \
        models.predict(frame)
    return merge_predictions([u.record for u in batch], *predicted, review_threshold,
                             keep_proba=keep_proba, languages=languages)


#: allocations between two young-generation collections while annotating (Python's default: 700)
YOUNG_GC_THRESHOLD = 50_000


@contextmanager
def _young_collections_every(allocations: int) -> Iterator[None]:
    """Collect the youngest generation every ``allocations`` container allocations for the
    duration (then restore the thresholds). A batch builds a few hundred thousand short-lived
    dicts and lists, freed by reference counting; at the default 700 the collector walks
    them about every 700, and annotation spends ~5 % of its time there for nothing."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], allocations), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _run_batches(partial: Path, state_path: Path, state: RunState, stream: ClauseStream,
                 models: Models | ModelRouter, batch_size: int, review_threshold: float,
                 keep_proba: bool,
                 on_batch: Callable[[BatchProgress], None] | None, fresh: bool,
                 lang: str | None = None, jobs: int = 1) -> None:
    """Annotate batch after batch (in ``jobs`` processes): append each to the partial in
    input order, sync, then record the state."""
    types = Counter(state.types)

    def work(batch: list[Unit]) -> BatchOutput:
        return annotated_batch(batch, models, review_threshold, keep_proba, lang)

    def warm_up(batch: list[Unit]) -> None:
        """The first document annotated and thrown away: the models' lazily loaded parts are
        then shared by the worker processes, which can start at once."""
        work(list(takewhile(lambda unit: unit.doc_id == batch[0].doc_id, batch)))

    with partial.open("ab") as fh, _young_collections_every(YOUNG_GC_THRESHOLD):
        if fresh:
            state.save(state_path)
        try:
            for batch, done in in_order(iter_batches(stream, batch_size), work, jobs, warm_up,
                                        more_follows=lambda batch: batch.more_follows,
                                        pieces=(document_pieces, BatchOutput.joined)):
                if done.other_languages and isinstance(models, ModelRouter):
                    # loaded here too when a worker used them: their identity and label
                    state.check_late_models(models.use_other(), partial)
                data = done.data
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
                last = batch[-1].line_no
                state.input_sha256 = stream.commit(last)
                state.lines_consumed = last
                state.bytes_written += len(data)
                state.written += done.rows
                for unit in batch:
                    if unit.doc_id != state.last_doc:
                        state.documents += 1
                        state.last_doc, state.last_doc_clauses = unit.doc_id, 0
                    state.last_doc_clauses += 1
                types.update(done.types)
                state.review += done.review
                state.phrases += done.phrases
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
