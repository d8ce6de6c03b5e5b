"""The command line starts fast and documents its options: `--help` imports neither pandas nor
a model library, flags show no value type, and closed choices are checked by the parser."""

from __future__ import annotations

import subprocess
import sys

from typer.testing import CliRunner

from pipelines.cli.main import app

HEAVY = ("pandas", "numpy", "mlflow", "sklearn", "skops", "pycrfsuite", "torch")


def test_help_imports_no_heavy_library() -> None:
    code = ("import sys\nfrom pipelines.cli.main import app\n"
            "try:\n    app(['annotate', '--help'])\nexcept SystemExit:\n    pass\n"
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_flags_show_no_type_and_choices_are_listed() -> None:
    result = CliRunner().invoke(app, ["annotate", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "<bool>" not in result.output
    assert "<skip|stop>" in result.output
    assert "<least-confident|margin|entropy>" in result.output


def test_a_value_outside_the_choices_is_refused_by_the_parser(tmp_path) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text("1. Decides to remain seized of the matter.\n", encoding="utf-8")
    for args in (["annotate", str(doc), "--on-error", "sometimes"],
                 ["annotate", str(doc), "--strategy", "random"],
                 ["data", "build", "--on-error", "ignore"]):
        result = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
        assert result.exit_code == 2, args
        assert "is not one of" in result.output, args
