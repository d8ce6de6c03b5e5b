"""Walk inputs (files, folders, .tar.xz/.tar.gz/.tgz/.tar/.zip archives) member by member.

Archives are read member by member, never unpacked to disk. Each item is a ``SourceItem``
with a display name such as ``A_RES_79.tar.xz:79/A_RES_79_1.xml`` so errors can name the member.
A member (or file) larger than :func:`max_member_bytes` is refused from its declared size and
read in chunks that stop at the cap, so an archive bomb never reaches memory.
"""

from __future__ import annotations

import os
import tarfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

ARCHIVE_SUFFIXES = (".tar.xz", ".txz", ".tar.gz", ".tgz", ".tar.bz2", ".tar", ".zip")
#: the largest file or archive member read, in MiB (the corpus's largest is far below it)
DEFAULT_MAX_MEMBER_MB = 128
MAX_MEMBER_ENV = "UNCLAUSE_MAX_MEMBER_MB"
_CHUNK = 1 << 20


def max_member_bytes() -> int:
    """The size cap for one file or archive member: ``$UNCLAUSE_MAX_MEMBER_MB`` or 128 MiB."""
    raw = os.environ.get(MAX_MEMBER_ENV, "")
    try:
        mb = float(raw) if raw.strip() else DEFAULT_MAX_MEMBER_MB
    except ValueError:
        mb = DEFAULT_MAX_MEMBER_MB
    return int(mb * (1 << 20)) if mb > 0 else int(DEFAULT_MAX_MEMBER_MB * (1 << 20))


@dataclass(frozen=True)
class SourceItem:
    """One readable unit: its display name, its bytes, and the archive it came from if any."""

    name: str
    data: bytes
    archive: str | None = None

    @property
    def member(self) -> str:
        """The path inside the archive (or the file name)."""
        return self.name.split(":", 1)[1] if self.archive else self.name


@dataclass(frozen=True)
class SourceFailure:
    """A source that could not even be opened (missing path, corrupt archive or member)."""

    name: str
    problem: str
    hint: str


def is_archive(path: Path) -> bool:
    """True for the archive formats we read member by member."""
    return path.name.lower().endswith(ARCHIVE_SUFFIXES)


def _too_large(name: str, size: int | None, limit: int) -> SourceFailure:
    what = f"{size / (1 << 20):,.0f} MiB" if size is not None else "more than that"
    return SourceFailure(name, f"is too large to read ({what} uncompressed; the limit is "
                               f"{limit / (1 << 20):,.0f} MiB for one file or archive member)",
                         "split the document, or if it is genuine raise the limit with "
                         f"{MAX_MEMBER_ENV}=<MiB>")


def _read_capped(fh: IO[bytes], limit: int) -> bytes | None:
    """Read ``fh`` in chunks; ``None`` as soon as it holds more than ``limit`` bytes."""
    buf = bytearray()
    while chunk := fh.read(min(_CHUNK, limit + 1 - len(buf))):
        buf += chunk
        if len(buf) > limit:
            return None
    return bytes(buf)


def _skip_name(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return base.startswith(".") or base.startswith("__MACOSX") or "/__MACOSX/" in name


def _iter_tar(path: Path) -> Iterator[SourceItem | SourceFailure]:
    try:
        tar = tarfile.open(path, "r:*")  # noqa: SIM115 - closed by the with below
    except (tarfile.TarError, OSError, EOFError) as exc:
        yield SourceFailure(str(path), f"not a readable archive ({exc})",
                            "re-download the archive or pass the unpacked folder instead")
        return
    with tar:
        while True:
            try:
                member = tar.next()
            except (tarfile.TarError, OSError, EOFError) as exc:
                yield SourceFailure(str(path), f"archive is truncated or corrupt ({exc})",
                                    "re-download the archive; members before this point were read")
                return
            if member is None:
                return
            if not member.isfile() or _skip_name(member.name):
                continue
            name = f"{path}:{member.name}"
            limit = max_member_bytes()
            if member.size > limit:
                yield _too_large(name, member.size, limit)
                continue
            try:
                fh = tar.extractfile(member)
                data = _read_capped(fh, limit) if fh is not None else b""
            except (tarfile.TarError, OSError, EOFError) as exc:
                yield SourceFailure(name, f"member is corrupt ({exc})",
                                    "re-download the archive or replace this member")
                return
            if data is None:
                yield _too_large(name, None, limit)
                continue
            yield SourceItem(name, data, archive=str(path))


def _iter_zip(path: Path) -> Iterator[SourceItem | SourceFailure]:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        yield SourceFailure(str(path), f"not a readable zip archive ({exc})",
                            "re-download the archive or pass the unpacked folder instead")
        return
    with zf:
        for info in zf.infolist():
            if info.is_dir() or _skip_name(info.filename):
                continue
            name = f"{path}:{info.filename}"
            limit = max_member_bytes()
            if info.file_size > limit:  # the declared size: a bomb is refused unread
                yield _too_large(name, info.file_size, limit)
                continue
            try:
                with zf.open(info) as fh:
                    data = _read_capped(fh, limit)  # and a header that lies stops at the cap
            except (zipfile.BadZipFile, OSError, EOFError, ValueError,
                    NotImplementedError) as exc:
                yield SourceFailure(name, f"member is corrupt ({exc})",
                                    "re-download the archive or replace this member")
                continue
            if data is None:
                yield _too_large(name, None, limit)
                continue
            yield SourceItem(name, data, archive=str(path))


def iter_sources(paths: list[Path] | list[str]) -> Iterator[SourceItem | SourceFailure]:
    """Yield every readable unit under ``paths`` in a stable (sorted) order.

    Missing paths and unreadable archives are yielded as ``SourceFailure`` so the caller
    decides whether to stop or go on.
    """
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            yield SourceFailure(str(path), "no such file or folder",
                                "check the path, or run `unclause data fetch` to get the corpus")
            continue
        if path.is_dir():
            children = sorted(p for p in path.rglob("*") if p.is_file() and not _skip_name(str(p)))
            for child in children:
                yield from iter_sources([child])
            continue
        if path.name.lower().endswith(".zip"):
            yield from _iter_zip(path)
        elif is_archive(path):
            yield from _iter_tar(path)
        else:
            yield _read_file(path)


def _read_file(path: Path) -> SourceItem | SourceFailure:
    limit = max_member_bytes()
    try:
        size = path.stat().st_size
        if size > limit:
            return _too_large(str(path), size, limit)
        with path.open("rb") as fh:
            data = _read_capped(fh, limit)  # a pipe or a growing file has no fixed size
    except OSError as exc:
        return SourceFailure(str(path), f"cannot be read ({exc.strerror})",
                             "check the file's permissions")
    return _too_large(str(path), None, limit) if data is None else SourceItem(str(path), data)
