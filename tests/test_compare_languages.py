"""The per-language table of the multilingual runs, from MLflow."""

from __future__ import annotations

from pathlib import Path

import mlflow
import pandas as pd
import pytest

from pipelines.training.compare import language_frame, markdown_table


def _run(task: str, languages: list[str], train: list[str] | None, metrics: dict[str, float]) -> None:
    with mlflow.start_run(tags={"task": task, "purpose": "multilingual", "debug": "False"}):
        mlflow.log_params({"data.languages": str(languages), "data.train_languages": str(train)})
        mlflow.log_metrics(metrics)


@pytest.mark.slow  # trains and logs runs to MLflow
def test_language_table_gathers_multilingual_zero_shot_and_per_language(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'mlflow.db'}")
    monkeypatch.chdir(tmp_path)
    mlflow.set_tracking_uri(f"sqlite:///{tmp_path / 'mlflow.db'}")
    mlflow.set_experiment("unclause")
    six = ["en", "fr", "es", "ru", "zh", "ar"]
    _run("clause-type", six, None, {f"test/lang/{c}/macro_f1": 0.99 for c in six})
    _run("clause-type", six, ["en"], {"test/lang/fr/macro_f1": 0.9, "test/lang/en/macro_f1": 0.99})
    _run("clause-type", ["fr"], None, {"test/macro_f1": 0.995})
    _run("clause-type", ["zh"], None, {"test/macro_f1": 0.97})
    frame = language_frame("unclause")
    mlflow.set_tracking_uri(None)
    by_setup = {r["setup"]: r for r in frame.to_dict("records")}
    assert set(by_setup) == {"multilingual", "zero-shot from en", "per-language"}
    assert by_setup["multilingual"]["zh"] == 0.99
    assert by_setup["zero-shot from en"]["fr"] == 0.9
    assert by_setup["per-language"]["fr"] == 0.995 and by_setup["per-language"]["zh"] == 0.97
    assert pd.isna(by_setup["per-language"]["ar"])
    table = markdown_table(frame)
    assert table.splitlines()[0].startswith("| task | setup | metric | en |")
    assert "| 0.9950 |" in table
