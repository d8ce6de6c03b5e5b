"""Resumable runs: the partial output ``OUT.partial`` and its state sidecar
``OUT.partial.state``, what must match to resume, and how to start over.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pipelines.errors import UnclauseError
from pipelines.io import atomic_open, stale_temporaries

log = logging.getLogger(__name__)

STATE_VERSION = 1


@dataclass
class RunState:
    """The sidecar of ``OUT.partial``: what must match to resume, and how far the run got."""

    version: int
    input: str
    input_kind: str
    models: dict[str, Any]
    batch_size: int
    review_threshold: float
    select: bool
    lines_consumed: int = 0
    input_sha256: str = ""
    bytes_written: int = 0
    read: int = 0
    written: int = 0
    documents: int = 0
    last_doc: str | None = None
    last_doc_clauses: int = 0
    types: dict[str, int] = field(default_factory=dict)
    review: int = 0
    phrases: int = 0
    batches: int = 0
    skipped: list[list[Any]] = field(default_factory=list)
    #: identities of the models loaded on first need (the multilingual ones,
    #: ``pipelines.annotate.routing``): a resumed run that loads them checks they are the same
    late_models: dict[str, Any] = field(default_factory=dict)

    def check_late_models(self, loaded: dict[str, Any], partial: Path) -> None:
        """Record ``loaded`` the first time; refuse to go on if it differs from the record."""
        if not self.late_models:
            self.late_models = loaded
        elif self.late_models != loaded:
            raise UnclauseError(f"cannot resume {partial}: the models for the other languages "
                                f"changed (was {self.late_models!r}, now {loaded!r})",
                                "pass --restart to start over, or pin the versions with "
                                "--model / --phrase-model")

    def settings(self) -> dict[str, Any]:
        return {"version": self.version, "input": self.input, "input_kind": self.input_kind,
                "models": self.models, "batch_size": self.batch_size,
                "review_threshold": self.review_threshold, "select": self.select}

    def save(self, path: Path) -> None:
        with atomic_open(path) as fh:
            json.dump(asdict(self), fh, indent=1)

    @classmethod
    def load(cls, path: Path) -> RunState:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(**data)
        except (OSError, ValueError, TypeError) as exc:
            raise UnclauseError(f"cannot resume: the state file {path} is unreadable ({exc})",
                                "pass --restart to start over") from None


def partial_paths(out: Path) -> tuple[Path, Path]:
    """``OUT.partial`` and its state sidecar ``OUT.partial.state``."""
    partial = out.with_name(out.name + ".partial")
    return partial, partial.with_name(partial.name + ".state")


def check_leftover(out: Path, resume: bool, restart: bool) -> bool:
    """Whether an interrupted run into ``out`` is to be resumed. ``restart`` removes its files;
    leftovers without ``resume`` or ``restart`` are an error."""
    partial, state_path = partial_paths(out)
    leftover = partial.exists() or state_path.exists()
    if leftover and (resume or restart):
        _remove_stale_temporaries(out, partial, state_path)
    if leftover and restart:
        for p in (partial, state_path):
            p.unlink(missing_ok=True)
        log.info("--restart: removed %s", partial)
        leftover = False
    if leftover and not resume:
        raise UnclauseError(f"{partial} is left from an interrupted run into {out}",
                            "pass --resume to continue it, or --restart to start over")
    if resume and not leftover:
        log.info("nothing to resume at %s: starting from the beginning", partial)
    return leftover


def _remove_stale_temporaries(*paths: Path) -> None:
    """Remove the temporary files a killed run left mid-write beside ``paths`` (the state's,
    checkpointed after every batch; the output's, written at the end)."""
    stale = [tmp for p in paths for tmp in stale_temporaries(p)]
    for tmp in stale:
        tmp.unlink(missing_ok=True)
    if stale:
        log.info("removed %d temporary file(s) left by the interrupted run: %s", len(stale),
                 ", ".join(t.name for t in stale))


def resume_state(fresh: RunState, out: Path) -> RunState:
    """The saved state of the interrupted run into ``out``, once it matches ``fresh`` (this
    run's settings); the partial output is truncated to the last recorded batch."""
    partial, state_path = partial_paths(out)
    if not state_path.exists() or not partial.exists():
        raise UnclauseError(f"cannot resume: {state_path if partial.exists() else partial} "
                            "is missing", "pass --restart to start over")
    state = RunState.load(state_path)
    differ = [k for k, v in fresh.settings().items() if state.settings().get(k) != v]
    if differ:
        detail = "; ".join(f"{k}: was {state.settings().get(k)!r}, now {fresh.settings()[k]!r}"
                           for k in differ)
        raise UnclauseError(f"cannot resume {partial}: the run differs ({detail})",
                            "rerun with the same input, models and options, or pass "
                            "--restart to start over")
    with partial.open("r+b") as fh:
        fh.truncate(state.bytes_written)
    log.info("resuming %s after input line %d (%d rows written)", partial,
             state.lines_consumed, state.written)
    return state
