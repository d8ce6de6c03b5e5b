"""The one vocabulary of unclause: Document, Clause and ClauseType.

Everything that flows between stages is one of these, or a table whose columns are
``CLAUSE_COLUMNS``. Labels are an ordered tuple so a model can store it and name its outputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class ClauseType(StrEnum):
    """What a clause does in its document (see ../shared/docs/design.md, label definitions)."""

    PREAMBULAR = "preambular"
    OPERATIVE = "operative"
    OTHER = "other"


#: Ordered label list; index i of a model's probability vector is ``CLAUSE_TYPES[i]``.
CLAUSE_TYPES: tuple[str, ...] = tuple(t.value for t in ClauseType)

#: The longest clause text accepted, in characters: the corpus's longest is about 22,000, so a
#: longer one is a text without paragraph breaks (or not a UN document), refused by name.
MAX_CLAUSE_CHARS = 100_000
CLAUSE_TOO_LONG_HINT = "put blank lines between the paragraphs, or split the text into clauses"


def clause_too_long(text: str) -> str | None:
    """Why ``text`` is refused as one clause, or ``None`` when its length is acceptable."""
    if len(text) <= MAX_CLAUSE_CHARS:
        return None
    return (f"is {len(text):,} characters long, over the {MAX_CLAUSE_CHARS:,}-character limit "
            "for one clause (no paragraph breaks?)")


@dataclass
class Clause:
    """One paragraph of a document, in document order.

    ``text`` is plain text as a reader of the printed document sees it (numbering included,
    no markup, no footnotes). Gold fields (``type``, ``action_phrase``, ``action_lemma``) are
    ``None`` when unknown, e.g. for plain-text input that nobody has labelled.
    """

    doc_id: str
    para_id: int
    text: str
    type: str | None = None
    action_phrase: str | None = None
    action_lemma: str | None = None
    number: str | None = None
    section: str | None = None
    is_subitem: bool = False
    #: ISO 639-1 code of one of the six UN languages ("en", "fr", "es", "ru", "zh", "ar")
    language: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Document:
    """A read document: its identity, metadata and clauses in order."""

    doc_id: str
    clauses: list[Clause]
    source: str
    body: str | None = None
    session: str | None = None
    date: str | None = None
    fmt: str | None = None
    #: ISO 639-1 code, from the source's metadata where it says (else detected)
    language: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


#: Columns every clause table has, in this order (more may follow).
CLAUSE_COLUMNS: tuple[str, ...] = (
    "doc_id",
    "para_id",
    "body",
    "session",
    "text",
    "type",
    "action_phrase",
    "action_lemma",
    "split",
    "language",
)
