"""`unclause data build`: the dataset, its data card, and its MLflow dataset record."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from pipelines.corpus.readers import OnError
from pipelines.data.card import render_datacard
from pipelines.data.dataset import MANIFEST, BuildResult, build_dataset
from pipelines.io import atomic_open, check_writable
from pipelines.schema import Document

log = logging.getLogger(__name__)


def log_build(result: BuildResult, card: Path) -> str:
    """One MLflow run in experiment ``unclause-data`` recording the dataset and its card."""
    import mlflow

    from pipelines.tracking.lineage import git_tags, log_dataset
    from pipelines.tracking.store import setup

    setup("unclause-data")
    with mlflow.start_run(run_name=f"build-{result.digest}",
                          tags={"dataset.digest": result.digest, **git_tags()}) as run:
        counts = result.counts()
        mlflow.log_metrics({**{k: float(v) for k, v in counts.items()},
                            "build_seconds": result.seconds,
                            "label_warnings": float(len(result.report.warnings))})
        for split, part in result.frame.groupby("split"):
            log_dataset(part, f"clauses-{split}", result.digest,
                        str(result.out_dir.resolve()), str(split))
        mlflow.log_artifact(str(card))
        mlflow.log_artifact(str(result.out_dir / MANIFEST))
        return run.info.run_id


def run_build(sources: list[Path], out_dir: Path, card: Path, seed: int = 13,
              on_error: OnError = "skip", track: bool = True,
              progress: Callable[[Document], None] | None = None,
              languages: list[str] | None = None) -> BuildResult:
    """Build the dataset, write the data card atomically, and log the build if ``track``."""
    check_writable(card, "data card")
    result = build_dataset(sources, out_dir, seed=seed, on_error=on_error, progress=progress,
                           languages=languages)
    text = render_datacard(result.frame, result.digest, result.report.skipped,
                           result.report.warnings, result.seconds, [str(s) for s in sources],
                           language_mismatches=result.language_mismatches)
    with atomic_open(card) as fh:
        fh.write(text)
    if track:
        run_id = log_build(result, card)
        log.info("logged the build as MLflow run %s (experiment unclause-data)", run_id)
    return result
