"""The notebooks are tested code: each one executes top to bottom and draws its figures.

They run in a fresh IPython kernel started from *this* interpreter (a kernel spec written into
a temporary folder), so a stale or foreign `python3` kernel spec on the machine cannot pick
another Python; the tiny dataset and a one-run MLflow store stand in for the real ones.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from synthetic import write_dataset

jupytext = pytest.importorskip("jupytext")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

ROOT = Path(__file__).resolve().parents[1]
#: trains a model, then executes each notebook in a Jupyter kernel
pytestmark = pytest.mark.slow
NOTEBOOKS = ROOT / "notebooks"
KERNEL = "unclause-test-python"
TIMEOUT_S = 120  # per cell


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Tiny dataset (validation with a few flipped types, so the run has errors) and an MLflow
    store holding one clause-type run; the environment the kernels inherit points at both."""
    from pipelines.config import load_config
    from pipelines.training.runner import run_experiment

    tmp = tmp_path_factory.mktemp("notebooks")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp / 'mlflow.db'}")
        mp.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
        mp.chdir(tmp)
        data = write_dataset(tmp / "clauses")
        valid = pd.read_parquet(data / "validation.parquet")
        cycle = {"preambular": "operative", "operative": "other", "other": "preambular"}
        valid.loc[::4, "type"] = valid.loc[::4, "type"].map(cycle)
        valid.to_parquet(data / "validation.parquet", index=False)
        cfg = load_config(ROOT / "configs" / "experiment" / "default.yaml",
                          ["model=rules", f"data.path={data}"])
        run_experiment(cfg)
        mp.setenv("UNCLAUSE_DATA", str(data))
        yield tmp


@pytest.fixture(scope="module")
def kernel_manager_factory(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """Kernel managers for a kernel spec that runs ``sys.executable -m ipykernel_launcher``."""
    from ipykernel.kernelspec import write_kernel_spec
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    kernels = tmp_path_factory.mktemp("kernels")
    write_kernel_spec(kernels / KERNEL, overrides={"display_name": "unclause tests"})
    specs = KernelSpecManager(kernel_dirs=[str(kernels)])
    assert Path(specs.get_kernel_spec(KERNEL).argv[0]) == Path(sys.executable)
    return lambda: KernelManager(kernel_name=KERNEL, kernel_spec_manager=specs)


def _execute(name: str, workdir: Path, kernel_manager_factory) -> list[dict]:  # noqa: ANN001
    notebook = jupytext.read(NOTEBOOKS / name)
    client = nbclient.NotebookClient(notebook, km=kernel_manager_factory(), timeout=TIMEOUT_S,
                                     resources={"metadata": {"path": str(workdir)}})
    try:
        client.execute()
    finally:
        jupytext.write(notebook, workdir / name.replace(".py", ".ipynb"))  # for a post-mortem
    return [out for cell in notebook.cells if cell.cell_type == "code"
            for out in cell.get("outputs", [])]


def _images(outputs: list[dict]) -> int:
    return sum("image/png" in out.get("data", {}) for out in outputs)


def test_eda_notebook_runs(workspace: Path, kernel_manager_factory) -> None:  # noqa: ANN001
    outputs = _execute("eda.py", workspace, kernel_manager_factory)
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert _images(outputs) >= 5  # balance, lengths, lemmas, sessions, positions
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    assert "clauses in 30 documents" in text


def test_error_analysis_notebook_runs(workspace: Path,
                                      kernel_manager_factory) -> None:  # noqa: ANN001
    outputs = _execute("error_analysis.py", workspace, kernel_manager_factory)
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert _images(outputs) >= 4  # logged confusion, openings, positions, families
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    assert "(latest)" in text
    found = re.search(r"([\d,]+) errors on validation", text)
    assert found and int(found.group(1).replace(",", "")) > 0
