"""`unclause annotate --engine spark`: the clause table annotated on Spark, and its summary."""

from __future__ import annotations

from pathlib import PurePosixPath

from pipelines.cli.console import console
from pipelines.cli.console import out as stdout
from pipelines.errors import Interrupted, UnclauseError


def default_spark_output(input_path: str) -> str:
    """``NAME.annotated.parquet`` (a folder of part files) in the working directory."""
    stem = PurePosixPath(input_path.rstrip("/")).name.split(".", 1)[0] or "annotated"
    return f"{stem}.annotated.parquet"


def run_spark(input_path: str, out: str | None, *, model: str, phrase_model: str,
              master: str | None, partitions: int | None, on_error: str, batch_size: int,
              review_threshold: float, lang: str | None, local_only: list[str]) -> None:
    """Run :func:`pipelines.annotate.spark_batch.annotate_table` and print what it did."""
    from pipelines.annotate.spark_batch import annotate_table

    if local_only:
        raise UnclauseError(f"{', '.join(local_only)}: only with the local engine",
                            "drop them, or annotate with --engine local")
    target = out or default_spark_output(input_path)
    name = PurePosixPath(target.rstrip("/")).name
    if PurePosixPath(name).suffix.lower() in (".jsonl", ".ndjson", ".csv", ".html", ".htm", ".json"):
        raise UnclauseError(f"--engine spark writes a folder of Parquet files, not {name}",
                            "give -o a folder name such as OUT.parquet")
    try:
        with console.status(f"annotating on Spark ({master or 'default master'})"):
            result = annotate_table(input_path, target, type_model=model,
                                    phrase_model=phrase_model, master=master,
                                    partitions=partitions, on_error=on_error,
                                    batch_size=batch_size, review_threshold=review_threshold,
                                    lang=lang)
    except KeyboardInterrupt:
        raise Interrupted(f"annotate --engine spark stopped: {target} was not written (Spark "
                          "output appears only when the whole job succeeds)",
                          "run the same command again") from None
    types = ", ".join(f"{t} {c:,}" for t, c in sorted(result.types.items()))
    stdout.print(f"[green]annotated[/] read {result.read:,}, skipped {result.skipped:,}, wrote "
                 f"{result.written:,} → {result.out} (parquet, {result.partitions} partitions, "
                 f"{result.master}) in {result.seconds:.1f} s")
    stdout.print(f"{result.documents:,} documents; {types}; {result.review:,} flagged for "
                 f"review; {result.phrases:,} action phrases; models {result.models}")
    for example in result.skipped_examples:
        console.print(f"[yellow]skipped[/] {example}")
