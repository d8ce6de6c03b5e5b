"""Rules learned from the training split: the opening words decide the type, a lexicon of gold
phrases finds the action phrase.

clause-type: a lexicon maps the normalised opening (first 1–3 words, lowercased, numbering
stripped) to type counts; the longest known opening wins, then a learned lexicon of the opening's
*form* (inflection of the head word, final punctuation, numbering), then fixed back-offs
(numbered → operative, "-ing" → preambular, else the majority type). Probabilities are the
smoothed counts.

action-phrase: the longest gold phrase (lowercased, seen ``min_count`` times, at most
``max_words`` words) that is a prefix of the text after its numbering, matched word by word and
case-insensitively; the output is the exact substring of the text.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Self

import numpy as np
import pandas as pd

from pipelines.config import RulesConfig
from pipelines.data.order import document_positions
from pipelines.features.context import clause_texts, document_features
from pipelines.features.opening import learn_verb_stems, opening_features
from pipelines.models.base import ClauseModel
from pipelines.models.frames import phrase_frame, type_frame
from pipelines.schema import CLAUSE_TYPES
from pipelines.text.phrases import phrase_length
from pipelines.text.tokens import opening_spans, opening_tokens

log = logging.getLogger(__name__)

STATE_FILE = "rules.json"
#: weight of the class prior when smoothing a lexicon entry's counts
SMOOTHING = 1.0
MAX_OPENING = 3


def _shape_key(feats: dict[str, Any]) -> str:
    """The form of an opening: head inflection, final punctuation, numbered or not."""
    return f"{feats['form']}|{feats['end']}|{feats['num'] != 'none'}|{'finite' in feats}"


class RulesModel(ClauseModel[RulesConfig]):
    """Opening → type lexicon and a gold phrase lexicon, both learned from ``train``."""

    family = "rules"

    def __init__(self, config: RulesConfig, task: str, seed: int = 13) -> None:
        super().__init__(config, task, seed)
        self.openings: dict[str, dict[str, int]] = {}
        self.shapes: dict[str, dict[str, int]] = {}
        self.prior: dict[str, int] = {}
        self.phrases: dict[str, int] = {}
        self.verbs: frozenset[str] = frozenset()

    # ------------------------------------------------------------------ fit

    def fit(self, train: pd.DataFrame, valid: pd.DataFrame | None = None) -> Self:
        cfg = self.config
        texts = clause_texts(train)
        self.verbs = learn_verb_stems(texts)
        if self.task == "clause-type":
            self._fit_types(train, texts, cfg)
        else:
            self._fit_phrases(train, texts, cfg)
        return self

    def _fit_types(self, train: pd.DataFrame, texts: list[str], cfg: RulesConfig) -> None:
        openings: dict[str, Counter[str]] = {}
        shapes: dict[str, Counter[str]] = {}
        types = train["type"].tolist()
        for text, ctype in zip(texts, types, strict=True):
            if ctype not in CLAUSE_TYPES:
                continue
            words = opening_tokens(text, MAX_OPENING)
            for k in range(1, len(words) + 1):
                openings.setdefault(" ".join(words[:k]), Counter())[ctype] += 1
            shapes.setdefault(_shape_key(opening_features(text, self.verbs)),
                              Counter())[ctype] += 1
        self.openings = {k: dict(c) for k, c in openings.items() if c.total() >= cfg.min_count}
        self.shapes = {k: dict(c) for k, c in shapes.items() if c.total() >= cfg.min_count}
        self.prior = dict(Counter(t for t in types if t in CLAUSE_TYPES))
        log.info("rules: %d openings, %d shapes", len(self.openings), len(self.shapes))

    def _fit_phrases(self, train: pd.DataFrame, texts: list[str], cfg: RulesConfig) -> None:
        counts: Counter[str] = Counter()
        for text, phrase in zip(texts, train["action_phrase"], strict=True):
            if not isinstance(phrase, str) or not phrase.strip():
                continue
            _, spans = opening_spans(text, cfg.max_words + 1)
            k = phrase_length(text, phrase, spans)
            if k and k <= cfg.max_words:
                counts[" ".join(s[2] for s in spans[:k])] += 1
        self.phrases = {p: c for p, c in counts.items() if c >= cfg.min_count}
        log.info("rules: %d phrases in the lexicon", len(self.phrases))

    # ------------------------------------------------------------------ predict

    def _predict(self, clauses: pd.DataFrame) -> pd.DataFrame:
        if self.task == "clause-type":
            return self._predict_types(clauses)
        return self._predict_phrases(clauses)

    def _counts_for(self, text: str, feats: dict[str, Any]) -> Mapping[str, float]:
        words = opening_tokens(text, MAX_OPENING)
        for k in range(len(words), 0, -1):
            hit = self.openings.get(" ".join(words[:k]))
            if hit:
                return hit
        hit = self.shapes.get(_shape_key(feats))
        if hit:
            return hit
        if feats["num"] != "none":
            return {"operative": 1.0}
        if feats["form"] == "ing":
            return {"preambular": 1.0}
        if self.prior:
            return {max(self.prior, key=self.prior.__getitem__): 1.0}
        return {"other": 1.0}

    def _predict_types(self, clauses: pd.DataFrame) -> pd.DataFrame:
        labels = list(self.labels)
        total = sum(self.prior.values()) or 1
        prior = np.array([self.prior.get(t, 0) / total for t in labels])
        order = document_positions(clauses)
        counts = np.zeros((len(clauses), len(labels)))
        if order:
            frame = clauses.iloc[order]
            feats = document_features(frame, self.verbs, context=False)
            texts = clause_texts(frame)
            rows = [[c.get(t, 0.0) for t in labels]
                    for c in map(self._counts_for, texts, feats)]
            counts[order] = rows
        proba = (counts + SMOOTHING * prior) / (counts.sum(axis=1, keepdims=True) + SMOOTHING)
        return type_frame(proba, labels, labels, clauses.index)

    def _predict_phrases(self, clauses: pd.DataFrame) -> pd.DataFrame:
        cfg = self.config
        texts = clause_texts(clauses)
        bounds: list[tuple[int, int] | None] = []
        for text in texts:
            _, spans = opening_spans(text, cfg.max_words)
            found = None
            for k in range(len(spans), 0, -1):
                if " ".join(s[2] for s in spans[:k]) in self.phrases:
                    found = (spans[0][0], spans[k - 1][1])
                    break
            bounds.append(found)
        return phrase_frame(texts, bounds, clauses.index)

    # ------------------------------------------------------------------ state

    def save_state(self, path: Path) -> None:
        state = {"openings": self.openings, "shapes": self.shapes, "prior": self.prior,
                 "phrases": self.phrases, "verbs": sorted(self.verbs)}
        (Path(path) / STATE_FILE).write_text(json.dumps(state, sort_keys=True), encoding="utf-8")

    @classmethod
    def load_state(cls, path: Path, config: RulesConfig, task: str, seed: int) -> Self:
        state = json.loads((Path(path) / STATE_FILE).read_text(encoding="utf-8"))
        model = cls(config, task, seed)
        model.openings = state["openings"]
        model.shapes = state["shapes"]
        model.prior = state["prior"]
        model.phrases = state["phrases"]
        model.verbs = frozenset(state["verbs"])
        return model

    def describe(self) -> dict[str, Any]:
        return {"openings": len(self.openings), "shapes": len(self.shapes),
                "phrases": len(self.phrases), "verbs": len(self.verbs)}
