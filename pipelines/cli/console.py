"""The consoles every command prints to, and the table printer they share.

Results go to stdout (``out``); progress, warnings and errors to stderr (``console``), so a
command's output can be piped without the noise.
"""

from __future__ import annotations

import sys

import pandas as pd
from rich.console import Console
from rich.table import Table

console = Console(stderr=True)
# wide enough for the comparison table when stdout is a pipe or a CI log
out = Console(width=None if sys.stdout.isatty() else 160)


def print_table(frame: pd.DataFrame, title: str) -> None:
    """``frame`` as a table on stdout (numbers right-aligned, floats to 4 decimals)."""
    table = Table(title=title)
    for col in frame.columns:
        table.add_column(str(col), justify="right" if frame[col].dtype.kind in "fi" else "left")
    for row in frame.itertuples(index=False):
        table.add_row(*[f"{v:.4f}" if isinstance(v, float) else str(v) for v in row])
    out.print(table)
