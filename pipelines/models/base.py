"""The one protocol every model family implements, and the registry that builds them.

A model is fitted on a clause table and predicts on clauses *in document order* (rows grouped
by ``doc_id`` and sorted by ``para_id``), so it may use document context: position, neighbours,
the fact that preambles precede operative parts.

Output columns of ``predict`` (same index as the input):

* task ``clause-type``: ``type``, ``type_score`` (probability of the predicted type) and
  ``proba_<label>`` for every label in ``CLAUSE_TYPES``;
* task ``action-phrase``: ``action_phrase`` (exact substring of ``text`` or None),
  ``action_lemma``, ``action_start``, ``action_end`` (character offsets, -1 when None).
"""

from __future__ import annotations

import importlib
import json
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, ClassVar, Generic, Self, TypeVar

import numpy as np
import pandas as pd

from pipelines.config import FAMILIES, ModelConfig, Strict
from pipelines.errors import UnclauseError
from pipelines.schema import CLAUSE_TYPES

META_FILE = "unclause_model.json"
#: the artifact name of the saved model inside a logged MLflow model
MODEL_ARTIFACT = "unclause_model"
TYPE_OUTPUTS: tuple[str, ...] = ("type", "type_score", *(f"proba_{t}" for t in CLAUSE_TYPES))
PHRASE_OUTPUTS: tuple[str, ...] = ("action_phrase", "action_lemma", "action_start", "action_end")
INPUT_COLUMNS: tuple[str, ...] = ("doc_id", "para_id", "text")


#: a family's own config class (``RulesModel`` is a ``ClauseModel[RulesConfig]``)
ConfigT = TypeVar("ConfigT", bound=Strict)


class ClauseModel(ABC, Generic[ConfigT]):
    """Fit on a clause table, predict on ordered clauses, save to and load from a folder."""

    family: ClassVar[str]

    def __init__(self, config: ConfigT, task: str, seed: int = 13) -> None:
        self.config = config
        self.task = task
        self.seed = seed
        self.labels: tuple[str, ...] = CLAUSE_TYPES
        #: optional document-level decoder (``pipelines.models.decode``) applied after the
        #: list rule; saved and loaded with the model
        self.decoder: Any = None

    @abstractmethod
    def fit(self, train: pd.DataFrame, valid: pd.DataFrame | None = None) -> Self:
        """Learn from ``train`` (gold columns ``type`` / ``action_phrase`` present)."""

    @abstractmethod
    def _predict(self, clauses: pd.DataFrame) -> pd.DataFrame:
        """The family's own prediction for every row (output columns as for ``predict``)."""

    def predict(self, clauses: pd.DataFrame) -> pd.DataFrame:
        """Predict for every row; see the module docstring for the output columns.

        Clause types then pass through ``pipelines.models.lists``: list items take the type
        of the line that announces them, whatever the family; then through the model's
        document-level decoder, if it has one; last, an enacting formula is typed ``other``
        however long (``pipelines.models.formulas``). Action phrases of noun-phrase list items
        are dropped (an item has none of its own).
        """
        out = self._predict(clauses)
        if self.task == "clause-type":
            from pipelines.models.formulas import formulas_as_other
            from pipelines.models.lists import inherit_list_types

            out = inherit_list_types(clauses, out, getattr(self, "verbs", None))
            if self.decoder is not None:
                out = self.decoder.apply(clauses, out)
            out = formulas_as_other(clauses, out)
        else:
            from pipelines.models.frames import without_phrases
            from pipelines.models.lists import list_item_rows

            items = list_item_rows(clauses, getattr(self, "verbs", None))
            if items:
                drop = np.zeros(len(out), dtype=bool)
                drop[items] = True
                out = without_phrases(out, drop)
        return out

    @abstractmethod
    def save_state(self, path: Path) -> None:
        """Write everything needed to predict into the folder ``path``."""

    @classmethod
    @abstractmethod
    def load_state(cls, path: Path, config: ConfigT, task: str, seed: int) -> Self:
        """Rebuild a fitted model from ``save_state``'s folder."""

    # ------------------------------------------------------------------ common

    def output_columns(self) -> tuple[str, ...]:
        return TYPE_OUTPUTS if self.task == "clause-type" else PHRASE_OUTPUTS

    def save(self, path: str | Path) -> Path:
        """Save state plus a small JSON that names family, task, config and labels."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        self.save_state(path)
        if self.decoder is not None:
            self.decoder.save(path)
        meta = {"family": self.family, "task": self.task, "seed": self.seed,
                "labels": list(self.labels), "config": self.config.model_dump(mode="json")}
        (path / META_FILE).write_text(json.dumps(meta, indent=2), encoding="utf-8")
        return path

    def describe(self) -> dict[str, Any]:
        """Extra facts worth logging (vocabulary sizes, lexicon size…)."""
        return {}


def model_class(family: str) -> type[ClauseModel[Any]]:
    """The class implementing ``family`` (named in the registry ``pipelines.config.FAMILIES``)."""
    if family not in FAMILIES:
        raise UnclauseError(f"unknown model family '{family}'",
                            f"use one of: {', '.join(FAMILIES)}")
    module, _, name = FAMILIES[family].model.partition(":")
    cls: type[ClauseModel[Any]] = getattr(importlib.import_module(module), name)
    return cls


def build_model(config: ModelConfig, task: str, seed: int = 13) -> ClauseModel[Any]:
    """A fresh, unfitted model for ``config.family`` and ``task``."""
    return model_class(config.family)(config, task, seed)


def load_model(path: str | Path) -> ClauseModel[Any]:
    """Load a model saved with ``ClauseModel.save``."""
    from pydantic import TypeAdapter

    path = Path(path)
    meta_path = path / META_FILE
    if not meta_path.exists():
        raise UnclauseError(f"{path} is not a saved unclause model (no {META_FILE})",
                            "pass the folder written by ClauseModel.save or a models:/ URI")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    config = TypeAdapter(ModelConfig).validate_python(meta["config"])
    model = model_class(meta["family"]).load_state(path, config, meta["task"], meta["seed"])
    model.labels = tuple(meta.get("labels", CLAUSE_TYPES))
    from pipelines.models.decode import ViterbiDecoder

    model.decoder = ViterbiDecoder.load(path)
    return model
