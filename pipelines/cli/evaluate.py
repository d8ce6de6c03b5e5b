"""`unclause evaluate`: compare logged models on a gold clause table, with bootstrap intervals."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pipelines.cli.console import out as stdout
from pipelines.cli.console import print_table


def command(
    model_uris: Annotated[list[str], typer.Argument(
        help="one or more models: models:/NAME@ALIAS, models:/NAME/VERSION, runs:/RUN_ID/model "
             "or a local model folder", show_default=False)],
    data: Annotated[Path | None, typer.Option(
        "--data", help="gold clauses: a dataset folder (its test split unless --split), a "
                       "Parquet file, or a JSONL with type / action_phrase / action_lemma",
        show_default=False)] = None,
    challenge: Annotated[bool, typer.Option(
        "--challenge", help="also score every challenge kind (data/challenge), dev and final "
                            "parts separately")] = False,
    out: Annotated[Path, typer.Option("--out", help="report folder")] = Path("reports/eval"),
    n_boot: Annotated[int, typer.Option(
        "--n-boot", min=0, help="bootstrap resamples of whole documents (0: no intervals)")
    ] = 1000,
    track: Annotated[bool, typer.Option(
        "--track/--no-track", help="log the evaluation as an MLflow run (experiment "
                                   "unclause-eval)")] = True,
    task: Annotated[str | None, typer.Option(
        "--task", help="clause-type or action-phrase (default: from each model's outputs)")
    ] = None,
    split: Annotated[str | None, typer.Option(
        "--split", help="split of a dataset folder or file: train, validation, test or all")
    ] = None,
    gold_prefix: Annotated[str | None, typer.Option(
        "--gold-prefix", help="gold columns are PREFIXtype, PREFIXaction_phrase, … (default: "
                              "gold_ or input_ when present, else type, action_phrase, …)")
    ] = None,
) -> None:
    """Metrics with 95 % bootstrap intervals, per-class and per-slice tables, a report;
    with --challenge, the scores per challenge kind and part."""
    from pipelines.errors import UnclauseError
    from pipelines.evaluation.evaluate import evaluate_models

    if data is None and not challenge:
        raise UnclauseError("nothing to evaluate on", "pass --data PATH and/or --challenge")
    if challenge:
        from pipelines.evaluation.challenge import evaluate_models as evaluate_challenge

        table = evaluate_challenge(model_uris, out)
        print_table(table, "unclause evaluate — challenge sets (dev and final parts)")
        stdout.print(f"challenge report: {out / 'challenge.md'}")
    if data is None:
        return

    report = evaluate_models(model_uris, data, out, task=task, n_boot=n_boot, track=track,
                             split=split, gold_prefix=gold_prefix)
    table = report.comparison()
    table["value [95% CI]"] = [
        f"{v:.3f} [{lo:.3f}, {hi:.3f}]" if lo == lo and hi == hi else f"{v:.3f} [n/a]"
        for v, lo, hi in zip(table.pop("value"), table.pop("lo"), table.pop("hi"), strict=True)]
    if not table["excluded"].any():
        table = table.drop(columns="excluded")
    print_table(table, f"unclause evaluate — {data}")
    stdout.print(f"report: {report.report_path}  ({len(report.files)} files in {report.out_dir})")
    if report.run_id:
        stdout.print(f"MLflow run {report.run_id} (experiment unclause-eval)")
