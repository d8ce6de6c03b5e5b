"""User-facing errors: one clear message naming the thing and the fix, never a traceback."""

from __future__ import annotations

from typing import Any


class UnclauseError(Exception):
    """A mistake the user can fix (bad path, bad config, bad input).

    The CLI prints ``str(err)`` and exits with status 2; library code raises it with the
    offending thing named and, in ``hint``, what to do about it.
    """

    def __init__(self, message: str, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(message if not hint else f"{message}\n  → {hint}")

    def __reduce__(self):  # picklable across worker processes
        return (UnclauseError._rebuild, (type(self), self.__dict__.copy()))

    @staticmethod
    def _rebuild(cls: type[UnclauseError], state: dict[str, Any]) -> UnclauseError:
        err = cls.__new__(cls)
        err.__dict__.update(state)
        message = state.get("message", "")
        hint = state.get("hint")
        Exception.__init__(err, message if not hint else f"{message}\n  → {hint}")
        return err


class InputError(UnclauseError):
    """A document, archive member or clause file that cannot be read."""

    def __init__(self, source: str, problem: str, hint: str | None = None) -> None:
        self.source = source
        self.problem = problem
        super().__init__(f"{source}: {problem}", hint)


class ConfigError(UnclauseError):
    """A configuration key or value that is not allowed."""


class TrackingError(UnclauseError):
    """The MLflow tracking store or registry cannot be reached or lacks what was asked."""


class Interrupted(UnclauseError):
    """The user stopped a command (Ctrl-C); the message says what was kept and how to go on.

    The CLI exits with status 130 (128 + SIGINT), as shells do, so scripts never take an
    interrupted run for a finished one.
    """
