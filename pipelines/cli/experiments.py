"""`unclause run`, `sweep` and `compare`: experiments as MLflow runs, and their comparison."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pipelines.cli.console import out, print_table
from pipelines.errors import Interrupted

if TYPE_CHECKING:
    from pipelines.training.runner import RunResult


def run(
    config: Annotated[str | None, typer.Argument(
        help="configs/experiment/NAME.yaml or NAME (default: 'default'); may be left out")] = None,
    overrides: Annotated[list[str] | None, typer.Argument(
        help="group=option (task=action-phrase, model=crf) and key=value (model.C=2) overrides")] = None,
    register: Annotated[bool, typer.Option(help="register; move @champion if better on "
                                                "validation")] = False,
) -> None:
    """Run one experiment as one MLflow run: `unclause run task=action-phrase model=crf`."""
    from pipelines.config import DEFAULT_EXPERIMENT, load_config
    from pipelines.training.runner import run_experiment

    overrides = list(overrides or [])
    if config is not None and "=" in config:
        overrides.insert(0, config)
        config = None
    cfg = load_config(config, overrides)
    result = run_experiment(cfg, register=register, config_path=config or DEFAULT_EXPERIMENT)
    print_result(result)


def print_result(result: RunResult) -> None:
    m = result.metrics
    cfg = result.config
    primary = result.primary
    out.print(f"[bold]{cfg.name}[/] ({cfg.task}, {cfg.model.family}) run "
              f"{result.run_id}: val {primary} {m.get(f'val/{primary}', float('nan')):.4f}, "
              f"test {primary} {m.get(f'test/{primary}', float('nan')):.4f}, "
              f"train {result.train_seconds:.1f} s, {result.throughput:,.0f} clauses/s")
    reg = result.registration
    if reg:
        verdict = "now @champion" if reg["promoted"] else (
            "tie: champion kept" if reg["tie"] else "champion kept (better)")
        out.print(f"  registered {reg['model_name']} v{reg['version']}: {verdict}")


def sweep(
    config: Annotated[str, typer.Argument(help="experiment config")],
    grid: Annotated[list[str], typer.Argument(help="key=v1,v2,… (one or more)")],
    register: Annotated[bool, typer.Option(help="register the best child")] = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="trials run at once, each in its own "
                                                           "process")] = 1,
) -> None:
    """Grid sweep: one parent MLflow run with a nested run per combination; the best is tagged."""
    from pipelines.training.sweep import run_sweep

    try:
        best = run_sweep(config, grid, register=register, jobs=jobs)
    except KeyboardInterrupt:
        raise Interrupted("sweep interrupted: the trials that finished are kept as nested runs "
                          "of its parent run, which is marked FAILED",
                          "run the sweep again to redo it") from None
    out.print(f"best: {best}")


#: `unclause compare`: metrics to 4 decimals, seconds to 1, throughput in whole clauses/s
COMPARE_FORMATS = {"val": "{:.4f}", "test": "{:.4f}", "train_s": "{:,.1f}",
                   "clauses_per_s": "{:,.0f}"}


def compare(
    experiment: Annotated[str, typer.Option(help="MLflow experiment")] = "unclause",
    last: Annotated[int, typer.Option(help="latest runs per (task, name)")] = 1,
    languages: Annotated[bool, typer.Option(
        "--languages", help="per-language test figures of the multilingual runs instead "
                            "(multilingual, zero-shot, per-language)")] = False,
    markdown: Annotated[Path | None, typer.Option(
        help="with --languages: also write the table as Markdown here")] = None,
) -> None:
    """Print a comparison table of the latest runs per task and experiment name."""
    from pipelines.training.compare import comparison_frame, language_frame, markdown_table

    if languages:
        frame = language_frame(experiment)
        print_table(frame, f"per-language test figures — experiment '{experiment}'")
        if markdown is not None:
            from pipelines.io import atomic_open

            with atomic_open(markdown) as fh:
                fh.write(markdown_table(frame))
        return
    frame = comparison_frame(experiment, last)
    print_table(frame, f"unclause runs — experiment '{experiment}'", COMPARE_FORMATS)
