"""Resolution metadata (``unga/metadata.tar.xz``: JSON Lines, one object per resolution).

``load_metadata`` indexes the records by symbol ("A/RES/79/1"); ``join_metadata`` copies the
short scalar fields of one record onto a ``Document`` (committee, agenda item, adoption, vote
counts, title, SDGs …), never the member-state or sponsor lists.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from pipelines.corpus.sources import SourceFailure, SourceItem, iter_sources
from pipelines.schema import Document
from pipelines.text.normalize import normalize_text

log = logging.getLogger(__name__)

METADATA_SUFFIXES = (".json", ".jsonl", ".ndjson")

#: adoption wording in the metadata → the AKN ``<voting outcome>`` vocabulary the reader uses
_ADOPTION = {
    "without a vote": "adoptedWithoutVote",
    "by a recorded vote": "adoptedRecordedVote",
    "by a non-recorded vote": "adoptedNonRecordedVote",
}
_COMMITTEE_IDS = {
    "#noMainCommittee": "Without reference to a Main Committee",
    "#firstCommittee": "First Committee", "#secondCommittee": "Second Committee",
    "#thirdCommittee": "Third Committee", "#fourthCommittee": "Fourth Committee",
    "#fifthCommittee": "Fifth Committee", "#sixthCommittee": "Sixth Committee",
}
_COUNTS = {"MS_in_favour_count": "votes_for", "MS_against_count": "votes_against",
           "MS_abstaining_count": "votes_abstaining"}
_TEXT_FIELDS = {"title": "title", "agenda_item_name": "agenda_item_name",
                "adoption_meeting": "meeting", "pv": "pv",
                "originating_document": "draft", "resolution_number": "resolution_number"}


_PARTS_RE = re.compile(r" [A-Z](?:-[A-Z])?$")


class MetadataIndex(dict[str, dict[str, Any]]):
    """Records by symbol, plus what could not be used (``skipped``: source and reason).

    A lookup of a multi-part document's symbol ("A/RES/74/255 A-B", "A/RES/75/242 B") that has
    no record of its own falls back to the record of the resolution ("A/RES/74/255").
    """

    def __init__(self) -> None:
        super().__init__()
        self.skipped: list[tuple[str, str]] = []

    def _base(self, key: object) -> str | None:
        if not isinstance(key, str):
            return None
        base = _PARTS_RE.sub("", normalize_symbol(key))
        return base if base != key and dict.__contains__(self, base) else None

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key) or self._base(key) is not None

    def __missing__(self, key: str) -> dict[str, Any]:
        base = self._base(key)
        if base is None:
            raise KeyError(key)
        return dict.__getitem__(self, base)

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default


def normalize_symbol(symbol: str) -> str:
    """A symbol as the AKN reader writes doc ids: whitespace normalised ("A/RES/74/255 A-B")."""
    return normalize_text(symbol)


def _records(item: SourceItem, index: MetadataIndex) -> None:
    try:
        text = item.data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        index.skipped.append((item.name, f"not UTF-8 text ({exc.reason})"))
        log.warning("skipped metadata file %s: not UTF-8 text", item.name)
        return
    for line_no, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{item.name}:{line_no}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            index.skipped.append((where, f"not valid JSON ({exc.msg})"))
            log.warning("skipped metadata line %s: not valid JSON (%s)", where, exc.msg)
            continue
        if not isinstance(record, dict) or not isinstance(record.get("symbol"), str):
            index.skipped.append((where, "no 'symbol' field"))
            log.warning("skipped metadata line %s: no 'symbol' field", where)
            continue
        index[normalize_symbol(record["symbol"])] = record


def load_metadata(sources: str | Path | SourceItem | Iterable[str | Path | SourceItem]
                  ) -> MetadataIndex:
    """Index metadata records by symbol from files, folders, archives or source items.

    Only ``.json``/``.jsonl``/``.ndjson`` members are read. Unreadable sources and bad lines
    are skipped with a logged warning and listed in ``index.skipped``; a later record with the
    same symbol replaces an earlier one.
    """
    if isinstance(sources, (str, Path, SourceItem)):
        sources = [sources]
    index = MetadataIndex()
    items = [src for src in sources if isinstance(src, SourceItem)]
    paths = [Path(src) for src in sources if not isinstance(src, SourceItem)]
    for found in iter_sources(paths) if paths else ():
        if isinstance(found, SourceFailure):
            index.skipped.append((found.name, found.problem))
            log.warning("skipped metadata source %s: %s", found.name, found.problem)
        else:
            items.append(found)
    for item in items:
        if item.member.lower().endswith(METADATA_SUFFIXES):
            _records(item, index)
    if index.skipped:
        log.warning("metadata: %d record(s) indexed, %d skipped", len(index), len(index.skipped))
    return index


def _count(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def iso_date(value: Any) -> str | None:
    """ISO date from "2 March 2022", "22\\u00a0September 2024" or "2022-03-02 00:00:00"."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = normalize_text(value)
    for fmt in ("%d %B %Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def metadata_fields(record: dict[str, Any]) -> dict[str, Any]:
    """The short scalar fields of a metadata record, under the names the AKN reader uses."""
    out: dict[str, Any] = {}
    committee = record.get("committee")
    if isinstance(committee, str) and committee.strip():
        out["committee"] = _COMMITTEE_IDS.get(committee.strip(), normalize_text(committee))
    agenda = record.get("agenda_item")
    if isinstance(agenda, str) and agenda.strip():
        out["agenda_item"] = re.sub(r"^Agenda items?\s*", "", normalize_text(agenda))
    for key, name in _TEXT_FIELDS.items():
        value = record.get(key)
        if isinstance(value, str) and value.strip() and value.strip() not in ("N.A.", "N.A"):
            out[name] = normalize_text(value)
    voting = record.get("voting_type")
    adoption = record.get("adoption_type")
    if isinstance(voting, str) and voting.strip():
        out["adoption"] = voting.strip()
    elif isinstance(adoption, str) and adoption.strip():
        out["adoption"] = _ADOPTION.get(adoption.strip().lower(), adoption.strip())
    recorded = out.get("adoption") == "adoptedRecordedVote"
    for key, name in _COUNTS.items():
        value = _count(record.get(key))
        if value is not None and (recorded or value > 0):
            out[name] = value
    date = iso_date(record.get("adoption_date"))
    if date:
        out["adoption_date"] = date
    sdgs = record.get("SDGs")
    if isinstance(sdgs, list):
        out["sdgs"] = sorted({int(s) for s in sdgs if str(s).strip().isdigit()})
    for key in ("sponsors", "additional_sponsors"):
        if isinstance(record.get(key), list):
            out[f"n_{key}"] = len(record[key])
    return out


def join_metadata(doc: Document, meta: dict[str, Any]) -> None:
    """Set ``doc.metadata`` fields from the metadata record for ``doc`` (in place).

    ``meta`` is the record itself or a whole index keyed by symbol. Fields from the record win
    over those the reader found in the markup; a missing record changes nothing.
    """
    record = meta
    if "symbol" not in meta:
        found = meta.get(doc.doc_id) or meta.get(normalize_symbol(doc.doc_id))
        if not isinstance(found, dict):
            return
        record = found
    fields = metadata_fields(record)
    doc.metadata.update(fields)
    doc.metadata["metadata_symbol"] = record.get("symbol")
    if doc.date is None and fields.get("adoption_date"):
        doc.date = fields["adoption_date"]
