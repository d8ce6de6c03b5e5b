"""The Label Studio round trip against a real server (opt-in: ``make test-labelstudio``).

Label Studio 1.23.2 runs from its own virtual environment (``LABEL_STUDIO_BIN``) on loopback,
with a fresh data folder. Through its REST API the test creates a project with our labeling
config, imports the tasks ``unclause annotate -o tasks.json`` writes (with pre-annotations),
lets two reviewers annotate (one accepts the predictions, one corrects a type), exports the
project in the default JSON format, and reads that export back with ``unclause labelstudio
import``: the gold labels are what the reviewers chose.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from servers import free_port

from pipelines.annotate.labelstudio import (
    PHRASE_NAME,
    TYPE_NAME,
    agreement,
    export_tasks,
    import_annotations,
    labeling_config,
)

pytestmark = pytest.mark.labelstudio

LS_BIN = os.environ.get("LABEL_STUDIO_BIN", "")
if not (LS_BIN and os.access(LS_BIN, os.X_OK)):
    pytest.skip("set LABEL_STUDIO_BIN (make test-labelstudio installs Label Studio)",
                allow_module_level=True)

TOKEN = "unclause0test0token0000000000000000000001"
#: invented annotated clauses, as `unclause annotate` writes them
RECORDS: list[dict[str, Any]] = [
    {"doc_id": "Z/RES/5", "para_id": 0, "text": "The Economic Council,", "type": "other",
     "type_score": 0.99, "action_phrase": None, "action_span": None},
    {"doc_id": "Z/RES/5", "para_id": 1, "text": "Welcoming the survey of rural broadband access,",
     "type": "preambular", "type_score": 0.97, "action_phrase": "Welcoming",
     "action_span": [0, 9]},
    {"doc_id": "Z/RES/5", "para_id": 2, "text": "1. Invites regional commissions to share their "
     "findings;", "type": "preambular", "type_score": 0.55, "action_phrase": "Invites",
     "action_span": [3, 10]},
    {"doc_id": "Z/RES/5", "para_id": 3, "text": "2. Decides to consider the question again in "
     "two years.", "type": "operative", "type_score": 0.98, "action_phrase": "Decides",
     "action_span": [3, 10]},
]
#: what the second reviewer says the types are (the model was wrong on clause 2)
CORRECTED = ["other", "preambular", "operative", "operative"]


class Api:
    """Label Studio's REST API with the user's legacy token."""

    def __init__(self, base: str) -> None:
        self.base = base

    def call(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode("utf-8") if body is not None else None
        request = urllib.request.Request(
            f"{self.base}{path}", data=data, method=method,
            headers={"Authorization": f"Token {TOKEN}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=120) as resp:
            raw = resp.read()
        return json.loads(raw) if raw else None


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """Label Studio on a free loopback port with a fresh sqlite data folder, stopped by PID."""
    root = tmp_path_factory.mktemp("labelstudio")
    port = free_port()
    env = {**os.environ, "LABEL_STUDIO_BASE_DATA_DIR": str(root / "data"),
           "LABEL_STUDIO_USERNAME": "reviewer@example.org", "LABEL_STUDIO_PASSWORD": "unclause-test",
           # the user's token as a legacy API token (1.23 enables only JWT tokens by default)
           "LABEL_STUDIO_USER_TOKEN": TOKEN, "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
           "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true",
           "COLLECT_ANALYTICS": "false", "SENTRY_DSN": "", "FRONTEND_SENTRY_DSN": ""}
    log = root / "server.log"
    with log.open("wb") as fh:
        proc = subprocess.Popen([LS_BIN, "start", "--no-browser", "--internal-host", "127.0.0.1",
                                 "--port", str(port)], env=env, cwd=root, stdout=fh,
                                stderr=subprocess.STDOUT, start_new_session=True)
    api = Api(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 600  # the first start runs the migrations
        while True:
            if proc.poll() is not None:
                pytest.fail(f"label-studio exited ({proc.returncode}):\n"
                            f"{log.read_text(errors='replace')[-3000:]}")
            try:
                with urllib.request.urlopen(f"{api.base}/health", timeout=3) as resp:
                    if resp.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"no /health after 600 s:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(1)
        yield api
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


def _with_type(result: list[dict[str, Any]], label: str) -> list[dict[str, Any]]:
    out = []
    for item in result:
        item = {k: v for k, v in item.items() if k != "score"}
        if item["from_name"] == TYPE_NAME:
            item = {**item, "value": {"choices": [label]}}
        out.append(item)
    return out


def test_round_trip_through_label_studio(server: Api, tmp_path: Path) -> None:
    project = server.call("POST", "/api/projects", {"title": "unclause round trip",
                                                    "label_config": labeling_config()})
    tasks = export_tasks(RECORDS, model_version="clause-type v1 + action-phrase v1")
    server.call("POST", f"/api/projects/{project['id']}/import", tasks)
    listed = server.call("GET", f"/api/tasks?project={project['id']}&fields=all&page_size=100")
    stored = sorted(listed["tasks"] if isinstance(listed, dict) else listed,
                    key=lambda t: t["data"]["para_id"])
    assert [t["data"]["paragraph"] for t in stored] == ["¶ 0", "¶ 1", "¶ 2", "¶ 3"]
    for task, corrected in zip(stored, CORRECTED, strict=True):
        (prediction,) = task["predictions"]
        result = prediction["result"]
        # reviewer 1 accepts the pre-annotation; reviewer 2 (the same account) corrects types
        server.call("POST", f"/api/tasks/{task['id']}/annotations",
                    {"result": _with_type(result, result[0]["value"]["choices"][0]),
                     "parent_prediction": prediction["id"], "lead_time": 2.5})
        server.call("POST", f"/api/tasks/{task['id']}/annotations",
                    {"result": _with_type(result, corrected), "lead_time": 4.0})
    export = server.call("GET", f"/api/projects/{project['id']}/export?exportType=JSON")
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    # the default export's shape: prediction IDs, user IDs, the prediction inside the annotation
    assert all(isinstance(p, int) for t in export for p in t["predictions"])
    assert all(isinstance(a["completed_by"], int) for t in export for a in t["annotations"])

    gold = import_annotations(path, tmp_path / "gold.jsonl").sort_values("para_id")
    # two annotations per clause from one account: majority, ties to the first (the model's)
    assert gold["type"].tolist() == [r["type"] for r in RECORDS]
    assert gold["action_phrase"].tolist()[1:] == ["Welcoming", "Invites", "Decides"]
    stats = agreement(path)
    assert stats["model"]["n"] == 4 and stats["model"]["percent_agreement"] == 1.0
    assert {item["from_name"] for t in export for a in t["annotations"]
            for item in a["result"]} == {TYPE_NAME, PHRASE_NAME}
