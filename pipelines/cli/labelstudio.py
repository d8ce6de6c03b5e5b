"""`unclause labelstudio …`: the human-review round trip with Label Studio.

Tasks go out with `unclause annotate INPUT -o tasks.json` (all clauses, with pre-annotations)
or `unclause annotate INPUT --select N -o tasks.json` (the clauses most worth reviewing).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from pipelines.cli.console import out as stdout

app = typer.Typer(no_args_is_help=True,
                  help="Label Studio: labeling config, import of reviewed labels, agreement.")


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def print_agreement(stats: dict[str, Any]) -> None:
    """Inter-annotator pairs and the model's agreement with the gold, as a table."""
    table = Table(title="agreement on clause type")
    for col in ("raters", "clauses", "Cohen's κ", "% agreement", "same phrase span"):
        table.add_column(col, justify="left" if col == "raters" else "right")
    for pair in stats["pairs"]:
        table.add_row(" vs ".join(pair["annotators"]), str(pair["n"]), _fmt(pair["kappa"]),
                      _fmt(pair["percent_agreement"]), _fmt(pair["phrase_agreement"]))
    model = stats.get("model")
    if model:
        table.add_row("model vs gold", str(model["n"]), _fmt(model["kappa"]),
                      _fmt(model["percent_agreement"]), "")
    stdout.print(table)
    notes = [p["note"] for p in stats["pairs"] if p.get("note")]
    if model and model.get("note"):
        notes.append(model["note"])
    for note in notes:
        stdout.print(f"[yellow]note[/] {note}")
    if not stats["pairs"]:
        stdout.print("no clause was labelled by two annotators: no inter-annotator κ")


@app.command("import")
def import_cmd(
    export: Annotated[Path, typer.Argument(help="Label Studio JSON export (Export → JSON)")],
    out: Annotated[Path, typer.Option("--out", "-o", help="gold JSONL to write")] = Path(
        "data/gold/labelstudio.jsonl"),
) -> None:
    """Adjudicate the reviewed labels into a gold JSONL (for `evaluate --data`, `data build`)."""
    from pipelines.annotate.labelstudio import agreement, annotation_frame, import_annotations, read_export

    gold = import_annotations(export, out)
    counts = gold["adjudication"].value_counts().to_dict()
    stdout.print(f"[green]imported[/] {len(gold):,} gold clauses → {out} "
                 f"({', '.join(f'{k}: {v}' for k, v in counts.items())})")
    print_agreement(agreement(annotation_frame(read_export(export))))


@app.command("agreement")
def agreement_cmd(
    export: Annotated[Path, typer.Argument(help="Label Studio JSON export")],
    as_json: Annotated[bool, typer.Option("--json", help="print the numbers as JSON")] = False,
) -> None:
    """Cohen's κ and percent agreement between annotators, and of the model vs the gold."""
    from pipelines.annotate.labelstudio import agreement

    stats = agreement(export)
    if as_json:
        stdout.print_json(json.dumps(stats))
    else:
        print_agreement(stats)


@app.command("config")
def config_cmd() -> None:
    """Print the labeling config (XML) to paste into a Label Studio project."""
    from pipelines.annotate.labelstudio import CONFIG_PATH, labeling_config

    typer.echo(labeling_config())
    typer.echo(f"<!-- {CONFIG_PATH} -->", err=True)
