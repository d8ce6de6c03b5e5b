"""Challenge sets: hand-labelled documents of the kinds unclause is judged on (issue 9).

``data/challenge/<kind>/<part>/<doc>.txt`` (or any readable document) with its
``<doc>.labels.jsonl``; the seed is labelled by ``para_id`` in
``data/challenge/seed/seed.labels.jsonl``. A document is read and segmented by the project's own
reader, as ``unclause annotate`` would read it; each gold clause is then aligned with the
segment that holds its opening (texts compared without whitespace and hyphens, in document
order). Gold clauses whose text the segmenter did not yield as one segment are *segmentation
mismatches*, reported per kind; such a clause is scored with the prediction of the segment
that holds its opening, or counted wrong when no segment does. Segments with no gold clause
(page furniture the segmenter kept) are predicted, as context, but not scored.

A kind declares its language in ``data/challenge/<kind>/kind.json`` (``{"language": "fr"}``;
English without it). A trained model is scored on the kinds in the languages of its data only
(``languages=`` of :func:`load_sets`), so an English model's champion selection is not judged on
French documents, while a multilingual model is judged on every kind.

Scores per kind and part: ``preop_macro_f1`` (macro-F1 over preambular/operative, on the
clauses gold-labelled preambular or operative; an ``other`` prediction is a miss), 3-class
``macro_f1`` and ``accuracy``; ``exact_match`` and ``lemma_accuracy`` of the action phrase on the
clauses with a gold phrase (in a kind of another language, the predicted phrase's lemma is the
cross-lingual phrase map's, as ``unclause annotate`` writes it), and ``detect_precision``: the
share of predicted phrases that fall on a clause with a gold phrase (a phrase predicted for a
modal recommendation, "Ministries should …", which has none, lowers it).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.errors import UnclauseError
from pipelines.evaluation.metrics import phrase_metrics, type_metrics
from pipelines.models.frames import with_translated_lemmas

log = logging.getLogger(__name__)

CHALLENGE_ROOT = Path(__file__).resolve().parents[2] / "data" / "challenge"
#: the seed communiqué the seed labels refer to: outside the repository, like the corpus
#: (``../shared/corpus`` of the project root, or of the folder above a worktree)
SEED_NAME = Path("shared") / "corpus" / "seed" / "000_602ffa9324dc4b2d.txt"
_REPO = Path(__file__).resolve().parents[2]
SEED_DOCUMENT = next((p / SEED_NAME for p in (_REPO.parent, _REPO.parent.parent)
                      if (p / SEED_NAME).exists()), _REPO.parent / SEED_NAME)
SEED_KIND = "seed"
PARTS: tuple[str, ...] = ("dev", "final")
LABELS_SUFFIX = ".labels.jsonl"
#: a kind's declaration file (``{"language": "<code>"}``) and the language without one
KIND_FILE = "kind.json"
DEFAULT_LANGUAGE = "en"
PREOP: tuple[str, str] = ("preambular", "operative")
#: metrics logged per kind (``challenge/<kind>/<name>``) for each task
TASK_METRICS: dict[str, tuple[str, ...]] = {
    "clause-type": ("preop_macro_f1", "macro_f1", "accuracy"),
    "action-phrase": ("exact_match", "lemma_accuracy", "detect_precision"),
}
_IGNORED = re.compile(r"[\s\-\u00ad]+")
#: characters of a clause's key that must match the opening of its segment
_OPENING = 24

Predictor = Callable[[pd.DataFrame], pd.DataFrame]


def text_key(text: str) -> str:
    """Text compared without whitespace and hyphens (hard wraps, hyphenation at line ends)."""
    return _IGNORED.sub("", text or "")


@dataclass
class ChallengeSet:
    """The documents of one kind and part: segmented inputs, aligned gold, alignment report."""

    kind: str
    part: str
    inputs: pd.DataFrame          # doc_id, para_id, text: every segment, in document order
    gold: pd.DataFrame            # doc_id, gold_para, text, type, action_phrase, action_lemma, seg
    mismatches: list[dict] = field(default_factory=list)
    extra_segments: int = 0
    language: str = DEFAULT_LANGUAGE

    @property
    def name(self) -> str:
        return f"{self.kind}/{self.part}"

    @property
    def documents(self) -> int:
        return int(self.gold["doc_id"].nunique()) if not self.gold.empty else 0


def _read_labels(path: Path) -> list[dict]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise UnclauseError(f"{path}:{n}: not valid JSON ({exc.msg})",
                                "one JSON object per line (see data/challenge/README.md)") from None
    return rows


def _segments(path: Path) -> tuple[str, list[str]]:
    """``(doc_id, clause texts)`` of a document as the project's reader yields it."""
    from pipelines.corpus.readers import read_documents

    docs = list(read_documents([path], on_error="stop"))
    if len(docs) != 1:
        raise UnclauseError(f"{path}: expected one document, the reader gave {len(docs)}",
                            "a challenge document is one file holding one document")
    return docs[0].doc_id, [c.text for c in docs[0].clauses]


def align(gold_texts: list[str], segments: list[str]) -> tuple[list[int], list[str]]:
    """For each gold clause, the index of the segment that holds its opening (-1: none) and
    how it matched: ``exact``, ``partial`` (the segment starts with it but is longer or
    shorter: a merge or a split) or ``missing``. Matching moves forward in document order."""
    seg_keys = [text_key(s) for s in segments]
    out: list[int] = []
    how: list[str] = []
    pos = 0
    for text in gold_texts:
        key = text_key(text)
        found, kind = -1, "missing"
        for j in range(pos, len(seg_keys)):
            if seg_keys[j] == key:
                found, kind = j, "exact"
                break
        if found < 0:
            head = key[:_OPENING]
            for j in range(pos, len(seg_keys)):
                sk = seg_keys[j]
                if head and (sk.startswith(head) or (len(sk) >= 8 and key.startswith(sk))):
                    found, kind = j, "partial"
                    break
        if found < 0:  # opening inside a segment (two gold clauses merged into one segment)
            for j in range(max(pos - 1, 0), len(seg_keys)):
                if key[:_OPENING] and key[:_OPENING] in seg_keys[j]:
                    found, kind = j, "partial"
                    break
        out.append(found)
        how.append(kind)
        if found >= 0:
            pos = found + (1 if kind == "exact" else 0)
    return out, how


def _load_document(kind: str, part: str, doc_path: Path, labels: list[dict],
                   by_para: bool) -> tuple[pd.DataFrame, pd.DataFrame, list[dict], int]:
    doc_id, segments = _segments(doc_path)
    inputs = pd.DataFrame({"doc_id": doc_id, "para_id": range(len(segments)), "text": segments})
    labels = sorted(labels, key=lambda r: int(r["para_id"]))
    if by_para:  # the seed: labels refer to the reader's para_ids
        seg_index = [int(r["para_id"]) if int(r["para_id"]) < len(segments) else -1
                     for r in labels]
        how = ["exact" if i >= 0 else "missing" for i in seg_index]
        texts = [segments[i] if i >= 0 else "" for i in seg_index]
    else:
        texts = [str(r.get("text", "")) for r in labels]
        seg_index, how = align(texts, segments)
    gold = pd.DataFrame({
        "doc_id": doc_id, "gold_para": [int(r["para_id"]) for r in labels], "text": texts,
        "type": [r.get("type") for r in labels],
        "action_phrase": [r.get("action_phrase") for r in labels],
        "action_lemma": [r.get("action_lemma") for r in labels],
        "seg": seg_index, "match": how})
    mismatches = [{"kind": kind, "part": part, "doc_id": doc_id, "para_id": int(p), "match": h,
                   "text": t[:120], "segment": segments[s][:120] if s >= 0 else None}
                  for p, t, s, h in zip(gold["gold_para"], texts, seg_index, how, strict=True)
                  if h != "exact"]
    extra = len(set(range(len(segments))) - {s for s in seg_index if s >= 0})
    return inputs, gold, mismatches, extra


def _documents(folder: Path) -> Iterable[tuple[Path, Path]]:
    """``(document, labels)`` pairs in a part folder."""
    for labels in sorted(folder.glob(f"*{LABELS_SUFFIX}")):
        stem = labels.name[: -len(LABELS_SUFFIX)]
        docs = [p for p in folder.glob(f"{stem}.*") if p != labels and p.is_file()
                and not p.name.endswith(LABELS_SUFFIX)]
        if not docs:
            log.warning("challenge: %s has no document beside it; skipped", labels)
            continue
        yield sorted(docs)[0], labels


def kind_language(kind: str, root: Path = CHALLENGE_ROOT) -> str:
    """The language a kind declares in its ``kind.json`` (English without one; the seed is
    English)."""
    path = root / kind / KIND_FILE
    if kind == SEED_KIND or not path.exists():
        return DEFAULT_LANGUAGE
    try:
        language = json.loads(path.read_text(encoding="utf-8")).get("language")
    except (json.JSONDecodeError, AttributeError):
        language = None
    if not isinstance(language, str) or not language.strip():
        raise UnclauseError(f"{path}: no language code",
                            'write {"language": "fr"} (an ISO 639-1 code) or remove the file')
    return language.strip().lower()


def available_kinds(root: Path = CHALLENGE_ROOT) -> list[str]:
    """Kinds with at least one part folder, plus ``seed`` when its labels and document exist."""
    kinds = sorted(p.name for p in root.glob("*") if p.is_dir()
                   and any((p / part).is_dir() for part in PARTS))
    if (root / SEED_KIND / f"seed{LABELS_SUFFIX}").exists() and SEED_DOCUMENT.exists():
        kinds.append(SEED_KIND)
    return kinds


def load_set(kind: str, part: str, root: Path = CHALLENGE_ROOT) -> ChallengeSet | None:
    """One kind and part (None when it has no documents). The seed is part ``dev`` only."""
    pieces: list[tuple[pd.DataFrame, pd.DataFrame, list[dict], int]] = []
    if kind == SEED_KIND:
        labels = root / SEED_KIND / f"seed{LABELS_SUFFIX}"
        if part != "dev" or not labels.exists() or not SEED_DOCUMENT.exists():
            return None
        pieces.append(_load_document(kind, part, SEED_DOCUMENT, _read_labels(labels), True))
    else:
        for doc, labels in _documents(root / kind / part):
            pieces.append(_load_document(kind, part, doc, _read_labels(labels), False))
    if not pieces:
        return None
    return ChallengeSet(kind, part, language=kind_language(kind, root),
                        inputs=pd.concat([p[0] for p in pieces], ignore_index=True),
                        gold=pd.concat([p[1] for p in pieces], ignore_index=True),
                        mismatches=[m for p in pieces for m in p[2]],
                        extra_segments=sum(p[3] for p in pieces))


def load_sets(parts: Iterable[str] = ("dev",), kinds: Iterable[str] | None = None,
              root: Path = CHALLENGE_ROOT, languages: Iterable[str] | None = None
              ) -> list[ChallengeSet]:
    """Every available (kind, part) set among ``kinds`` (default: all) and ``parts``, of the
    kinds whose language is one of ``languages`` (default: any)."""
    wanted = list(kinds) if kinds is not None else available_kinds(root)
    if languages is not None:
        allowed = {code.lower() for code in languages}
        wanted = [kind for kind in wanted if kind_language(kind, root) in allowed]
    out = []
    for kind in wanted:
        for part in parts:
            found = load_set(kind, part, root)
            if found is not None:
                out.append(found)
    return out


# --------------------------------------------------------------------------- scoring


def preop_macro_f1(gold: list[str], pred: list[str]) -> float:
    """Macro-F1 over preambular/operative on clauses gold-labelled one of them."""
    pairs = [(g, p) for g, p in zip(gold, pred, strict=True) if g in PREOP]
    if not pairs:
        return float("nan")
    g, p = zip(*pairs, strict=True)
    m = type_metrics(g, p)
    return float(np.mean([m[f"{t}.f1"] for t in PREOP if m[f"{t}.support"] > 0]))


def aligned_predictions(cset: ChallengeSet, pred: pd.DataFrame) -> pd.DataFrame:
    """Predictions for the gold rows: the row of each one's segment (empty when missing)."""
    pred = pred.reset_index(drop=True)
    seg = cset.gold["seg"].to_numpy()
    # inputs and pred are per segment; map (doc, segment) to its row
    offsets = {}
    start = 0
    for doc, n in cset.inputs.groupby("doc_id", sort=False).size().items():
        offsets[doc] = start
        start += n
    rows = [offsets[d] + s if s >= 0 else -1 for d, s in zip(cset.gold["doc_id"], seg, strict=True)]
    out = pd.DataFrame(index=range(len(rows)), columns=pred.columns, dtype=object)
    hit = [i for i, r in enumerate(rows) if r >= 0]
    if hit:
        out.iloc[hit] = pred.iloc[[rows[i] for i in hit]].to_numpy()
    return out


def score(task: str, cset: ChallengeSet, pred: pd.DataFrame) -> dict[str, float]:
    """The metrics of one task on one set, from the predictions for its ``inputs``."""
    aligned = with_translated_lemmas(aligned_predictions(cset, pred), cset.language)
    gold = cset.gold
    out: dict[str, float] = {"n": float(len(gold)),
                             "segment_mismatches": float(len(cset.mismatches))}
    if task == "clause-type":
        g = gold["type"].astype(str).tolist()
        p = [t if isinstance(t, str) else "missing" for t in aligned["type"]]
        m = type_metrics(g, p)
        out.update(macro_f1=m.get("macro_f1", float("nan")), accuracy=m.get("accuracy", np.nan),
                   preop_macro_f1=preop_macro_f1(g, p))
    else:
        m = phrase_metrics(gold["action_phrase"].tolist(), aligned["action_phrase"].tolist(),
                           gold["action_lemma"].tolist(), aligned["action_lemma"].tolist())
        out.update({k: m[k] for k in ("exact_match", "lemma_accuracy", "detect_precision",
                                      "n_with_phrase") if k in m})
    return out


def evaluate_sets(task: str, predict: Predictor, sets: list[ChallengeSet]
                  ) -> dict[tuple[str, str], dict[str, float]]:
    """``{(kind, part): metrics}`` for a predictor on every set."""
    return {(s.kind, s.part): score(task, s, predict(s.inputs)) for s in sets}


def flat_metrics(results: dict[tuple[str, str], dict[str, float]], task: str
                 ) -> dict[str, float]:
    """MLflow metric names: ``challenge/<kind>/<m>`` for dev, ``challenge_final/<kind>/<m>``."""
    out: dict[str, float] = {}
    for (kind, part), metrics in results.items():
        prefix = "challenge" if part == "dev" else f"challenge_{part}"
        for name in (*TASK_METRICS[task], "segment_mismatches"):
            value = metrics.get(name)
            if value is not None and value == value:
                out[f"{prefix}/{kind}/{name}"] = float(value)
    return out


def _squash(value: object) -> str | None:
    return " ".join(value.split()) if isinstance(value, str) and value.strip() else None


def error_rows(task: str, cset: ChallengeSet, pred: pd.DataFrame) -> pd.DataFrame:
    """The gold rows a predictor gets wrong, with the prediction, for error analysis."""
    aligned = with_translated_lemmas(aligned_predictions(cset, pred), cset.language)
    frame = cset.gold[["doc_id", "gold_para", "type", "action_phrase", "action_lemma", "match",
                       "text"]].copy()
    frame.insert(0, "kind", cset.kind)
    if task == "clause-type":
        frame["pred_type"] = aligned["type"].to_numpy()
        wrong = frame["type"] != frame["pred_type"]
    else:
        frame["pred_phrase"] = aligned["action_phrase"].to_numpy()
        frame["pred_lemma"] = aligned["action_lemma"].to_numpy()
        gold_p = frame["action_phrase"].map(_squash)
        pred_p = frame["pred_phrase"].map(_squash)
        wrong = gold_p.notna() & (gold_p != pred_p)
    return frame[wrong.to_numpy()].reset_index(drop=True)


def mismatch_table(sets: list[ChallengeSet]) -> pd.DataFrame:
    """Every segmentation mismatch of ``sets`` (one row per gold clause not yielded exactly)."""
    rows = [m for s in sets for m in s.mismatches]
    return pd.DataFrame(rows, columns=["kind", "part", "doc_id", "para_id", "match", "text",
                                       "segment"])


# --------------------------------------------------------------------------- registered models


def _task_of(pred: pd.DataFrame) -> str:
    return "clause-type" if "type" in pred.columns else "action-phrase"


def evaluate_models(model_uris: list[str], out_dir: Path,
                    parts: Iterable[str] = PARTS) -> pd.DataFrame:
    """Every model on every challenge kind and part: one row per (model, kind, part), written
    as ``challenge.csv`` and ``challenge.md`` (with the segmentation mismatches) in ``out_dir``."""
    from pipelines.io import atomic_open
    from pipelines.tracking.registry import load_model
    from pipelines.tracking.store import connect

    sets = load_sets(parts)
    if not sets:
        raise UnclauseError(f"no challenge sets under {CHALLENGE_ROOT}",
                            "see data/challenge/README.md for the layout")
    store = connect()
    rows = []
    for uri in model_uris:
        model = load_model(uri, store).pyfunc
        for cset in sets:
            pred = model.predict(cset.inputs)
            if not isinstance(pred, pd.DataFrame):
                pred = pd.DataFrame(pred)
            task = _task_of(pred)
            metrics = score(task, cset, pred)
            rows.append({"model": uri, "task": task, "kind": cset.kind,
                         "language": cset.language, "part": cset.part,
                         "documents": cset.documents, "clauses": int(metrics["n"]),
                         **{m: metrics.get(m, float("nan")) for m in TASK_METRICS[task]}})
    table = pd.DataFrame(rows)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with atomic_open(out_dir / "challenge.csv") as fh:
        table.to_csv(fh, index=False)
    mismatches = mismatch_table(sets)
    with atomic_open(out_dir / "challenge.md") as fh:
        fh.write("# Challenge sets\n\nPer kind and part (dev: selection and tuning; final: "
                 "reported only).\n\n" + table.to_markdown(index=False, floatfmt=".4f")
                 + f"\n\n## Segmentation mismatches ({len(mismatches)})\n\n"
                 + (mismatches.to_markdown(index=False) if len(mismatches) else "none") + "\n")
    return table
