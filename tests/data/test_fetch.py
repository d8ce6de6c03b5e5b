"""`unclause data fetch` against a loopback HTTP server: retries after a server error, checks a
pinned SHA-256, keeps what is already there, reports each archive's hash, respects the umask."""

from __future__ import annotations

import hashlib
import http.server
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from servers import http_server

from pipelines.data.fetch import fetch_corpus
from pipelines.errors import UnclauseError

PAYLOAD = b"PK\x05\x06" + b"\x00" * 18  # an empty zip archive: 22 bytes
SHA = hashlib.sha256(PAYLOAD).hexdigest()


class Handler(http.server.BaseHTTPRequestHandler):
    """Serves PAYLOAD at /archive.zip; the first ``fail_first`` requests get HTTP 503."""

    fail_first = 0
    requests = 0

    def do_GET(self) -> None:  # noqa: N802 - the http.server protocol
        type(self).requests += 1
        if type(self).requests <= type(self).fail_first:
            self.send_error(503, "busy")
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(PAYLOAD)))
        self.end_headers()
        self.wfile.write(PAYLOAD)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def server() -> Iterator[str]:
    Handler.fail_first, Handler.requests = 0, 0
    with http_server(Handler) as httpd:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/archive.zip"


class Bar:
    """Records what pooch tells a progress bar."""

    def __init__(self) -> None:
        self.total, self.seen, self.closed = None, 0, False

    def update(self, n: int) -> None:
        self.seen += n

    def reset(self) -> None:
        self.seen = 0

    def close(self) -> None:
        self.closed = True


def test_retries_then_reports_hash_and_progress(server: str, tmp_path: Path) -> None:
    Handler.fail_first = 2
    bars: list[Bar] = []
    old = os.umask(0o022)
    try:
        (path, digest), = fetch_corpus(tmp_path, sources={"a.zip": (server, None)},
                                       progress=lambda name: bars.append(Bar()) or bars[-1])
    finally:
        os.umask(old)
    assert Handler.requests == 3 and path.read_bytes() == PAYLOAD and digest == SHA
    assert bars[-1].total == len(PAYLOAD) and bars[-1].seen == len(PAYLOAD) and bars[-1].closed
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    again = fetch_corpus(tmp_path, sources={"a.zip": (server, SHA)})
    assert again == [(path, SHA)] and Handler.requests == 3  # kept, not downloaded again


def test_a_wrong_checksum_is_refused(server: str, tmp_path: Path) -> None:
    with pytest.raises(UnclauseError, match="failed its checksum"):
        fetch_corpus(tmp_path, sources={"a.zip": (server, "0" * 64)}, retries=0)
    assert not (tmp_path / "a.zip").exists()


def test_an_unreachable_server_is_one_clear_error(server: str, tmp_path: Path) -> None:
    Handler.fail_first = 10
    with pytest.raises(UnclauseError, match="after 2 attempts"):
        fetch_corpus(tmp_path, sources={"a.zip": (server, None)}, retries=1)
