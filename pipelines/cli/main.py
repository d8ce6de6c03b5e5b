"""The `unclause` command line: data, run, sweep, compare, evaluate, annotate.

User mistakes (bad paths, configs, inputs, unreachable servers) end in one clear message and
exit status 2, never a traceback; ``--verbose`` shows debug logging.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from pipelines.annotate.options import OnError
from pipelines.cli import annotate, evaluate, labelstudio, report
from pipelines.cli.console import console, hide_flag_types, out, print_table
from pipelines.errors import Interrupted, UnclauseError

if TYPE_CHECKING:
    from pipelines.training.runner import RunResult

hide_flag_types()
app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Learn the grammar of UN documents: clause types and action phrases.")
data_app = typer.Typer(no_args_is_help=True, help="Build and fetch the clause dataset.")
app.add_typer(data_app, name="data")
log = logging.getLogger("pipelines.cli.main")

#: exit status of an interrupted command (128 + SIGINT, as shells report it)
INTERRUPTED = 130
DEFAULT_SOURCES = [Path("../shared/corpus/unga"), Path("../shared/corpus/ecosoc")]


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="debug logging")] = False
         ) -> None:
    from pipelines.logging_setup import configure

    configure(verbose)


@data_app.command("build")
def data_build(
    source: Annotated[list[Path] | None, typer.Option(
        "--source", "-s", help="file, folder or .tar.xz/.zip archive (repeatable); default: "
                               "../shared/corpus/unga and ../shared/corpus/ecosoc")] = None,
    out_dir: Annotated[Path, typer.Option("--out", help="output folder")] = Path(
        "data/processed/clauses"),
    card: Annotated[Path, typer.Option(help="data card to (re)write (generated, so not tracked)")] = Path(
        "data/processed/README.md"),
    seed: Annotated[int, typer.Option(help="split seed")] = 13,
    on_error: Annotated[OnError, typer.Option(help="skip: report bad inputs and go on; stop: "
                                               "fail at the first")] = "skip",
    track: Annotated[bool, typer.Option(help="log the build to MLflow as a dataset")] = True,
    language: Annotated[list[str] | None, typer.Option(
        "--language", "-l", help="keep only documents in this language, ISO 639-1 (repeatable: "
                                 "en fr es ru zh ar); default: every language read")] = None,
) -> None:
    """Read UN documents, label clauses from their structure, split by document, write Parquet."""
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from pipelines.data.build import run_build

    sources = source or DEFAULT_SOURCES
    with Progress(SpinnerColumn(), TextColumn("[bold]reading[/] {task.description}"),
                  BarColumn(bar_width=None), TextColumn("{task.completed:,} documents"),
                  TimeElapsedColumn(), console=console, transient=True) as progress:
        task = progress.add_task("", total=None)

        def tick(doc: object) -> None:
            progress.update(task, advance=1, description=str(getattr(doc, "doc_id", "")))

        try:
            result = run_build(sources, out_dir, card, seed, on_error, tick, languages=language)
            if track:
                from pipelines.tracking.lineage import log_build

                run_id = log_build(result, card)
                log.info("logged the build as MLflow run %s (experiment unclause-data)", run_id)
        except KeyboardInterrupt:
            raise Interrupted(f"data build interrupted: nothing was written, {out_dir} and {card} "
                              "are as they were", "run the same command again to build") from None
    counts = result.counts()
    out.print(f"[green]built[/] {counts['clauses']:,} clauses from {counts['documents']:,} "
              f"documents in {result.seconds:.1f} s → {out_dir}  (digest {result.digest})")
    out.print(f"read {result.report.items:,} source items; skipped {counts['skipped']}; "
              f"label warnings {len(result.report.warnings)}; data card: {card}")
    for name, reason in result.report.skipped[:20]:
        console.print(f"[yellow]skipped[/] {name}: {reason}")
    if len(result.report.skipped) > 20:
        console.print(f"… {len(result.report.skipped) - 20} more in the data card")


@data_app.command("fetch")
def data_fetch(
    dest: Annotated[Path, typer.Option(help="where to put the archives")] = Path("data/raw"),
) -> None:
    """Download the public UNxml GA and ECOSOC resolution archives (needs internet; retries,
    shows progress, reports each archive's SHA-256)."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    from pipelines.cli.console import DownloadBar
    from pipelines.data.fetch import fetch_corpus

    with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                  TimeRemainingColumn(), console=console, transient=True) as progress:
        fetched = fetch_corpus(dest, progress=lambda name: DownloadBar(progress, name))
    for path, digest in fetched:
        out.print(f"fetched {path} (sha256 {digest})")
    out.print(f"build with: unclause data build --source {dest}")


@data_app.command("phrase-map")
def data_phrase_map(
    source: Annotated[list[Path] | None, typer.Option(
        "--source", "-s", help="English resolutions and their translations (repeatable); "
                               "default: ../shared/corpus/unga/A_RES_79.tar.xz and "
                               "../shared/corpus/languages")] = None,
    out_path: Annotated[Path | None, typer.Option(
        "--out", help="where to write the map; default: the package resource")] = None,
    seed: Annotated[int, typer.Option(help="split seed (the map learns from train works)")] = 13,
) -> None:
    """Learn the translated phrase → English lemma map from aligned paragraphs, and report the
    lemma agreement with the aligned English clause per language, beside its ceiling (the best
    any phrase → lemma map could do on the same held-out pairs)."""
    from pipelines.data.align import RESOURCE_PATH, build_phrase_map

    sources = source or [Path("../shared/corpus/unga/A_RES_79.tar.xz"),
                         Path("../shared/corpus/languages")]
    phrase_map = build_phrase_map(sources, out_path or RESOURCE_PATH, seed)
    table = Table("language", "docs", "aligned", "type agree", "held-out pairs", "coverage",
                  "lemma agree", "up to synonyms", "ceiling", "ceiling (synonyms)")
    for lang, st in phrase_map["agreement"].items():
        table.add_row(lang, str(st["documents"]), f"{st['alignment_rate']}",
                      f"{st['type_agreement']}", str(st["heldout_pairs"]), f"{st['coverage']}",
                      f"{st['lemma_agreement']}", f"{st['lemma_agreement_synonyms']}",
                      f"{st['lemma_ceiling']}", f"{st['lemma_ceiling_synonyms']}")
    out.print(table)
    out.print(f"wrote {out_path or RESOURCE_PATH}")


@app.command("run")
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


@app.command("sweep")
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


@app.command("compare")
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


# commands defined in their own modules (kept out of this file to keep it thin)
app.command("evaluate")(evaluate.command)
app.command("annotate")(annotate.command)
app.add_typer(labelstudio.app, name="labelstudio")
app.add_typer(report.app, name="report")


def entrypoint() -> None:
    """Console script: run the app, turning user errors into one clear message."""
    try:
        code = app(standalone_mode=False)
    except Interrupted as exc:
        console.print(f"[bold yellow]interrupted:[/] {exc}")
        sys.exit(INTERRUPTED)
    except UnclauseError as exc:
        console.print(f"[bold red]error:[/] {exc}")
        sys.exit(2)
    except KeyboardInterrupt:
        console.print("[yellow]interrupted[/]")
        sys.exit(INTERRUPTED)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except SystemExit:
        raise
    except Exception as exc:  # click usage errors come here in non-standalone mode
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if isinstance(exc, click.exceptions.Abort):
            sys.exit(1)
        if "mlflow" in sys.modules:  # a tracking call that failed mid-run, after its retries
            from pipelines.tracking.store import as_tracking_error

            if (server := as_tracking_error(exc)) is not None:
                console.print(f"[bold red]error:[/] {server}")
                sys.exit(2)
        raise
    # In non-standalone mode typer *returns* exit codes: typer.Exit(n), and 130 for a Ctrl-C
    # that a command did not turn into Interrupted itself.
    if code == INTERRUPTED:
        console.print("[yellow]interrupted[/]")
    if isinstance(code, int) and code:
        sys.exit(code)


if __name__ == "__main__":
    entrypoint()
