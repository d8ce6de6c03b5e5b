"""Console logging for the CLI: rich handler, quiet third-party libraries."""

from __future__ import annotations

import logging
import os
import warnings


def configure(verbose: bool = False) -> None:
    """INFO for unclause (DEBUG with --verbose), WARNING for the noisy libraries."""
    from rich.console import Console
    from rich.logging import RichHandler

    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    os.environ.setdefault("DO_NOT_TRACK", "true")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    logging.basicConfig(level=logging.WARNING, format="%(message)s", datefmt="[%X]",
                        # stderr: stdout carries results (and may be piped into a file)
                        handlers=[RichHandler(console=Console(stderr=True), show_path=False,
                                              rich_tracebacks=False)],
                        force=True)
    logging.getLogger("pipelines").setLevel(logging.DEBUG if verbose else logging.INFO)
    for noisy in ("mlflow", "alembic", "urllib3", "httpx", "transformers", "datasets",
                  "filelock", "fsspec", "py4j", "skops"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", category=UserWarning, module="mlflow")
