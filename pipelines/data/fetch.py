"""`unclause data fetch`: get the public UNxml resolution archives for users without the corpus.

The UN Department for General Assembly and Conference Management publishes the AKN4UN XML of
GA and ECOSOC resolutions in public GitHub repositories; we download their zip archives, which
`unclause data build --source data/raw` reads member by member without unpacking.
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from pathlib import Path

from pipelines.errors import UnclauseError
from pipelines.io import atomic_path

log = logging.getLogger(__name__)

REPOSITORIES = {
    "GAresolutions.zip": "https://github.com/UNxml/GAresolutions/archive/refs/heads/main.zip",
    "ECOSOCresolutions.zip":
        "https://github.com/UNxml/ECOSOCresolutions/archive/refs/heads/main.zip",
}


def fetch_corpus(dest: Path, timeout: float = 60.0) -> list[Path]:
    """Download each archive into ``dest`` atomically; skip ones already there."""
    dest.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, url in REPOSITORIES.items():
        target = dest / name
        if target.exists() and target.stat().st_size > 0:
            log.info("%s already present", target)
            paths.append(target)
            continue
        log.info("downloading %s", url)
        try:
            with (urllib.request.urlopen(url, timeout=timeout) as resp,
                  atomic_path(target) as tmp, open(tmp, "wb") as fh):
                while chunk := resp.read(1 << 20):
                    fh.write(chunk)
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise UnclauseError(f"cannot download {url} ({getattr(exc, 'reason', exc)})",
                                "check your internet connection, or pass your own files with "
                                "`unclause data build --source PATH`") from None
        paths.append(target)
    return paths
