"""`unclause data build`: the dataset and its data card (``tracking.lineage.log_build`` records
the build in MLflow)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pipelines.corpus.readers import OnError
from pipelines.data.card import render_datacard
from pipelines.data.dataset import BuildResult, build_dataset
from pipelines.io import atomic_open, check_writable
from pipelines.schema import Document


def run_build(sources: list[Path], out_dir: Path, card: Path, seed: int = 13,
              on_error: OnError = "skip",
              progress: Callable[[Document], None] | None = None,
              languages: list[str] | None = None) -> BuildResult:
    """Build the dataset and write the data card atomically."""
    check_writable(card, "data card")
    result = build_dataset(sources, out_dir, seed=seed, on_error=on_error, progress=progress,
                           languages=languages)
    text = render_datacard(result.frame, result.digest, result.report.skipped,
                           result.report.warnings, result.seconds, [str(s) for s in sources],
                           language_mismatches=result.language_mismatches)
    with atomic_open(card) as fh:
        fh.write(text)
    return result
