"""Issue 9 end to end on the tiny dataset: challenge metrics and the generalization score in
every run, augmentation counts, a Viterbi decoder that travels with the logged model, champion
selection on the score, and the generated README table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mlflow
import pandas as pd
import pytest

from pipelines.config import load_config
from pipelines.evaluation import challenge
from pipelines.tracking.registry import champion_version
from pipelines.training import runner
from pipelines.training.generalization import END, START, generalization_tables, render, write_section
from pipelines.training.selection import SELECTION_METRIC, generalization_score

pytestmark = pytest.mark.slow
DEBUG = 200


def _run(workspace: Path, *overrides: str, register: bool = True) -> runner.RunResult:
    cfg = load_config(overrides[0], [*overrides[1:], f"data.path={workspace / 'clauses'}",
                                     f"debug={DEBUG}"])
    return runner.run_experiment(cfg, register=register)


@pytest.fixture(scope="module")
def runs(workspace: Path) -> dict[str, runner.RunResult]:
    return {
        "general": _run(workspace, "general", "model=linear"),
        "viterbi": _run(workspace, "default", "model=linear", "decode=viterbi"),
        "no-casing": _run(workspace, "general", "model=linear", "augment.casing=false"),
        "phrase": _run(workspace, "general", "task=action-phrase", "model=linear"),
    }


def test_every_run_logs_challenge_kinds_and_the_score(runs: dict[str, Any]) -> None:
    kinds = [k for k in challenge.available_kinds() if challenge.kind_language(k) == "en"]
    if not kinds:
        pytest.skip("no challenge sets in this checkout")
    metrics = runs["general"].metrics
    for kind in kinds:
        assert f"challenge/{kind}/preop_macro_f1" in metrics
        assert f"challenge/{kind}/macro_f1" in metrics
    # an English model is not judged on kinds in other languages (they stay out of selection)
    scored = {k.split("/")[1] for k in metrics if k.startswith(("challenge/", "challenge_final/"))}
    assert scored == set(kinds)
    finals = [k for k in metrics if k.startswith("challenge_final/")]
    assert finals and all(k.split("/")[1] in kinds for k in finals)
    assert metrics[SELECTION_METRIC] == pytest.approx(generalization_score("clause-type", metrics))
    low = min(v for k, v in metrics.items()
              if k.startswith("challenge/") and k.endswith("/preop_macro_f1"))
    assert metrics[SELECTION_METRIC] == pytest.approx((metrics["val/macro_f1"] + low) / 2)
    assert "challenge/seed/exact_match" in runs["phrase"].metrics or "seed" not in kinds
    assert "test/preop_macro_f1" in metrics


def test_augmentation_counts_are_logged(runs: dict[str, Any]) -> None:
    metrics = runs["general"].metrics
    assert metrics["augment.documents"] > 0 and metrics["augment.clauses"] > 0
    assert sum(v for k, v in metrics.items() if k.startswith("augment.")
               and k not in ("augment.documents", "augment.clauses")) >= metrics["augment.documents"]
    assert "augment.documents" not in runs["viterbi"].metrics


def test_the_decoder_travels_with_the_logged_model(runs: dict[str, Any], workspace: Path) -> None:
    run_id = runs["viterbi"].run_id
    files = {f.path for f in mlflow.MlflowClient().list_artifacts(run_id, "model/artifacts")}
    saved = mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path="model/artifacts")
    assert any((p / "decode.json").exists() for p in Path(saved).rglob("*") if p.is_dir()), files
    frame = pd.read_parquet(workspace / "clauses" / "validation.parquet")
    loaded = mlflow.pyfunc.load_model(f"runs:/{run_id}/model")
    assert len(loaded.predict(frame[["doc_id", "para_id", "text"]])) == len(frame)


def test_champion_is_chosen_on_the_generalization_score(runs: dict[str, Any]) -> None:
    best = max((runs["general"], runs["viterbi"], runs["no-casing"]),
               key=lambda r: r.metrics[SELECTION_METRIC])
    champion = champion_version("clause-type")
    assert champion.tags["run_id"] == best.run_id
    assert float(champion.tags[f"val.{SELECTION_METRIC}"]) == pytest.approx(
        best.metrics[SELECTION_METRIC])


def test_report_table_is_generated_from_runs(runs: dict[str, Any], workspace: Path) -> None:
    results, selection, ablations = generalization_tables(include_debug=True)
    assert "in-domain test" in set(results["set"])
    labels = set(results["configuration"].str.replace(" (@champion)", "", regex=False))
    assert {"linear · clause by clause · augmented ×0.5",
            "linear + viterbi · sequence · plain"} <= labels
    row = results[(results["set"] == "in-domain test")
                  & results["configuration"].str.startswith("linear · clause by clause")].iloc[0]
    assert row["3-class macro-F1"] == pytest.approx(runs["general"].metrics["test/macro_f1"])
    assert row["phrase exact match"] == pytest.approx(runs["phrase"].metrics["test/exact_match"])
    assert set(selection["task"]) == {"clause-type", "action-phrase"}
    readme = workspace / "README.md"
    readme.write_text("# experiments\n\nKept text.\n", encoding="utf-8")
    assert set(ablations["transformations"]) == {"all", "all but casing"}
    assert not results["configuration"].str.contains("casing").any()
    # English runs are not scored on the kinds in other languages: no empty rows for them
    other_kinds = {f"education-recommendation-{code}" for code in ("fr", "es", "ru", "zh", "ar")}
    assert not set(results["set"]) & other_kinds
    assert results[["pre/op macro-F1", "3-class macro-F1", "phrase exact match"]].notna().any(axis=1).all()
    section = render(results, selection, "unclause", ablations)
    assert "all but casing" in section
    write_section(readme, section)
    write_section(readme, section)
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# experiments\n\nKept text.\n")
    assert text.count(START) == 1 and text.count(END) == 1


def test_evaluate_reports_every_challenge_kind_and_part(runs: dict[str, Any],
                                                        workspace: Path) -> None:
    if not challenge.available_kinds():
        pytest.skip("no challenge sets in this checkout")
    from typer.testing import CliRunner

    from pipelines.cli.main import app

    out = workspace / "challenge-report"
    result = CliRunner().invoke(app, ["evaluate", "models:/clause-type@champion",
                                      "models:/action-phrase@champion", "--challenge",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "challenge.csv")
    assert set(table["task"]) == {"clause-type", "action-phrase"}
    assert {"dev", "final"} <= set(table["part"])
    assert set(table["kind"]) == set(challenge.available_kinds())
    typed = table[table["task"] == "clause-type"]
    assert typed["preop_macro_f1"].between(0, 1).all()
    assert "Segmentation mismatches" in (out / "challenge.md").read_text(encoding="utf-8")
