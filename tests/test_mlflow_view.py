"""What the MLflow UI shows of a run: its description, a logged model whose metrics are linked
to the ``clauses-*`` datasets (digested as the build digests them), the registered version's
description, and `unclause compare` figures rounded to what they mean."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from pipelines.config import DataConfig, ExperimentConfig, RulesConfig
from pipelines.data.dataset import dataset_digest, load_clauses
from pipelines.data.order import document_order
from pipelines.schema import CLAUSE_TYPES

DESCRIPTION = "rules baseline on the invented resolutions"


@pytest.mark.slow  # trains and logs runs to MLflow
def test_descriptions_linked_metrics_and_one_digest(tiny_dataset: Path, mlflow_store: str) -> None:
    import mlflow

    from pipelines.training.runner import run_experiment

    cfg = ExperimentConfig(name="view-rules", task="clause-type", experiment="view",
                           description=DESCRIPTION, data=DataConfig(path=tiny_dataset),
                           model=RulesConfig())
    result = run_experiment(cfg, register=True)
    run = mlflow.get_run(result.run_id)
    assert run.data.tags["mlflow.note.content"] == DESCRIPTION
    assert "val/macro_f1" in run.data.metrics  # still on the run

    (model,) = mlflow.search_logged_models(experiment_ids=[run.info.experiment_id],
                                           output_format="list")
    assert model.tags["mlflow.note.content"] == DESCRIPTION and model.tags["family"] == "rules"
    linked = {(m.key, m.dataset_name, m.dataset_digest) for m in model.metrics}
    for split, prefix in (("validation", "val"), ("test", "test")):
        frame = load_clauses(tiny_dataset, [split])
        frame = document_order(frame[frame["type"].isin(CLAUSE_TYPES)])
        # the build logs each split with dataset_digest(part): the same digest for the same rows
        digest = dataset_digest(frame)
        assert (f"{prefix}/macro_f1", f"clauses-{split}", digest) in linked

    version = mlflow.MlflowClient().get_model_version("clause-type", "1")
    assert version.description == DESCRIPTION


@pytest.mark.slow  # trains and logs runs to MLflow
def test_compare_rounds_its_figures(tiny_dataset: Path, mlflow_store: str) -> None:
    from pipelines.cli.main import app
    from pipelines.training.runner import run_experiment

    cfg = ExperimentConfig(name="view-rules", task="clause-type", data=DataConfig(path=tiny_dataset),
                           model=RulesConfig())
    run_experiment(cfg)
    result = CliRunner().invoke(app, ["compare"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if "view-rules" in line)
    cells = [c.strip() for c in row.replace("│", "|").split("|") if c.strip()]
    val, test, train_s, speed = cells[4], cells[5], cells[6], cells[7]
    assert len(val.split(".")[1]) == 4 and len(test.split(".")[1]) == 4
    assert len(train_s.split(".")[1]) == 1
    assert "." not in speed and pd.notna(float(speed.replace(",", "")))
