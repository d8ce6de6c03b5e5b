"""The clause dataset: documents → one row per clause → document-level splits → Parquet.

Pure parts (``documents_to_frame``, ``add_splits``, ``dataset_digest``) are separate from the
I/O (``build_dataset``, ``load_clauses``) so each is testable on a three-row fixture.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from pipelines.corpus.metadata import join_metadata, load_metadata
from pipelines.corpus.readers import OnError, ReadReport, read_documents
from pipelines.corpus.sources import SourceItem
from pipelines.data.split import SPLITS, assign_splits
from pipelines.errors import UnclauseError
from pipelines.io import atomic_dir, check_output_dir
from pipelines.schema import CLAUSE_COLUMNS, Document
from pipelines.text.language import LANGUAGES, document_language, language_code

log = logging.getLogger(__name__)

DEFAULT_OUT = Path("data/processed/clauses")
MANIFEST = "_manifest.json"  # leading _ : pyarrow and datasets skip it
#: what a build writes into its folder (and so may replace there)
BUILD_FILES = frozenset({*(f"{s}.parquet" for s in SPLITS), MANIFEST})
#: columns after CLAUSE_COLUMNS, in this order
EXTRA_COLUMNS: tuple[str, ...] = (
    "date", "section", "number", "n_subitems", "phrase_missing", "committee", "agenda_item",
    "adoption", "votes_for", "votes_against", "votes_abstaining", "source", "fmt", "work_id", "eid",
)
METADATA_FIELDS = ("committee", "agenda_item", "adoption", "votes_for", "votes_against",
                   "votes_abstaining")


def is_metadata_source(path: str | Path) -> bool:
    """True for the corpus metadata files (``unga/metadata.tar.xz`` or a ``metadata`` folder)."""
    return "metadata" in Path(path).name.lower()


def work_id(doc: Document) -> str:
    """The document's identity across languages: a translation's symbol ("A/RES/79/10" for
    "A/RES/79/10 (fra)"), else its ``doc_id``. All language versions share one split."""
    symbol = doc.metadata.get("symbol")
    if doc.language not in (None, "en") and isinstance(symbol, str) and symbol:
        return symbol
    return doc.doc_id


def _languages(languages: Iterable[str] | None) -> set[str] | None:
    if languages is None:
        return None
    codes = {code: language_code(code) for code in languages}
    bad = [code for code, iso in codes.items() if iso is None]
    if bad:
        raise UnclauseError(f"unknown language {', '.join(map(repr, bad))}",
                            f"use ISO 639-1 codes of the UN languages: {' '.join(LANGUAGES)}")
    return {iso for iso in codes.values() if iso}


def check_language(doc: Document) -> dict[str, Any] | None:
    """Detect ``doc``'s language from its text; set it on the document and its clauses when
    the source did not say, and return a mismatch record when the source says otherwise."""
    detected, prob = document_language([c.text for c in doc.clauses])
    declared = doc.language or language_code(doc.metadata.get("language"))
    if declared is None:
        doc.language = detected
        for clause in doc.clauses:
            clause.language = clause.language or detected
        return None
    if detected is not None and detected != declared:
        log.warning("%s: declared language %s, detected %s (p=%.2f)", doc.doc_id, declared,
                    detected, prob)
        return {"doc_id": doc.doc_id, "source": doc.source, "declared": declared,
                "detected": detected, "probability": round(prob, 4)}
    return None


def documents_to_frame(docs: Iterable[Document]) -> pd.DataFrame:
    """One row per clause with the dataset's columns (``split`` still empty)."""
    rows: list[dict[str, Any]] = []
    for doc in docs:
        meta = doc.metadata
        work = work_id(doc)
        for clause in doc.clauses:
            extra = clause.extra
            rows.append({
                "doc_id": doc.doc_id, "para_id": clause.para_id, "body": doc.body,
                "session": doc.session, "text": clause.text, "type": clause.type,
                "action_phrase": clause.action_phrase, "action_lemma": clause.action_lemma,
                "split": None, "language": clause.language or doc.language,
                "date": doc.date, "section": clause.section,
                "number": clause.number, "n_subitems": int(extra.get("n_subitems", 0) or 0),
                "phrase_missing": bool(extra.get("phrase_missing", False)),
                **{k: meta.get(k) for k in METADATA_FIELDS},
                "source": doc.source, "fmt": doc.fmt, "work_id": work, "eid": extra.get("eid"),
            })
    frame = pd.DataFrame(rows, columns=[*CLAUSE_COLUMNS, *EXTRA_COLUMNS])
    for col in ("votes_for", "votes_against", "votes_abstaining"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("Int64")
    for col in ("para_id", "n_subitems"):
        frame[col] = frame[col].astype("int64")
    for col in ("body", "session", "date", "committee", "agenda_item", "adoption"):
        frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    return frame


def add_splits(frame: pd.DataFrame, seed: int = 13,
               fractions: tuple[float, float, float] = (0.8, 0.1, 0.1)) -> pd.DataFrame:
    """Assign every document (all its clauses) to one split, stratified by body and session.

    Documents are grouped by ``work_id`` where the frame has it, so the translations of one
    resolution never straddle splits; for English-only data that is the ``doc_id``."""
    key = "work_id" if "work_id" in frame.columns else "doc_id"
    docs = frame.drop_duplicates(key)
    strata = (docs["body"].fillna("?") + "/" + docs["session"].fillna("?")).tolist()
    mapping = assign_splits(zip(docs[key], strata, strict=True), fractions, seed)
    return frame.assign(split=frame[key].map(mapping))


def dataset_digest(frame: pd.DataFrame) -> str:
    """A content digest over the labelled text and splits (order-independent across docs)."""
    import hashlib

    cols = ["doc_id", "para_id", "text", "type", "action_phrase", "action_lemma", "split"]
    ordered = frame.sort_values(["doc_id", "para_id"], kind="stable")[cols].astype(str)
    hashes = pd.util.hash_pandas_object(ordered, index=False).to_numpy()
    return hashlib.sha256(hashes.tobytes()).hexdigest()[:16]


@dataclass
class BuildResult:
    """What a build read, skipped and wrote."""

    frame: pd.DataFrame
    out_dir: Path
    digest: str
    report: ReadReport
    seconds: float
    metadata_records: int = 0
    unmatched_metadata: int = 0
    files: list[Path] = field(default_factory=list)
    #: documents whose declared language the detector disagrees with (see ``check_language``)
    language_mismatches: list[dict[str, Any]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        f = self.frame
        return {"documents": int(f["doc_id"].nunique()), "clauses": len(f),
                "skipped": len(self.report.skipped), "source_items": self.report.items}


def _skip_member(item: SourceItem) -> bool:
    return not item.member.lower().endswith((".json", ".jpg", ".png", ".gif", ".css"))


def _read_one(path: Path, on_error: OnError) -> tuple[list[Document], ReadReport]:
    report = ReadReport()
    docs = list(read_documents([path], on_error=on_error, report=report, include=_skip_member))
    return docs, report


def _expand(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")
                          and not is_metadata_source(p))
        else:
            out.append(path)
    return out


def read_parallel(paths: list[Path], on_error: OnError, report: ReadReport,
                  workers: int | None = None) -> Iterator[Document]:
    """Read files (archives) in worker processes, in input order; merge their reports.

    Reading is CPU-bound (xz + XML parsing), so on a 2-core machine two processes nearly halve
    the build; single files and ``workers=1`` stay in-process.
    """
    import os
    from concurrent.futures import ProcessPoolExecutor

    files = _expand(paths)
    workers = workers or min(len(files), os.cpu_count() or 1, 4)
    if workers <= 1 or len(files) <= 1:
        results: Iterable[tuple[list[Document], ReadReport]] = (
            _read_one(f, on_error) for f in files)
        pool = None
    else:
        import multiprocessing

        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
        # largest files first keeps both cores busy; results are re-ordered below
        order = sorted(range(len(files)), key=lambda i: -files[i].stat().st_size
                       if files[i].exists() else 0)
        futures = {i: pool.submit(_read_one, files[i], on_error) for i in order}
        results = (futures[i].result() for i in range(len(files)))
    try:
        for docs, part in results:
            report.items += part.items
            report.documents += part.documents
            report.clauses += part.clauses
            report.skipped += part.skipped
            report.warnings += part.warnings
            report.formats.update(part.formats)
            yield from docs
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def build_dataset(
    sources: list[Path],
    out_dir: Path = DEFAULT_OUT,
    seed: int = 13,
    on_error: OnError = "skip",
    progress: Callable[[Document], None] | None = None,
    workers: int | None = None,
    languages: Iterable[str] | None = None,
) -> BuildResult:
    """Read ``sources`` (files, folders, archives), label, split and write Parquet atomically.

    Metadata sources (names containing ``metadata``) are joined onto documents by symbol (a
    translation by its English symbol). Each document's language comes from its source where
    it says (AKN4UN ``FRBRlanguage``) and is checked by detection; disagreements are listed in
    the manifest (``language_mismatches``), not fatal. ``languages`` (ISO 639-1 codes) keeps
    only documents in those languages, the rest are reported as skipped.
    Writes ``train/validation/test.parquet`` and ``_manifest.json`` into ``out_dir``.
    """
    start = time.perf_counter()
    check_output_dir(out_dir, BUILD_FILES, "--out folder")
    meta_paths = [p for p in sources if is_metadata_source(p)]
    meta_paths += [m for p in sources if Path(p).is_dir()
                   for m in sorted(Path(p).rglob("*")) if m.is_file() and is_metadata_source(m)]
    doc_paths = [p for p in sources if not is_metadata_source(p)]
    if not doc_paths:
        raise UnclauseError("no document sources given",
                            "pass --source PATH (files, folders or archives of UN documents)")
    keep = _languages(languages)
    meta = load_metadata(meta_paths) if meta_paths else {}
    report = ReadReport()
    docs = read_parallel(doc_paths, on_error, report, workers)
    collected: list[Document] = []
    mismatches: list[dict[str, Any]] = []
    seen: set[str] = set()
    matched = 0
    for doc in docs:
        if doc.doc_id in seen:
            report.skip(doc.source, f"duplicate document ({doc.doc_id} was read earlier; kept the first)")
            continue
        seen.add(doc.doc_id)
        mismatch = check_language(doc)
        if mismatch:
            mismatches.append(mismatch)
        if keep is not None and doc.language not in keep:
            report.skip(doc.source, f"language '{doc.language}' (not among --language "
                        f"{', '.join(sorted(keep))})")
            continue
        if work_id(doc) in meta:
            join_metadata(doc, meta[work_id(doc)])
            matched += 1
        collected.append(doc)
        if progress:
            progress(doc)
    if not collected:
        reasons = "; ".join(f"{n}: {r}" for n, r in report.skipped[:5]) or "nothing found"
        raise UnclauseError(f"no documents could be read from the sources ({reasons})",
                            "check the paths, or run `unclause data fetch` to get the corpus")
    frame = add_splits(documents_to_frame(collected), seed=seed)
    digest = dataset_digest(frame)
    out_dir = Path(out_dir)
    files: list[Path] = []
    with atomic_dir(out_dir) as tmp:
        for split in SPLITS:
            part = frame[frame["split"] == split].reset_index(drop=True)
            part.to_parquet(tmp / f"{split}.parquet", index=False)
            files.append(out_dir / f"{split}.parquet")
        manifest = {
            "digest": digest, "seed": seed, "sources": [str(p) for p in sources],
            "documents": int(frame["doc_id"].nunique()), "clauses": len(frame),
            "per_split": {s: int((frame["split"] == s).sum()) for s in SPLITS},
            "skipped": [{"source": n, "reason": r} for n, r in report.skipped],
            "warnings": len(report.warnings),
            "metadata_records": len(meta), "metadata_matched": matched,
            "languages": {str(k): int(v) for k, v in
                          frame.drop_duplicates("doc_id")["language"].value_counts().items()},
            "language_mismatches": mismatches,
            "built": time.strftime("%Y-%m-%dT%H:%M:%S"),
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return BuildResult(frame=frame, out_dir=out_dir, digest=digest, report=report,
                       seconds=time.perf_counter() - start, metadata_records=len(meta),
                       unmatched_metadata=len(meta) - matched, files=files,
                       language_mismatches=mismatches)


def load_clauses(path: str | Path = DEFAULT_OUT, splits: Iterable[str] | None = None) -> pd.DataFrame:
    """Read the clause dataset (a built folder, one Parquet file, or a JSONL of clauses)."""
    path = Path(path)
    if not path.exists():
        raise UnclauseError(f"clause dataset not found: {path}",
                            "run `unclause data build` (or `make data`) first")
    if path.is_file() and path.suffix in {".jsonl", ".ndjson"}:
        frame = pd.read_json(path, lines=True, dtype=False)
    elif path.is_file():
        frame = pd.read_parquet(path)
    else:
        wanted = list(splits) if splits else list(SPLITS)
        parts = [pd.read_parquet(path / f"{s}.parquet") for s in wanted
                 if (path / f"{s}.parquet").exists()]
        if not parts:
            raise UnclauseError(f"{path} holds no split files ({', '.join(wanted)}.parquet)",
                                "run `unclause data build` to rebuild it")
        return pd.concat(parts, ignore_index=True)
    if splits is not None and "split" in frame.columns:
        frame = frame[frame["split"].isin(list(splits))].reset_index(drop=True)
    return frame


def read_manifest(path: str | Path = DEFAULT_OUT) -> dict[str, Any]:
    """The build manifest (digest, counts, skipped) of a built dataset folder."""
    file = Path(path) / MANIFEST
    return json.loads(file.read_text(encoding="utf-8")) if file.exists() else {}


def sample_documents(frame: pd.DataFrame, max_clauses: int, seed: int = 13) -> pd.DataFrame:
    """Whole documents, in a seeded random order, until at least ``max_clauses`` clauses."""
    if len(frame) <= max_clauses:
        return frame
    import numpy as np

    doc_ids = frame["doc_id"].drop_duplicates().to_numpy()
    order = np.random.default_rng(seed).permutation(len(doc_ids))
    sizes = frame.groupby("doc_id", sort=False).size()
    picked, total = [], 0
    for i in order:
        picked.append(doc_ids[i])
        total += int(sizes[doc_ids[i]])
        if total >= max_clauses:
            break
    return frame[frame["doc_id"].isin(set(picked))].reset_index(drop=True)
