"""The consoles every command prints to, and the table printer they share.

Results go to stdout (``out``); progress, warnings and errors to stderr (``console``), so a
command's output can be piped without the noise.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

if TYPE_CHECKING:
    import pandas as pd

console = Console(stderr=True)
# wide enough for the comparison table when stdout is a pipe or a CI log
out = Console(width=None if sys.stdout.isatty() else 160)


def print_table(frame: pd.DataFrame, title: str, formats: dict[str, str] | None = None) -> None:
    """``frame`` as a table on stdout (numbers right-aligned; floats to 4 decimals unless
    ``formats`` gives a column its own format, e.g. ``{"train_s": "{:,.1f}"}``; NaN as —)."""
    formats = formats or {}
    table = Table(title=title)
    for col in frame.columns:
        table.add_column(str(col), justify="right" if frame[col].dtype.kind in "fi" else "left")

    def cell(col: str, v: object) -> str:
        if isinstance(v, float):
            return "—" if v != v else formats.get(col, "{:.4f}").format(v)
        return str(v)

    for row in frame.itertuples(index=False):
        table.add_row(*[cell(str(c), v) for c, v in zip(frame.columns, row, strict=True)])
    out.print(table)


def hide_flag_types() -> None:
    """typer prints ``<bool>`` beside every on/off flag, which takes no value: print nothing."""
    from typer.core import TyperOption

    shown = TyperOption.display_type_rich
    if getattr(shown, "_unclause", False):
        return

    def display(self: TyperOption, ctx: object) -> str | None:
        # typer annotates ctx as click.Context; this wrapper only passes it through
        return None if self.is_flag and self.metavar is None else shown(self, ctx)  # type: ignore[arg-type]  # passed through

    display._unclause = True  # type: ignore[attr-defined]  # a marker against double patching
    TyperOption.display_type_rich = display  # type: ignore[method-assign]  # the patch itself


class DownloadBar:
    """pooch's progress-bar protocol (``total``, ``update``, ``reset``, ``close``) on a task of a
    rich ``Progress``, so downloads look like every other bar of the CLI."""

    def __init__(self, progress: Progress, name: str) -> None:
        self.progress = progress
        self.task = progress.add_task(name, total=None)

    @property
    def total(self) -> float | None:
        return self.progress.tasks[self.task].total

    @total.setter
    def total(self, value: int) -> None:
        self.progress.update(self.task, total=value or None)

    def update(self, n: int) -> None:
        self.progress.advance(self.task, n)

    def reset(self) -> None:
        self.progress.reset(self.task, total=self.total)

    def close(self) -> None:
        self.progress.update(self.task, visible=False)
