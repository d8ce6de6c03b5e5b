"""annotate's defaults and choices, importable without pandas or a model (the CLI's ``--help``)."""

from __future__ import annotations

from typing import Literal

DEFAULT_TYPE_MODEL = "models:/clause-type@champion"
DEFAULT_PHRASE_MODEL = "models:/action-phrase@champion"
DEFAULT_BATCH_SIZE = 5000
DEFAULT_REVIEW_THRESHOLD = 0.8
STRATEGIES: tuple[str, ...] = ("least-confident", "margin", "entropy")
#: uncertainty measures for ``--select`` (see ``pipelines.annotate.select``)
Strategy = Literal["least-confident", "margin", "entropy"]
#: what a bad input line does: ``stop`` (fail naming it) or ``skip`` (warn, count, go on)
OnError = Literal["skip", "stop"]
#: where annotate runs: ``local`` (this process) or ``spark`` (``pipelines.annotate.spark_batch``)
Engine = Literal["local", "spark"]
