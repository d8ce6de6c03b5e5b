"""Outputs get the permissions of any new file under the user's umask, not 0600."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipelines.io import atomic_dir, atomic_open

FIXTURE = Path(__file__).parent / "fixtures" / "labelstudio" / "export_1.23_default.json"


@pytest.fixture(params=[0o022, 0o002, 0o077])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_atomic_files_and_folders_follow_the_umask(tmp_path: Path, umask: int) -> None:
    with atomic_open(tmp_path / "out.jsonl") as fh:
        fh.write("{}\n")
    assert _mode(tmp_path / "out.jsonl") == 0o666 & ~umask
    with atomic_dir(tmp_path / "folder") as folder:
        (folder / "part.txt").write_text("x", encoding="utf-8")
    assert _mode(tmp_path / "folder") == 0o777 & ~umask


def test_a_command_output_follows_the_umask(tmp_path: Path, umask: int) -> None:
    from typer.testing import CliRunner

    from pipelines.cli.main import app

    out = tmp_path / "gold.jsonl"
    result = CliRunner().invoke(app, ["labelstudio", "import", str(FIXTURE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert _mode(out) == 0o666 & ~umask
