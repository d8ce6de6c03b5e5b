"""Linear-chain CRF family (python-crfsuite, the engine behind sklearn-crfsuite).

clause-type: one sequence per document, one item per clause in order, with the opening and
context feature dicts of ``pipelines.features``; transitions learn that preambles precede
operative parts and that list items follow their announcing line. Per-clause marginals give
``proba_*`` and ``type_score`` (and the predicted type is their argmax).

action-phrase: one sequence per clause over its first ≤8 words with I/O tags; the phrase is the
maximal prefix of words tagged I, returned as the exact substring of the text. Openings the
training split settles (``pipelines.models.phrase_lexicon``) skip the tagger.

The trained model is crfsuite's own binary file, kept in memory and written by ``save_state``.
"""

from __future__ import annotations

import json
import logging
import tempfile
from pathlib import Path
from typing import Any, Self

import numpy as np
import pandas as pd
import pycrfsuite

from pipelines.config import CRFConfig
from pipelines.data.order import document_positions, document_slices
from pipelines.features.context import clause_texts, document_features
from pipelines.features.opening import (
    Features,
    learn_verb_stems,
    opening_features,
    opening_kind,
    opening_words,
)
from pipelines.models.base import ClauseModel
from pipelines.models.frames import phrase_frame, phrase_training_rows, type_frame
from pipelines.models.phrase_lexicon import PhraseLexicon
from pipelines.text.phrases import MAX_PHRASE_WORDS, phrase_length
from pipelines.text.wordclasses import FUNCTION_WORDS

log = logging.getLogger(__name__)

MODEL_FILE = "crf.crfsuite"
STATE_FILE = "crf.json"
INSIDE, OUTSIDE = "I", "O"


def token_features(text: str, verbs: frozenset[str], max_words: int = MAX_PHRASE_WORDS,
                   ) -> tuple[list[tuple[int, int, str, str]], list[Features]]:
    """The opening spans of ``text`` and one feature dict per word for I/O tagging.

    Words are described by identity, coarse grammatical class (finite verb, participle,
    adverb…), distance from the head verb, casing (sentence case assumed in all-caps text), trailing
    punctuation and their neighbours; the first four positions also see the prefix so far.
    """
    spans, coarse, head, caps = opening_words(text, verbs, max_words)
    if not spans:
        return spans, []
    words = [s[2] for s in spans]
    own = opening_features(text, verbs)
    kind = opening_kind(own)
    n = len(words)
    items: list[Features] = []
    prefix = ""
    for i, (start, _end, word, trail) in enumerate(spans):
        prefix = f"{prefix} {word}" if prefix else word
        ch = text[start:start + 1]
        rel = i - head
        f: Features = {
            "w": word, "c": coarse[i], "suf3": word[-3:],
            "rel_head": str(rel) if -2 < rel < 4 else ("<" if rel < 0 else ">"),
            # in all-caps text assume sentence case, as the same words would have elsewhere
            "shape": ("X" if i == 0 else "x") if caps else (
                "X" if ch.isupper() else ("x" if ch.islower() else "p")),
            "trail": trail[:1] or "_", "kind": kind, "num": own["num"],
            "prev": words[i - 1] if i else "<s>",
            "prev_c": coarse[i - 1] if i else "<s>",
            "prev_trail": (spans[i - 1][3][:1] or "_") if i else "<s>",
            "next": words[i + 1] if i + 1 < n else "</s>",
            "next_c": coarse[i + 1] if i + 1 < n else "</s>",
            "c_next": f"{coarse[i]}|{words[i + 1] if i + 1 < n else '</s>'}",
        }
        if i < 4:
            f["prefix"] = prefix
        if word in FUNCTION_WORDS:
            f["func"] = 1.0
        items.append(f)
    return spans, items


class CRFModel(ClauseModel[CRFConfig]):
    """Linear-chain CRF over a document's clauses (type) or a clause's first words (phrase)."""

    family = "crf"

    def __init__(self, config: CRFConfig, task: str, seed: int = 13) -> None:
        super().__init__(config, task, seed)
        self.model_bytes: bytes | None = None
        self.verbs: frozenset[str] = frozenset()
        self.lexicon = PhraseLexicon()
        self._tagger: pycrfsuite.Tagger | None = None

    @property
    def cfg(self) -> CRFConfig:
        return self.config

    # ------------------------------------------------------------------ fit

    def fit(self, train: pd.DataFrame, valid: pd.DataFrame | None = None) -> Self:
        train = train.iloc[document_positions(train)]
        texts = clause_texts(train)
        self.verbs = learn_verb_stems(texts, infinitives=self.task == "action-phrase")
        trainer = pycrfsuite.Trainer(verbose=False)
        trainer.set_params({"c1": self.cfg.c1, "c2": self.cfg.c2,
                            "max_iterations": self.cfg.max_iterations,
                            "feature.possible_transitions": True})
        if self.task == "clause-type":
            feats = document_features(train, self.verbs)
            types = train["type"].tolist()
            for start, stop in document_slices(train["doc_id"].tolist()):
                # unlabelled rows (e.g. annex text without a type) leave the sequence; the
                # features of their neighbours were computed with them in place
                keep = [i for i in range(start, stop) if types[i] in self.labels]
                if keep:
                    trainer.append(pycrfsuite.ItemSequence([feats[i] for i in keep]),
                                   [types[i] for i in keep])
        else:
            use = phrase_training_rows(train)
            self.lexicon = PhraseLexicon.learn(texts, train["action_phrase"].tolist(), use)
            for text, phrase, ok in zip(texts, train["action_phrase"], use, strict=True):
                if not ok:
                    continue
                spans, items = token_features(text, self.verbs)
                gold = phrase_length(text, phrase if isinstance(phrase, str) else None, spans)
                if not items or gold is None:
                    continue
                tags = [INSIDE] * gold + [OUTSIDE] * (len(items) - gold)
                trainer.append(pycrfsuite.ItemSequence(items), tags)
        with tempfile.TemporaryDirectory() as tmp:
            file = Path(tmp) / MODEL_FILE
            trainer.train(str(file))
            self.model_bytes = file.read_bytes()
        last = trainer.logparser.last_iteration or {}
        log.info("crf: trained, %s iterations, loss %.2f", last.get("num"), last.get("loss", 0.0))
        self._tagger = None
        return self

    # ------------------------------------------------------------------ predict

    @property
    def tagger(self) -> pycrfsuite.Tagger:
        if self._tagger is None:
            if self.model_bytes is None:
                raise RuntimeError("CRFModel.predict called before fit or load")
            self._tagger = pycrfsuite.Tagger()
            self._tagger.open_inmemory(self.model_bytes)
        return self._tagger

    def _predict(self, clauses: pd.DataFrame) -> pd.DataFrame:
        if self.task == "clause-type":
            return self._predict_types(clauses)
        return self._predict_phrases(clauses)

    def _predict_types(self, clauses: pd.DataFrame) -> pd.DataFrame:
        tagger = self.tagger
        labels = [lab for lab in self.labels if lab in set(tagger.labels())]
        order = document_positions(clauses)
        proba = np.zeros((len(clauses), len(labels)))
        if order:
            frame = clauses.iloc[order]
            feats = document_features(frame, self.verbs)
            for start, stop in document_slices(frame["doc_id"].tolist()):
                tagger.set(pycrfsuite.ItemSequence(feats[start:stop]))
                for i in range(stop - start):
                    proba[order[start + i]] = [tagger.marginal(lab, i) for lab in labels]
        return type_frame(proba, labels, list(self.labels), clauses.index)

    def _predict_phrases(self, clauses: pd.DataFrame) -> pd.DataFrame:
        tagger = self.tagger
        texts = clause_texts(clauses)
        bounds: list[tuple[int, int] | None] = []
        for text in texts:
            hit, span = self.lexicon.lookup(text)
            if hit:
                bounds.append(span)
                continue
            spans, items = token_features(text, self.verbs)
            k = 0
            if items:
                for tag in tagger.tag(pycrfsuite.ItemSequence(items)):
                    if tag != INSIDE:
                        break
                    k += 1
            bounds.append((spans[0][0], spans[k - 1][1]) if k else None)
        return phrase_frame(texts, bounds, clauses.index)

    # ------------------------------------------------------------------ state

    def save_state(self, path: Path) -> None:
        if self.model_bytes is None:
            raise RuntimeError("CRFModel.save_state called before fit")
        (Path(path) / MODEL_FILE).write_bytes(self.model_bytes)
        state = {"verbs": sorted(self.verbs), **self.lexicon.to_state()}
        (Path(path) / STATE_FILE).write_text(json.dumps(state), encoding="utf-8")

    @classmethod
    def load_state(cls, path: Path, config: CRFConfig, task: str, seed: int) -> Self:
        model = cls(config, task, seed)
        model.model_bytes = (Path(path) / MODEL_FILE).read_bytes()
        state = json.loads((Path(path) / STATE_FILE).read_text(encoding="utf-8"))
        model.verbs = frozenset(state["verbs"])
        model.lexicon = PhraseLexicon.from_state(state)
        return model

    def describe(self) -> dict[str, Any]:
        if self.model_bytes is None:
            return {}
        info = self.tagger.info()
        out: dict[str, Any] = {"verbs": len(self.verbs),
                               "state_features": len(info.state_features),
                               "transitions": len(info.transitions)}
        if self.task == "action-phrase":
            out["trusted"] = len(self.lexicon.trusted)
        return out

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_tagger"] = None  # the C tagger is rebuilt from model_bytes
        return state
