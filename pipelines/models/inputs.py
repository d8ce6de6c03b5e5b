"""The input every unclause model takes: a clause table checked and completed.

Rows need a ``text`` (a non-empty string); ``doc_id`` and ``para_id`` are optional (clauses in
document order). Missing ``doc_id`` means all rows are one document; missing ``para_id`` means
the row order is the document order.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from pipelines.data.order import complete_ids
from pipelines.errors import InputError

#: bad rows named in an input error
_SHOWN = 5


def _missing(value: Any) -> bool:
    """None, NaN, pd.NA or NaT (and not a list or array, whose isna is not a truth value)."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _bad_texts(texts: list[Any]) -> list[str]:
    """``row N: None`` for every text that is not a non-empty string."""
    bad = []
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            bad.append(f"row {i}: {'null' if _missing(t) else type(t).__name__}")
        elif not t.strip():
            bad.append(f"row {i}: empty")
    return bad


def prepare_input(frame: pd.DataFrame) -> pd.DataFrame:
    """Validate and complete the columns a ClauseModel needs."""
    if not isinstance(frame, pd.DataFrame):
        frame = pd.DataFrame(frame)
    if "text" not in frame.columns:
        raise InputError("model input", "no 'text' column",
                         "send rows like {\"doc_id\": …, \"para_id\": …, \"text\": …}")
    texts = frame["text"].tolist()
    bad = _bad_texts(texts)
    if bad:
        more = f" and {len(bad) - _SHOWN} more" if len(bad) > _SHOWN else ""
        raise InputError("model input", f"'text' must be a non-empty string in every row "
                         f"({', '.join(bad[:_SHOWN])}{more})",
                         "drop or fix those rows; a model cannot classify a missing clause")
    out = frame.copy()
    # plain Python strings (object dtype), not pandas' Arrow-backed "str": the models iterate
    # over the texts several times, and Arrow strings are rebuilt as Python objects each time
    out["text"] = pd.Series(texts, index=out.index, dtype=object)
    return complete_ids(out)
