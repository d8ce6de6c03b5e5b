"""Walk inputs (files, folders, .tar.xz/.tar.gz/.tgz/.tar/.zip archives) member by member.

Archives are read in memory, never unpacked to disk. Each item is a ``SourceItem`` with a
display name such as ``A_RES_79.tar.xz:79/A_RES_79_1.xml`` so errors can name the member.
"""

from __future__ import annotations

import tarfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ARCHIVE_SUFFIXES = (".tar.xz", ".txz", ".tar.gz", ".tgz", ".tar.bz2", ".tar", ".zip")


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
            try:
                fh = tar.extractfile(member)
                data = fh.read() if fh is not None else b""
            except (tarfile.TarError, OSError, EOFError) as exc:
                yield SourceFailure(name, f"member is corrupt ({exc})",
                                    "re-download the archive or replace this member")
                return
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
            try:
                data = zf.read(info)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
                yield SourceFailure(name, f"member is corrupt ({exc})",
                                    "re-download the archive or replace this member")
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
            try:
                yield SourceItem(str(path), path.read_bytes())
            except OSError as exc:
                yield SourceFailure(str(path), f"cannot be read ({exc.strerror})",
                                    "check the file's permissions")
