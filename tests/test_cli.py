"""The command line: user mistakes end in one clear message and exit 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: every test starts the CLI in a fresh interpreter (seconds each)
pytestmark = pytest.mark.slow


def unclause(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    full_env = {**os.environ, "COLUMNS": "200", **(env or {})}
    return subprocess.run([sys.executable, "-m", "pipelines.cli.main", *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=120)


def test_help_lists_the_commands() -> None:
    res = unclause("--help")
    assert res.returncode == 0
    for cmd in ("data", "run", "sweep", "compare", "evaluate", "annotate"):
        assert cmd in res.stdout


def test_unknown_config_key_fails_before_any_work_with_the_allowed_keys() -> None:
    res = unclause("run", "configs/experiment/default.yaml", "model.Cc=0.5")
    assert res.returncode == 2
    assert "unknown key 'model.Cc'" in res.stderr
    assert "max_iter" in res.stderr  # the allowed keys are listed
    assert "Traceback" not in res.stderr + res.stdout


def test_bad_value_names_the_allowed_values() -> None:
    res = unclause("run", "model=linear", "model.classifier=tree")
    assert res.returncode == 2
    assert "model.classifier" in res.stderr and "logreg" in res.stderr


def test_missing_config_file_lists_the_available_ones() -> None:
    res = unclause("run", "configs/experiment/nope.yaml")
    assert res.returncode == 2
    assert "config file not found" in res.stderr and "default.yaml" in res.stderr


def test_missing_dataset_says_how_to_build_it(tmp_path: Path) -> None:
    res = unclause("run", "model=rules", f"data.path={tmp_path / 'none'}")
    assert res.returncode == 2
    assert "unclause data build" in res.stderr
    assert "Traceback" not in res.stderr


def test_unreachable_tracking_server_is_one_clear_error(tiny_dataset: Path) -> None:
    res = unclause("run", str(ROOT / "configs/experiment/default.yaml"), "model=rules",
                   f"data.path={tiny_dataset}", env={"MLFLOW_TRACKING_URI": "http://127.0.0.1:9"})
    assert res.returncode == 2
    assert "unreachable" in res.stderr and "MLFLOW_TRACKING_URI" in res.stderr
    assert "Traceback" not in res.stderr


def test_data_build_with_only_a_missing_source(tmp_path: Path) -> None:
    res = unclause("data", "build", "--source", str(tmp_path / "missing"), "--out",
                   str(tmp_path / "out"), "--card", str(tmp_path / "card.md"), "--no-track")
    assert res.returncode == 2
    assert "missing" in res.stderr and "no documents could be read" in res.stderr


def test_data_build_writes_its_card_where_git_ignores_it() -> None:
    """A build must not change tracked files, or every later run's commit tag is ``-dirty``."""
    import inspect
    import shutil

    from pipelines.cli.data import data_build

    card = inspect.signature(data_build).parameters["card"].default
    assert card == Path("data/processed/README.md")
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        return
    res = subprocess.run(["git", "check-ignore", "-q", str(card)], cwd=ROOT)
    assert res.returncode == 0, f"{card} is not ignored by git"
