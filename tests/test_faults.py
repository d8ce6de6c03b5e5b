"""Fault catalogue (issue 12 A): hostile inputs and faults, run through the real CLI as a user
would. Each test names the fault it pins down; none may lose data, hang, or end in a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: the CLI in a fresh interpreter, most tests building a dataset (seconds each)
pytestmark = pytest.mark.slow
#: A short invented resolution (original text, not from the corpus).
RESOLUTION = """\
Resolution {n} on rivers and lakes

The General Assembly,

Recalling its earlier decisions on shared rivers and lakes,

Noting with concern the report of the committee on water,

1. Decides to continue its work on shared rivers and lakes;

2. Requests the Secretary-General to report on the matter at its next session;
"""


def unclause(*args: str, cwd: Path = ROOT, env: dict | None = None,
             timeout: float = 180) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "COLUMNS": "200", **(env or {})}
    return subprocess.run([sys.executable, "-m", "pipelines.cli.main", *args], cwd=cwd,
                          env=full_env, capture_output=True, text=True, timeout=timeout)


def spawn(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.Popen[str]:
    full_env = {**os.environ, "COLUMNS": "200", **(env or {})}
    # a shell without job control starts background jobs with SIGINT ignored, and Python then
    # never turns it into KeyboardInterrupt: give the child the default disposition, as a
    # terminal would, so the Ctrl-C tests behave the same under CI, nohup and a terminal
    return subprocess.Popen([sys.executable, "-m", "pipelines.cli.main", *args], cwd=cwd,
                            env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, preexec_fn=_default_sigint)


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def write_documents(folder: Path, n: int = 4) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(1, n + 1):
        (folder / f"res{i}.txt").write_text(RESOLUTION.format(n=i), encoding="utf-8")
    return folder


def build(src: Path, out: Path, *extra: str, card: Path | None = None,
          env: dict | None = None) -> subprocess.CompletedProcess:
    card = card or out.parent / "card.md"
    return unclause("data", "build", "--source", str(src), "--out", str(out), "--card",
                    str(card), "--no-track", *extra, env=env)


def flat(text: str) -> str:
    """Output with rich's line wrapping undone."""
    return " ".join(text.split())


def no_traceback(res: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in res.stdout + res.stderr, res.stderr[-3000:]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


# ----------------------------------------------------------------------------- 1. data loss


def test_data_build_refuses_a_folder_holding_other_files(tmp_path: Path) -> None:
    src = write_documents(tmp_path / "src")
    out = tmp_path / "out"
    out.mkdir()
    (out / "thesis.md").write_text("three years of work", encoding="utf-8")
    res = build(src, out)
    assert res.returncode == 2, res.stderr
    no_traceback(res)
    assert "thesis.md" in flat(res.stderr) and "new or empty folder" in flat(res.stderr)
    assert (out / "thesis.md").read_text(encoding="utf-8") == "three years of work"
    assert sorted(p.name for p in out.iterdir()) == ["thesis.md"]


def test_data_build_replaces_its_own_previous_build(tmp_path: Path) -> None:
    src = write_documents(tmp_path / "src")
    out = tmp_path / "out"
    first = build(src, out)
    assert first.returncode == 0, first.stderr
    write_documents(src, n=6)
    second = build(src, out)
    assert second.returncode == 0, second.stderr
    assert json.loads((out / "_manifest.json").read_text())["documents"] == 6
    assert not list(tmp_path.glob(".out*")), "temporary or .old folders were left behind"


def test_data_build_refuses_an_existing_file_and_leaves_nothing_hidden(tmp_path: Path) -> None:
    src = write_documents(tmp_path / "src")
    target = tmp_path / "clauses"
    target.write_text("not a folder", encoding="utf-8")
    res = build(src, target)
    assert res.returncode == 2
    no_traceback(res)
    assert "is an existing file" in flat(res.stderr)
    assert target.read_text(encoding="utf-8") == "not a folder"
    assert not (tmp_path / ".clauses.old").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_stale_hidden_old_file_does_not_break_later_builds(tmp_path: Path) -> None:
    """What the old bug left behind (a hidden ``.NAME.old`` *file*) is cleared by the next build."""
    src = write_documents(tmp_path / "src")
    (tmp_path / ".out.old").write_text("left by a crash", encoding="utf-8")
    for _ in range(2):  # a fresh folder, then a replacement
        res = build(src, tmp_path / "out")
        assert res.returncode == 0, res.stderr
    assert not (tmp_path / ".out.old").exists()


# ----------------------------------------------------------------------------- 2. interrupts


@contextlib.contextmanager
def blocking_source(path: Path) -> Iterator[Path]:
    """A named pipe as a document: the reader blocks on it until we write, so a signal lands
    while the build is reading, at a moment the test knows."""
    os.mkfifo(path)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def wait_for_reader(fifo: Path, proc: subprocess.Popen[str], timeout: float = 120) -> int:
    """Open the pipe's writing end once the process has opened it for reading."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as exc:
            if exc.errno != errno.ENXIO:
                raise
        if proc.poll() is not None:
            raise AssertionError(f"exited early ({proc.returncode}): {proc.communicate()}")
        assert time.monotonic() < deadline, "the build never opened its source"
        time.sleep(0.05)


def test_ctrl_c_during_data_build_exits_130_and_keeps_the_previous_build(tmp_path: Path) -> None:
    src = write_documents(tmp_path / "src")
    out = tmp_path / "out"
    assert build(src, out).returncode == 0
    before = snapshot(out)
    with blocking_source(tmp_path / "slow.txt") as fifo:
        proc = spawn("data", "build", "--source", str(fifo), "--out", str(out), "--card",
                     str(tmp_path / "card.md"), "--no-track")
        fd = wait_for_reader(fifo, proc)
        # the pipe opens a moment before the build blocks reading it: let it get there, so
        # the signal lands in the read the test is about
        time.sleep(0.5)
        try:
            proc.send_signal(signal.SIGINT)
            stdout, stderr = proc.communicate(timeout=60)
        finally:
            os.close(fd)
    assert proc.returncode == 130, (proc.returncode, stderr)
    assert "Traceback" not in flat(stderr)
    assert "interrupted" in flat(stderr) and "nothing was written" in flat(stderr)
    assert "run the same command again" in flat(stderr)
    assert "built" not in stdout
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


# ----------------------------------------------------------------------------- 6. archive bombs


PEAK_RSS = """\
import resource, sys
from pipelines.cli.main import entrypoint
sys.argv = ["unclause", *sys.argv[1:]]
try:
    entrypoint()
finally:
    print(f"PEAK_KIB={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", file=sys.stderr)
"""


def peak_build(src: Path, out: Path, *extra: str) -> tuple[subprocess.CompletedProcess, int]:
    """Run a build in a process that reports its own peak resident memory (KiB)."""
    res = subprocess.run([sys.executable, "-c", PEAK_RSS, "data", "build", "--source", str(src),
                          "--out", str(out), "--card", str(out.parent / "card.md"), "--no-track",
                          *extra], cwd=ROOT, capture_output=True, text=True, timeout=300,
                         env={**os.environ, "COLUMNS": "200"})
    peak = [line for line in res.stderr.splitlines() if line.startswith("PEAK_KIB=")]
    return res, int(peak[-1].removeprefix("PEAK_KIB="))


@pytest.mark.slow
def test_zip_bomb_is_refused_unread(tmp_path: Path) -> None:
    """A 1 MB zip holding 1 GiB of zeros: refused from its declared size, memory stays flat."""
    control, bomb = tmp_path / "control.zip", tmp_path / "bomb.zip"
    with zipfile.ZipFile(control, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("res1.txt", RESOLUTION.format(n=1))
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("res1.txt", RESOLUTION.format(n=1))
        with zf.open("zeros.txt", "w", force_zip64=True) as fh:
            block = bytes(1 << 20)
            for _ in range(1024):
                fh.write(block)
    assert bomb.stat().st_size < 8 << 20
    ok, control_peak = peak_build(control, tmp_path / "a")
    assert ok.returncode == 0, ok.stderr
    res, bomb_peak = peak_build(bomb, tmp_path / "b")
    assert res.returncode == 0, res.stderr  # the good member is built, the bomb skipped
    no_traceback(res)
    assert "zeros.txt" in flat(res.stderr) and "too large" in flat(res.stderr)
    assert "UNCLAUSE_MAX_MEMBER_MB" in flat(res.stderr)
    assert (bomb_peak - control_peak) * 1024 < 64 << 20, (control_peak, bomb_peak)


def test_a_member_without_line_breaks_is_not_one_huge_clause(tmp_path: Path) -> None:
    """Over the member cap: refused by size; under it: refused by the clause-length cap."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "wall.txt").write_bytes(b"The General Assembly decides " + b"and so on " * 20_000)
    res = build(src, tmp_path / "out", "--on-error", "stop")
    assert res.returncode == 2
    no_traceback(res)
    message = flat(res.stderr)
    assert "wall.txt" in message and "100,000-character limit for one clause" in message
    assert "blank lines between the paragraphs" in message

    res = build(src, tmp_path / "out", "--on-error", "stop", env={"UNCLAUSE_MAX_MEMBER_MB": "0.1"})
    assert res.returncode == 2
    assert "too large to read" in flat(res.stderr) and "UNCLAUSE_MAX_MEMBER_MB" in flat(res.stderr)


def test_a_huge_jsonl_record_is_refused_by_name(tmp_path: Path) -> None:
    from pipelines.corpus.jsonl import iter_clause_records
    from pipelines.errors import InputError

    line = json.dumps({"doc_id": "d", "text": "Decides " * 20_000})
    with pytest.raises(InputError) as info:
        list(iter_clause_records([line], "big.jsonl"))
    assert "line 1" in str(info.value) and "100,000-character limit" in str(info.value)


# ----------------------------------------------------------------------------- 7. smaller faults


def test_nul_bytes_are_named_when_a_text_file_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "nul.txt").write_bytes(RESOLUTION.format(n=1).encode().replace(b"rivers", b"riv\0ers", 3))
    res = build(src, tmp_path / "out", "--on-error", "stop")
    assert res.returncode == 2
    no_traceback(res)
    assert "3 NUL byte(s)" in flat(res.stderr) and "nul.txt" in flat(res.stderr)
    assert "remove the NUL" in flat(res.stderr)


def test_invalid_json_message_has_no_doubled_word(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "broken.jsonl").write_text('{"doc_id": "d", "text": "Decides to act\n', encoding="utf-8")
    res = build(src, tmp_path / "out", "--on-error", "stop")
    assert res.returncode == 2
    assert "line 1: not valid JSON (Unterminated string starting, column 25)" in flat(res.stderr)
    assert "at at" not in flat(res.stderr)


def test_log_lines_go_to_stderr_and_results_to_stdout(tmp_path: Path) -> None:
    src = write_documents(tmp_path / "src")
    (src / "empty.txt").write_text("   \n", encoding="utf-8")  # logged as skipped
    (src / "nul.txt").write_bytes(b"x\0y")
    res = build(src, tmp_path / "out")
    assert res.returncode == 0, res.stderr
    assert "built" in res.stdout
    assert "NUL byte" in flat(res.stderr)
    assert "NUL byte" not in res.stdout and "skipped" not in res.stdout.replace("skipped 2", "")


def test_duplicate_clause_ids_in_jsonl_are_warned(tmp_path: Path) -> None:
    from pipelines.corpus.jsonl import read
    from pipelines.corpus.sources import SourceItem

    lines = [{"doc_id": "d", "para_id": 0, "text": "Recalling its decisions,"},
             {"doc_id": "d", "para_id": 1, "text": "1. Decides to act;"},
             {"doc_id": "d", "para_id": 1, "text": "1. Decides to act;"}]
    data = "".join(json.dumps(r) + "\n" for r in lines).encode()
    (doc,) = read(SourceItem("dup.jsonl", data))
    assert len(doc.clauses) == 3
    assert any("('d', 1) repeats line 2" in w and "line 3" in w for w in doc.warnings), doc.warnings


# ----------------------------------------------------------------------------- annotate outputs

#: a tracking server nobody runs: a check that loaded models first would fail on it instead
NO_SERVER = {"MLFLOW_TRACKING_URI": "http://127.0.0.1:9"}


def clause_lines(n_docs: int, seed: int = 5) -> str:
    from synthetic import SMALL_VOCABULARY, make_clause_table

    frame = make_clause_table(n_docs, seed, vocabulary=SMALL_VOCABULARY)
    frame = frame[["doc_id", "para_id", "text"]]
    return "".join(json.dumps(r) + "\n" for r in frame.to_dict("records"))


@pytest.mark.parametrize("name", ["clauses.jsonl", "resolution.txt"])
def test_annotate_refuses_to_overwrite_its_input(tmp_path: Path, name: str) -> None:
    original = clause_lines(2) if name.endswith(".jsonl") else RESOLUTION.format(n=1)
    path = tmp_path / name
    path.write_text(original, encoding="utf-8")
    for target in (str(path), str(tmp_path / "." / name)):
        res = unclause("annotate", str(path), "-o", target, "--format", "jsonl", env=NO_SERVER)
        assert res.returncode == 2, res.stderr
        no_traceback(res)
        assert "is the input" in flat(res.stderr) and "unreachable" not in res.stderr
        assert path.read_text(encoding="utf-8") == original
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_annotate_refuses_an_output_inside_its_input_folder(tmp_path: Path) -> None:
    write_documents(tmp_path / "docs", n=1)
    res = unclause("annotate", str(tmp_path / "docs"), "-o", str(tmp_path / "docs" / "out.jsonl"),
                   env=NO_SERVER)
    assert res.returncode == 2
    assert "inside the input folder" in flat(res.stderr)


def unwritable_folder(tmp_path: Path) -> Path:
    """A folder this process may not write into (root ignores permission bits: use /sys)."""
    if os.geteuid() == 0:
        return Path("/sys")
    folder = tmp_path / "readonly"
    folder.mkdir()
    folder.chmod(0o555)
    return folder


@pytest.mark.parametrize("fault", ["existing folder", "parent is a file", "unwritable"])
def test_annotate_checks_its_output_before_loading_models(tmp_path: Path, fault: str) -> None:
    inp = tmp_path / "in.jsonl"
    inp.write_text(clause_lines(2), encoding="utf-8")
    if fault == "existing folder":
        out, expect = tmp_path / "out.jsonl", "is an existing folder"
        out.mkdir()
    elif fault == "parent is a file":
        (tmp_path / "afile").write_text("x", encoding="utf-8")
        out, expect = tmp_path / "afile" / "out.jsonl", "is a file, not a folder"
    else:
        out, expect = unwritable_folder(tmp_path) / "unclause-out.jsonl", "is not writable"
    start = time.monotonic()
    res = unclause("annotate", str(inp), "-o", str(out), env=NO_SERVER)
    assert res.returncode == 2, res.stderr
    no_traceback(res)
    assert expect in flat(res.stderr) and "unreachable" not in res.stderr
    assert time.monotonic() - start < 60
    assert not list(tmp_path.rglob("*.partial*")), "a .partial was left behind"


def test_annotate_an_empty_folder_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    res = unclause("annotate", str(tmp_path / "empty"), "-o", str(tmp_path / "out.jsonl"),
                   env=NO_SERVER)
    assert res.returncode == 2
    assert "holds no files" in flat(res.stderr)
    assert not (tmp_path / "out.jsonl").exists()


# ----------------------------------------------------------------------------- annotate with models


# `champions` (conftest): rules champions for both tasks, registered once per session


def test_annotate_nothing_to_annotate_is_an_error(champions: dict, tmp_path: Path) -> None:
    inp = tmp_path / "blank.jsonl"
    inp.write_text("\n\n", encoding="utf-8")
    res = unclause("annotate", str(inp), "-o", str(tmp_path / "out.jsonl"),
                   env={"MLFLOW_TRACKING_URI": champions["uri"]})
    assert res.returncode == 2, res.stderr
    assert "no clauses to annotate" in flat(res.stderr)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blank.jsonl"]


def test_annotate_warns_about_duplicate_clause_ids(champions: dict, tmp_path: Path) -> None:
    lines = clause_lines(2).splitlines(keepends=True)
    inp = tmp_path / "dup.jsonl"
    inp.write_text("".join(lines[:3] + [lines[2]] + lines[3:]), encoding="utf-8")
    res = unclause("annotate", str(inp), "-o", str(tmp_path / "out.jsonl"),
                   env={"MLFLOW_TRACKING_URI": champions["uri"]})
    assert res.returncode == 0, res.stderr
    assert "line 4" in flat(res.stderr) and "repeats line 3" in flat(res.stderr)
    assert "repeats" not in res.stdout
    assert len((tmp_path / "out.jsonl").read_text().splitlines()) == len(lines) + 1


def wait_for_batches(state: Path, proc: subprocess.Popen[str], batches: int,
                     timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(OSError, ValueError):
            if json.loads(state.read_text(encoding="utf-8"))["batches"] >= batches:
                return
        if proc.poll() is not None:
            raise AssertionError(f"annotate ended before batch {batches}: {proc.communicate()}")
        assert time.monotonic() < deadline, f"no batch {batches} within {timeout:.0f} s"
        time.sleep(0.02)


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_annotate_killed_mid_run_resumes_to_identical_output(champions: dict, tmp_path: Path,
                                                             sig: signal.Signals) -> None:
    inp = tmp_path / "in.jsonl"
    # many batches after the second: on an idle machine a run of 150 documents could finish before
    # the signal arrived
    inp.write_text(clause_lines(3000), encoding="utf-8")
    env = {"MLFLOW_TRACKING_URI": champions["uri"]}
    opts = ("--batch-size", "40")
    full = unclause("annotate", str(inp), "-o", str(tmp_path / "full.jsonl"), *opts, env=env)
    assert full.returncode == 0, full.stderr

    out = tmp_path / "out.jsonl"
    proc = spawn("annotate", str(inp), "-o", str(out), *opts, env=env)
    wait_for_batches(tmp_path / "out.jsonl.partial.state", proc, batches=2)
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=120)
    assert not out.exists()
    assert (tmp_path / "out.jsonl.partial").exists()
    if sig == signal.SIGINT:
        assert proc.returncode == 130, stderr
        assert "Traceback" not in stderr
        message = flat(stderr)
        assert "interrupted" in message and "out.jsonl.partial" in message
        assert "--resume" in message
    else:
        assert proc.returncode == -signal.SIGKILL

    again = unclause("annotate", str(inp), "-o", str(out), *opts, env=env)
    assert again.returncode == 2 and "--resume" in flat(again.stderr)
    resumed = unclause("annotate", str(inp), "-o", str(out), *opts, "--resume", env=env)
    assert resumed.returncode == 0, resumed.stderr
    assert "resumed after input line" in flat(resumed.stdout)
    assert out.read_bytes() == (tmp_path / "full.jsonl").read_bytes()
    assert not list(tmp_path.glob("*.partial*"))


# ----------------------------------------------------------------------------- 5. concurrent writers


@pytest.mark.slow
def test_concurrent_runs_on_a_brand_new_sqlite_store(tmp_path: Path) -> None:
    """Three `unclause run` at once on a store that does not exist yet: all succeed (one
    creates the schema under a file lock, the others wait), and the store stays usable."""
    from synthetic import write_dataset

    data = write_dataset(tmp_path / "clauses")
    uri = f"sqlite:///{tmp_path / 'store' / 'mlflow.db'}"
    procs = [spawn("run", "model=rules", f"data.path={data}", f"seed={i}", cwd=tmp_path,
                   env={"MLFLOW_TRACKING_URI": uri}) for i in range(3)]
    results = [(p.wait(timeout=300), p.communicate()) for p in procs]
    for code, (_, stderr) in results:
        assert code == 0, stderr[-3000:]
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    (experiment,) = [e for e in client.search_experiments() if e.name == "unclause"]
    runs = client.search_runs([experiment.experiment_id])
    assert sorted(r.data.params.get("seed") for r in runs) == ["0", "1", "2"]
    assert all(r.info.status == "FINISHED" for r in runs)
