"""Annotate routes each document by language: English to ``<task>@champion``, French and Chinese
to ``<task>-multilingual@champion`` (loaded only when needed), or to the English champion with
one warning when no multilingual model is registered. Every clause is our own writing."""

from __future__ import annotations

import json
import logging
import random
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from synthetic import SMALL_VOCABULARY, make_clause_table

from pipelines.annotate.parallel import fork_problem
from pipelines.annotate.routing import ModelRouter
from pipelines.annotate.run import annotate

#: (opening, English lemma): preambular and operative openings, French and Chinese
FRENCH = ([("Rappelant", "recall"), ("Réaffirmant", "reaffirm"), ("Notant", "note"),
           ("Considérant", "consider")],
          [("Prie", "request"), ("Décide", "decide"), ("Engage", "urge"), ("Invite", "invite")])
CHINESE = ([("回顾", "recall"), ("重申", "reaffirm"), ("注意到", "note"), ("认识到", "recognize")],
           [("决定", "decide"), ("敦促", "urge"), ("邀请", "invite"), ("鼓励", "encourage")])
TOPICS = {"fr": ["la sécurité des phares côtiers", "l’archivage des comptes rendus",
                 "la formation des jeunes guides de montagne", "les routes rurales"],
          "zh": ["沿海灯塔的安全", "会议记录的数字存档", "山区向导的培训", "农村道路的养护"]}


def _document(language: str, d: int, rng: random.Random) -> list[dict[str, Any]]:
    """An invented resolution in French or Chinese, with gold labels."""
    preambular, operative = FRENCH if language == "fr" else CHINESE
    topic = rng.choice(TOPICS[language])
    if language == "fr":
        clauses = [(f"Résolution {d} sur {topic}", "other", None, None),
                   ("L’Assemblée générale,", "other", None, None)]
        clauses += [(f"{p} ses résolutions antérieures sur {rng.choice(TOPICS['fr'])},",
                     "preambular", p, lemma) for p, lemma in rng.sample(preambular, 3)]
        clauses += [(f"{i + 1}. {p} les États Membres de veiller à {rng.choice(TOPICS['fr'])} ;",
                     "operative", p, lemma) for i, (p, lemma) in enumerate(rng.sample(operative, 3))]
    else:
        clauses = [(f"关于{topic}的第{d}号决议", "other", None, None), ("大会，", "other", None, None)]
        clauses += [(f"{p}其以往关于{rng.choice(TOPICS['zh'])}的各项决议，", "preambular", p, lemma)
                    for p, lemma in rng.sample(preambular, 3)]
        clauses += [(f"{i + 1}. {p}各会员国重视{rng.choice(TOPICS['zh'])}；", "operative", p, lemma)
                    for i, (p, lemma) in enumerate(rng.sample(operative, 3))]
    return [{"doc_id": f"{language}-{d}", "para_id": i, "text": text, "type": kind,
             "action_phrase": phrase, "action_lemma": lemma, "language": language}
            for i, (text, kind, phrase, lemma) in enumerate(clauses)]


def _multilingual_table(folder: Path) -> Path:
    """The invented English table plus 20 French and 20 Chinese resolutions, split 7:2:1."""
    rng = random.Random(5)
    english = make_clause_table(30, 7, test_split=True, vocabulary=SMALL_VOCABULARY)
    english["language"] = "en"
    rows = [r for lang in ("fr", "zh") for d in range(20) for r in _document(lang, d, rng)]
    others = pd.DataFrame(rows)
    others["split"] = [("train", "train", "train", "train", "train", "train", "train",
                        "validation", "validation", "test")[int(d.split("-")[1]) % 10]
                       for d in others["doc_id"]]
    others["body"], others["session"] = "GA", "99"
    frame = pd.concat([english, others], ignore_index=True)
    folder.mkdir(parents=True)
    for split in ("train", "validation", "test"):
        frame[frame["split"] == split].reset_index(drop=True).to_parquet(
            folder / f"{split}.parquet", index=False)
    return folder


@pytest.fixture(scope="module")
def routed_store(champions: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
                 ) -> Iterator[str]:
    """A copy of the shared champions' store with rules ``<task>-multilingual`` models
    registered beside them (trained on English, French and Chinese)."""
    from pipelines.config import load_config
    from pipelines.training.runner import run_experiment

    root = tmp_path_factory.mktemp("routed")
    source = sqlite3.connect(Path(champions["uri"].removeprefix("sqlite:///")))
    target = sqlite3.connect(root / "mlflow.db")
    source.backup(target)
    source.close()
    target.close()
    uri = f"sqlite:///{root / 'mlflow.db'}"
    data = _multilingual_table(root / "clauses")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MLFLOW_TRACKING_URI", uri)
        mp.delenv("MLFLOW_REGISTRY_URI", raising=False)
        mp.chdir(root)
        for task in ("clause-type", "action-phrase"):
            cfg = load_config("default", [f"task={task}", "model=rules", f"data.path={data}",
                                          f"registered_model={task}-multilingual",
                                          "experiment=routing"])
            assert run_experiment(cfg, register=True).registration["promoted"]
        mp.setenv("MLFLOW_TRACKING_URI", uri)
        yield uri


def _write(path: Path, docs: list[list[dict[str, Any]]]) -> Path:
    path.write_text("".join(json.dumps({k: r[k] for k in ("doc_id", "para_id", "text")},
                                       ensure_ascii=False) + "\n" for doc in docs for r in doc),
                    encoding="utf-8")
    return path


def _rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


ENGLISH = [{"doc_id": "en-1", "para_id": i, "text": t} for i, t in enumerate([
    "The General Assembly,", "Recalling its previous resolutions on the subject,",
    "1. Requests the Secretary-General to report on lighthouse safety;",
    "2. Decides to include in the provisional agenda an item on coastal archives."])]
FR = _document("fr", 90, random.Random(1))
ZH = _document("zh", 91, random.Random(2))
MULTI = ("models:/clause-type-multilingual@champion", "models:/action-phrase-multilingual@champion")


def test_each_language_gets_its_model(routed_store: str, tmp_path: Path) -> None:
    mixed = _write(tmp_path / "mixed.jsonl", [ENGLISH, FR, ZH])
    result = annotate(mixed, tmp_path / "mixed.out.jsonl")
    rows = _rows(tmp_path / "mixed.out.jsonl")
    assert "fr es ru zh ar: clause-type-multilingual v1 + action-phrase-multilingual v1" \
        in result.models
    # English rows are exactly those of an English-only run (the English champions)
    annotate(_write(tmp_path / "en.jsonl", [ENGLISH]), tmp_path / "en.out.jsonl")
    assert rows[:len(ENGLISH)] == _rows(tmp_path / "en.out.jsonl")
    # French and Chinese rows are the multilingual models' ones, and their phrases are right
    annotate(_write(tmp_path / "other.jsonl", [FR, ZH]), tmp_path / "ml.out.jsonl",
             type_model=MULTI[0], phrase_model=MULTI[1])
    assert rows[len(ENGLISH):] == _rows(tmp_path / "ml.out.jsonl")
    gold = FR + ZH
    assert [r["type"] for r in rows[len(ENGLISH):]] == [g["type"] for g in gold]
    assert [r["action_phrase"] for r in rows[len(ENGLISH):]] == [g["action_phrase"] for g in gold]
    # the English champions alone (explicit URIs: no routing) miss the French/Chinese phrases
    annotate(tmp_path / "other.jsonl", tmp_path / "en-model.out.jsonl",
             type_model="models:/clause-type/1", phrase_model="models:/action-phrase/1")
    english_model = _rows(tmp_path / "en-model.out.jsonl")
    assert [r["action_phrase"] for r in english_model] != [g["action_phrase"] for g in gold]


def test_worker_processes_route_as_one_process_does(routed_store: str, tmp_path: Path,
                                                    single_threaded: Callable[..., Any]) -> None:
    """With --jobs 2 a worker loads the multilingual models; this process still names them."""
    single_threaded(_routed_in_workers, tmp_path)


def _routed_in_workers(tmp_path: Path) -> None:
    assert fork_problem() is None  # so the workers really run (and not this process alone)
    mixed = _write(tmp_path / "mixed.jsonl", [ENGLISH, FR, ZH, ENGLISH])
    one = annotate(mixed, tmp_path / "one.jsonl", batch_size=len(ENGLISH), jobs=1)
    two = annotate(mixed, tmp_path / "two.jsonl", batch_size=len(ENGLISH), jobs=2)
    assert (tmp_path / "two.jsonl").read_bytes() == (tmp_path / "one.jsonl").read_bytes()
    assert two.models == one.models and "fr es ru zh ar: clause-type-multilingual" in two.models


def test_lang_option_routes_too(routed_store: str, tmp_path: Path) -> None:
    """--lang fr sends even English-looking text to the multilingual models."""
    annotate(_write(tmp_path / "en.jsonl", [ENGLISH]), tmp_path / "fr.out.jsonl", lang="fr")
    annotate(tmp_path / "en.jsonl", tmp_path / "ml.out.jsonl", type_model=MULTI[0],
             phrase_model=MULTI[1], lang="fr")
    assert _rows(tmp_path / "fr.out.jsonl") == _rows(tmp_path / "ml.out.jsonl")


def test_english_input_never_loads_the_multilingual_models(routed_store: str,
                                                           tmp_path: Path) -> None:
    from pipelines.annotate.merge import load_models

    router = ModelRouter.for_uris(load_models(), *(m.replace("-multilingual", "") for m in MULTI))
    assert isinstance(router, ModelRouter)
    annotate(_write(tmp_path / "en.jsonl", [ENGLISH]), tmp_path / "out.jsonl", models=router)
    assert router._other is None and "multilingual" not in router.version_label
    # explicit models: no router at all
    explicit = load_models("models:/clause-type/1", "models:/action-phrase/1")
    assert ModelRouter.for_uris(explicit, "models:/clause-type/1",
                                "models:/action-phrase/1") is explicit


def test_without_multilingual_models_english_ones_serve_with_one_warning(
        champion_store: str, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    infile = _write(tmp_path / "in.jsonl", [FR, ZH, FR[:2]])
    with caplog.at_level(logging.WARNING, logger="pipelines.annotate.routing"):
        result = annotate(infile, tmp_path / "out.jsonl", batch_size=len(FR))  # several batches
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1  # once for the whole run
    assert ("models:/clause-type-multilingual@champion and "
            "models:/action-phrase-multilingual@champion are not registered") in warnings[0]
    assert "make run" in warnings[0] and \
        "and the same with task=action-phrase" in warnings[0]
    assert "multilingual" not in result.models
    annotate(infile, tmp_path / "explicit.jsonl", type_model="models:/clause-type/1",
             phrase_model="models:/action-phrase/1")
    assert _rows(tmp_path / "out.jsonl") == _rows(tmp_path / "explicit.jsonl")


def test_a_resumed_run_checks_the_multilingual_models(routed_store: str, tmp_path: Path) -> None:
    from pipelines.annotate.state import partial_paths
    from pipelines.errors import UnclauseError

    class Stop(Exception):
        pass

    def stop(progress: Any) -> None:
        if progress.batches == 2:
            raise Stop

    infile = _write(tmp_path / "in.jsonl", [ENGLISH, FR, ZH, ENGLISH[:2]])
    full = tmp_path / "full.jsonl"
    annotate(infile, full, batch_size=len(FR))
    out = tmp_path / "out.jsonl"
    with pytest.raises(Stop):
        annotate(infile, out, batch_size=len(FR), on_batch=stop)
    state_path = partial_paths(out)[1]
    state = json.loads(state_path.read_text("utf-8"))
    assert state["late_models"]["type"]["uri"] == MULTI[0]
    assert state["late_models"]["phrase"]["version"] == "1"
    changed = json.loads(json.dumps(state))
    changed["late_models"]["phrase"]["version"] = "0"  # as if the champion had moved meanwhile
    state_path.write_text(json.dumps(changed), "utf-8")
    with pytest.raises(UnclauseError, match="models for the other languages changed"):
        annotate(infile, out, batch_size=len(FR), resume=True)
    state_path.write_text(json.dumps(state), "utf-8")
    annotate(infile, out, batch_size=len(FR), resume=True)
    assert out.read_bytes() == full.read_bytes()
