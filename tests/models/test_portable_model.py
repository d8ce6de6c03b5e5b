"""A logged unclause model is self-contained and loads no pickle.

It loads in a fresh interpreter that has the dependencies but not the project on its path (the
model carries its own copy of ``pipelines``), a tampered ``python_model.pkl`` beside it is never
read, and a skops file naming a type outside the allow-list is refused before it is built.
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pipelines.config import DataConfig, ExperimentConfig, LinearConfig
from pipelines.errors import InputError, UnclauseError
from pipelines.models.inputs import prepare_input

CLAUSES = pd.DataFrame({
    "doc_id": ["A/RES/1"] * 4,
    "para_id": [0, 1, 2, 3],
    "text": ["The General Assembly,", "Recalling its earlier resolutions on coastal fisheries,",
             "1. Requests the Secretary-General to report at its next session;",
             "2. Decides to remain seized of the matter."],
})

#: run in a child started with -I from a temp dir: drop the editable-install finder and any path
#: entry that holds a ``pipelines`` package, prove the project is unreachable, then load
CHILD = r"""
import importlib.util, json, sys
from pathlib import Path
sys.meta_path[:] = [f for f in sys.meta_path if "__editable__" not in repr(f)]
sys.path_hooks[:] = [h for h in sys.path_hooks if "__editable__" not in repr(h)]
sys.path[:] = [p for p in sys.path if not (Path(p or ".") / "pipelines").exists()]
sys.path_importer_cache.clear()
assert importlib.util.find_spec("pipelines") is None, "the project is still importable"
import mlflow, pandas as pd
model = mlflow.pyfunc.load_model(sys.argv[1])
import pipelines
frame = pd.DataFrame(json.loads(sys.argv[2]))
print(json.dumps({"package": pipelines.__file__,
                  "pred": json.loads(model.predict(frame).to_json(orient="columns"))}))
"""


def _logged_model(tmp_path: Path, tiny_dataset: Path, task: str) -> Path:
    import mlflow

    from pipelines.training.runner import run_experiment

    cfg = ExperimentConfig(name=f"portable-{task}", task=task, experiment="portable",
                           data=DataConfig(path=tiny_dataset), model=LinearConfig())
    result = run_experiment(cfg)
    return Path(mlflow.artifacts.download_artifacts(f"runs:/{result.run_id}/model",
                                                    dst_path=str(tmp_path / "download")))


@pytest.mark.slow  # trains, logs an MLflow model, loads it in an isolated interpreter
@pytest.mark.parametrize("task", ["clause-type", "action-phrase"])
def test_logged_model_loads_without_the_project(tmp_path: Path, tiny_dataset: Path,
                                                mlflow_store: str, task: str) -> None:
    import mlflow

    folder = _logged_model(tmp_path, tiny_dataset, task)
    assert not (folder / "python_model.pkl").exists()
    assert (folder / "code" / "pipelines" / "models" / "pyfunc.py").is_file()
    assert not list((folder / "code").rglob("__pycache__"))
    # compiled modules stay out: the copied code runs their Python twin
    assert not list((folder / "code").rglob("*.so"))
    work = tmp_path / "elsewhere"
    work.mkdir()
    out = subprocess.run([sys.executable, "-I", "-c", CHILD, str(folder),
                          CLAUSES.to_json(orient="columns")],
                         cwd=work, capture_output=True, text=True, timeout=300,
                         env={"PATH": "/usr/bin:/bin", "MLFLOW_DISABLE_TELEMETRY": "true",
                              "DO_NOT_TRACK": "true", "HOME": str(tmp_path)})
    assert out.returncode == 0, out.stderr[-3000:]
    child = json.loads(out.stdout.strip().splitlines()[-1])
    assert Path(child["package"]).is_relative_to(folder / "code")
    local = mlflow.pyfunc.load_model(str(folder)).predict(CLAUSES)
    assert child["pred"] == json.loads(local.to_json(orient="columns"))


class _Payload:
    """Unpickling this writes a marker file: the proof that a pickle ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple:
        return (Path.write_text, (self.marker, "pickle ran"))


@pytest.mark.slow  # trains and logs an MLflow model
def test_tampered_pickle_is_never_read(tmp_path: Path, tiny_dataset: Path,
                                       mlflow_store: str) -> None:
    import mlflow

    from pipelines.tracking.registry import load_model

    folder = _logged_model(tmp_path, tiny_dataset, "clause-type")
    marker = tmp_path / "ran.txt"
    (folder / "python_model.pkl").write_bytes(pickle.dumps(_Payload(marker)))
    (folder / "artifacts" / "saved_model" / "model.pkl").write_bytes(
        pickle.dumps(_Payload(marker)))
    mlflow.pyfunc.load_model(str(folder)).predict(CLAUSES)
    loaded = load_model(str(folder), mlflow_store, "clause-type")
    assert len(loaded.predict(CLAUSES)) == len(CLAUSES)
    assert not marker.exists()


def test_skops_file_naming_an_unlisted_type_is_refused(tmp_path: Path) -> None:
    import skops.io as sio
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer

    from pipelines.models.linear import MODEL_FILE, load_skops

    file = tmp_path / MODEL_FILE
    sio.dump(Pipeline([("f", FunctionTransformer(eval))]), file)
    with pytest.raises(UnclauseError, match="builtins.eval"):
        load_skops(file)


@pytest.mark.parametrize("bad", [None, float("nan"), "", "   ", 42, ["a list"]])
def test_missing_or_non_string_text_is_rejected(bad: object) -> None:
    frame = CLAUSES.astype({"text": object}).copy()
    frame.at[2, "text"] = bad
    with pytest.raises(InputError, match="row 2"):
        prepare_input(frame)


def test_doc_and_para_ids_are_optional() -> None:
    out = prepare_input(CLAUSES[["text"]])
    assert out["doc_id"].tolist() == ["doc"] * 4
    assert out["para_id"].tolist() == [0, 1, 2, 3]
