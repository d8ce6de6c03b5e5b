"""The two models together and their predictions merged into output rows.

:class:`Models` pairs the clause-type and action-phrase models (the phrase model sees only the
clauses not typed ``other``); :func:`merge_predictions` adds the output fields to each input
record, with an action span that always points at the phrase in the text.
"""

from __future__ import annotations

import gc
import logging
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pipelines.annotate.options import DEFAULT_PHRASE_MODEL, DEFAULT_TYPE_MODEL
from pipelines.annotate.stream import Unit
from pipelines.errors import UnclauseError
from pipelines.models.frames import empty_phrase_frame, without_phrases
from pipelines.schema import CLAUSE_TYPES
from pipelines.text.crosslingual import phrase_lemma
from pipelines.text.language import language_code
from pipelines.tracking.registry import LoadedModel, load_model
from pipelines.tracking.store import connect

log = logging.getLogger(__name__)

#: Fields annotate adds to every input record, in this order.
OUTPUT_FIELDS: tuple[str, ...] = ("type", "type_score", "action_phrase", "action_lemma",
                                  "action_span", "review")
#: A private field of spooled rows in select mode (the type probabilities), never written out.
SELECT_KEY = "__unclause_select__"


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
        return types, without_phrases(found.reindex(frame.index), ~keep)


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


def model_frame(units: list[Unit]) -> pd.DataFrame:
    """The pyfunc input for a batch: ``doc_id`` (str), ``para_id`` (int64), ``text`` (str).

    Texts and document ids stay Python strings (object dtype): the models read them as such,
    and a round trip through pandas' Arrow-backed string dtype costs more than a model's own
    features."""
    return pd.DataFrame({"doc_id": pd.Series([u.doc_id for u in units], dtype=object),
                         "para_id": pd.Series([u.para_id for u in units], dtype="int64"),
                         "text": pd.Series([u.record["text"] for u in units], dtype=object)})


def checked_span(text: str, phrase: Any, start: Any, end: Any) -> tuple[str | None,
                                                                        list[int] | None]:
    """``(phrase, [start, end])`` with ``text[start:end] == phrase``, or ``(None, None)``.

    Offsets that do not point at the phrase are repaired from its first occurrence; a phrase
    that is not in the text at all is dropped (and logged), so the invariant always holds.
    """
    if (phrase.__class__ is str and start.__class__ is int and end.__class__ is int
            and 0 <= start < end <= len(text) and text[start:end] == phrase):
        return phrase, [start, end]  # the usual case, first
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


#: output scores keep this many decimals
SCORE_DIGITS = 6
#: the exact method below needs the scaled value to be known to well under this distance from
#: a half: true for |score| <= 1000 (the product's error is then at most 2**-23)
_TIE_MARGIN = 1e-6


def rounded_scores(values: Any) -> list[float]:
    """``[round(float(v), 6) for v in values]``, bit for bit, at a fraction of its cost.

    ``round`` rounds the exact decimal value (half to even) through a decimal string. With
    ``k = rint(v * 1e6)``, ``k / 1e6`` is the same float (a correctly rounded division of two
    exact floats) whenever ``k`` is the right integer, that is unless ``v * 1e6`` is within
    rounding error of a half: those values (and large or non-finite ones) take ``round``."""
    x = np.asarray(values, dtype=np.float64)
    scaled = x * 10.0 ** SCORE_DIGITS
    out = (np.rint(scaled) / 10.0 ** SCORE_DIGITS).tolist()
    with np.errstate(invalid="ignore"):  # inf - inf: NaN, not safe
        safe = (np.abs(x) <= 1000) & (np.abs(scaled - np.floor(scaled) - 0.5) > _TIE_MARGIN)
    for i in np.flatnonzero(~safe).tolist():
        out[i] = round(float(x[i]), SCORE_DIGITS)
    return out


def _clean(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def merge_predictions(records: list[dict[str, Any]], type_pred: pd.DataFrame,
                      phrase_pred: pd.DataFrame, review_threshold: float,
                      keep_proba: bool = False,
                      languages: list[str | None] | None = None) -> list[dict[str, Any]]:
    """Input records plus the output fields (pure; rows in the order of ``records``).

    ``languages`` (one per record) sets ``language``; an input value it changes is kept as
    ``input_language``. The lemma of a phrase in another language than English comes from the
    cross-lingual map (``pipelines.text.crosslingual``), so it is the same English verb."""
    if len(type_pred) != len(records) or len(phrase_pred) != len(records):
        raise UnclauseError(f"a model returned {len(type_pred)}/{len(phrase_pred)} rows for "
                            f"{len(records)} clauses", "the model is broken; retrain it")
    # column by column (``tolist`` keeps Python scalars), only the columns a row takes
    columns = zip(records, type_pred["type"].tolist(), rounded_scores(type_pred["type_score"]),
                  phrase_pred["action_phrase"].tolist(), phrase_pred["action_start"].tolist(),
                  phrase_pred["action_end"].tolist(), phrase_pred["action_lemma"].tolist(),
                  strict=True)
    proba = ([rounded_scores(type_pred[f"proba_{t}"]) for t in CLAUSE_TYPES
              if f"proba_{t}" in type_pred] if keep_proba else [])
    codes: dict[str, str | None] = {}  # language → its code, once per distinct value
    output_keys = frozenset(OUTPUT_FIELDS)
    rows = []
    for i, (record, label, score, found, start, end, lemma) in enumerate(columns):
        if output_keys.isdisjoint(record):  # the usual case: no input field to rename
            row = record
        else:
            row = dict(record)
            for key in OUTPUT_FIELDS:
                if key in row:
                    row[f"input_{key}"] = row.pop(key)
        phrase, span = (None, None) if found is None else checked_span(record["text"], found,
                                                                       start, end)
        lemma = _clean(lemma) if phrase else None
        language = None if languages is None else languages[i]
        if phrase and isinstance(language, str):
            code = codes.get(language, "")
            if code == "":
                code = codes[language] = language_code(language)
            if code not in (None, "en"):
                # the models lemmatize in English; a translated phrase takes the English
                # verb from the cross-lingual map (None when the map does not know it)
                lemma = phrase_lemma(phrase, code)
        row = {**row, "type": str(label), "type_score": score, "action_phrase": phrase,
               "action_lemma": lemma, "action_span": span, "review": score < review_threshold}
        if languages is not None:
            given = row.get("language", language)  # an input value keeps its place in the row
            row["language"] = language
            if given != language:
                row["input_language"] = given
        if keep_proba:
            row[SELECT_KEY] = [column[i] for column in proba]
        rows.append(row)
    return rows
