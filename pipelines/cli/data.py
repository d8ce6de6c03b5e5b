"""`unclause data`: build the clause dataset, fetch the public corpus, learn the phrase map."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from pipelines.annotate.options import OnError
from pipelines.cli.console import console, out
from pipelines.errors import Interrupted

app = typer.Typer(no_args_is_help=True, help="Build and fetch the clause dataset.")
log = logging.getLogger(__name__)

DEFAULT_SOURCES = [Path("../shared/corpus/unga"), Path("../shared/corpus/ecosoc")]


@app.command("build")
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


@app.command("fetch")
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


@app.command("phrase-map")
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
