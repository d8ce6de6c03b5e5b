"""``unclause annotate --engine spark``: a clause table annotated on Apache Spark, row for row as
the local path annotates it.

Input is a Parquet or JSONL clause table (``doc_id``, ``para_id``, ``text`` and any other
fields, which are kept), a file or a folder of them, local or on a cluster file system. Output is
a folder of Parquet part files (one per Spark partition) with the local path's fields: every
input field, ``type``, ``type_score``, ``action_phrase``, ``action_lemma``, ``action_span``
(``[start, end]`` or null) and ``review``; an input field with one of those names is kept as
``input_<name>``.

Why ``mapInPandas`` over whole documents rather than a scalar ``mlflow.pyfunc.spark_udf``: the
models read document context (position, neighbours, list items inheriting their lead's type)
and the action-phrase model sees only the clauses the type model did not call ``other``. A
scalar UDF sees Arrow batches cut at arbitrary rows and must answer row for row, so it can do
neither without making one partition one model call. Here the clauses are hash-partitioned by
document, sorted into input order within it (a row id taken at read time, so a document keeps
the order the local path reads it in), and each partition's stream of Arrow batches is regrouped
into batches of whole documents by the local path's own :func:`~pipelines.annotate.stream.
iter_batches`, then run through the same :meth:`Models.predict` and :func:`merge_predictions`.
A document never straddles two model calls and memory per worker stays at one batch.

How the models reach the executors (see :mod:`pipelines.annotate.spark_models`): the driver
resolves each model URI (registry aliases included) to its logged folder, zips it and ships it
with ``SparkContext.addFile``; each Python worker unpacks and loads it once, reading the saved
state as data. On a cluster the driver's ``pipelines`` package goes out with ``addPyFile``; the
third-party dependencies are the models' ``requirements.txt``, installed on the nodes or
shipped as a packed environment.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from pipelines.annotate.merge import OUTPUT_FIELDS, load_models
from pipelines.annotate.options import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_PHRASE_MODEL,
    DEFAULT_REVIEW_THRESHOLD,
    DEFAULT_TYPE_MODEL,
)
from pipelines.errors import InputError, UnclauseError
from pipelines.schema import MAX_CLAUSE_CHARS

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import StructType

log = logging.getLogger(__name__)

DOC_KEY = "__unclause_doc"
ROW_KEY = "__unclause_row"
#: Input formats the engine reads, by file extension.
TABLE_SUFFIXES: dict[str, str] = {".parquet": "parquet", ".pq": "parquet", ".jsonl": "json",
                                  ".ndjson": "json", ".json": "json"}
#: Output fields the engine adds, as Spark DDL types (the order of ``OUTPUT_FIELDS``).
OUTPUT_DDL: dict[str, str] = {"type": "string", "type_score": "double", "action_phrase": "string",
                              "action_lemma": "string", "action_span": "array<bigint>",
                              "review": "boolean", "language": "string"}
#: Bad rows named in an input error.
_SHOWN = 5


@dataclass
class SparkAnnotateResult:
    """What a Spark annotate run read, skipped and wrote (counted from the written Parquet)."""

    out: str
    read: int
    written: int
    skipped: int
    documents: int
    types: dict[str, int]
    review: int
    phrases: int
    models: str
    partitions: int
    master: str
    seconds: float
    skipped_examples: list[str] = field(default_factory=list)
    #: written clauses whose (doc_id, para_id) another clause also has
    duplicates: int = 0


def is_remote(path: str) -> bool:
    """A cluster file system URI (``hdfs://``, ``s3a://`` …) rather than a local path."""
    scheme = urlparse(str(path)).scheme
    return len(scheme) > 1 and scheme != "file"


def _local(path: str) -> Path:
    return Path(urlparse(path).path) if str(path).startswith("file:") else Path(path)


def table_format(path: str) -> str:
    """``parquet`` or ``json`` from the path's extension, or from the files in a local folder."""
    suffix = Path(urlparse(str(path)).path).suffix.lower()
    if suffix in TABLE_SUFFIXES:
        return TABLE_SUFFIXES[suffix]
    folder = None if is_remote(path) else _local(path)
    if folder is not None and folder.is_dir():
        found = {TABLE_SUFFIXES[p.suffix.lower()] for p in folder.rglob("*")
                 if p.is_file() and p.suffix.lower() in TABLE_SUFFIXES
                 and not p.name.startswith((".", "_"))}
        if len(found) == 1:
            return found.pop()
        if len(found) > 1:
            raise InputError(str(path), "the folder mixes Parquet and JSONL files",
                             "give a folder of one kind, or one file")
        raise InputError(str(path), "no .parquet or .jsonl files in the folder",
                         "the spark engine reads clause tables (Parquet or JSONL)")
    raise InputError(str(path), "the spark engine reads Parquet or JSONL clause tables",
                     "give a .parquet or .jsonl file or a folder of them; documents (AKN, PDF, "
                     "text) go through the local engine or `unclause data build` first")


def check_paths(input_path: str, out: str) -> None:
    """Refuse, before Spark starts, a missing input or an output that is or holds the input."""
    if not is_remote(input_path) and not _local(input_path).exists():
        raise InputError(str(input_path), "no such file or folder", "check the path")
    if is_remote(out):
        return
    from pipelines.io import check_output_dir

    target = _local(out)
    if not is_remote(input_path):
        source = _local(input_path).resolve()
        resolved = target.resolve()
        if resolved == source or source.is_relative_to(resolved):
            raise UnclauseError(f"output {out} is the input {input_path} (or holds it)",
                                "choose another output folder")
    check_output_dir(target, [p.name for p in target.iterdir() if _spark_output_name(p.name)]
                     if target.is_dir() else [], "output folder")


def _spark_output_name(name: str) -> bool:
    """A file Spark's Parquet writer makes: part files, their checksums, ``_SUCCESS``."""
    return name.lstrip(".").startswith(("part-", "_SUCCESS", "_committed", "_started"))


def session(master: str | None, app_name: str = "unclause-annotate") -> tuple[SparkSession, bool]:
    """The active session, one started by ``spark-submit`` (its master), or a new one; and
    whether this call started it (then the caller stops it).

    ``local[N]`` (or no master outside spark-submit: ``local[*]``) gets :func:`local_session`'s
    loopback settings; any other master URL (``spark://host:7077``, ``yarn``, ``k8s://…``) is
    passed through, with the cluster's own configuration deciding the rest.
    """
    from pipelines.annotate.spark import local_session

    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise UnclauseError("pyspark is not installed", "pip install 'unclause[spark]'") from exc
    active = SparkSession.getActiveSession()
    if active is not None and master is None:
        return active, False
    if master is None and "PYSPARK_GATEWAY_PORT" in os.environ:  # under spark-submit
        return SparkSession.builder.appName(app_name).getOrCreate(), True
    master = master or "local[*]"
    if master == "local" or master.startswith("local["):
        inner = master.partition("[")[2].rstrip("]") or "1"
        try:
            cores = (os.cpu_count() or 1) if inner == "*" else int(inner.split(",")[0])
        except ValueError:
            raise UnclauseError(f"--master {master} is not local[N] or local[*]") from None
        return local_session(app_name, cores=cores, driver_memory="2g"), True
    return (SparkSession.builder.master(master).appName(app_name)
            .config("spark.ui.showConsoleProgress", "false").getOrCreate(), True)


def read_table(spark: SparkSession, path: str) -> DataFrame:
    """The clause table as a DataFrame, with a row id in input order and a document key."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType

    fmt = table_format(path)
    try:
        df = spark.read.parquet(path) if fmt == "parquet" else spark.read.json(path)
    except Exception as exc:  # AnalysisException, Py4JJavaError: unreadable or empty input
        reason = str(getattr(exc, "desc", exc)).strip().splitlines()[0][:300]
        raise InputError(str(path), f"Spark cannot read it as {fmt} ({reason})",
                         "check the file is a clause table (Parquet, or JSONL one object a "
                         "line)") from None
    if "text" not in df.columns:
        raise InputError(str(path), f"no 'text' column (columns: {', '.join(df.columns) or 'none'})",
                         "give one row per clause with doc_id, para_id and text")
    if not isinstance(df.schema["text"].dataType, StringType):
        raise InputError(str(path), f"column 'text' is {df.schema['text'].dataType.simpleString()}, "
                         "not a string", "store the clause text as a string column")
    default_doc = default_doc_id(path)
    doc = (F.when(F.col("doc_id").isNull() | (F.col("doc_id").cast("string") == ""),
                  F.lit(default_doc)).otherwise(F.col("doc_id").cast("string"))
           if "doc_id" in df.columns else F.lit(default_doc))
    # ids grow with partition index, then row: the order a file is read in
    return df.withColumn(ROW_KEY, F.monotonically_increasing_id()).withColumn(DOC_KEY, doc)


def default_doc_id(path: str) -> str:
    """The ``doc_id`` of rows without one: the input's base name, as the local path names it."""
    from pipelines.corpus.sources import SourceItem
    from pipelines.corpus.text import doc_id_for

    return doc_id_for(SourceItem(urlparse(path).path if is_remote(path) else str(_local(path)), b""))


def bad_rows(df: DataFrame) -> DataFrame:
    """Rows the local path refuses: unparsable lines, text null, blank or over the length cap."""
    from pyspark.sql import functions as F

    text = F.col("text")
    reason = (F.when(text.isNull(), F.lit("field 'text' is missing or null"))
              .when(F.regexp_like(text, F.lit(r"(?U)^\s*$")), F.lit("field 'text' is empty"))
              .when(F.length(text) > MAX_CLAUSE_CHARS,
                    F.lit(f"field 'text' is over the {MAX_CLAUSE_CHARS:,}-character limit")))
    if "_corrupt_record" in df.columns:
        reason = F.when(F.col("_corrupt_record").isNotNull(),
                        F.lit("not a valid JSON object")).otherwise(reason)
    return df.withColumn("__reason", reason).where(F.col("__reason").isNotNull())


def _describe(row: Any) -> str:
    para = row.asDict().get("para_id")
    where = f"doc {row[DOC_KEY]!r}" + (f" para {para}" if para is not None else "")
    return f"{where}: {row['__reason']}"


def output_schema(df: DataFrame) -> StructType:
    """The input's fields (output names renamed ``input_<name>``) then the output fields, then
    ``language`` (an input ``language`` the run changes is kept in ``input_language``)."""
    from pyspark.sql.types import StringType, StructField, StructType, _parse_datatype_string

    fields = [StructField(f"input_{f.name}" if f.name in OUTPUT_FIELDS else f.name, f.dataType)
              for f in df.schema.fields if f.name not in (ROW_KEY, DOC_KEY, "language")]
    if "language" in df.columns:
        fields.append(StructField("input_language", StringType()))
    return StructType(fields + [StructField(name, _parse_datatype_string(OUTPUT_DDL[name]))
                                for name in (*OUTPUT_FIELDS, "language")])


def annotate_partition(type_archive: str, phrase_archive: str, input_columns: list[str],
                       output_columns: list[str], batch_size: int, review_threshold: float,
                       lang: str | None = None) -> Callable[[Iterator[pd.DataFrame]], Iterator[pd.DataFrame]]:
    """The ``mapInPandas`` function: a partition's rows (documents contiguous, in input order)
    regrouped into batches of whole documents, predicted and merged as the local path does."""

    def run(frames: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        import pandas as pd

        from pipelines.annotate.run import annotate_units
        from pipelines.annotate.spark_models import executor_models
        from pipelines.annotate.stream import iter_batches

        models = None
        for batch in iter_batches(_units(frames, input_columns), batch_size):
            models = models or executor_models(type_archive, phrase_archive)
            rows = annotate_units(batch, models, review_threshold, lang=lang)
            # object columns: PySpark cannot take pandas 3's Arrow-backed string columns back
            yield pd.DataFrame.from_records(rows, columns=output_columns).astype(object)

    return run


def _units(frames: Iterator[pd.DataFrame], columns: list[str]) -> Iterator[Any]:
    """Rows as the local stream's units: the record as read, the document key, and ``para_id``
    (or, when it is missing, the row's position in its document, as the local path numbers it)."""
    from pipelines.annotate.stream import Unit
    from pipelines.corpus.jsonl import as_int

    last_doc, ordinal = None, 0
    for frame in frames:
        docs = frame[DOC_KEY].tolist()
        rows = frame[ROW_KEY].tolist()
        records = frame[columns].to_dict("records")
        for row_id, doc, record in zip(rows, docs, records, strict=True):
            if doc != last_doc:
                last_doc, ordinal = doc, 0
            para = as_int(record.get("para_id"))
            yield Unit(int(row_id), record, doc, ordinal if para is None else para)
            ordinal += 1


def annotate_table(
    input_path: str | Path,
    out: str | Path,
    *,
    type_model: str = DEFAULT_TYPE_MODEL,
    phrase_model: str = DEFAULT_PHRASE_MODEL,
    master: str | None = None,
    partitions: int | None = None,
    on_error: str = "stop",
    batch_size: int = DEFAULT_BATCH_SIZE,
    review_threshold: float = DEFAULT_REVIEW_THRESHOLD,
    lang: str | None = None,
    spark: SparkSession | None = None,
) -> SparkAnnotateResult:
    """Annotate the clause table ``input_path`` into the Parquet folder ``out`` on Spark.

    ``spark`` reuses a session (tests, notebooks); otherwise one is started on ``master`` and
    stopped at the end. ``partitions`` defaults to the session's parallelism.
    """
    from pipelines.annotate.language import checked_language
    from pipelines.annotate.spark_models import ship_models
    from pipelines.io import atomic_dir

    t0 = time.perf_counter()
    input_path, out = str(input_path), str(out)
    if on_error not in ("skip", "stop"):
        raise UnclauseError(f"--on-error must be skip or stop, not '{on_error}'")
    if batch_size < 1:
        raise UnclauseError(f"--batch-size must be at least 1, not {batch_size}")
    if not 0.0 <= review_threshold <= 1.0:
        raise UnclauseError(f"--review-threshold must be between 0 and 1, not {review_threshold}")
    if partitions is not None and partitions < 1:
        raise UnclauseError(f"--partitions must be at least 1, not {partitions}")
    lang = checked_language(lang)
    table_format(input_path)
    check_paths(input_path, out)
    models = load_models(type_model, phrase_model)  # clear errors before Spark starts

    own = False
    if spark is None:
        spark, own = session(master)
    if own:
        spark.sparkContext.setLogLevel("ERROR")  # task retries and JVM chatter; errors still surface
    try:
        df = read_table(spark, input_path)
        bad = bad_rows(df)
        examples = [_describe(r) for r in bad.limit(_SHOWN).collect()]
        skipped = 0
        if examples:
            if on_error == "stop":
                n = bad.count()
                more = f" and {n - len(examples)} more" if n > len(examples) else ""
                raise InputError(input_path, f"{n:,} bad row(s): {'; '.join(examples)}{more}",
                                 "pass --on-error skip to skip bad rows")
            skipped = bad.count()
            log.warning("%s: skipping %d bad row(s), e.g. %s", input_path, skipped, examples[0])
            df = df.join(bad.select(ROW_KEY), on=ROW_KEY, how="left_anti")
        if "_corrupt_record" in df.columns:
            df = df.drop("_corrupt_record")
        archives = ship_models(spark, models)
        n = partitions or spark.sparkContext.defaultParallelism
        input_columns = [c for c in df.columns if c not in (ROW_KEY, DOC_KEY)]
        schema = output_schema(df)
        fn = annotate_partition(archives.type, archives.phrase, input_columns, schema.fieldNames(),
                                batch_size, review_threshold, lang)
        result = (df.repartition(n, DOC_KEY).sortWithinPartitions(DOC_KEY, ROW_KEY)
                  .mapInPandas(fn, schema))
        if is_remote(out):
            result.write.mode("errorifexists").parquet(out)
        else:
            with atomic_dir(_local(out)) as tmp:
                result.write.mode("overwrite").parquet(str(tmp))
        counts = _counts(spark, out, default_doc_id(input_path))
        if counts["duplicates"]:
            log.warning("%s: %d clause(s) repeat the (doc_id, para_id) of another: duplicated rows? "
                        "all are kept, and each is the other's neighbour for the models",
                        input_path, counts["duplicates"])
        master_url = spark.sparkContext.master or ""  # typed optional, always set on a live context
    except (UnclauseError, KeyboardInterrupt):
        raise
    except Exception as exc:  # PySparkException, Py4JJavaError: a failed job, in one line
        raise UnclauseError(f"the Spark job failed: {_job_error(exc)}",
                            f"nothing was written to {out}; see the Spark driver log for the "
                            "whole trace") from exc
    finally:
        if own:
            spark.stop()
    return SparkAnnotateResult(out=out, read=counts["written"] + skipped, skipped=skipped,
                               models=models.version_label, partitions=n, master=master_url,
                               seconds=time.perf_counter() - t0, skipped_examples=examples,
                               **{k: v for k, v in counts.items()})


def _job_error(exc: Exception) -> str:
    """The line that says what went wrong in a Spark job's error (a Python worker's exception
    is the last line of its traceback), shortened."""
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.split(":", 1)[0].endswith(("Error", "Exception"))
              and not ln.startswith(("at ", "org.apache", "py4j"))]
    return (errors[-1] if errors else lines[0] if lines else type(exc).__name__)[:300]


def _counts(spark: SparkSession, out: str, default_doc: str) -> dict[str, Any]:
    """Clauses, documents, types, flagged rows, phrases and clauses with a repeated
    (doc_id, para_id), read back from the written Parquet."""
    from pyspark.sql import functions as F

    written = spark.read.parquet(out)
    doc_col = F.col("doc_id").cast("string") if "doc_id" in written.columns else F.lit(None)
    doc = F.when(doc_col.isNull() | (doc_col == ""), F.lit(default_doc)).otherwise(doc_col)
    by_type = {r["type"]: int(r["n"]) for r in
               written.groupBy("type").agg(F.count(F.lit(1)).alias("n")).collect()}
    para = F.col("para_id") if "para_id" in written.columns else F.lit(None)
    row = written.agg(F.count(F.lit(1)).alias("n"),
                      F.countDistinct(doc).alias("docs"),
                      F.count(para).alias("with_ids"),
                      F.countDistinct(doc, para).alias("ids"),
                      F.sum(F.col("review").cast("int")).alias("review"),
                      F.count("action_phrase").alias("phrases")).collect()[0]
    n = int(row["n"])
    duplicates = int(row["with_ids"] or 0) - int(row["ids"] or 0)  # rows without para_id: none
    return {"written": n, "documents": int(row["docs"] or 0), "types": by_type,
            "review": int(row["review"] or 0), "phrases": int(row["phrases"] or 0),
            "duplicates": duplicates}
