"""`unclause annotate --engine spark` for real (local[2]): the same rows as the local path.

Both engines annotate one input with the registered champions (a CRF clause-type model, which
reads whole documents, and a linear action-phrase model). Spark gets the worst case for keeping
documents whole: tiny Arrow batches that cut documents, three partitions, small model batches.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.spark]

pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("Java is not installed (Spark needs a JRE 17+)", allow_module_level=True)

from pyspark.sql import SparkSession  # noqa: E402
from synthetic import make_clause_table  # noqa: E402

from pipelines.annotate.run import annotate  # noqa: E402
from pipelines.annotate.spark_batch import annotate_table  # noqa: E402
from pipelines.config import CRFConfig, DataConfig, ExperimentConfig, LinearConfig  # noqa: E402
from pipelines.errors import InputError, UnclauseError  # noqa: E402
from pipelines.training.runner import run_experiment  # noqa: E402

OUTPUTS = ["type", "type_score", "action_phrase", "action_lemma", "action_span", "review"]



@pytest.fixture()
def spark_champions(tiny_dataset: Path, mlflow_store: str) -> None:
    for task, model in (("clause-type", CRFConfig()), ("action-phrase", LinearConfig())):
        run_experiment(ExperimentConfig(name=f"spark-{task}", task=task, experiment="spark-engine",
                                        data=DataConfig(path=tiny_dataset), model=model),
                       register=True)


def _clauses() -> list[dict]:
    """A few hundred unseen clauses, documents in a shuffled order, with extra fields: a gold
    ``type`` (an output name, so kept as ``input_type``), a number, and one document without
    para_ids and some rows without a doc_id (both numbered as the local path numbers them)."""
    table = make_clause_table(n_docs=24, seed=99)
    docs = list(dict.fromkeys(table["doc_id"]))[::-1]
    rows: list[dict] = []
    for i, doc in enumerate(docs):
        part = table[table["doc_id"] == doc]
        for _, r in part.iterrows():
            row = {"doc_id": doc, "para_id": int(r["para_id"]), "text": r["text"],
                   "type": r["type"], "session": 70 + i}
            if i == 3:
                row.pop("para_id")
            if i == len(docs) - 1:
                row.pop("doc_id")
            rows.append(row)
    return rows


def _write_jsonl(rows: list[dict], path: Path) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _local_rows(path: Path) -> pd.DataFrame:
    return pd.DataFrame([json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()])


def _spark_rows(folder: Path) -> pd.DataFrame:
    frame = pd.read_parquet(folder)
    frame["action_span"] = [None if s is None else [int(x) for x in s] for s in frame["action_span"]]
    return frame


def _same(local: pd.DataFrame, got: pd.DataFrame) -> None:
    """Row for row, matched by document and position in it (Spark writes documents whole, in
    input order, but in another document order; one document has no para_id to match on)."""
    assert set(local.columns) == set(got.columns)
    frames = []
    for frame in (local, got):
        frame = frame.assign(key_doc=frame["doc_id"].fillna("∅"))
        frame["key_pos"] = frame.groupby("key_doc", sort=False).cumcount()
        frames.append(frame.sort_values(["key_doc", "key_pos"]).reset_index(drop=True))
    a, b = frames
    assert len(a) == len(b)
    for col in ["text", "input_type", "session", "language", *OUTPUTS]:
        left = a[col].astype(object).where(a[col].notna(), None).tolist()
        right = b[col].astype(object).where(b[col].notna(), None).tolist()
        assert left == right, col


def test_spark_engine_gives_the_local_rows(spark: SparkSession, spark_champions: None,
                                           tmp_path: Path) -> None:
    rows = _clauses()
    assert 250 <= len(rows) <= 600
    src = _write_jsonl(rows, tmp_path / "clauses.jsonl")
    local = annotate(src, tmp_path / "local.jsonl")
    expected = _local_rows(tmp_path / "local.jsonl")
    assert expected["type"].nunique() == 3 and expected["action_phrase"].notna().any()

    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", "7")  # documents get cut
    try:
        result = annotate_table(src, tmp_path / "spark-jsonl", spark=spark, partitions=3,
                                batch_size=40)
    finally:
        spark.conf.unset("spark.sql.execution.arrow.maxRecordsPerBatch")
    got = _spark_rows(tmp_path / "spark-jsonl")
    assert len(list((tmp_path / "spark-jsonl").glob("part-*.parquet"))) >= 2
    _same(expected, got)
    assert (result.written, result.documents, result.types, result.review, result.phrases) == (
        local.written, local.documents, local.types, local.review, local.phrases)
    assert result.duplicates == 0

    # The same clauses as a Parquet table in a folder agree too.
    frame = pd.DataFrame(rows)
    frame["para_id"] = frame["para_id"].astype("Int64")
    (tmp_path / "table").mkdir()
    frame.to_parquet(tmp_path / "table" / "clauses.parquet", row_group_size=50)
    annotate_table(tmp_path / "table", tmp_path / "spark-parquet", spark=spark, partitions=2)
    _same(expected, _spark_rows(tmp_path / "spark-parquet"))


def test_spark_engine_refuses_bad_rows_and_outputs(spark: SparkSession, spark_champions: None,
                                                  tmp_path: Path) -> None:
    rows = _clauses()[:40]
    rows[5]["text"] = "   "
    src = _write_jsonl(rows, tmp_path / "bad.jsonl")
    with pytest.raises(InputError, match=r"1 bad row\(s\).*field 'text' is empty"):
        annotate_table(src, tmp_path / "out", spark=spark)
    assert not (tmp_path / "out").exists()
    result = annotate_table(src, tmp_path / "out", spark=spark, on_error="skip")
    assert (result.skipped, result.written, result.duplicates) == (1, 39, 0)
    twice = _write_jsonl(rows[20:30] + rows[28:30], tmp_path / "twice.jsonl")
    result = annotate_table(twice, tmp_path / "twice", spark=spark)
    assert (result.written, result.duplicates) == (12, 2)
    with pytest.raises(UnclauseError, match="is the input"):
        annotate_table(tmp_path / "out", tmp_path / "out", spark=spark)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(UnclauseError, match="already holds other files"):
        annotate_table(src, tmp_path / "other", spark=spark, on_error="skip")
    with pytest.raises(InputError, match="Parquet or JSONL"):
        annotate_table(tmp_path / "other" / "notes.txt", tmp_path / "x", spark=spark)


def test_cli_engine_spark(spark: SparkSession, spark_champions: None, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from pipelines.cli.main import app

    src = _write_jsonl(_clauses()[:60], tmp_path / "in.jsonl")
    res = CliRunner().invoke(app, ["annotate", str(src), "-o", str(tmp_path / "out.parquet"),
                                   "--engine", "spark"])
    assert res.exit_code == 0, res.output
    assert "wrote 60 → " in res.output and "(parquet, 2 partitions" in res.output
    assert len(pd.read_parquet(tmp_path / "out.parquet")) == 60
    assert spark.sparkContext._jsc is not None  # the CLI reused the session and left it running
    for args, message in (
            (["--engine", "spark", "--select", "3"], "--select: only with the local engine"),
            (["-o", str(tmp_path / "x.jsonl"), "--engine", "spark"], "a folder of Parquet files"),
            (["--master", "local[2]"], "are for --engine spark")):
        res = CliRunner().invoke(app, ["annotate", str(src), *args])
        assert isinstance(res.exception, UnclauseError) and message in str(res.exception), args


def test_cluster_executors_get_the_package_and_models(spark_champions: None,
                                                      tmp_path: Path) -> None:
    """``local-cluster``: executors in JVMs of their own, as on a real cluster, run the package
    and models the driver ships (addPyFile, addFile) and give the local rows."""
    import os
    import subprocess
    import sys

    src = _write_jsonl(_clauses()[:80], tmp_path / "in.jsonl")
    annotate(src, tmp_path / "local.jsonl")
    env = {**os.environ, "PYSPARK_PYTHON": sys.executable}
    res = subprocess.run([sys.executable, "-m", "pipelines.cli.main", "annotate", str(src), "-o",
                          str(tmp_path / "out.parquet"), "--engine", "spark", "--master",
                          "local-cluster[2,1,1024]"], env=env, capture_output=True, text=True,
                         timeout=900)
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-3000:]
    assert "wrote 80 → " in res.stdout and "local-cluster" in res.stdout
    _same(_local_rows(tmp_path / "local.jsonl"), _spark_rows(tmp_path / "out.parquet"))
