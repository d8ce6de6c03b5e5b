"""The language of each clause in an annotation batch: ``--lang``, the input's, or detected.

A clause keeps the ``language`` its input gives (a JSONL field, or the reader's, e.g. AKN4UN
``FRBRlanguage``); otherwise its document's language is detected once from the document's
clauses in the batch (``pipelines.text.language.document_language``). ``--lang`` overrides
both (an input value it replaces is kept as ``input_language``).
"""

from __future__ import annotations

from itertools import groupby
from operator import attrgetter

from pipelines.annotate.stream import Unit
from pipelines.errors import UnclauseError
from pipelines.text.language import LANGUAGES, document_language, language_code


def checked_language(value: str | None) -> str | None:
    """``--lang`` as an ISO 639-1 code of a UN language (``None`` stays ``None``)."""
    if value is None:
        return None
    code = language_code(value)
    if code is None:
        raise UnclauseError(f"--lang '{value}' is not one of the six UN languages",
                            f"use one of: {' '.join(LANGUAGES)}")
    return code


def unit_languages(units: list[Unit], override: str | None = None) -> list[str | None]:
    """One language per unit, in order (see the module docstring)."""
    if override is not None:
        return [override] * len(units)
    out: list[str | None] = []
    for _, group in groupby(units, key=attrgetter("doc_id")):
        doc = list(group)
        given = [u.record.get("language") for u in doc]
        if all(isinstance(g, str) and g for g in given):
            out.extend(given)
            continue
        detected, _ = document_language([str(u.record.get("text", "")) for u in doc])
        out.extend(g if isinstance(g, str) and g else detected for g in given)
    return out
