"""Figures logged as MLflow artifacts and shown in reports (matplotlib, Agg backend, no display
needed), written atomically as PNG."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from pipelines.io import atomic_open  # noqa: E402


def confusion_png(matrix: np.ndarray, labels: Sequence[str], path: Path, title: str) -> Path:
    """Row-normalised confusion matrix with counts, gold on rows, prediction on columns."""
    fig, ax = plt.subplots(figsize=(4.8, 4.2), dpi=120)
    totals = matrix.sum(axis=1, keepdims=True).clip(min=1)
    norm = matrix / totals
    ax.imshow(norm, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            ax.text(j, i, f"{matrix[i, j]:,}\n{norm[i, j]:.1%}", ha="center", va="center",
                    fontsize=8, color="white" if norm[i, j] > 0.6 else "black")
    return _save(fig, ax, title, path)


def bar_comparison_png(names: Sequence[str], values: Sequence[float], path: Path, title: str,
                       lows: Sequence[float] | None = None,
                       highs: Sequence[float] | None = None, xlabel: str = "") -> Path:
    """Horizontal bars, one per model or slice, with optional interval whiskers."""
    fig, ax = plt.subplots(figsize=(6, 0.45 * len(names) + 1.2), dpi=120)
    y = np.arange(len(names))
    err = None
    if lows is not None and highs is not None:
        err = np.array([[max(v - lo, 0) for v, lo in zip(values, lows, strict=True)],
                        [max(hi - v, 0) for v, hi in zip(values, highs, strict=True)]])
    ax.barh(y, values, xerr=err, color="#4a7fb5", capsize=3)
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    lo_lim = min(min(values) - 0.05, 0.8) if len(values) else 0
    ax.set_xlim(max(lo_lim, 0), 1.0)
    for yi, v in zip(y, values, strict=True):
        ax.text(v, float(yi), f" {v:.3f}", va="center", fontsize=8)
    ax.set_xlabel(xlabel)
    return _save(fig, ax, title, path)


def _save(fig: Any, ax: Any, title: str, path: Path) -> Path:
    """Title, tight layout, then the PNG written atomically to ``path``."""
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    with atomic_open(path, "wb") as fh:
        fig.savefig(fh, format="png")
    plt.close(fig)
    return path
