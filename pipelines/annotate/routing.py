"""Which registered model annotates which document: English champions for English, the
multilingual champions for French, Spanish, Russian, Chinese and Arabic.

The registry holds, per task, ``<task>`` (trained and judged on English; ``@champion`` is what
annotate uses by default) and ``<task>-multilingual`` (trained on all six languages, registered
by ``make run`` or ``make multilingual``). With the default model URIs, annotate sends each
document in one of the other five languages to ``models:/<task>-multilingual@champion``, loaded
once and only when the first such document appears; English documents, and documents whose
language is unknown, keep ``models:/<task>@champion``. When the multilingual model is not
registered, the English champion annotates them too, after one warning naming the command that
registers it. An explicit ``--model`` / ``--phrase-model`` turns routing off for that task.
"""

from __future__ import annotations

import gc
import logging
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pipelines.annotate.merge import Models
from pipelines.annotate.options import DEFAULT_PHRASE_MODEL, DEFAULT_TYPE_MODEL
from pipelines.errors import TrackingError, UnclauseError
from pipelines.text.language import language_code
from pipelines.tracking.registry import LoadedModel, load_model
from pipelines.tracking.store import connect

log = logging.getLogger(__name__)

#: the registered-model name suffix of the six-language models (configs/experiment/multilingual.yaml)
MULTILINGUAL_SUFFIX = "-multilingual"
#: what registers the multilingual models, for the fallback warning
REGISTER_MULTILINGUAL = ("`make run` (or `make data-multi`, then `unclause run multilingual "
                         "task={task} data.path=data/processed/clauses-multi --register`{more})")


def multilingual_uri(uri: str, default: str) -> str | None:
    """``models:/<task>-multilingual@champion`` when ``uri`` is the task's default, else None
    (an explicit model annotates every language)."""
    if uri != default:
        return None
    name, alias = uri.removeprefix("models:/").split("@", 1)
    return f"models:/{name}{MULTILINGUAL_SUFFIX}@{alias}"


@dataclass
class ModelRouter:
    """The English models plus, loaded on first use, the multilingual ones (see the module
    docstring); ``predict`` takes one language per row."""

    english: Models
    type_uri: str | None
    phrase_uri: str | None
    _other: Models | None = field(default=None, init=False)
    _used_other: bool = field(default=False, init=False)

    @classmethod
    def for_uris(cls, english: Models, type_uri: str, phrase_uri: str) -> Models | ModelRouter:
        """A router when at least one task uses its default URI, else the models themselves."""
        routed = (multilingual_uri(type_uri, DEFAULT_TYPE_MODEL),
                  multilingual_uri(phrase_uri, DEFAULT_PHRASE_MODEL))
        return english if routed == (None, None) else cls(english, *routed)

    @property
    def type(self) -> LoadedModel:
        return self.english.type

    @property
    def phrase(self) -> LoadedModel:
        return self.english.phrase

    @property
    def version_label(self) -> str:
        """The English models' label, plus the other languages' when they annotated a row."""
        label = self.english.version_label
        if self._used_other and self._other is not None and not self._same(self._other):
            label += f"; fr es ru zh ar: {self._other.version_label}"
        return label

    def _same(self, other: Models) -> bool:
        return other.type is self.english.type and other.phrase is self.english.phrase

    @property
    def used_other(self) -> bool:
        """Whether a document went to the other languages' models (in this process)."""
        return self._used_other

    def use_other(self) -> dict[str, Any]:
        """Count the other languages' models as used, loading them here if a worker process
        used them, and return their identity."""
        self.other_models()
        self._used_other = True
        identity = self.other_identity()
        assert identity is not None, "other_models() has loaded them"
        return identity

    def other_identity(self) -> dict[str, Any] | None:
        """What resuming must not change about the other languages' models, once loaded."""
        if self._other is None:
            return None
        return {"type": self._other.type.identity(), "phrase": self._other.phrase.identity()}

    def other_models(self) -> Models:
        """The models for the five other languages, loaded (or given up on) once."""
        if self._other is None:
            store = connect()
            missing: list[str] = []
            self._other = Models(
                type=self._load(self.type_uri, "clause-type", self.english.type, store, missing),
                phrase=self._load(self.phrase_uri, "action-phrase", self.english.phrase, store,
                                  missing))
            if missing:
                tasks = [m.removeprefix("models:/").split("-multilingual")[0] for m in missing]
                log.warning("%s not registered: documents in French, Spanish, Russian, Chinese and "
                            "Arabic are annotated by the English champions (their action phrases "
                            "are mostly wrong outside English); register the multilingual models "
                            "with %s", " and ".join(missing) + (" are" if len(missing) > 1 else
                                                                " is"),
                            REGISTER_MULTILINGUAL.format(task=tasks[0], more="".join(
                                f", and the same with task={t}" for t in tasks[1:])))
            log.debug("models for fr es ru zh ar: %s", self._other.version_label)
            gc.freeze()  # as load_models does: keep the collector off the new vocabularies
        return self._other

    @staticmethod
    def _load(uri: str | None, task: str, english: LoadedModel, store: str,
              missing: list[str]) -> LoadedModel:
        if uri is None:
            return english
        try:
            return load_model(uri, store, task)
        except TrackingError:
            raise  # an unreachable store is not a missing model
        except UnclauseError:
            missing.append(uri)
            return english

    def predict(self, frame: pd.DataFrame, languages: list[str | None]
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Types and phrases for ``frame`` (index kept), each document by its language's models.

        A document goes whole to one pair of models (the language of its first row decides),
        so the models see its context as they would alone."""
        first: dict[str, str | None] = {}
        for doc, language in zip(frame["doc_id"], languages, strict=True):
            first.setdefault(doc, language)
        other_docs = {d for d, lang in first.items() if language_code(lang) not in (None, "en")}
        if not other_docs:
            return _indexed(self.english.predict(frame), frame.index)
        other = self.other_models()
        self._used_other = True
        if self._same(other):
            return _indexed(self.english.predict(frame), frame.index)
        mask = frame["doc_id"].isin(other_docs).to_numpy()
        if mask.all():
            return _indexed(other.predict(frame), frame.index)
        en_types, en_phrases = _indexed(self.english.predict(frame[~mask]), frame.index[~mask])
        types, phrases = _indexed(other.predict(frame[mask]), frame.index[mask])
        return (pd.concat([en_types, types]).reindex(frame.index),
                pd.concat([en_phrases, phrases]).reindex(frame.index))


def _indexed(pred: tuple[pd.DataFrame, pd.DataFrame], index: pd.Index
             ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both prediction frames on ``index`` (a pyfunc's output carries a fresh RangeIndex)."""
    types, phrases = pred
    return types.set_axis(index, axis=0), phrases.set_axis(index, axis=0)
