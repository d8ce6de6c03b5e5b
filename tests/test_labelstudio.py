"""Label Studio round trip: the labeling config, task export, import of a two-annotator export
(adjudication, gold JSONL the clause reader accepts) and agreement numbers against κ by hand."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from pipelines.annotate.labelstudio import (
    CONFIG_PATH,
    agreement,
    annotation_frame,
    export_tasks,
    from_ls_offset,
    import_annotations,
    to_ls_offset,
)
from pipelines.schema import CLAUSE_TYPES

PRE, OPR, OTH = "preambular", "operative", "other"

# (doc_id, para_id, text, type by A, phrase by A, type by B, phrase by B, model's type)
CLAUSES: list[tuple[str, int, str, str, str | None, str, str | None, str]] = [
    ("Y/RES/1", 0, "Recalling its earlier decisions on coastal fisheries,",
     PRE, "Recalling", PRE, "Recalling", OPR),
    ("Y/RES/1", 1, "Noting with concern the decline of fish stocks,",
     PRE, "Noting with concern", PRE, "Noting", PRE),
    ("Y/RES/1", 2, "Convinced that cooperation is needed,", PRE, "Convinced", OPR, "Convinced", PRE),
    ("Y/RES/1", 3, "1. Decides to establish a working group;", OPR, "Decides", OPR, "Decides", OPR),
    ("Y/RES/1", 4, "2. Also requests the secretariat to report;",
     OPR, "Also requests", OPR, "Also requests", OPR),
    ("Y/RES/2", 0, "Welcomes the progress made;", OPR, "Welcomes", OPR, "Welcomes", OPR),
    ("Y/RES/2", 1, "Urges all States to take part,", OPR, "Urges", OTH, None, OPR),
    ("Y/RES/2", 2, "85th plenary meeting", OTH, None, OTH, None, OTH),
    ("Y/RES/2", 3, "Annex", OTH, None, OTH, None, OTH),
    ("Y/RES/2", 4, "Signed by the Chair", OTH, None, PRE, None, OTH),
]
#: hand-computed: A vs B agree on 7 of 10; marginals A (3, 4, 3), B (3, 4, 3);
#: p_e = (9 + 16 + 9) / 100 = 0.34; κ = (0.7 - 0.34) / (1 - 0.34) = 6/11
KAPPA_AB = 6 / 11
#: model vs adjudicated gold (= A's labels: ties go to the first annotator): 9 of 10 agree;
#: marginals model (2, 5, 3), gold (3, 4, 3); p_e = 0.35; κ = (0.9 - 0.35) / 0.65 = 11/13
KAPPA_MODEL = 11 / 13


def _choice(label: str) -> dict[str, Any]:
    return {"id": "c", "from_name": "type", "to_name": "text", "type": "choices",
            "value": {"choices": [label]}}


def _span(text: str, phrase: str | None) -> list[dict[str, Any]]:
    if phrase is None:
        return []
    start = text.index(phrase)
    return [{"id": "s", "from_name": "phrase", "to_name": "text", "type": "labels",
             "value": {"start": start, "end": start + len(phrase), "text": phrase,
                       "labels": ["ACTION_PHRASE"]}}]


def make_export() -> list[dict[str, Any]]:
    """An invented Label Studio export: ten clauses labelled by two annotators (one of them
    exported with a user object), one clause by A only with B's annotation cancelled."""
    tasks = []
    for i, (doc, para, text, ta, pa, tb, pb, tm) in enumerate(CLAUSES):
        tasks.append({
            "id": 100 + i, "data": {"text": text, "doc_id": doc, "para_id": para,
                                    "body": "GA", "prev_text": ""},
            "annotations": [
                {"id": 1, "completed_by": 1, "result": [_choice(ta), *_span(text, pa)],
                 "was_cancelled": False, "ground_truth": False, "lead_time": 4.2},
                {"id": 2, "completed_by": {"id": 2, "email": "reviewer.b@example.org"},
                 "result": [_choice(tb), *_span(text, pb)], "was_cancelled": False},
            ],
            "predictions": [{"model_version": "clause-type v1", "score": 0.9,
                             "result": [{**_choice(tm), "score": 0.9}]}],
        })
    tasks.append({"id": 200, "data": {"text": "Adopted without a vote", "doc_id": "Y/RES/2",
                                      "para_id": 5},
                  "annotations": [{"completed_by": 1, "result": [_choice(OTH)],
                                   "was_cancelled": False},
                                  {"completed_by": 2, "result": [], "was_cancelled": True}],
                  "predictions": []})
    return tasks


@pytest.fixture()
def export_path(tmp_path: Path) -> Path:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(make_export(), indent=1), encoding="utf-8")
    return path


def test_config_matches_the_tasks() -> None:
    root = ET.fromstring(CONFIG_PATH.read_text(encoding="utf-8"))
    text = root.find(".//Text[@name='text']")
    assert text is not None and text.get("value") == "$text"
    choices = root.find(".//Choices[@name='type']")
    assert choices is not None and choices.get("toName") == "text"
    assert choices.get("choice") == "single"
    assert [c.get("value") for c in choices.findall("Choice")] == list(CLAUSE_TYPES)
    labels = root.find(".//Labels[@name='phrase']")
    assert labels is not None and labels.get("toName") == "text"
    assert [label.get("value") for label in labels.findall("Label")] == ["ACTION_PHRASE"]
    headers = {h.get("value") for h in root.iter("Header")}
    assert {"$doc_id", "$paragraph"} <= headers
    task = export_tasks([{"doc_id": "d", "para_id": 0, "text": "Recalling x,"}])[0]
    variables = set(re.findall(r"\$(\w+)", CONFIG_PATH.read_text(encoding="utf-8")))
    assert variables <= set(task["data"]), variables - set(task["data"])
    # a <Header> renders only strings: an integer para_id showed an empty header
    for header in headers - {None}:
        if header.startswith("$"):
            assert isinstance(task["data"][header[1:]], str), header
    assert task["data"]["paragraph"] == "¶ 0"


def _record(doc: str, para: int, text: str, ctype: str, phrase: str | None) -> dict[str, Any]:
    span = [text.index(phrase), text.index(phrase) + len(phrase)] if phrase else None
    return {"doc_id": doc, "para_id": para, "text": text, "type": ctype, "type_score": 0.75,
            "action_phrase": phrase, "action_lemma": phrase.lower() if phrase else None,
            "action_span": span, "review": True, "body": "GA"}


def test_export_tasks_format_and_context() -> None:
    records = [_record(d, p, t, ta, pa) for d, p, t, ta, pa, *_ in CLAUSES]
    tasks = export_tasks(records, model_version="clause-type v3 + action-phrase v2")
    assert len(tasks) == len(records)
    first, second, fifth, sixth = tasks[0], tasks[1], tasks[4], tasks[5]
    assert first["data"] == {"text": CLAUSES[0][2], "doc_id": "Y/RES/1", "para_id": 0,
                             "paragraph": "¶ 0", "prev_text": "", "next_text": CLAUSES[1][2],
                             "body": "GA"}
    assert second["data"]["prev_text"] == CLAUSES[0][2]
    assert fifth["data"]["next_text"] == "" and sixth["data"]["prev_text"] == ""  # new doc
    prediction = fifth["predictions"][0]
    assert prediction["model_version"] == "clause-type v3 + action-phrase v2"
    assert prediction["score"] == 0.75
    choice, span = prediction["result"]
    assert choice == {"id": "type", "from_name": "type", "to_name": "text", "type": "choices",
                      "value": {"choices": ["operative"]}, "score": 0.75}
    assert span == {"id": "phrase", "from_name": "phrase", "to_name": "text", "type": "labels",
                    "value": {"start": 3, "end": 16, "text": "Also requests",
                              "labels": ["ACTION_PHRASE"]}}
    assert [r["type"] for r in tasks[7]["predictions"][0]["result"]] == ["choices"]
    json.dumps(tasks)  # plain JSON
    assert "predictions" not in export_tasks([{"doc_id": "d", "text": "no type yet"}])[0]


def test_offsets_outside_the_basic_plane() -> None:
    text = "\U0001F30D Recalling the summit,"
    assert (to_ls_offset(text, 2), to_ls_offset(text, 11)) == (3, 12)
    assert (from_ls_offset(text, 3), from_ls_offset(text, 12)) == (2, 11)
    task = export_tasks([{"doc_id": "d", "para_id": 0, "text": text, "type": "preambular",
                          "type_score": 0.9, "action_phrase": "Recalling",
                          "action_span": [2, 11]}])[0]
    task["annotations"] = [{"completed_by": 1, "result": task["predictions"][0]["result"]}]
    frame = annotation_frame([task])
    assert (frame["action_start"][0], frame["action_end"][0]) == (2, 11)
    assert frame["action_phrase"][0] == "Recalling"


def test_import_adjudicates_into_gold_jsonl(export_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "gold.jsonl"
    gold = import_annotations(export_path, out)
    assert len(gold) == 11
    assert gold["type"].tolist() == [c[3] for c in CLAUSES] + [OTH]  # ties → annotator A
    how = dict(zip(gold["text"], gold["adjudication"], strict=True))
    assert how[CLAUSES[2][2]] == "tie: first annotator"
    assert how[CLAUSES[0][2]] == "unanimous" and how["Adopted without a vote"] == "single"
    by_text = gold.set_index("text")
    assert by_text.loc[CLAUSES[1][2], "action_phrase"] == "Noting with concern"  # tie → A
    assert by_text.loc[CLAUSES[4][2], "action_lemma"] == "request"
    assert by_text.loc[CLAUSES[6][2], "annotator"] == "1"
    assert by_text.loc[CLAUSES[0][2], "annotators"] == "1,reviewer.b@example.org"
    assert by_text.loc["Adopted without a vote", "n_annotations"] == 1

    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert lines[4]["para_id"] == 4 and lines[4]["action_phrase"] == "Also requests"
    assert lines[7]["action_phrase"] is None and lines[0]["body"] == "GA"

    # what `unclause data build --source` and `unclause evaluate --data` read
    from pipelines.corpus.readers import read_documents
    from pipelines.data.dataset import documents_to_frame

    table = documents_to_frame(read_documents([out], on_error="stop"))
    assert len(table) == 11 and table["doc_id"].nunique() == 2
    assert table["type"].tolist() == gold["type"].tolist()
    assert table["action_lemma"].tolist()[:5] == ["recall", "note", "be convinced", "decide",
                                                   "request"]


def test_agreement_matches_hand_computed_kappa(export_path: Path) -> None:
    stats = agreement(export_path)
    assert stats["annotators"] == {"1": 11, "reviewer.b@example.org": 10}
    assert stats["n"] == 10 and stats["clauses"] == 11
    assert stats["kappa"] == pytest.approx(KAPPA_AB)
    assert stats["percent_agreement"] == pytest.approx(0.7)
    (pair,) = stats["pairs"]
    assert pair["annotators"] == ["1", "reviewer.b@example.org"]
    assert pair["phrase_agreement"] == pytest.approx(0.8)
    assert stats["model"]["n"] == 10
    assert stats["model"]["kappa"] == pytest.approx(KAPPA_MODEL)
    assert stats["model"]["percent_agreement"] == pytest.approx(0.9)
    from sklearn.metrics import cohen_kappa_score

    a = [c[3] for c in CLAUSES]
    b = [c[5] for c in CLAUSES]
    assert cohen_kappa_score(a, b) == pytest.approx(KAPPA_AB)  # the hand computation holds


def test_kappa_undefined_and_single_annotator() -> None:
    tasks = [{"data": {"text": t, "doc_id": "d", "para_id": i},
              "annotations": [{"completed_by": 1, "result": [_choice(OPR)]},
                              {"completed_by": 2, "result": [_choice(OPR)]}]}
             for i, t in enumerate(["Decides;", "Requests;"])]
    stats = agreement(tasks)
    assert stats["kappa"] is None and stats["percent_agreement"] == 1.0 and stats["n"] == 2
    solo = agreement([{**tasks[0], "annotations": tasks[0]["annotations"][:1]}])
    assert solo["pairs"] == [] and solo["kappa"] is None and solo["model"] is None


def test_round_trip_of_predictions(tmp_path: Path) -> None:
    records = [_record(d, p, t, ta, pa) for d, p, t, ta, pa, *_ in CLAUSES]
    tasks = export_tasks(records)
    for task in tasks:  # an annotator who accepts every pre-annotation
        task["annotations"] = [{"completed_by": 7, "result": task["predictions"][0]["result"]}]
    path = tmp_path / "accepted.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    gold = import_annotations(path)
    assert gold["type"].tolist() == [r["type"] for r in records]
    phrases = [None if pd.isna(p) else p for p in gold["action_phrase"]]
    assert phrases == [r["action_phrase"] for r in records]
    assert agreement(path)["model"]["percent_agreement"] == 1.0


def test_not_an_export(tmp_path: Path) -> None:
    from pipelines.errors import InputError

    bad = tmp_path / "bad.json"
    bad.write_text('{"rows": [1, 2]}', encoding="utf-8")
    with pytest.raises(InputError, match="not a Label Studio export"):
        import_annotations(bad)
    with pytest.raises(InputError, match="no such file"):
        import_annotations(tmp_path / "missing.json")


def test_cli_import_and_agreement(export_path: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from pipelines.cli.main import app

    runner = CliRunner()
    res = runner.invoke(app, ["labelstudio", "import", str(export_path), "-o",
                              str(tmp_path / "g.jsonl")])
    assert res.exit_code == 0, res.output
    assert "11 gold clauses" in res.output and "0.545" in res.output and "0.846" in res.output
    assert len((tmp_path / "g.jsonl").read_text().splitlines()) == 11
    res = runner.invoke(app, ["labelstudio", "agreement", str(export_path), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["kappa"] == pytest.approx(KAPPA_AB)
    res = runner.invoke(app, ["labelstudio", "config"])
    assert res.exit_code == 0 and '<Choices name="type"' in res.output


#: Label Studio 1.23's default JSON export (our own clauses): ``predictions`` as IDs,
#: ``completed_by`` as user IDs, the prediction inside the annotation that started from it
DEFAULT_1_23 = Path(__file__).parent / "fixtures" / "labelstudio" / "export_1.23_default.json"


def test_default_1_23_export_imports(tmp_path: Path) -> None:
    tasks = json.loads(DEFAULT_1_23.read_text(encoding="utf-8"))
    assert all(isinstance(p, int) for t in tasks for p in t["predictions"])  # the default shape
    gold = import_annotations(DEFAULT_1_23, tmp_path / "gold.jsonl")
    assert gold["type"].tolist() == [OTH, PRE, PRE, OPR, OPR]
    assert gold["action_phrase"].tolist()[1:] == ["Recalling", "Noting with concern",
                                                  "Encourages", "Requests"]
    assert set(gold["annotators"]) == {"1,2"}
    assert gold.loc[1, "adjudication"] == "tie: first annotator"
    stats = agreement(DEFAULT_1_23)
    assert stats["annotators"] == {"1": 5, "2": 5}
    assert stats["percent_agreement"] == pytest.approx(0.8)
    # the model's types come from the predictions nested in the annotations
    assert stats["model"]["n"] == 5 and stats["model"]["percent_agreement"] == 1.0
    lines = (tmp_path / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["para_id"] for line in lines] == [0, 1, 2, 3, 4]


def test_degenerate_kappa_says_why() -> None:
    labels_a = [OPR] * 7
    labels_b = [OPR] * 6 + [PRE]  # 86 % agreement, yet κ = 0: A used one label only
    tasks = [{"data": {"text": f"Clause {i};", "doc_id": "d", "para_id": i},
              "annotations": [{"completed_by": 1, "result": [_choice(a)]},
                              {"completed_by": 2, "result": [_choice(b)]}]}
             for i, (a, b) in enumerate(zip(labels_a, labels_b, strict=True))]
    (pair,) = agreement(tasks)["pairs"]
    assert pair["kappa"] == pytest.approx(0.0) and pair["percent_agreement"] == pytest.approx(6 / 7)
    assert pair["note"].startswith("κ = 0 by construction: 1 used only 'operative'")
    both = [{**t, "annotations": [t["annotations"][0],
                                  {"completed_by": 2, "result": [_choice(OPR)]}]} for t in tasks]
    assert "κ undefined" in agreement(both)["pairs"][0]["note"]
    mixed = agreement([{**t, "annotations": [{"completed_by": 1, "result": [_choice(b)]},
                                             {"completed_by": 2, "result": [_choice(b)]}]}
                       for t, b in zip(tasks, labels_b, strict=True)])
    assert mixed["pairs"][0]["note"] is None


def test_cli_prints_the_kappa_note(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from pipelines.cli.main import app

    tasks = [{"data": {"text": f"Clause {i};", "doc_id": "d", "para_id": i},
              "annotations": [{"completed_by": 1, "result": [_choice(OPR)]},
                              {"completed_by": 2, "result": [_choice(OPR if i else PRE)]}]}
             for i in range(5)]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    res = CliRunner().invoke(app, ["labelstudio", "agreement", str(path)],
                             env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert "κ = 0 by construction" in res.output
