"""Atomic file output: write to a temporary sibling, then rename, so readers never see halves."""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import re
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from pipelines.errors import UnclauseError


def current_umask() -> int:
    """The process umask (read by setting it and putting it back)."""
    umask = os.umask(0)
    os.umask(umask)
    return umask


@contextlib.contextmanager
def interrupts_held() -> Iterator[None]:
    """Ctrl-C (SIGINT) held back for the duration and delivered as it ends: a few steps that
    must not be cut in two.

    Python runs signal handlers in the main thread only, so the main thread's handler is
    swapped for one that notes the signal. (Blocking the signal in this thread would not do:
    the kernel hands a process's signal to any thread not blocking it, such as a worker pool's,
    and the main thread would still raise.) Elsewhere no KeyboardInterrupt can arrive: nothing
    is held.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    noted: list[int] = []
    before = signal.signal(signal.SIGINT, lambda signum, frame: noted.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)
        if noted and before is not signal.SIG_IGN:
            if callable(before):
                before(signal.SIGINT, None)  # Python's own raises KeyboardInterrupt
            else:  # the default action, or a handler set outside Python
                signal.raise_signal(signal.SIGINT)


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success it replaces ``path`` atomically.

    The result has the permissions of any new file (``0666`` less the umask), not the private
    ``0600`` of the temporary file it was. A Ctrl-C never leaves the temporary file behind: it
    is held back from the file's creation until the cleanup is sure to run, and during the
    cleanup (a resumable run is interrupted while it checkpoints, say).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp_path: Path | None = None
    try:
        with interrupts_held():
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            os.close(fd)
            tmp_path = Path(tmp)
        yield tmp_path
        tmp_path.chmod(0o666 & ~current_umask())
        os.replace(tmp_path, path)
    finally:
        with interrupts_held():
            if tmp_path is not None and tmp_path.exists():
                tmp_path.unlink()


#: what :func:`tempfile.mkstemp` puts between prefix and suffix (``tempfile._RandomNameSequence``)
_TEMP_NAME_PART = "[a-z0-9_]{8}"


def stale_temporaries(path: str | Path) -> list[Path]:
    """The temporary files :func:`atomic_path` leaves beside ``path`` when its process dies
    mid-write (a SIGKILL, a power cut): nothing can remove those but a later run."""
    path = Path(path)
    own = re.compile(rf"\.{re.escape(path.name)}\.{_TEMP_NAME_PART}\.tmp")
    with contextlib.suppress(OSError):
        return sorted(p for p in path.parent.glob(f".{glob.escape(path.name)}.*.tmp")
                      if own.fullmatch(p.name) and not p.is_dir())
    return []


@contextlib.contextmanager
def atomic_open(path: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Open a temporary file for writing; it becomes ``path`` only if the block succeeds."""
    with atomic_path(path) as tmp:
        kwargs: dict[str, Any] = {} if "b" in mode else {"encoding": encoding, "newline": ""}
        with open(tmp, mode, **kwargs) as fh:
            yield fh


def _remove(path: Path) -> None:
    """Remove a file, link or folder tree (a stale leftover of either kind)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


@contextlib.contextmanager
def atomic_dir(path: str | Path) -> Iterator[Path]:
    """Yield a temporary folder; on success it replaces the folder ``path`` as a whole.

    ``path`` must be absent or a folder (refusing a file keeps a file from being swapped out);
    the caller decides whether the folder's old contents may go (see :func:`check_output_dir`).
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "not a folder", str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    tmp.chmod(0o777 & ~current_umask())  # mkdtemp makes it private; the result is an ordinary folder
    old = path.with_name(f".{path.name}.old")
    try:
        yield tmp
        _remove(old)  # a stale leftover, file or folder, from a crash mid-swap
        if path.exists():
            os.replace(path, old)
        os.replace(tmp, path)
        _remove(old)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)


def _existing_ancestor(path: Path) -> Path:
    current = path.absolute().parent
    while not current.exists() and current != current.parent:
        current = current.parent
    return current


def check_writable(path: str | Path, what: str = "output", *, folder: bool = False) -> None:
    """Fail with one clear message, before any work, when ``path`` cannot be written.

    Catches an output that is a folder (``folder=False``) or a file (``folder=True``), a parent
    that is a file, and a location this process may not write (probed by creating and removing
    a temporary file, which also holds for root on read-only places).
    """
    path = Path(path)
    if not folder and path.is_dir():
        raise UnclauseError(f"{what} {path} is an existing folder, not a file",
                            "give a file path, e.g. a name inside that folder")
    if folder and path.exists() and not path.is_dir():
        raise UnclauseError(f"{what} {path} is an existing file, not a folder",
                            "give a folder path (a new or empty folder)")
    for parent in path.absolute().parents:
        if parent.exists():
            if not parent.is_dir():
                raise UnclauseError(f"cannot write {what} {path}: {parent} is a file, not a folder",
                                    "choose a path whose parent folders are folders")
            break
    base = path if folder and path.is_dir() else _existing_ancestor(path)
    try:
        fd, probe = tempfile.mkstemp(prefix=".unclause-probe.", dir=base)
    except OSError as exc:
        raise UnclauseError(f"cannot write {what} {path}: {base} is not writable "
                            f"({exc.strerror})", "choose a folder you can write to") from None
    os.close(fd)
    os.unlink(probe)


def check_output_dir(path: str | Path, owned: Iterable[str], what: str = "output folder") -> None:
    """Refuse an output folder that holds anything but ``owned`` names (a previous build of the
    same kind may be replaced; other files would be deleted by the whole-folder swap)."""
    path = Path(path)
    check_writable(path, what, folder=True)
    if not path.is_dir():
        return
    foreign = sorted(p.name for p in path.iterdir() if p.name not in set(owned))
    if foreign:
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        raise UnclauseError(f"{what} {path} already holds other files ({shown}); writing there "
                            "would replace the folder as a whole and delete them",
                            "choose a new or empty folder, or move those files away")
