"""`unclause annotate`: predict clause types and action phrases for new documents."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pipelines.annotate.options import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_PHRASE_MODEL,
    DEFAULT_REVIEW_THRESHOLD,
    DEFAULT_TYPE_MODEL,
    Engine,
    OnError,
    Strategy,
)
from pipelines.annotate.state import RunState, partial_paths
from pipelines.cli.console import console
from pipelines.cli.console import out as stdout
from pipelines.errors import Interrupted, UnclauseError

if TYPE_CHECKING:  # the annotate machinery (pandas, models) loads when the command runs, not
    from pipelines.annotate.run import BatchProgress  # for --help


def default_output(input_path: Path) -> Path:
    """``NAME.annotated.jsonl`` in the working directory."""
    name = input_path.name
    for suffix in (".tar.xz", ".tar.gz", ".tar.bz2"):
        name = name.removesuffix(suffix)
    stem = Path(name).stem or "annotated"
    return Path(f"{stem}.annotated.jsonl")


def interrupted(target: Path) -> Interrupted:
    """What a Ctrl-C kept: the partial output and how to continue it, or nothing."""
    partial, state = partial_paths(target)
    if partial.exists() and state.exists():
        kept = RunState.load(state)
        return Interrupted(f"annotate stopped after {kept.written:,} clause(s) (input line "
                           f"{kept.lines_consumed:,}); they are kept in {partial}",
                           "rerun the same command with --resume to continue, or --restart "
                           "to start over")
    return Interrupted(f"annotate stopped before its first batch was written: nothing was "
                       f"kept, {target} was not written", "run the same command again")


def command(
    input: Annotated[str, typer.Argument(
        help="a JSONL of clauses {doc_id, para_id, text, …} in document order (streamed), or a "
             "document file, folder or .tar.xz/.zip archive")],
    model: Annotated[str, typer.Option(
        "--model", "-m", help="clause-type model URI for every language (default: this one for "
                              "English, clause-type-multilingual@champion for the others)")
    ] = DEFAULT_TYPE_MODEL,
    phrase_model: Annotated[str, typer.Option(
        "--phrase-model", help="action-phrase model URI for every language (default: as "
                               "--model)")] = DEFAULT_PHRASE_MODEL,
    out: Annotated[str | None, typer.Option(
        "--out", "-o", help="output: .jsonl, .csv, .html (view) or .json (Label Studio "
                            "tasks); default NAME.annotated.jsonl")] = None,
    fmt: Annotated[str | None, typer.Option(
        "--format", "-f", help="jsonl, csv, html or labelstudio (overrides the extension)")
    ] = None,
    on_error: Annotated[OnError, typer.Option(
        help="bad input lines: stop (fail naming the line) or skip (warn, count, go on)")
    ] = "stop",
    resume: Annotated[bool, typer.Option(
        "--resume", help="continue an interrupted run into the same OUT")] = False,
    restart: Annotated[bool, typer.Option(
        "--restart", help="discard an interrupted run's OUT.partial and start over")] = False,
    batch_size: Annotated[int, typer.Option(
        help="clauses per model call (whole documents)")] = DEFAULT_BATCH_SIZE,
    review_threshold: Annotated[float, typer.Option(
        help="flag clauses whose type probability is below this for review")
    ] = DEFAULT_REVIEW_THRESHOLD,
    select: Annotated[int | None, typer.Option(
        help="active learning: write only the N clauses most worth a human's time")] = None,
    strategy: Annotated[Strategy, typer.Option(
        help="uncertainty for --select")] = "least-confident",
    per_doc_cap: Annotated[int | None, typer.Option(
        help="--select: at most this many clauses per document (default: documents take "
             "turns)")] = None,
    lang: Annotated[str | None, typer.Option(
        "--lang", help="the input's language (en fr es ru zh ar); default: the input's "
                       "language field, else detected per document")] = None,
    jobs: Annotated[int, typer.Option(
        "--jobs", "-j", min=0, help="processes running the models (0: one per CPU core; the "
                                    "output is the same for any number)")] = 0,
    engine: Annotated[Engine, typer.Option(
        help="local (this process, streamed, resumable) or spark (a Parquet/JSONL clause table "
             "on Spark, written as a Parquet folder)")] = "local",
    master: Annotated[str | None, typer.Option(
        help="--engine spark: the cluster (local[2], spark://HOST:7077, yarn…); default "
             "spark-submit's, else local[*]")] = None,
    partitions: Annotated[int | None, typer.Option(
        help="--engine spark: partitions of documents (default: the cluster's cores)")] = None,
) -> None:
    """Annotate clauses with their type and opening action phrase (registered champions: the
    English ones for English, the multilingual ones for fr es ru zh ar)."""
    if engine == "spark":
        from pipelines.cli.annotate_spark import run_spark

        local_only = {"--format": fmt, "--resume": resume or None, "--restart": restart or None,
                      "--select": select, "--per-doc-cap": per_doc_cap}
        run_spark(input, out, model=model, phrase_model=phrase_model, master=master,
                  partitions=partitions, on_error=on_error, batch_size=batch_size,
                  review_threshold=review_threshold, lang=lang,
                  local_only=[k for k, v in local_only.items() if v is not None])
        return
    if master is not None or partitions is not None:
        raise UnclauseError("--master and --partitions are for --engine spark")
    return _local(Path(input), Path(out) if out is not None else None, model, phrase_model, fmt,
                  on_error, resume, restart, batch_size, review_threshold, select, strategy,
                  per_doc_cap, lang, jobs)


def _local(input: Path, out: Path | None, model: str, phrase_model: str, fmt: str | None,
           on_error: OnError, resume: bool, restart: bool, batch_size: int,
           review_threshold: float, select: int | None, strategy: Strategy,
           per_doc_cap: int | None, lang: str | None, jobs: int) -> None:
    """The local engine, with a progress bar and the summary."""
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from pipelines.annotate.run import annotate

    if resume and restart:
        raise UnclauseError("pass either --resume or --restart, not both")
    target = out or default_output(input)
    columns = [SpinnerColumn(), TextColumn("[bold]annotating[/]"), BarColumn(bar_width=None),
               TextColumn("{task.fields[clauses]:,} clauses")]
    if input.is_file() and input.name.lower().endswith((".jsonl", ".ndjson")):
        # a JSONL's size is known: bytes read give the fraction done, hence an ETA
        columns += [DownloadColumn(), TimeElapsedColumn(), TextColumn("ETA"),
                    TimeRemainingColumn()]
    else:
        columns.append(TimeElapsedColumn())
    # redrawn after each batch, not by a thread: annotate forks its worker processes from a
    # process with no other thread running (see pipelines.annotate.parallel)
    with Progress(*columns, console=console, transient=True, auto_refresh=False) as progress:
        task = progress.add_task("", total=None, clauses=0)

        def tick(p: BatchProgress) -> None:
            progress.update(task, completed=p.bytes_read if p.bytes_total else p.written,
                            total=p.bytes_total, clauses=p.written, refresh=True)

        try:
            result = annotate(input, target, type_model=model, phrase_model=phrase_model,
                              fmt=fmt, on_error=on_error, resume=resume,
                              restart=restart, batch_size=batch_size,
                              review_threshold=review_threshold, select=select,
                              strategy=strategy, per_doc_cap=per_doc_cap, on_batch=tick, lang=lang,
                              jobs=jobs)
        except KeyboardInterrupt:
            raise interrupted(target) from None
    types = ", ".join(f"{t} {c:,}" for t, c in sorted(result.types.items()))
    resumed = f" (resumed after input line {result.resumed_from:,})" if result.resumed_from else ""
    stdout.print(f"[green]annotated[/] read {result.read:,}, skipped {len(result.skipped):,}, "
                 f"wrote {result.written:,} → {result.out} ({result.fmt}) in "
                 f"{result.seconds:.1f} s{resumed}")
    stdout.print(f"{result.documents:,} documents; {types}; {result.review:,} flagged for "
                 f"review; {result.phrases:,} action phrases; models {result.models}")
    if result.selected is not None:
        stdout.print(f"selected {result.selected:,} clauses for review ({strategy})")
    for where, reason in result.skipped[:20]:
        label = f"line {where}" if isinstance(where, int) else str(where)
        console.print(f"[yellow]skipped[/] {label}: {reason}")
    if len(result.skipped) > 20:
        console.print(f"… and {len(result.skipped) - 20:,} more skipped")
