"""`unclause data fetch`: get the public UNxml resolution archives for users without the corpus.

The UN Department for General Assembly and Conference Management publishes the AKN4UN XML of
GA and ECOSOC resolutions in public GitHub repositories; we download their zip archives, which
`unclause data build --source data/raw` reads member by member without unpacking.

Downloads go through pooch: retries with a growing wait, a progress bar, a temporary file
renamed only when complete, and a SHA-256 check where the archive's hash is known. The
upstream archives are branch snapshots that change when the UN adds resolutions, so their hash
is not pinned here: each fetch reports the SHA-256 of what it got, and a pinned
``(url, sha256)`` source refuses anything else. An archive already in the folder is kept (a
pinned one only if its hash matches).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pipelines.errors import UnclauseError
from pipelines.io import current_umask

log = logging.getLogger(__name__)

#: archive name → (URL, SHA-256 or None for a moving branch snapshot)
REPOSITORIES: dict[str, tuple[str, str | None]] = {
    "GAresolutions.zip":
        ("https://github.com/UNxml/GAresolutions/archive/refs/heads/main.zip", None),
    "ECOSOCresolutions.zip":
        ("https://github.com/UNxml/ECOSOCresolutions/archive/refs/heads/main.zip", None),
}
#: further attempts after a failed download (waits 1 s, 2 s, … between them)
RETRIES = 3

#: ``progress(name)`` → a pooch progress bar object (``total``, ``update``, ``reset``, ``close``)
ProgressFactory = Callable[[str], Any]


def fetch_corpus(dest: Path, timeout: float = 60.0,
                 sources: Mapping[str, tuple[str, str | None]] = REPOSITORIES,
                 progress: ProgressFactory | None = None,
                 retries: int = RETRIES) -> list[tuple[Path, str]]:
    """Download each archive of ``sources`` into ``dest``; return ``(path, sha256)`` pairs."""
    import pooch
    import requests

    dest.mkdir(parents=True, exist_ok=True)
    store = pooch.create(path=dest, base_url="", retry_if_failed=retries,
                         registry={name: (f"sha256:{sha}" if sha else None)
                                   for name, (_, sha) in sources.items()},
                         urls={name: url for name, (url, _) in sources.items()})
    fetched = []
    for name, (url, _) in sources.items():
        downloader = pooch.HTTPDownloader(progressbar=progress(name) if progress else False,
                                          timeout=timeout)
        try:
            path = Path(store.fetch(name, downloader=downloader))
        except ValueError as exc:  # pooch's hash mismatch
            raise UnclauseError(f"{name} from {url} failed its checksum ({exc})",
                                "the download was corrupted or the archive changed upstream; "
                                "run the fetch again, or update the pinned SHA-256") from None
        except (requests.RequestException, OSError) as exc:
            raise UnclauseError(f"cannot download {url} after {retries + 1} attempts ({exc})",
                                "check your internet connection, or pass your own files with "
                                "`unclause data build --source PATH`") from None
        path.chmod(0o666 & ~current_umask())  # pooch's temporary file was private
        digest = pooch.file_hash(str(path), alg="sha256")
        log.info("%s: sha256 %s", path, digest)
        fetched.append((path, digest))
    return fetched
