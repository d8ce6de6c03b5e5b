"""The run loop: every experiment config (but the transformer ones, tested with their family)
at debug size on the tiny dataset, its MLflow record, its logged model, the registry's
champion rule, determinism, and config errors per family.

All runs of this module share one sqlite store and one dataset, built once.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import mlflow
import pandas as pd
import pytest

from pipelines.config import load_config
from pipelines.errors import ConfigError
from pipelines.evaluation.metrics import PRIMARY_METRIC
from pipelines.schema import CLAUSE_TYPES
from pipelines.tracking.lineage import git_commit
from pipelines.tracking.registry import champion_version
from pipelines.training import runner

#: (name, experiment, group choices): every task × non-transformer family of the default
#: experiment, and the baseline (the transformer is tested with its family)
CONFIGS: dict[str, tuple[str, ...]] = {
    f"{task}-{family}": ("default", f"task={task}", f"model={family}")
    for task in ("clause-type", "action-phrase") for family in ("rules", "linear", "crf")
} | {"baseline": ("baseline",)}
DEBUG = 200
#: minimum validation score of each task's primary metric on the (easy) invented documents
FLOOR = {"clause-type": 0.8, "action-phrase": 0.6}
TIMING = ("train_seconds", "inference_clauses_per_s")

pytestmark = pytest.mark.slow


def _config(spec: tuple[str, ...], workspace: Path, *overrides: str) -> Any:
    return load_config(spec[0], [*spec[1:], f"data.path={workspace / 'clauses'}",
                                 f"debug={DEBUG}", *overrides])


def _run(cfg: Any, register: bool = False) -> tuple[runner.RunResult, Any]:
    """Run an experiment; also return the in-memory model the run fitted."""
    built: list[Any] = []
    original = runner.build_model

    def recording(*args: Any, **kwargs: Any) -> Any:
        built.append(original(*args, **kwargs))
        return built[-1]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(runner, "build_model", recording)
        result = runner.run_experiment(cfg, register=register)
    return result, built[0]


@pytest.fixture(scope="module")
def runs(workspace: Path) -> dict[str, tuple[runner.RunResult, Any]]:
    """One debug-size run per experiment config."""
    return {name: _run(_config(spec, workspace)) for name, spec in CONFIGS.items()}


def _scores(result: runner.RunResult) -> dict[str, float]:
    return {k: v for k, v in result.metrics.items() if k not in TIMING}


@pytest.mark.parametrize("name", list(CONFIGS))
def test_experiment_run_is_fully_recorded(name: str, runs: dict, workspace: Path) -> None:
    result, model = runs[name]
    cfg = result.config
    client = mlflow.MlflowClient()
    run = client.get_run(result.run_id)
    assert run.info.status == "FINISHED" and run.info.run_name == cfg.name

    params = run.data.params
    assert params["task"] == cfg.task and params["seed"] == str(cfg.seed)
    assert params["model.family"] == cfg.model.family and params["debug"] == str(DEBUG)
    assert int(params["data.train_clauses"]) > 0
    tags = run.data.tags
    assert tags["task"] == cfg.task and tags["family"] == cfg.model.family
    assert len(tags["dataset.digest"]) == 16
    if git_commit() is not None:  # a checkout with commits
        assert re.fullmatch(r"[0-9a-f]{40}(-dirty)?", tags["git_commit"]), tags["git_commit"]
        assert tags["mlflow.source.git.commit"] == tags["git_commit"].removesuffix("-dirty")

    metrics = run.data.metrics
    primary = PRIMARY_METRIC[cfg.task]
    for prefix in ("train", "val", "test"):
        assert f"{prefix}/{primary}" in metrics, f"{prefix}/{primary}"
    if cfg.task == "clause-type":
        for label in CLAUSE_TYPES:
            for part in ("precision", "recall", "f1", "support"):
                assert f"val/{label}.{part}" in metrics
    else:
        for key in ("lemma_accuracy", "detect_precision", "detect_recall"):
            assert f"val/{key}" in metrics
    assert metrics[f"val/{primary}"] >= FLOOR[cfg.task], (name, metrics[f"val/{primary}"])
    assert metrics["inference_clauses_per_s"] > 0

    def listing(path: str | None = None) -> set[str]:
        return {f.path for f in client.list_artifacts(result.run_id, path)}

    assert "config.yaml" in listing()
    assert {"errors/errors_validation.csv", "errors/errors_test.csv"} <= listing("errors")
    if cfg.task == "clause-type":
        assert {"plots/confusion_validation.png", "plots/confusion_test.png"} <= listing("plots")
    config_file = mlflow.artifacts.download_artifacts(run_id=result.run_id,
                                                      artifact_path="config.yaml")
    assert f"name: {cfg.name}" in Path(config_file).read_text(encoding="utf-8")
    logged = mlflow.search_logged_models(experiment_ids=[run.info.experiment_id],
                                         filter_string=f"source_run_id = '{result.run_id}'",
                                         output_format="list")
    assert [m.name for m in logged] == ["model"]

    # the logged pyfunc predicts what the run's in-memory model predicted
    frame = pd.read_parquet(workspace / "clauses" / "validation.parquet")
    rows = frame[frame["doc_id"].isin(frame["doc_id"].unique()[:2])].reset_index(drop=True)
    loaded = mlflow.pyfunc.load_model(f"runs:/{result.run_id}/model")
    got = loaded.predict(rows[["doc_id", "para_id", "text"]])
    want = model.predict(rows).reset_index(drop=True)
    pd.testing.assert_frame_equal(got[list(want.columns)], want, check_dtype=False)


def test_same_seed_same_metrics(runs: dict, workspace: Path) -> None:
    for name in ("clause-type-rules", "clause-type-linear"):
        again, _ = _run(_config(CONFIGS[name], workspace))
        first = runs[name][0]
        assert again.run_id != first.run_id
        assert _scores(again) == _scores(first), name


REGISTRY_NAME = "clause-type-registry-test"


@pytest.fixture(scope="module")
def registry(workspace: Path) -> dict[str, runner.RunResult]:
    """``--register`` three times: a weak model, the same again (a tie), then a better one."""
    weak = _config(CONFIGS["clause-type-linear"], workspace,
                   "model.features=[words]", "model.C=0.0001",
                   f"registered_model={REGISTRY_NAME}")
    better = _config(CONFIGS["clause-type-rules"], workspace,
                     f"registered_model={REGISTRY_NAME}")
    first, _ = _run(weak, register=True)
    tie, _ = _run(weak, register=True)
    champion_after_tie = champion_version(REGISTRY_NAME)
    best, _ = _run(better, register=True)
    return {"first": first, "tie": tie, "better": best,
            "champion_after_tie": champion_after_tie}


def test_equal_metric_does_not_move_champion(registry: dict[str, Any]) -> None:
    first, tie = registry["first"], registry["tie"]
    assert first.registration["promoted"] and first.registration["version"] == 1
    assert tie.metrics["val/macro_f1"] == first.metrics["val/macro_f1"]
    assert not tie.registration["promoted"] and tie.registration["previous_champion"] == 1
    assert int(registry["champion_after_tie"].version) == 1


def test_equal_metric_is_logged_as_a_tie(registry: dict[str, Any]) -> None:
    tie = registry["tie"]
    assert tie.registration["tie"]
    assert mlflow.MlflowClient().get_run(tie.run_id).data.tags["registry.tie"] == "True"


def test_better_metric_moves_champion(registry: dict[str, Any]) -> None:
    first, better = registry["first"], registry["better"]
    assert better.metrics["val/macro_f1"] > first.metrics["val/macro_f1"]
    assert better.registration["promoted"] and better.registration["version"] == 3
    champion = champion_version(REGISTRY_NAME)
    assert int(champion.version) == 3 and champion.tags["run_id"] == better.run_id
    loaded = mlflow.pyfunc.load_model(f"models:/{REGISTRY_NAME}@champion")
    assert loaded.metadata.run_id == better.run_id


@pytest.mark.parametrize(("name", "typo", "allowed"), [
    ("clause-type-rules", "model.min_cout=3", "min_count, max_words"),
    ("clause-type-crf", "model.C=1", "c1, c2, max_iterations"),
    ("action-phrase-linear", "model.feature=[words]", "features"),
    ("clause-type-rules", "debugg=20", "debug"),
    ("clause-type-rules", "data.pth=x", "path, bodies"),
], ids=["rules", "crf", "linear", "top-level", "data"])
def test_bad_key_names_the_key_and_the_allowed_keys(name: str, typo: str,
                                                    allowed: str) -> None:
    spec = CONFIGS[name]
    with pytest.raises(ConfigError) as err:
        load_config(spec[0], [*spec[1:], typo])
    message = str(err.value)
    assert f"unknown key '{typo.split('=')[0]}'" in message and allowed in message


def test_sweep_over_a_config_group_picks_the_best_child(workspace: Path) -> None:
    """``unclause sweep default model=rules,crf``: a group choice is a sweep axis like a value."""
    from pipelines.training.sweep import run_sweep

    best = run_sweep("default", [f"data.path={workspace / 'clauses'}", f"debug={DEBUG}",
                                 "model=rules,crf"])
    params = best["params"]
    assert isinstance(params, dict) and params["model"] in {"rules", "crf"}
    child = mlflow.MlflowClient().get_run(str(best["run_id"]))
    assert child.data.tags["sweep"] == "child"
    assert child.data.params["model.family"] == params["model"]
    assert child.data.metrics["val/macro_f1"] == best["value"]
