"""`unclause evaluate`: hand-computed metrics, bootstrap intervals, slices, report files, errors.

The end-to-end tests share one module-scoped store (the tiny dataset, a registered rules
champion and two local pyfunc folders): building it is the slow part, so it is built once.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mlflow
import numpy as np
import pandas as pd
import pytest
from synthetic import make_clause_table, write_dataset
from typer.testing import CliRunner

from pipelines.config import LinearConfig, RulesConfig, load_config
from pipelines.errors import TrackingError, UnclauseError
from pipelines.evaluation.evaluate import evaluate_models, evaluate_predictions, model_label
from pipelines.evaluation.metrics import task_metrics
from pipelines.evaluation.report import EVAL_EXPERIMENT
from pipelines.evaluation.slices import BANDS, phrase_bands

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENTS = ROOT / "configs" / "experiment"
EPS = 1e-9  # scikit-learn and the bootstrap's count arithmetic may differ in the last bit
CYCLE = {"preambular": "operative", "operative": "other", "other": "preambular"}


# ------------------------------------------------------------------------------ pure core


def _six_rows() -> tuple[pd.DataFrame, pd.DataFrame]:
    gold = pd.DataFrame({
        "doc_id": ["A", "A", "A", "B", "B", "B"], "para_id": [0, 1, 2, 0, 1, 2],
        "body": ["GA", "GA", "GA", "ECOSOC", "ECOSOC", "ECOSOC"],
        "session": ["70", "70", "70", "71", "71", "71"],
        "text": ["Recalling x,", "Noting y,", "1. Decides z;", "2. Requests w;", "Annex", "The"],
        "type": ["preambular", "preambular", "operative", "operative", "other", "other"],
        "action_phrase": ["Recalling", "Noting", "Decides", "Requests", None, None],
        "action_lemma": ["recall", "note", "decide", "request", None, None],
    })
    pred = pd.DataFrame({
        "type": ["preambular", "operative", "operative", "operative", "other", "preambular"],
        "type_score": [0.9, 0.6, 0.8, 0.7, 0.9, 0.55],
        "action_phrase": ["Recalling", None, "Decides", "Also requests", None, "The"],
        "action_lemma": ["recall", None, "decide", "request", None, "the"],
    })
    return gold, pred


def test_clause_type_numbers_by_hand() -> None:
    gold, pred = _six_rows()
    res = evaluate_predictions("clause-type", gold, pred, n_boot=200)
    m = res["metrics"]
    # preambular: tp 1 of 2 gold, 2 predicted → F1 0.5; operative: tp 2 of 2, 3 predicted →
    # P 2/3, R 1, F1 0.8; other: tp 1 of 2, 1 predicted → P 1, R 0.5, F1 2/3
    assert m["preambular.f1"] == pytest.approx(0.5)
    assert m["operative.precision"] == pytest.approx(2 / 3)
    assert m["operative.f1"] == pytest.approx(0.8)
    assert m["other.recall"] == pytest.approx(0.5)
    assert m["macro_f1"] == pytest.approx((0.5 + 0.8 + 2 / 3) / 3)
    assert m["accuracy"] == pytest.approx(4 / 6)
    assert res["n"] == 6 and res["n_excluded"] == 0
    assert res["confusion"]["matrix"] == [[1, 1, 0], [0, 2, 0], [1, 0, 1]]
    assert res["errors"][["doc_id", "para_id"]].values.tolist() == [["A", 1], ["B", 2]]
    lo, hi = res["intervals"]["macro_f1"]
    assert lo - EPS <= m["macro_f1"] <= hi + EPS
    # two documents: the resamples are AA, AB/BA and BB, so the interval spans AB to BB
    assert hi == pytest.approx((1.0 + 2 / 3) / 2)  # BB: operative 1.0, other 2/3
    per_class = res["per_class"].set_index("class")
    assert per_class.loc["operative", "f1"] == pytest.approx(0.8)
    assert per_class.loc["operative", "support"] == 2
    body = res["slices"]["body"].set_index("body")
    assert body.loc["GA", "clauses"] == 3 and body.loc["GA", "documents"] == 1
    assert body.loc["GA", "accuracy"] == pytest.approx(2 / 3)
    assert set(res["slices"]) == {"body", "session", "phrase_band"}


def test_action_phrase_numbers_by_hand() -> None:
    gold, pred = _six_rows()
    res = evaluate_predictions("action-phrase", gold, pred, n_boot=100)
    m = res["metrics"]
    assert m["exact_match"] == pytest.approx(2 / 4)        # Recalling, Decides
    assert m["lemma_accuracy"] == pytest.approx(3 / 4)     # recall, decide, request
    assert m["detect_precision"] == pytest.approx(3 / 4)   # 4 predicted, 3 where gold has one
    assert m["detect_recall"] == pytest.approx(3 / 4)
    assert len(res["errors"]) == 2                          # Noting missed, Requests wrong
    per_type = res["per_class"].set_index("class")
    assert per_type.loc["preambular", "exact_match"] == pytest.approx(0.5)
    assert math.isnan(per_type.loc["other", "exact_match"])  # no gold phrase there


def test_null_gold_rows_are_excluded_and_counted() -> None:
    gold, pred = _six_rows()
    extra = gold.iloc[[0]].assign(para_id=3, type=None, action_phrase=None, action_lemma=None)
    gold7 = pd.concat([gold, extra], ignore_index=True)
    pred7 = pd.concat([pred, pred.iloc[[1]]], ignore_index=True)
    res = evaluate_predictions("clause-type", gold7, pred7, n_boot=0)
    assert res["n"] == 6 and res["n_excluded"] == 1
    assert res["metrics"]["macro_f1"] == pytest.approx((0.5 + 0.8 + 2 / 3) / 3)
    assert len(res["errors"]) == 2  # the unlabelled row is no "error"
    with pytest.raises(UnclauseError, match="no gold labels"):
        evaluate_predictions("clause-type", gold.assign(type=None), pred, n_boot=0)


def _resampled_clauses_interval(task: str, name: str, gold: pd.DataFrame, pred: pd.DataFrame,
                                n_boot: int, seed: int) -> tuple[float, float, float]:
    """The obvious, slow bootstrap as an oracle: draw documents with the same random stream,
    concatenate their clause rows and recompute the metric from the rows each time."""
    rng = np.random.default_rng(seed)
    positions = list(gold.groupby("doc_id", sort=False).indices.values())
    values = []
    for _ in range(n_boot):
        idx = np.concatenate([positions[i] for i in rng.integers(0, len(positions),
                                                                  len(positions))])
        values.append(task_metrics(task, gold.iloc[idx], pred.iloc[idx]).get(name, math.nan))
    lo, hi = np.nanpercentile(values, [2.5, 97.5])
    return task_metrics(task, gold, pred)[name], float(lo), float(hi)


def test_intervals_resample_whole_documents() -> None:
    gold = make_clause_table(12, seed=3)
    rng = np.random.default_rng(0)
    flip = rng.random(len(gold)) < 0.15
    pred = pd.DataFrame({"type": np.where(flip, gold["type"].map(CYCLE), gold["type"]),
                         "type_score": 0.5,
                         "action_phrase": gold["action_phrase"].where(~flip, None),
                         "action_lemma": gold["action_lemma"]})
    for task, name in (("clause-type", "macro_f1"), ("clause-type", "operative.f1"),
                       ("action-phrase", "exact_match")):
        res = evaluate_predictions(task, gold, pred, n_boot=40, seed=5)
        point, lo, hi = _resampled_clauses_interval(task, name, gold, pred, n_boot=40, seed=5)
        assert res["metrics"][name] == pytest.approx(point)
        assert res["intervals"][name] == pytest.approx([lo, hi])
        assert lo - EPS <= point <= hi + EPS


def test_phrase_bands_rank_lemmas_in_the_reference() -> None:
    lemmas = [f"verb{i:02d}" for i in range(60)]
    reference = pd.DataFrame({"action_lemma": [lem for i, lem in enumerate(lemmas)
                                               for _ in range(100 - i)]})
    gold = pd.DataFrame({"action_lemma": ["verb00", "verb10", "verb55", "zzz", None],
                         "action_phrase": ["V", "V", "V", "Z", None]})
    assert phrase_bands(gold, reference).tolist() == [BANDS[0], BANDS[1], BANDS[2], BANDS[3],
                                                      BANDS[4]]
    assert phrase_bands(gold).tolist()[3] == BANDS[0]  # its own data: nothing is unseen


def test_model_labels() -> None:
    assert model_label("models:/clause-type@champion") == "clause-type@champion"
    assert model_label("models:/clause-type/3") == "clause-type v3"
    assert model_label("runs:/0123456789abcdef/model") == "run 01234567"
    assert model_label("/tmp/x/linear-model") == "linear-model"


# ------------------------------------------------------------------------- end to end


def _save_local(model: Any, folder: Path) -> str:
    """Save a fitted ClauseModel as an MLflow pyfunc folder (a local-path model URI)."""
    from pipelines.models.pyfunc import MODEL_ARTIFACT, ClausePyfunc, pip_requirements

    saved = model.save(folder / "state")
    mlflow.pyfunc.save_model(str(folder / "model"), python_model=ClausePyfunc(),
                             artifacts={MODEL_ARTIFACT: str(saved)},
                             pip_requirements=pip_requirements(model.family))
    return str(folder / "model")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Tiny dataset (test split with some flipped gold types), a registered rules champion,
    a local linear clause-type model and a local rules action-phrase model."""
    from pipelines.models.base import build_model
    from pipelines.training.runner import run_experiment

    tmp = tmp_path_factory.mktemp("evaluate")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp / 'mlflow.db'}")
        mp.chdir(tmp)
        data = write_dataset(tmp / "clauses")
        test = pd.read_parquet(data / "test.parquet")
        test.loc[::5, "type"] = test.loc[::5, "type"].map(CYCLE)
        test.to_parquet(data / "test.parquet", index=False)
        cfg = load_config(EXPERIMENTS / "default.yaml", ["model=rules", f"data.path={data}"])
        run = run_experiment(cfg, register=True)
        train = pd.read_parquet(data / "train.parquet")
        linear = build_model(LinearConfig(), "clause-type").fit(train)
        phrases = build_model(RulesConfig(min_count=1), "action-phrase").fit(train)
        yield {"data": data, "tmp": tmp, "run": run,
               "linear": _save_local(linear, tmp / "linear"),
               "phrases": _save_local(phrases, tmp / "phrases")}


@pytest.mark.slow
def test_champion_and_others_side_by_side(store: dict[str, Any]) -> None:
    out = store["tmp"] / "report"
    uris = ["models:/clause-type@champion", store["linear"], store["phrases"]]
    report = evaluate_models(uris, store["data"], out, n_boot=200)
    names = [m.name for m in report.models]
    assert names == ["clause-type@champion", "linear", "phrases"]
    assert [m.task for m in report.models] == ["clause-type", "clause-type", "action-phrase"]
    assert report.models[0].model_run_id == store["run"].run_id
    test_docs = pd.read_parquet(store["data"] / "test.parquet")
    assert report.n_clauses == len(test_docs)  # a dataset folder: its test split

    for name in ("report.md", "comparison.png", "metrics.json", "confusion_linear.png",
                 "confusion_clause-type-champion.png", "slices_clause-type-champion.png",
                 "slices_phrases.png", "errors_linear.csv", "errors_phrases.csv",
                 "errors_clause-type-champion.csv"):
        assert (out / name).stat().st_size > 0, name
    text = (out / "report.md").read_text(encoding="utf-8")
    for needle in ("`clause-type@champion`", "`linear`", "`phrases`", "macro_f1 [95% CI]",
                   "per body", "per session", "per phrase band", "Top errors", "exact_match"):
        assert needle in text, needle
    champion_errors = pd.read_csv(out / "errors_clause-type-champion.csv")
    assert len(champion_errors) > 0 and {"type", "pred_type", "text"} <= set(champion_errors)

    for m in report.models:
        value = m.result["metrics"][m.primary]
        lo, hi = m.result["intervals"][m.primary]
        assert lo - EPS <= value <= hi + EPS, (m.name, lo, value, hi)
        assert set(m.result["slices"]) == {"body", "session", "phrase_band"}
        assert set(m.result["slices"]["body"]["body"]) == set(test_docs["body"])
        assert set(m.result["slices"]["session"]["session"]) == set(test_docs["session"])
    assert report.models[0].result["metrics"]["macro_f1"] < 1.0  # the flipped gold types
    assert report.band_reference == "training split"

    saved = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert [m["name"] for m in saved["models"]] == names
    assert saved["models"][0]["intervals"]["macro_f1"][0] - EPS <= saved["models"][0][
        "metrics"]["macro_f1"]

    run = mlflow.get_run(report.run_id)
    assert mlflow.get_experiment(run.info.experiment_id).name == EVAL_EXPERIMENT
    assert "clause-type-champion/macro_f1" in run.data.metrics
    assert "clause-type-champion/macro_f1_lo" in run.data.metrics
    assert "phrases/exact_match" in run.data.metrics
    logged = {f.path for f in mlflow.MlflowClient().list_artifacts(report.run_id, "report")}
    assert {"report/report.md", "report/comparison.png", "report/metrics.json"} <= logged


@pytest.mark.slow
def test_missing_model_uri_names_it_and_the_fix(store: dict[str, Any]) -> None:
    for uri in ("models:/no-such-model@champion", "models:/clause-type@nope",
                str(store["tmp"] / "nowhere")):
        with pytest.raises(UnclauseError) as err:
            evaluate_models([uri], store["data"], store["tmp"] / "r", n_boot=0, track=False)
        assert uri in str(err.value) and "make run" in str(err.value)
    assert "clause-type (@champion" in str(err.value)  # lists what is registered


@pytest.mark.slow
def test_jsonl_gold_beside_predictions(store: dict[str, Any]) -> None:
    """An annotated JSONL: `type` is model output, the reviewed labels are gold_*."""
    frame = pd.read_parquet(store["data"] / "validation.parquet")
    rows = frame[["doc_id", "para_id", "text"]].assign(
        type="other", type_score=0.5, gold_type=frame["type"],
        gold_action_phrase=frame["action_phrase"], gold_action_lemma=frame["action_lemma"])
    rows.loc[rows.index[:3], "gold_type"] = None  # not reviewed yet
    path = store["tmp"] / "reviewed.jsonl"
    rows.to_json(path, orient="records", lines=True)
    report = evaluate_models(["models:/clause-type@champion"], path, store["tmp"] / "jsonl",
                             n_boot=50, track=False)
    res = report.models[0].result
    assert res["n"] == len(frame) - 3 and res["n_excluded"] == 3
    assert res["metrics"]["macro_f1"] > 0.9  # scored against gold_type, not the `type` column
    assert report.run_id is None and (store["tmp"] / "jsonl" / "report.md").exists()
    assert set(res["slices"]) == {"phrase_band"}  # no body/session columns in this JSONL

    unlabelled = store["tmp"] / "plain.jsonl"
    frame[["doc_id", "para_id", "text"]].to_json(unlabelled, orient="records", lines=True)
    with pytest.raises(UnclauseError, match="no gold labels"):
        evaluate_models(["models:/clause-type@champion"], unlabelled, store["tmp"] / "x",
                        n_boot=0, track=False)


@pytest.mark.slow
def test_unreachable_tracking_server(store: dict[str, Any],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://127.0.0.1:9")
    with pytest.raises(TrackingError, match="unreachable"):
        evaluate_models(["models:/clause-type@champion"], store["data"], store["tmp"] / "y",
                        n_boot=0)


@pytest.mark.slow
def test_cli_prints_the_comparison(store: dict[str, Any],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from pipelines.cli.main import app

    monkeypatch.setenv("COLUMNS", "200")
    out = store["tmp"] / "cli"
    result = CliRunner().invoke(app, ["evaluate", "models:/clause-type@champion",
                                      store["linear"], "--data", str(store["data"]),
                                      "--out", str(out), "--n-boot", "50", "--split", "all",
                                      "--no-track"])
    assert result.exit_code == 0, result.output
    assert "clause-type@champion" in result.output and "linear" in result.output
    assert "95% CI" in result.output and "macro_f1" in result.output
    assert str(out / "report.md") in result.output.replace("\n", "")
    assert (out / "report.md").exists()


def test_one_document_gives_no_interval(caplog: pytest.LogCaptureFixture) -> None:
    """Resampling one document always draws that document: no zero-width "interval", a warning."""
    from pipelines.evaluation.bootstrap import intervals
    from pipelines.evaluation.metrics import row_counts

    gold = pd.DataFrame({"type": ["preambular", "operative", "operative", "other"]})
    pred = pd.DataFrame({"type": ["preambular", "operative", "other", "other"]})
    counts = row_counts("clause-type", gold, pred)
    with caplog.at_level("WARNING"):
        one = intervals("clause-type", counts, ["d1"] * 4, ["macro_f1"], 200, 13)
    point, lo, hi = one["macro_f1"]
    assert 0 < point < 1 and math.isnan(lo) and math.isnan(hi)
    assert "one document only" in caplog.text
    two = intervals("clause-type", counts, ["d1", "d1", "d2", "d2"], ["macro_f1"], 200, 13)
    assert two["macro_f1"][1] <= two["macro_f1"][0] <= two["macro_f1"][2]
