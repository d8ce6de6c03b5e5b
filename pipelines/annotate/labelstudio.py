"""Label Studio round trip: tasks with pre-annotations out, adjudicated gold labels back in.

* :func:`export_tasks` / :func:`iter_tasks` turn annotated clauses (rows written by
  ``pipelines.annotate.run``) into Label Studio JSON tasks for ``configs/labelstudio/
  clause_config.xml``: ``data`` holds the clause and its context (doc_id, para_id, previous and
  next clause), ``predictions`` the model's type (Choices ``type``) and action phrase (Labels
  ``phrase``, ``ACTION_PHRASE``) as pre-annotations.
* :func:`import_annotations` reads a Label Studio JSON export, adjudicates each clause
  (majority vote; a tie goes to the first annotator, and says so) and writes a gold JSONL that
  ``unclause evaluate --data`` and ``unclause data build --source`` read (``type``,
  ``action_phrase``, ``action_lemma`` are the gold fields).
* :func:`agreement`: Cohen's κ and percent agreement between annotators on the clauses both
  labelled, and the model's agreement with the adjudicated gold where tasks carry predictions.

Export shapes: Label Studio 1.23's default JSON export lists a task's ``predictions`` as IDs,
gives ``completed_by`` as a user ID and puts the prediction an annotation started from inside
it (``annotation["prediction"]``); exports with full objects (older versions, or the API with
``download_all_tasks``) carry prediction dicts and user objects. Both are read.

Offsets: Label Studio counts characters as JavaScript does (UTF-16 code units); Python counts
code points. They differ only for characters outside the Basic Multilingual Plane, and both
directions are converted.
"""

from __future__ import annotations

import json
import logging
import math
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import combinations
from pathlib import Path
from typing import Any

import pandas as pd

from pipelines.annotate.stream import doc_key
from pipelines.config import CONFIG_ROOT
from pipelines.errors import InputError
from pipelines.io import atomic_open
from pipelines.schema import CLAUSE_TYPES

log = logging.getLogger(__name__)

CONFIG_PATH = CONFIG_ROOT / "labelstudio" / "clause_config.xml"
TEXT_NAME = "text"
TYPE_NAME = "type"
PHRASE_NAME = "phrase"
PHRASE_LABEL = "ACTION_PHRASE"
#: record fields copied into a task's ``data`` when present (besides text/doc_id/para_id)
DATA_FIELDS = ("body", "session", "date", "source", "priority", "uncertainty")
GOLD_COLUMNS = ("doc_id", "para_id", "text", "type", "action_phrase", "action_lemma",
                "annotator", "annotators", "n_annotations", "adjudication")
EXPORT_HINT = ("export the project from Label Studio as JSON (Export → JSON), a list of tasks "
               "each with \"data\" and \"annotations\"")


def labeling_config() -> str:
    """The labeling config XML to paste into a Label Studio project."""
    return CONFIG_PATH.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- offsets


def _is_bmp(text: str) -> bool:
    return all(ord(c) < 0x10000 for c in text)


def to_ls_offset(text: str, index: int) -> int:
    """Python (code point) offset → Label Studio (UTF-16) offset."""
    if _is_bmp(text):
        return index
    return len(text[:index].encode("utf-16-le")) // 2


def from_ls_offset(text: str, index: int) -> int:
    """Label Studio (UTF-16) offset → Python (code point) offset."""
    if _is_bmp(text):
        return index
    units = 0
    for i, char in enumerate(text):
        if units >= index:
            return i
        units += 2 if ord(char) >= 0x10000 else 1
    return len(text)


# --------------------------------------------------------------------------- export


def task_for(record: dict[str, Any], prev_text: str = "", next_text: str = "",
             model_version: str | None = None, default_doc: str = "doc") -> dict[str, Any]:
    """One Label Studio task for an annotated clause (predictions only if it has a type)."""
    text = str(record["text"])
    para = record.get("para_id")
    data: dict[str, Any] = {"text": text, "doc_id": doc_key(record, default_doc),
                            "para_id": para, "prev_text": prev_text or "",
                            "next_text": next_text or "",
                            # Label Studio's <Header> shows only strings: the number as text
                            "paragraph": f"¶ {para}" if para is not None else ""}
    data.update({k: record[k] for k in DATA_FIELDS if record.get(k) is not None})
    task: dict[str, Any] = {"data": data}
    if record.get("type") is None:
        return task
    score = record.get("type_score")
    result: list[dict[str, Any]] = [{
        "id": "type", "from_name": TYPE_NAME, "to_name": TEXT_NAME, "type": "choices",
        "value": {"choices": [str(record["type"])]},
        **({"score": float(score)} if score is not None else {}),
    }]
    span = record.get("action_span")
    phrase = record.get("action_phrase")
    if phrase is not None and span:
        start, end = int(span[0]), int(span[1])
        result.append({
            "id": "phrase", "from_name": PHRASE_NAME, "to_name": TEXT_NAME, "type": "labels",
            "value": {"start": to_ls_offset(text, start), "end": to_ls_offset(text, end),
                      "text": text[start:end], "labels": [PHRASE_LABEL]},
        })
    prediction: dict[str, Any] = {"model_version": model_version or "unclause", "result": result}
    if score is not None:
        prediction["score"] = float(score)
    task["predictions"] = [prediction]
    return task


def iter_tasks(records: Iterable[dict[str, Any]], model_version: str | None = None,
               default_doc: str = "doc") -> Iterator[dict[str, Any]]:
    """Tasks for records in document order, streamed; the previous and next clause of the same
    document become context (records that already carry ``prev_text``/``next_text``, as
    ``annotate --select`` writes them, keep theirs)."""
    prev: dict[str, Any] | None = None
    held: dict[str, Any] | None = None
    for record in records:
        if held is not None:
            yield _task_with_context(held, prev, record, model_version, default_doc)
            prev = held
        held = record
    if held is not None:
        yield _task_with_context(held, prev, None, model_version, default_doc)


def _task_with_context(record: dict[str, Any], prev: dict[str, Any] | None,
                       nxt: dict[str, Any] | None, model_version: str | None,
                       default_doc: str) -> dict[str, Any]:
    doc = doc_key(record, default_doc)
    prev_text = record.get("prev_text")
    if prev_text is None:
        prev_text = prev.get("text", "") if prev and doc_key(prev, default_doc) == doc else ""
    next_text = record.get("next_text")
    if next_text is None:
        next_text = nxt.get("text", "") if nxt and doc_key(nxt, default_doc) == doc else ""
    return task_for(record, str(prev_text), str(next_text), model_version, default_doc)


def export_tasks(records: Iterable[dict[str, Any]], model_version: str | None = None,
                 default_doc: str = "doc") -> list[dict[str, Any]]:
    """Label Studio JSON tasks (with pre-annotations) for annotated clause records."""
    return list(iter_tasks(records, model_version, default_doc))


# --------------------------------------------------------------------------- import


def read_export(path: str | Path) -> list[dict[str, Any]]:
    """The tasks of a Label Studio JSON export; ``InputError`` if it is not one."""
    path = Path(path)
    try:
        tasks = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InputError(str(path), "no such file", EXPORT_HINT) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(str(path), f"not a JSON file ({exc})", EXPORT_HINT) from None
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list) or not all(isinstance(t, dict) and "data" in t
                                              for t in tasks):
        raise InputError(str(path), "not a Label Studio export (a list of tasks with \"data\")",
                         EXPORT_HINT)
    return tasks


def _annotator(annotation: dict[str, Any], index: int) -> str:
    """The annotator's e-mail (full user object) or user ID (1.23's default export)."""
    who = annotation.get("completed_by")
    if isinstance(who, dict):
        who = who.get("email") or who.get("id")
    return str(who) if who is not None else f"annotator-{index + 1}"


def _predictions(task: dict[str, Any]) -> list[dict[str, Any]]:
    """The task's predictions as dicts, in either export shape: ``predictions`` holds dicts, or
    only IDs while the dicts sit inside the annotations that started from them."""
    found = [p for p in task.get("predictions") or [] if isinstance(p, dict)]
    if found:
        return found
    ids = [p for p in task.get("predictions") or [] if isinstance(p, int)]
    inner: list[dict[str, Any]] = [
        p for p in (a.get("prediction") for a in task.get("annotations") or [] if isinstance(a, dict))
        if isinstance(p, dict) and p.get("result")]
    inner.sort(key=lambda p: ids.index(p["id"]) if p.get("id") in ids else len(ids))
    return inner


def _parse_result(result: list[dict[str, Any]], text: str) -> dict[str, Any]:
    """The clause type and the opening action-phrase span in one annotation's results."""
    out: dict[str, Any] = {"type": None, "action_phrase": None, "action_start": None,
                           "action_end": None}
    spans: list[tuple[int, int]] = []
    for item in result or []:
        value = item.get("value") or {}
        kind = item.get("type")
        if kind == "choices" and item.get("from_name", TYPE_NAME) == TYPE_NAME:
            choices = value.get("choices") or []
            if choices and str(choices[0]).strip().lower() in CLAUSE_TYPES:
                out["type"] = str(choices[0]).strip().lower()
        elif kind == "labels" and item.get("from_name", PHRASE_NAME) == PHRASE_NAME:
            if "start" not in value or "end" not in value:
                continue
            start = from_ls_offset(text, int(value["start"]))
            end = from_ls_offset(text, int(value["end"]))
            said = value.get("text")
            if said and text[start:end] != said:  # offsets from another text version
                found = text.find(said)
                if found < 0:
                    continue
                start, end = found, found + len(said)
            if 0 <= start < end <= len(text):
                spans.append((start, end))
    if spans:
        start, end = min(spans)  # the opening phrase; later ones are further action verbs
        out.update(action_phrase=text[start:end], action_start=start, action_end=end)
    return out


def _prediction_type(task: dict[str, Any]) -> str | None:
    for prediction in _predictions(task):
        for item in prediction.get("result") or []:
            if item.get("type") == "choices" and item.get("from_name", TYPE_NAME) == TYPE_NAME:
                choices = (item.get("value") or {}).get("choices") or []
                if choices:
                    return str(choices[0]).strip().lower()
    return None


def annotation_frame(tasks: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per (task, non-cancelled annotation): who labelled which clause how.

    Columns: task, doc_id, para_id, text, body, session, annotator, order (position of the
    annotation in the task), type, action_phrase, action_start, action_end, pred_type.
    """
    rows = []
    for t_index, task in enumerate(tasks):
        data = task.get("data") or {}
        text = data.get("text")
        if not isinstance(text, str):
            log.warning("task %s has no text; skipped", task.get("id", t_index))
            continue
        key = task.get("id", t_index)
        pred_type = _prediction_type(task)
        for order, annotation in enumerate(task.get("annotations") or []):
            if not isinstance(annotation, dict) or annotation.get("was_cancelled"):
                continue
            parsed = _parse_result(annotation.get("result") or [], text)
            rows.append({"task": key, "doc_id": data.get("doc_id"), "para_id": data.get("para_id"),
                         "text": text, "body": data.get("body"), "session": data.get("session"),
                         "annotator": _annotator(annotation, order), "order": order, **parsed,
                         "pred_type": pred_type})
    columns = ["task", "doc_id", "para_id", "text", "body", "session", "annotator", "order",
               "type", "action_phrase", "action_start", "action_end", "pred_type"]
    return pd.DataFrame(rows, columns=columns)


def _vote(values: list[Any]) -> tuple[Any, int, str]:
    """Majority value, the index of the first annotation giving it, and how it was decided."""
    counts = Counter(values)
    top = max(counts.values())
    winners = {v for v, c in counts.items() if c == top}
    first = next(i for i, v in enumerate(values) if v in winners)
    if len(values) == 1:
        how = "single"
    elif len(counts) == 1:
        how = "unanimous"
    elif len(winners) == 1:
        how = "majority"
    else:
        how = "tie: first annotator"
    return values[first], first, how


def adjudicate(annotations: pd.DataFrame) -> pd.DataFrame:
    """One gold row per clause: the majority type (a tie goes to the first annotator, recorded
    in ``adjudication``), and the majority action-phrase span among the annotations that chose
    that type; ``annotator`` is whose label was adopted."""
    from pipelines.text.lemmas import lemmatize_phrase

    rows = []
    typed = annotations[annotations["type"].notna()]
    for _, group in typed.groupby("task", sort=False):
        group = group.sort_values("order", kind="stable")
        gold_type, first, how = _vote(group["type"].tolist())
        agreeing = group[group["type"] == gold_type]
        spans = [(s, e) if pd.notna(s) else None for s, e in
                 zip(agreeing["action_start"], agreeing["action_end"], strict=True)]
        span, _, _ = _vote(spans)
        row0 = group.iloc[first]
        text = row0["text"]
        phrase = text[int(span[0]):int(span[1])] if span else None
        rows.append({
            "doc_id": row0["doc_id"], "para_id": row0["para_id"], "text": text,
            "type": gold_type, "action_phrase": phrase,
            "action_lemma": lemmatize_phrase(phrase) if phrase else None,
            "annotator": row0["annotator"], "annotators": ",".join(group["annotator"]),
            "n_annotations": len(group), "adjudication": how,
            "body": row0["body"], "session": row0["session"], "pred_type": row0["pred_type"],
            "task": row0["task"],
        })
    columns = [*GOLD_COLUMNS, "body", "session", "pred_type", "task"]
    return pd.DataFrame(rows, columns=columns)


def _json_value(value: Any, key: str) -> Any:
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if key == "para_id" and isinstance(value, float) and value.is_integer():
        return int(value)  # a column that also held nulls turned into floats
    return value


def write_gold_jsonl(gold: pd.DataFrame, out: str | Path) -> Path:
    """Gold rows as JSONL (atomically), fields as the JSONL clause reader expects them."""
    out = Path(out)
    keep = [c for c in (*GOLD_COLUMNS, "body", "session") if c in gold.columns]
    with atomic_open(out) as fh:
        for record in gold[keep].to_dict("records"):
            clean = {k: _json_value(v, k) for k, v in record.items()}
            clean = {k: v for k, v in clean.items()
                     if v is not None or k in ("type", "action_phrase", "action_lemma")}
            fh.write(json.dumps(clean, ensure_ascii=False) + "\n")
    return out


def import_annotations(export_json_path: str | Path, out: str | Path | None = None
                       ) -> pd.DataFrame:
    """Read a Label Studio export into adjudicated gold rows (and write them to ``out``)."""
    tasks = read_export(export_json_path)
    annotations = annotation_frame(tasks)
    gold = adjudicate(annotations)
    if gold.empty:
        raise InputError(str(export_json_path), "no completed annotations with a clause type",
                         "annotate some tasks in Label Studio (and choose a type), then export")
    dropped = len(tasks) - len(gold)
    if dropped:
        log.info("%d task(s) without a usable annotation were left out", dropped)
    if out is not None:
        write_gold_jsonl(gold, out)
    return gold


# --------------------------------------------------------------------------- agreement


def _kappa(a: list[str], b: list[str]) -> float | None:
    """Cohen's κ, or None where it is undefined (both raters used one and the same label)."""
    import warnings

    from sklearn.metrics import cohen_kappa_score

    if not a:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = cohen_kappa_score(a, b, labels=list(CLAUSE_TYPES))
    return None if value is None or math.isnan(value) else float(value)


def kappa_note(a: list[str], b: list[str], names: tuple[str, str]) -> str | None:
    """Why κ is degenerate for these two raters' labels, or None when it is not.

    κ measures agreement beyond what the raters' label frequencies predict by chance. When one
    rater used a single label, chance already predicts all of that rater's choices, so κ is 0
    however often the two agree; when both used the same single label, κ is undefined.
    """
    used = (set(a), set(b))
    if not a or all(len(u) > 1 for u in used):
        return None
    if len(used[0]) == 1 and used[0] == used[1]:
        return (f"κ undefined: {names[0]} and {names[1]} both used only '{next(iter(used[0]))}' "
                "on these clauses; read % agreement")
    lone = 0 if len(used[0]) == 1 else 1
    return (f"κ = 0 by construction: {names[lone]} used only '{next(iter(used[lone]))}' on "
            f"these {len(a)} clauses, so chance explains every agreement; read % agreement")


def _pair_stats(x: pd.Series, y: pd.Series, names: tuple[str, str]) -> dict[str, Any]:
    a, b = x.astype(str).tolist(), y.astype(str).tolist()
    n = len(a)
    return {"n": n, "kappa": _kappa(a, b),
            "percent_agreement": (sum(p == q for p, q in zip(a, b, strict=True)) / n) if n
            else None, "note": kappa_note(a, b, names)}


def _as_annotations(annotations: Any) -> pd.DataFrame:
    if isinstance(annotations, pd.DataFrame):
        return annotations
    if isinstance(annotations, str | Path):
        return annotation_frame(read_export(annotations))
    return annotation_frame(list(annotations))


def agreement(annotations: pd.DataFrame | list[dict[str, Any]] | str | Path) -> dict[str, Any]:
    """Inter-annotator and model-vs-human agreement on clause types.

    ``annotations``: the frame of :func:`annotation_frame`, a list of exported tasks, or the
    export's path. Returns ``annotators`` (with their counts), ``pairs`` (every pair: ``n``
    clauses both labelled, Cohen's ``kappa``, ``percent_agreement``, and ``phrase_agreement``,
    the share with the same action-phrase span), the headline ``kappa`` /
    ``percent_agreement`` / ``n`` of the pair that shares most clauses, and ``model`` (κ,
    percent agreement and n of the tasks' predictions against the adjudicated gold) when the
    tasks carry predictions. κ is None where it is undefined; every pair (and ``model``) has a
    ``note`` saying why when κ is degenerate (see :func:`kappa_note`), else None.
    """
    frame = _as_annotations(annotations)
    typed = frame[frame["type"].notna()]
    counts = typed.groupby("annotator", sort=False).size()
    result: dict[str, Any] = {"annotators": {str(k): int(v) for k, v in counts.items()},
                              "clauses": int(typed["task"].nunique()), "pairs": [],
                              "kappa": None, "percent_agreement": None, "n": 0, "model": None}
    per_annotator = {a: g.drop_duplicates("task").set_index("task")
                     for a, g in typed.groupby("annotator", sort=False)}
    for a, b in combinations(list(per_annotator), 2):
        left, right = per_annotator[a], per_annotator[b]
        common = left.index.intersection(right.index, sort=False)
        if common.empty:
            continue
        stats = _pair_stats(left.loc[common, "type"], right.loc[common, "type"],
                            (str(a), str(b)))
        same_span = [
            (pd.isna(s1) and pd.isna(s2)) or (s1 == s2 and e1 == e2)
            for s1, e1, s2, e2 in zip(left.loc[common, "action_start"],
                                      left.loc[common, "action_end"],
                                      right.loc[common, "action_start"],
                                      right.loc[common, "action_end"], strict=True)]
        stats["phrase_agreement"] = sum(same_span) / len(same_span)
        result["pairs"].append({"annotators": [str(a), str(b)], **stats})
    if result["pairs"]:
        best = max(result["pairs"], key=lambda p: p["n"])  # first of the largest
        result.update(kappa=best["kappa"], percent_agreement=best["percent_agreement"],
                      n=best["n"])
    if typed["pred_type"].notna().any():
        gold = adjudicate(typed)
        gold = gold[gold["pred_type"].notna()]
        if not gold.empty:
            result["model"] = _pair_stats(gold["pred_type"], gold["type"], ("the model", "gold"))
    return result
