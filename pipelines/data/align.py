"""Aligned clauses across languages, and the cross-lingual phrase → English lemma map.

A translated resolution pairs with its English original by symbol (``work_id``); its clauses
pair with the English clauses of the same ``eId`` (AKN4UN numbers paragraphs and preambular
containers in the same order in every language version; 94–98 % of English eIds are found in
each translation of session 79). From the preambular and operative pairs we

- learn the map (``pipelines.text.crosslingual.learn_phrase_map``) from the documents of the
  train split only (the split the dataset gives them), and write it as the package resource;
- measure, on the validation and test documents, how often the map's lemma for the translated
  phrase equals the lemma of the aligned English clause: exactly, and up to the English
  synonyms that the translations do not tell apart (``LEMMA_SYNONYMS``);
- measure the ceiling of any phrase → lemma map on those pairs (:func:`phrase_ceiling`): the
  agreement of the map fitted to the held-out pairs themselves. Where one translated phrase
  stands for several English verbs ("Souligne": stresses, emphasizes, underlines), no map and
  no reading of the translated text can tell which one the English has; the ceiling says how
  much of the disagreement is that.
"""

from __future__ import annotations

import json
import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines.corpus.readers import ReadReport
from pipelines.data.dataset import check_language, read_parallel, work_id
from pipelines.data.split import assign_splits
from pipelines.errors import UnclauseError
from pipelines.io import atomic_open
from pipelines.schema import Clause, ClauseType, Document
from pipelines.text.crosslingual import (
    MAP_RESOURCE,
    learn_phrase_map,
    lemma_class,
    lemmas_agree,
    lookup,
    normalize_translated_phrase,
)

log = logging.getLogger(__name__)

#: where the shipped map lives in the source tree
RESOURCE_PATH = Path(__file__).resolve().parents[1] / "text" / "resources" / MAP_RESOURCE
_LABELLED = (ClauseType.PREAMBULAR.value, ClauseType.OPERATIVE.value)


@dataclass(frozen=True)
class AlignedPair:
    """A translated clause and the English clause with the same eId in the same resolution."""

    language: str
    work_id: str
    clause: Clause
    english: Clause


@dataclass
class AlignmentStats:
    """Per language: how many English clauses found their translation, and lemma agreement."""

    documents: int = 0
    english_clauses: int = 0
    aligned: int = 0
    same_type: int = 0
    pairs_with_labels: int = 0
    heldout: int = 0
    covered: int = 0
    exact: int = 0
    synonym: int = 0
    ceiling_exact: int = 0
    ceiling_synonym: int = 0
    disagreements: dict[tuple[str, str | None, str], int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        def rate(n: int, d: int) -> float | None:
            return round(n / d, 4) if d else None
        return {
            "documents": self.documents, "english_clauses": self.english_clauses,
            "aligned": self.aligned, "alignment_rate": rate(self.aligned, self.english_clauses),
            "type_agreement": rate(self.same_type, self.aligned),
            "pairs_with_labels": self.pairs_with_labels, "heldout_pairs": self.heldout,
            "coverage": rate(self.covered, self.heldout),
            "lemma_agreement": rate(self.exact, self.heldout),
            "lemma_agreement_synonyms": rate(self.synonym, self.heldout),
            "lemma_ceiling": rate(self.ceiling_exact, self.heldout),
            "lemma_ceiling_synonyms": rate(self.ceiling_synonym, self.heldout),
        }


def align_documents(docs: Iterable[Document]) -> tuple[list[AlignedPair], dict[str, AlignmentStats]]:
    """Preambular and operative clause pairs (translation, English) by work and eId."""
    docs = list(docs)
    english = {work_id(d): d for d in docs if d.language == "en"}
    pairs: list[AlignedPair] = []
    stats: dict[str, AlignmentStats] = defaultdict(AlignmentStats)
    for doc in docs:
        if doc.language in (None, "en"):
            continue
        original = english.get(work_id(doc))
        if original is None:
            continue
        st = stats[doc.language]
        st.documents += 1
        by_eid = {c.extra["eid"]: c for c in doc.clauses if c.extra.get("eid")}
        for eng in original.clauses:
            if eng.type not in _LABELLED or not eng.extra.get("eid"):
                continue
            st.english_clauses += 1
            clause = by_eid.get(eng.extra["eid"])
            if clause is None:
                continue
            st.aligned += 1
            if clause.type == eng.type:
                st.same_type += 1
                pairs.append(AlignedPair(doc.language, work_id(doc), clause, eng))
    return pairs, dict(stats)


def work_splits(docs: Iterable[Document], seed: int = 13) -> dict[str, str]:
    """Each work's split as ``add_splits`` gives it (by work, stratified by body/session)."""
    strata = {work_id(d): f"{d.body or '?'}/{d.session or '?'}" for d in docs}
    return assign_splits(strata.items(), seed=seed)


def phrase_ceiling(pairs: Iterable[tuple[str, str]], key: Callable[[str], str] = str) -> int:
    """How many ``(phrase, gold lemma)`` pairs the best possible phrase → lemma map gets right:
    each phrase's most frequent ``key(lemma)`` among the pairs themselves."""
    by_phrase: dict[str, Counter[str]] = defaultdict(Counter)
    for phrase, lemma in pairs:
        by_phrase[phrase][key(lemma)] += 1
    return sum(counts.most_common(1)[0][1] for counts in by_phrase.values())


def learn_and_measure(pairs: list[AlignedPair], stats: dict[str, AlignmentStats],
                      split: dict[str, str], seed: int = 13) -> dict[str, Any]:
    """The map learnt on the train-split works, and agreement measured on the others."""
    usable = [p for p in pairs if p.clause.action_phrase and p.english.action_lemma]
    train = [(p.language, p.clause.action_phrase or "", p.english.action_lemma or "")
             for p in usable if split[p.work_id] == "train"]
    phrase_map = learn_phrase_map(train)
    disagreements: dict[str, defaultdict[tuple[str, str | None, str], int]] = defaultdict(
        lambda: defaultdict(int))
    heldout: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for p in usable:
        st = stats[p.language]
        st.pairs_with_labels += 1
        if split[p.work_id] == "train":
            continue
        got = lookup(p.clause.action_phrase or "", p.language, phrase_map)
        gold = p.english.action_lemma
        heldout[p.language].append((normalize_translated_phrase(p.clause.action_phrase or "",
                                                                p.language), gold or ""))
        st.heldout += 1
        st.covered += got is not None
        st.exact += lemmas_agree(got, gold)
        same = lemmas_agree(got, gold, synonyms=True)
        st.synonym += same
        if not same:
            disagreements[p.language][(p.clause.action_phrase or "", got, gold or "")] += 1
    for language, held in heldout.items():
        stats[language].ceiling_exact = phrase_ceiling(held)
        stats[language].ceiling_synonym = phrase_ceiling(held, lemma_class)
    for language, counts in disagreements.items():
        stats[language].disagreements = dict(sorted(counts.items(), key=lambda kv: -kv[1])[:20])
    phrase_map["trained_on"] = {"works": len({p.work_id for p in usable
                                              if split[p.work_id] == "train"}),
                                "pairs": len(train), "seed": seed}
    phrase_map["agreement"] = {lang: st.as_dict() for lang, st in sorted(stats.items())}
    return phrase_map


def build_phrase_map(sources: list[Path], out: Path = RESOURCE_PATH,
                     seed: int = 13) -> dict[str, Any]:
    """Read English and translated resolutions, learn the map, write it atomically to ``out``
    and return it (with its ``agreement`` figures per language)."""
    report = ReadReport()
    docs = []
    for doc in read_parallel(sources, "skip", report):
        check_language(doc)
        docs.append(doc)
    pairs, stats = align_documents(docs)
    if not pairs:
        raise UnclauseError("no aligned clauses: the sources hold no translation with its English "
                            "original", "pass the English archive and the language archives, e.g. "
                            "--source ../shared/corpus/unga/A_RES_79.tar.xz "
                            "--source ../shared/corpus/languages")
    phrase_map = learn_and_measure(pairs, stats, work_splits(docs, seed), seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_open(out) as fh:
        fh.write(json.dumps(phrase_map, ensure_ascii=False, indent=1, sort_keys=True))
        fh.write("\n")
    out.chmod(0o644)  # a package resource, readable by all
    log.info("wrote the phrase map (%d languages) to %s", len(phrase_map["languages"]), out)
    return phrase_map
