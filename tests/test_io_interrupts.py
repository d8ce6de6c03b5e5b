"""A Ctrl-C while an output is written atomically leaves the old file and no temporary file;
the temporary file a SIGKILL leaves is found by name, for a later run to remove."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from pipelines.io import atomic_open, interrupts_held, stale_temporaries


def _ctrl_c() -> None:
    os.kill(os.getpid(), signal.SIGINT)


def test_a_held_interrupt_arrives_when_the_block_ends() -> None:
    done = []
    with pytest.raises(KeyboardInterrupt):
        with interrupts_held():
            _ctrl_c()
            done.append("after the signal")
        done.append("never")
    assert done == ["after the signal"]


def test_an_interrupt_is_held_while_another_thread_runs() -> None:
    """The kernel may hand the signal to the other thread (a worker pool's): still held."""
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    done = []
    try:
        with pytest.raises(KeyboardInterrupt):
            with interrupts_held():
                for _ in range(20):
                    _ctrl_c()
                    time.sleep(0.001)
                done.append("after the signals")
            done.append("never")
    finally:
        stop.set()
        other.join()
    assert done == ["after the signals"]


def test_an_ignored_interrupt_stays_ignored() -> None:
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with interrupts_held():
            _ctrl_c()
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, before)


def test_ctrl_c_right_after_the_temporary_file_is_made_leaves_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The moment a checkpoint was once interrupted in: the file made, the cleanup not yet
    armed."""
    made = tempfile.mkstemp

    def mkstemp_then_ctrl_c(*args: Any, **kwargs: Any) -> tuple[int, str]:
        fd_name = made(*args, **kwargs)
        _ctrl_c()
        return fd_name

    target = tmp_path / "state.json"
    target.write_text("old", encoding="utf-8")
    monkeypatch.setattr(tempfile, "mkstemp", mkstemp_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt), atomic_open(target) as fh:
        fh.write("new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]
    assert target.read_text(encoding="utf-8") == "old"


def test_ctrl_c_while_writing_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt), atomic_open(target) as fh:
        fh.write("half")
        _ctrl_c()
        fh.write(" and the rest")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]
    assert target.read_text(encoding="utf-8") == "old"


def test_the_temporary_file_of_a_killed_write_is_found_and_only_it(tmp_path: Path) -> None:
    """SIGKILL cannot be held back: the temporary file stays, and a later run (``annotate
    --resume``) finds it by name, and not the temporaries of other outputs beside it."""
    target = tmp_path / "out.jsonl.partial.state"
    killed = subprocess.run(
        [sys.executable, "-c",
         "import os, signal, sys\n"
         "from pipelines.io import atomic_open\n"
         "with atomic_open(sys.argv[1]) as fh:\n"
         "    fh.write('half')\n"
         "    fh.flush()\n"
         "    os.kill(os.getpid(), signal.SIGKILL)\n", str(target)],
        capture_output=True, text=True, timeout=60)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    (left,) = tmp_path.iterdir()
    assert left.name.startswith(".out.jsonl.partial.state.") and left.name.endswith(".tmp")
    for other in (".out.jsonl.partial.abcd1234.tmp", ".out.jsonl.partial.state.x.tmp",
                  ".out.jsonl.partial.state.abcd1234.tmp.bak", "out.jsonl.partial.state"):
        (tmp_path / other).write_text("not ours", encoding="utf-8")
    assert stale_temporaries(target) == [left]
    assert stale_temporaries(tmp_path / "absent" / "out.jsonl") == []
