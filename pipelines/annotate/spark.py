"""Corpus-scale annotation on Apache Spark with the registered model (``mlflow.pyfunc.spark_udf``).

The same pyfunc that ``unclause annotate`` loads runs inside Spark's Python workers. Models use
document context (position, neighbours), so every call must see whole documents in order:
:func:`annotate_spark` hash-partitions the clauses by ``doc_id``, sorts each partition by
``doc_id, para_id`` and lifts Spark's Arrow batch limits so that one partition is one batch.
Choose ``partitions`` so that a partition fits in a worker's memory (≈ 50k clauses is small).

Needs the ``spark`` extra (``pip install unclause[spark]``) and Java 17+.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import TYPE_CHECKING

from pipelines.errors import UnclauseError
from pipelines.models.base import INPUT_COLUMNS

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession

log = logging.getLogger(__name__)

#: Spark rejects 0 and INT_MAX for this limit; this is the largest value it takes.
MAX_ARROW_BATCH_BYTES = 2**31 - 2
#: Output columns that hold numbers; every other output is a string.
_DOUBLE_PREFIXES = ("proba_",)
_DOUBLE_COLUMNS = {"type_score"}
_LONG_COLUMNS = {"action_start", "action_end"}


def local_session(app_name: str = "unclause", cores: int = 2, driver_memory: str = "1g",
                  shuffle_partitions: int | None = None) -> SparkSession:
    """A local-mode session for this machine: loopback only, no web UI, this interpreter for workers."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise UnclauseError("pyspark is not installed", "pip install 'unclause[spark]'") from exc
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    return (SparkSession.builder.master(f"local[{cores}]").appName(app_name)
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.driver.memory", driver_memory)
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.pyspark.python", sys.executable)
            .config("spark.pyspark.driver.python", sys.executable)
            .config("spark.sql.shuffle.partitions", str(shuffle_partitions or cores))
            .config("spark.sql.session.timeZone", "UTC")
            .getOrCreate())


def _ddl_type(column: str) -> str:
    if column in _DOUBLE_COLUMNS or column.startswith(_DOUBLE_PREFIXES):
        return "double"
    if column in _LONG_COLUMNS:
        return "long"
    return "string"


def result_type_for(model_uri: str) -> str:
    """The Spark DDL struct (``"type string, type_score double, …"``) of a model's outputs.

    Read from the logged signature, so a clause-type and an action-phrase model both work.
    """
    from mlflow.models import get_model_info

    signature = get_model_info(model_uri).signature
    if signature is None or signature.outputs is None:
        raise UnclauseError(f"{model_uri} has no output signature",
                            "log the model with `unclause run`, or pass result_type explicitly")
    names = signature.outputs.input_names()
    return ", ".join(f"{name} {_ddl_type(str(name))}" for name in names)


def _fields(ddl: str) -> dict[str, str]:
    """``"a string, b double"`` → ``{"a": "string", "b": "double"}`` (top-level fields only)."""
    fields = {}
    for part in ddl.split(","):
        name, _, kind = part.strip().partition(" ")
        if name:
            fields[name.strip("`")] = kind.strip().lower()
    return fields


def annotate_spark(spark: SparkSession, df: DataFrame, model_uri: str, *,
                   partitions: int | None = None, result_type: str | None = None,
                   env_manager: str = "local") -> DataFrame:
    """Add the model's predictions to a DataFrame of clauses (``doc_id, para_id, text`` + any).

    Returns every input column plus the model's outputs (``type``, ``type_score``, ``proba_*``
    or ``action_phrase``, ``action_lemma``, ``action_start``, ``action_end``); an input column
    with an output's name is replaced by the prediction. Rows come back grouped by document and
    in ``para_id`` order within it; a missing phrase is null (MLflow 3.17's ``spark_udf`` turns
    it into the text ``"None"``, undone here). Side effect: the session's Arrow batch limits are lifted
    (``spark.sql.execution.arrow.maxRecordsPerBatch=0``) so that no document is split across
    the batches the model sees. ``env_manager`` goes to ``spark_udf``: ``local`` uses the
    workers' Python; ``virtualenv``, ``uv`` or ``conda`` rebuild the model's logged environment
    on every executor.
    """
    import mlflow
    from pyspark.sql import functions as F

    missing = [c for c in INPUT_COLUMNS if c not in df.columns]
    if missing:
        raise UnclauseError(f"the clause DataFrame lacks column(s) {', '.join(missing)}",
                            "give it doc_id, para_id and text (one row per clause)")
    ddl = result_type or result_type_for(model_uri)
    ddl_types = _fields(ddl)
    outputs = list(ddl_types)
    replaced = [c for c in df.columns if c in outputs]
    if replaced:
        log.info("replacing input column(s) %s with the model's predictions", ", ".join(replaced))
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", "0")
    spark.conf.set("spark.sql.execution.arrow.maxBytesPerBatch", str(MAX_ARROW_BATCH_BYTES))
    predict = mlflow.pyfunc.spark_udf(spark, model_uri, result_type=ddl,
                                      env_manager=env_manager)
    n = partitions or spark.sparkContext.defaultParallelism
    ordered = df.repartition(n, "doc_id").sortWithinPartitions("doc_id", "para_id")
    tmp = "__unclause_prediction"
    scored = ordered.withColumn(tmp, predict(F.struct(*[F.col(c) for c in INPUT_COLUMNS])))
    keep = [F.col(c) for c in df.columns if c not in outputs]
    return scored.select(*keep, *[_output(F.col(f"{tmp}.{name}"), ddl_types[name]).alias(name)
                                  for name in outputs])


def _output(col: Column, ddl_type: str) -> Column:
    """MLflow 3.17's spark_udf casts a missing string to the text ``"None"``: make it null again."""
    from pyspark.sql import functions as F

    if ddl_type != "string":
        return col
    return F.when(col == F.lit("None"), F.lit(None).cast("string")).otherwise(col)
