"""scikit-learn family: sparse features into a linear classifier.

clause-type: one ``Pipeline`` (``ColumnTransformer`` → ``LogisticRegression``, or ``LinearSVC``
with calibration) over a frame with a ``feats`` column (dicts from ``pipelines.features``:
the ``opening`` and ``context`` groups) and a ``text`` column (TF-IDF ``words``/``chars`` groups).

action-phrase: a boundary ranker. For every clause, each candidate length k = 0…8 (0: no phrase,
k: the first k words after the numbering, never extending over a word that no gold phrase
contains) becomes one row of binary features of the boundary (last and next word, their
coarse grammatical class, punctuation after the last word, distance from the head verb, the
candidate phrase itself); a binary logistic regression scores the rows and the best-scoring k
wins. On the GA/ECOSOC validation split this beat token-level in/out tagging on exact match and
matched it on the hand-written genre documents, where per-clause length classification fell
behind. Openings the training split settles (``pipelines.models.phrase_lexicon``) skip the
scoring. The output is the exact substring of the text with its offsets; the classifier options
(svm, calibrate) apply to clause-type only.

State: the action-phrase ranker, and the clause-type classifier in its default set-up (logistic
regression over the opening/context feature dicts), are saved as plain arrays and a JSON
vocabulary (:class:`pipelines.models.sparse_scorer.SparseScorer`: loads in milliseconds without
scikit-learn, runs nothing, predicts bitwise as the fitted pipeline). Other clause-type set-ups
(TF-IDF blocks, svm, calibration) are saved with skops, whose loader reconstructs only the types
in :data:`SKOPS_TYPES` (the classes these pipelines are made of) and refuses a file naming any
other. scikit-learn is imported only to fit and to load such a pipeline.
"""

from __future__ import annotations

import contextlib
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import numpy as np
import pandas as pd

from pipelines.config import LinearConfig
from pipelines.data.order import document_positions
from pipelines.errors import UnclauseError
from pipelines.features.context import clause_texts, document_features
from pipelines.features.opening import (
    learn_phrase_stops,
    learn_verb_stems,
    opening_features,
    opening_kind,
    opening_words,
)
from pipelines.models.base import ClauseModel
from pipelines.models.frames import phrase_frame, phrase_training_rows, type_frame
from pipelines.models.phrase_lexicon import PhraseLexicon
from pipelines.models.sparse_scorer import SparseScorer
from pipelines.text.phrases import MAX_PHRASE_WORDS, phrase_length
from pipelines.text.tokens import CJK_RE
from pipelines.text.wordclasses import FUNCTION_WORDS

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

log = logging.getLogger(__name__)

MODEL_FILE = "linear.skops"
STATE_FILE = "linear.json"
#: file prefix of the action-phrase ranker (``SparseScorer``)
PHRASE_SCORER = "linear_phrase"
#: file prefix of the clause-type classifier when it is a plain logistic regression over the
#: opening/context features (``SparseScorer``, multinomial); other set-ups stay in skops
TYPE_SCORER = "linear_type"
#: the types beyond skops' own defaults (scikit-learn estimators, numpy, scipy) that
#: ``linear.skops`` may name: the classes of the clause-type pipelines for every classifier
#: option. A file naming anything else is refused before it is read.
SKOPS_TYPES: frozenset[str] = frozenset({
    "pipelines.models.feature_indexer.FeatureIndexer",
    "pipelines.models.linear.FeatureIndexer",  # models saved before the class moved
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
})


def __getattr__(name: str) -> Any:
    """``FeatureIndexer`` lived here; skops files saved then still name it so."""
    if name == "FeatureIndexer":
        from pipelines.models.feature_indexer import FeatureIndexer

        return FeatureIndexer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --------------------------------------------------------------------------- phrase candidates


def candidate_features(text: str, verbs: frozenset[str], stops: frozenset[str] = frozenset(),
                       max_words: int = MAX_PHRASE_WORDS,
                       ) -> tuple[list[tuple[int, int, str, str]], list[list[str]]]:
    """The opening spans of ``text`` and the binary features of each candidate length 0…n.

    Candidate k (the first k words) is described by its boundary: the last and the next word,
    their coarse grammatical class (finite verb, participle, adverb…), punctuation after the
    last word, the distance from the head verb, the class sequence and the words themselves.
    The classes carry what is learned on "Decides"/"Recalling" over to "Decide"/"DECIDES".
    Features are ``name=value`` strings (one-hot), which vectorise faster than dicts.
    Candidates stop before a word in ``stops`` (words never seen inside a gold phrase) after
    the head.
    """
    spans, coarse, head, caps = opening_words(text, verbs, max_words + 1)
    words = [s[2] for s in spans]
    own = opening_features(text, verbs)
    kind = opening_kind(own)
    c0 = coarse[head] if coarse else "empty"
    cands: list[list[str]] = [["k0", f"k0_w1={own['w1']}", "k0_c=" + c0,
                               f"k0_num={own['num']}", "k0_kind=" + kind]]
    n = min(len(spans), max_words)
    # Chinese candidates are characters, not words: their lengths get a prior of their own too
    # (a bare verb is mostly two characters, "发布", where an English one is one word)
    cjk = bool(words) and CJK_RE.match(words[0]) is not None
    phrase = shape = ""
    for k in range(1, n + 1):
        last = words[k - 1]
        if last in stops and k - 1 > head:  # the head itself may be a rare verb ("Issue")
            break
        last_c = coarse[k - 1]
        if k < len(words):
            nxt, nxt_c = words[k], coarse[k]
            ch = text[spans[k][0]]
            # in all-caps text assume sentence case, as the same words would have elsewhere
            nxt_shape = "x" if caps else ("X" if ch.isupper() else "x" if ch.islower() else "p")
        else:
            nxt = nxt_c = nxt_shape = "<end>"
        phrase = f"{phrase} {last}" if phrase else last
        shape = f"{shape} {last_c}" if shape else last_c
        rel = k - 1 - head
        rel_s = str(rel) if -2 < rel < 4 else ("<" if rel < 0 else ">")
        f = [f"k={k}", "last=" + last, "next=" + nxt, f"last_next={last}|{nxt}",
             "last_c=" + last_c, "next_c=" + nxt_c, f"c_next={last_c}|{nxt}",
             "trail=" + (spans[k - 1][3][:1] or "_"), "next_shape=" + nxt_shape,
             "rel_head=" + rel_s, f"head_rel={c0}|{rel_s}", f"kind_k={kind}|{k}"]
        if cjk:
            f.append(f"cjk_k={k}")
        if k < 7:
            f.append("phrase=" + phrase)
            f.append("shape=" + shape)
        if k > 1:
            f.append(f"prev_last={words[k - 2]}|{last}")
        if nxt in FUNCTION_WORDS:
            f.append("next_func")
        if last in FUNCTION_WORDS:
            f.append("last_func")
        cands.append(f)
    return spans, cands


# --------------------------------------------------------------------------- model


class LinearModel(ClauseModel[LinearConfig]):
    """Feature dicts and/or TF-IDF into logistic regression (or a calibrated linear SVM)."""

    family = "linear"

    def __init__(self, config: LinearConfig, task: str, seed: int = 13) -> None:
        super().__init__(config, task, seed)
        self.pipeline: Pipeline | None = None  # clause-type, when arrays cannot hold it
        self.type_scorer: SparseScorer | None = None  # clause-type as arrays
        self.scorer: SparseScorer | None = None  # action-phrase
        self.verbs: frozenset[str] = frozenset()
        self.stops: frozenset[str] = frozenset()
        self.lexicon = PhraseLexicon()

    @property
    def cfg(self) -> LinearConfig:
        return self.config

    # ------------------------------------------------------------------ building blocks

    def _classifier(self) -> Any:
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.linear_model import LogisticRegression
        from sklearn.svm import LinearSVC

        cfg = self.cfg
        if cfg.classifier == "svm":
            svm = LinearSVC(C=cfg.C, class_weight=cfg.class_weight, max_iter=cfg.max_iter,
                            random_state=self.seed)
            return CalibratedClassifierCV(svm, method="sigmoid", cv=3)
        clf = LogisticRegression(C=cfg.C, class_weight=cfg.class_weight, max_iter=cfg.max_iter,
                                 random_state=self.seed)
        if cfg.calibrate:
            return CalibratedClassifierCV(clf, method="isotonic", cv=3)
        return clf

    def _type_pipeline(self) -> Pipeline:
        from sklearn.compose import ColumnTransformer
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import Pipeline

        from pipelines.models.feature_indexer import FeatureIndexer

        cfg = self.cfg
        blocks: list[tuple[str, Any, str]] = []
        if "opening" in cfg.features or "context" in cfg.features:
            blocks.append(("feats", FeatureIndexer(), "feats"))
        if "words" in cfg.features:
            blocks.append(("words", TfidfVectorizer(
                ngram_range=tuple(cfg.word_ngrams), max_features=cfg.max_features,
                sublinear_tf=True, lowercase=True, dtype=np.float32), "text"))
        if "chars" in cfg.features:
            blocks.append(("chars", TfidfVectorizer(
                analyzer="char_wb", ngram_range=tuple(cfg.char_ngrams),
                max_features=cfg.max_features, sublinear_tf=True, lowercase=True,
                dtype=np.float32), "text"))
        return Pipeline([("features", ColumnTransformer(blocks)),
                         ("classifier", self._classifier())])

    def _type_inputs(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` (document order) → the pipeline's input: ``feats`` dicts and ``text``."""
        feats_on = {"opening", "context"} & set(self.cfg.features)
        data: dict[str, Any] = {"text": clause_texts(frame)}
        if feats_on:
            data["feats"] = document_features(frame, self.verbs, context="context" in feats_on,
                                              opening="opening" in feats_on)
        return pd.DataFrame(data)

    # ------------------------------------------------------------------ fit

    def fit(self, train: pd.DataFrame, valid: pd.DataFrame | None = None) -> Self:
        train = train.iloc[document_positions(train)]
        self.verbs = learn_verb_stems(clause_texts(train), infinitives=self.task == "action-phrase")
        if self.task == "clause-type":
            keep = train["type"].isin(self.labels).to_numpy()
            inputs = self._type_inputs(train)[keep]
            self.pipeline = self._type_pipeline().fit(inputs, train["type"].to_numpy()[keep])
            self.type_scorer = self._as_scorer(self.pipeline)
            if self.type_scorer is not None:
                # predict as a loaded model will: the same arrays, the same operations
                self.pipeline = None
        else:
            self._fit_phrases(train)
        return self

    def _as_scorer(self, pipeline: Pipeline) -> SparseScorer | None:
        """The fitted clause-type pipeline as arrays, when it is a plain multinomial logistic
        regression over the feature dicts alone (the default set-up); else None."""
        from sklearn.linear_model import LogisticRegression

        blocks = pipeline[0].transformers_
        clf = pipeline[-1]
        if ([name for name, _, _ in blocks if name != "remainder"] != ["feats"]
                or type(clf) is not LogisticRegression or len(clf.classes_) < 3):
            return None
        return SparseScorer.from_multinomial(list(blocks[0][1].feature_names_), clf)

    def _fit_phrases(self, train: pd.DataFrame) -> None:
        rows: list[list[str]] = []
        target: list[int] = []
        skipped = 0
        texts = clause_texts(train)
        self.stops = learn_phrase_stops(texts, train["action_phrase"].tolist())
        use = phrase_training_rows(train)
        for text, phrase, ok in zip(texts, train["action_phrase"], use, strict=True):
            if not ok:
                continue
            spans, cands = candidate_features(text, self.verbs, self.stops)
            gold = phrase_length(text, phrase if isinstance(phrase, str) else None, spans)
            if gold is None or gold >= len(cands):
                skipped += 1
                continue
            rows.extend(cands)
            target.extend(int(k == gold) for k in range(len(cands)))
        if skipped:
            log.info("action-phrase: %d training clauses whose gold phrase is not an opening "
                     "of at most %d words were left out", skipped, MAX_PHRASE_WORDS)
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import Pipeline

        from pipelines.models.feature_indexer import FeatureIndexer

        clf = LogisticRegression(C=self.cfg.C, max_iter=self.cfg.max_iter,
                                 class_weight=self.cfg.class_weight, random_state=self.seed)
        pipeline = Pipeline([("features", FeatureIndexer()), ("classifier", clf)])
        pipeline.fit(rows, np.asarray(target))
        # predict as a loaded model will: the same arrays, the same operations
        self.scorer = SparseScorer.from_pipeline(pipeline)
        self.lexicon = PhraseLexicon.learn(texts, train["action_phrase"].tolist(), use)

    # ------------------------------------------------------------------ predict

    def _predict(self, clauses: pd.DataFrame) -> pd.DataFrame:
        if self.pipeline is None and self.scorer is None and self.type_scorer is None:
            raise RuntimeError("LinearModel.predict called before fit or load")
        if self.task == "clause-type":
            return self._predict_types(clauses)
        return self._predict_phrases(clauses)

    def _predict_types(self, clauses: pd.DataFrame) -> pd.DataFrame:
        order = document_positions(clauses)
        proba = np.zeros((len(clauses), len(self.labels)))
        if self.type_scorer is not None:
            classes = list(self.type_scorer.classes or ())
            if order:
                feats_on = {"opening", "context"} & set(self.cfg.features)
                feats = document_features(clauses.iloc[order], self.verbs,
                                          context="context" in feats_on,
                                          opening="opening" in feats_on)
                proba[order, :len(classes)] = self.type_scorer.proba(feats)
            return type_frame(proba[:, :len(classes)], classes, list(self.labels), clauses.index)
        # the pipeline is set by fit() or load_state() before any prediction
        classes = [str(c) for c in self.pipeline.classes_]  # type: ignore[union-attr]  # fitted
        if order:
            inputs = self._type_inputs(clauses.iloc[order])
            proba[order, :len(classes)] = self.pipeline.predict_proba(inputs)  # type: ignore[union-attr]  # fitted
        return type_frame(proba[:, :len(classes)], classes, list(self.labels), clauses.index)

    def _predict_phrases(self, clauses: pd.DataFrame) -> pd.DataFrame:
        texts = clause_texts(clauses)
        bounds: list[tuple[int, int] | None] = []
        rows: list[list[str]] = []
        scored: list[tuple[int, int, list[tuple[int, int, str, str]]]] = []  # (clause, n, spans)
        for i, text in enumerate(texts):
            hit, span = self.lexicon.lookup(text)
            bounds.append(span)
            if not hit:
                spans, cands = candidate_features(text, self.verbs, self.stops)
                scored.append((i, len(cands), spans))
                rows.extend(cands)
        scores = self.scorer.positive(rows)  # type: ignore[union-attr]  # set by fit()/load_state()
        pos = 0
        for i, n, spans in scored:
            k = int(np.argmax(scores[pos:pos + n])) if n else 0
            pos += n
            bounds[i] = (spans[0][0], spans[k - 1][1]) if k > 0 else None
        return phrase_frame(texts, bounds, clauses.index)

    # ------------------------------------------------------------------ state

    def save_state(self, path: Path) -> None:
        if self.scorer is not None:
            self.scorer.save(Path(path), PHRASE_SCORER)
        elif self.type_scorer is not None:
            self.type_scorer.save(Path(path), TYPE_SCORER)
        else:
            import skops.io as sio

            sio.dump(self.pipeline, Path(path) / MODEL_FILE)
        state = {"verbs": sorted(self.verbs), "stops": sorted(self.stops),
                 **self.lexicon.to_state()}
        (Path(path) / STATE_FILE).write_text(json.dumps(state), encoding="utf-8")

    @classmethod
    def load_state(cls, path: Path, config: LinearConfig, task: str, seed: int) -> Self:
        model = cls(config, task, seed)
        if SparseScorer.exists(path, PHRASE_SCORER):
            model.scorer = SparseScorer.load(path, PHRASE_SCORER)
        elif SparseScorer.exists(path, TYPE_SCORER):
            model.type_scorer = SparseScorer.load(path, TYPE_SCORER)
        else:
            pipeline = load_skops(Path(path) / MODEL_FILE)
            if task == "action-phrase":  # saved before the compact format
                model.scorer = SparseScorer.from_pipeline(pipeline)
            else:
                model.pipeline = pipeline
        state = json.loads((Path(path) / STATE_FILE).read_text(encoding="utf-8"))
        model.verbs = frozenset(state["verbs"])
        model.stops = frozenset(state.get("stops", ()))
        model.lexicon = PhraseLexicon.from_state(state)
        return model

    def describe(self) -> dict[str, Any]:
        if self.pipeline is None and self.scorer is None and self.type_scorer is None:
            return {}
        out: dict[str, Any] = {"verbs": len(self.verbs)}
        if self.task == "action-phrase":
            out.update(stops=len(self.stops), known=len(self.lexicon.known),
                       trusted=len(self.lexicon.trusted))
        for scorer in (self.scorer, self.type_scorer):
            if scorer is not None:
                out["n_features"] = len(scorer.names)
        with contextlib.suppress(AttributeError, ValueError, TypeError):
            out["n_features"] = len(self.pipeline[:-1].get_feature_names_out())  # type: ignore[index]  # None: suppressed TypeError
        return out


def load_skops(file: Path) -> Any:
    """A pipeline from a skops file that names only :data:`SKOPS_TYPES`, else an error.

    The check reads the file's type list before anything is built, so a file naming, say,
    ``builtins.eval`` is refused without constructing a single object.
    """
    import skops.io as sio

    untrusted = sio.get_untrusted_types(file=file)
    unexpected = sorted(set(untrusted) - SKOPS_TYPES)
    if unexpected:
        raise UnclauseError(f"{file} names types a linear model never uses: {unexpected}",
                            "load only models saved by unclause's LinearModel; this file may "
                            "have been tampered with")
    return sio.load(file, trusted=untrusted)
