"""`unclause report`: generated reports from the MLflow runs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(no_args_is_help=True, help="Reports generated from the MLflow runs.")


@app.command("generalization")
def generalization(
    experiment: Annotated[str, typer.Option(help="MLflow experiment")] = "unclause",
    readme: Annotated[Path, typer.Option(help="Markdown file whose generated section is "
                                              "replaced")] = Path("experiments/README.md"),
    include_debug: Annotated[bool, typer.Option(help="include debug-size runs (smoke tests)")
                             ] = False,
) -> None:
    """Challenge kinds and in-domain test, per configuration, and the champion selection."""
    from pipelines.cli.console import out, print_table
    from pipelines.training.generalization import generalization_tables, render, write_section

    results, selection, ablations = generalization_tables(experiment, include_debug)
    print_table(results, "generalization — challenge final parts and in-domain test")
    print_table(selection, "champion selection")
    if not ablations.empty:
        print_table(ablations, "transformations, one at a time (challenge dev parts)")
    write_section(readme, render(results, selection, experiment, ablations))
    out.print(f"written: {readme}")
