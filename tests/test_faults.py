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
    return subprocess.Popen([sys.executable, "-m", "pipelines.cli.main", *args], cwd=cwd,
                            env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


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
