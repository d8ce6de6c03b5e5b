"""Named binary features into a sparse matrix, and a binary logistic scorer saved as arrays.

:func:`feature_matrix` is the transform behind ``FeatureIndexer`` (the training-time
scikit-learn step); its loop runs compiled (``_feature_rows.c``) where the package was built
with a C compiler, else as :func:`python_rows`, its specification. :class:`SparseScorer` is
the fitted ``FeatureIndexer`` → binary ``LogisticRegression`` pipeline reduced to what
prediction needs, so that loading it imports neither scikit-learn nor skops and builds one dict:

* ``<prefix>.features.json``: the feature names, in column order;
* ``<prefix>.coef.npy``: the coefficients, one column (memory-mapped, ``allow_pickle=False``);
* ``<prefix>.json``: the intercept and the sizes, checked against the arrays.

Nothing in these files is executed: a tampered file gives wrong scores or a load error, never
code. Scores are computed with the operations scikit-learn uses (sparse dot, then ``expit``),
so they are bitwise the pipeline's ``predict_proba(rows)[:, 1]``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Self

import numpy as np
import scipy.sparse as sp

from pipelines.errors import UnclauseError

FORMAT = 1


def _compiled_loop() -> Callable[..., tuple[bytearray, bytearray, bytearray]] | None:
    """``_feature_rows.rows``, built by ``pip install -e .`` (the extension of setup.py)
    where a C compiler is found; None without it, or in a served model's copied code."""
    try:
        from pipelines.models._feature_rows import rows
    except ImportError:
        return None
    return rows


_compiled_rows = _compiled_loop()
#: whether :func:`feature_matrix` runs its compiled loop
COMPILED = _compiled_rows is not None


#: a key with no one-hot names
_NO_VALUES: Mapping[str, int] = {}
#: the split names of rows that are all name lists (which never read them)
_NO_SPLIT: dict[str, dict[str, int]] = {}


def split_names(vocabulary: Mapping[str, int]) -> dict[str, dict[str, int]]:
    """``key → {value → column}`` for every one-hot name ``key=value`` of ``vocabulary``.

    A name with several "=" is filed under each of its splits ("a=b=c" under "a" → "b=c" and
    "a=b" → "c"), so a dict row's ``(key, value)`` finds its column exactly when the string
    ``f"{key}={value}"`` would, without building and hashing that string."""
    split: dict[str, dict[str, int]] = {}
    for name, i in vocabulary.items():
        at = name.find("=")
        while at >= 0:
            split.setdefault(name[:at], {})[name[at + 1:]] = i
            at = name.find("=", at + 1)
    return split


def feature_matrix(vocabulary: Mapping[str, int],
                   X: Iterable[Mapping[str, Any] | list[str]],
                   split: Mapping[str, Mapping[str, int]] | None = None) -> sp.csr_matrix:
    """Feature dicts or name lists → CSR matrix over ``vocabulary`` (unknown names ignored).

    String values become one-hot features ``key=value``, numbers keep their value under ``key``;
    a list item is a list of feature names, each worth 1. ``split`` is
    ``split_names(vocabulary)``, for a caller that keeps it (built here when not given).

    The loop runs compiled (:data:`COMPILED`, ``_feature_rows.c``, about twice as fast) where
    the package was built with a C compiler, else as :func:`python_rows`: the same buffers.
    """
    if split is None:
        split = split_names(vocabulary)
    if _compiled_rows is not None and vocabulary.__class__ is dict and split.__class__ is dict:
        buffers = _compiled_rows(vocabulary, split, X)
        data = np.frombuffer(buffers[0], np.float64)
        indices = np.frombuffer(buffers[1], np.int32)
        indptr = np.frombuffer(buffers[2], np.int64)
    else:
        data, indices, indptr = python_rows(vocabulary, split, X)
    return sp.csr_matrix((data, indices, indptr), shape=(len(indptr) - 1, len(vocabulary)))


def python_rows(vocabulary: Mapping[str, int], split: Mapping[str, Mapping[str, int]],
                X: Iterable[Mapping[str, Any] | list[str]]
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The CSR arrays ``(data, indices, indptr)`` (float64, int32, int64) of
    :func:`feature_matrix`, in Python: the specification of the compiled ``_feature_rows``."""
    get = vocabulary.get
    one_hot: Any = None  # split.get, once a dict row needs it
    indices: list[int] = []
    append = indices.append
    weighted: list[tuple[int, float]] = []  # (position in indices, value) of values other than 1
    indptr = [0]
    for d in X:
        if d.__class__ is list:
            indices.extend([i for i in map(get, d) if i is not None])
            indptr.append(len(indices))
            continue
        if one_hot is None:
            one_hot = split.get
        # a mapping here: the exact-class test above (faster than isinstance) does not narrow
        for k, v in d.items():  # type: ignore[union-attr]  # a mapping
            i = one_hot(k, _NO_VALUES).get(v)  # a string value's column (a number finds none)
            if i is not None:
                append(i)
            elif v.__class__ is not str:
                i = get(k)
                if i is not None:
                    if v != 1.0:
                        weighted.append((len(indices), float(v)))
                    append(i)
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float64)  # most features are present/absent
    if weighted:
        positions, values = zip(*weighted, strict=True)
        data[list(positions)] = np.asarray(values, dtype=np.float64)
    return data, np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int64)


class SparseScorer:
    """Logistic regression over named binary features, reduced to arrays.

    Binary (one coefficient column, classes 0/1): :meth:`positive` gives P(class 1).
    Multinomial (one column per class, ``classes`` named): :meth:`proba` gives the softmax.
    """

    def __init__(self, names: list[str], coef: np.ndarray, intercept: float | Sequence[float],
                 classes: Sequence[str] | None = None) -> None:
        width = 1 if classes is None else len(classes)
        if coef.shape != (len(names), width):
            raise ValueError(f"coefficients {coef.shape} for {len(names)} features × {width}")
        self.names = names
        self.vocabulary = dict(zip(names, range(len(names)), strict=True))
        self._split: dict[str, dict[str, int]] | None = None  # split_names, on first use
        self.coef = coef
        self.intercept = np.asarray(intercept, dtype=np.float64).reshape(-1)
        if self.intercept.shape != (width,):
            raise ValueError(f"{self.intercept.shape[0]} intercepts for {width} outputs")
        self.classes = None if classes is None else [str(c) for c in classes]

    @classmethod
    def from_pipeline(cls, pipeline: Any) -> Self:
        """From a fitted ``Pipeline([FeatureIndexer, binary LogisticRegression])``."""
        indexer, clf = pipeline[0], pipeline[-1]
        if len(clf.classes_) != 2 or list(clf.classes_) != [0, 1]:
            raise ValueError(f"a binary 0/1 classifier is needed, not classes {clf.classes_}")
        return cls(list(indexer.feature_names_), np.ascontiguousarray(clf.coef_.T),
                   float(clf.intercept_[0]))

    @classmethod
    def from_multinomial(cls, names: list[str], clf: Any) -> Self:
        """From a fitted multinomial ``LogisticRegression`` (3+ classes) over ``names``."""
        if len(clf.classes_) < 3 or clf.coef_.shape != (len(clf.classes_), len(names)):
            raise ValueError(f"a multinomial classifier over {len(names)} features is needed")
        return cls(names, np.ascontiguousarray(clf.coef_.T), clf.intercept_.tolist(),
                   [str(c) for c in clf.classes_])

    def positive(self, rows: list[list[str]]) -> np.ndarray:
        """P(class 1) for every row of feature names (binary scorer)."""
        from scipy.special import expit

        if not rows:
            return np.zeros(0)
        # name lists need no split names (a dict of the vocabulary's ~80k names, not built)
        scores = feature_matrix(self.vocabulary, rows, _NO_SPLIT) @ self.coef + self.intercept
        return expit(scores.reshape(-1))

    def proba(self, rows: Iterable[Mapping[str, Any] | list[str]]) -> np.ndarray:
        """Class probabilities, one column per ``classes`` (multinomial scorer): the softmax
        of the decision function, computed in the order scikit-learn computes it."""
        if self._split is None:
            self._split = split_names(self.vocabulary)
        matrix = feature_matrix(self.vocabulary, rows, self._split)
        scores = np.asarray(matrix @ self.coef) + self.intercept
        scores -= scores.max(axis=1).reshape((-1, 1))
        np.exp(scores, scores)
        scores /= scores.sum(axis=1).reshape((-1, 1))
        return scores

    def save(self, folder: Path, prefix: str) -> None:
        folder = Path(folder)
        (folder / f"{prefix}.features.json").write_text(json.dumps(self.names), encoding="utf-8")
        np.save(folder / f"{prefix}.coef.npy", np.asarray(self.coef, dtype=np.float64),
                allow_pickle=False)
        meta: dict[str, Any] = {"format": FORMAT, "n_features": len(self.names)}
        if self.classes is None:
            meta["intercept"] = float(self.intercept[0])
        else:
            meta.update(intercept=self.intercept.tolist(), classes=self.classes)
        (folder / f"{prefix}.json").write_text(json.dumps(meta), encoding="utf-8")

    @classmethod
    def exists(cls, folder: Path, prefix: str) -> bool:
        return (Path(folder) / f"{prefix}.json").is_file()

    @classmethod
    def load(cls, folder: Path, prefix: str) -> Self:
        folder = Path(folder)
        try:
            meta = json.loads((folder / f"{prefix}.json").read_text(encoding="utf-8"))
            names = json.loads((folder / f"{prefix}.features.json").read_text(encoding="utf-8"))
            coef = np.load(folder / f"{prefix}.coef.npy", mmap_mode="r", allow_pickle=False)
            if meta.get("format") != FORMAT:
                raise ValueError(f"format {meta.get('format')}, expected {FORMAT}")
            classes = meta.get("classes")
            if (not isinstance(names, list) or len(names) != meta["n_features"]
                    or not all(n.__class__ is str for n in names)
                    or coef.dtype != np.float64 or coef.ndim != 2
                    or (classes is not None and not all(c.__class__ is str for c in classes))):
                raise ValueError("feature names and coefficients do not match")
            return cls(names, coef, meta["intercept"], classes)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise UnclauseError(f"{folder} holds a broken {prefix} scorer ({exc})",
                                "retrain the model, or load one saved by unclause") from None
