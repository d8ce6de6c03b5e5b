"""Spark in local mode, for real: the registered pyfunc as a Spark UDF gives the in-process answers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.spark]

pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("Java is not installed (Spark needs a JRE 17+)", allow_module_level=True)

from pyspark.sql import SparkSession  # noqa: E402

from pipelines.annotate.spark import annotate_spark, result_type_for  # noqa: E402
from pipelines.config import DataConfig, ExperimentConfig, LinearConfig, RulesConfig  # noqa: E402
from pipelines.data.dataset import load_clauses  # noqa: E402
from pipelines.data.order import document_order  # noqa: E402
from pipelines.training.runner import run_experiment  # noqa: E402

SCHEMA = "doc_id string, para_id long, text string"



def _clauses(dataset: Path) -> pd.DataFrame:
    frame = load_clauses(dataset, ["validation", "test"])
    return document_order(frame[["doc_id", "para_id", "text"]]).reset_index(drop=True)


def _in_process(model_uri: str, clauses: pd.DataFrame) -> pd.DataFrame:
    import mlflow

    pred = mlflow.pyfunc.load_model(model_uri).predict(clauses)
    return pd.concat([clauses[["doc_id", "para_id"]], pred], axis=1)


def _shuffled(spark: SparkSession, clauses: pd.DataFrame):  # noqa: ANN202 - a Spark DataFrame
    rows = clauses.sample(frac=1.0, random_state=3)
    return spark.createDataFrame(list(rows.itertuples(index=False, name=None)), schema=SCHEMA)


def test_spark_udf_matches_the_in_process_pyfunc(spark: SparkSession, tiny_dataset: Path,
                                                mlflow_store: str) -> None:
    type_cfg = ExperimentConfig(name="spark-linear", task="clause-type", experiment="spark-test",
                                data=DataConfig(path=tiny_dataset), model=LinearConfig())
    phrase_cfg = ExperimentConfig(name="spark-rules", task="action-phrase", experiment="spark-test",
                                  data=DataConfig(path=tiny_dataset), model=RulesConfig(min_count=1))
    run_experiment(type_cfg, register=True)
    phrase_run = run_experiment(phrase_cfg)
    type_uri = "models:/clause-type@champion"
    phrase_uri = f"runs:/{phrase_run.run_id}/model"
    clauses = _clauses(tiny_dataset)

    # Shuffled rows, tiny Arrow batches and two partitions: annotate_spark must still hand
    # the model whole documents in order (the linear family uses position and neighbours).
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", "7")
    assert result_type_for(type_uri).startswith("type string, type_score double")
    got = annotate_spark(spark, _shuffled(spark, clauses), type_uri, partitions=2).toPandas()
    assert len(got) == len(clauses)
    assert set(got.columns) >= {"doc_id", "para_id", "text", "type", "type_score"}
    keys = ["doc_id", "para_id"]
    merged = _in_process(type_uri, clauses).merge(got, on=keys, suffixes=("", "_spark"))
    assert len(merged) == len(clauses)
    assert (merged["type"] == merged["type_spark"]).all()
    assert merged["type_score"].to_numpy() == pytest.approx(merged["type_score_spark"].to_numpy(),
                                                            abs=1e-9)

    # Rows come back grouped by document, para_id ascending inside each.
    assert got.groupby("doc_id", sort=False)["para_id"].apply(
        lambda s: s.is_monotonic_increasing).all()

    # The action-phrase model: nullable strings and integer offsets in the struct.
    got = annotate_spark(spark, _shuffled(spark, clauses), phrase_uri, partitions=2).toPandas()
    merged = _in_process(phrase_uri, clauses).merge(got, on=keys, suffixes=("", "_spark"))
    assert len(merged) == len(clauses)
    for col in ("action_phrase", "action_lemma"):
        assert (merged[col].fillna("∅") == merged[f"{col}_spark"].fillna("∅")).all(), col
    assert (merged["action_start"].astype(int) == merged["action_start_spark"].astype(int)).all()
    assert merged["action_phrase"].notna().any() and merged["action_phrase"].isna().any()
    assert not got["action_phrase"].eq("None").any()  # MLflow's "None" text is null again


def test_annotate_spark_names_missing_columns(spark: SparkSession) -> None:
    from pipelines.errors import UnclauseError

    frame = spark.createDataFrame([("d", "Decides to act;")], schema="doc_id string, text string")
    with pytest.raises(UnclauseError, match="para_id"):
        annotate_spark(spark, frame, "models:/clause-type@champion")
