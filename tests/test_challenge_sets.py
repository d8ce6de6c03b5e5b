"""The challenge sets in data/challenge are well formed and agree with their documents.

Loader-independent: only the files are read, so the check holds whatever reads them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "data" / "challenge"
KINDS = ("security-council", "education-recommendation", "communique", "pdf-text",
         "education-recommendation-fr", "education-recommendation-es",
         "education-recommendation-ru", "education-recommendation-zh", "education-recommendation-ar")
#: kinds in another language than English declare it (kind.json); the others have none
LANGUAGES = {f"education-recommendation-{code}": code for code in ("fr", "es", "ru", "zh", "ar")}
PARTS = ("dev", "final")
TYPES = frozenset({"preambular", "operative", "other"})
KEYS = frozenset({"para_id", "text", "type", "action_phrase", "action_lemma"})
SEED_KEYS = frozenset({"para_id", "type", "action_phrase", "action_lemma"})
SEED = "seed/000_602ffa9324dc4b2d.txt"  # under the shared corpus
#: a clause cut by a page break is matched piece by piece: at most this many pieces, each
#: at least MIN_PIECE characters of key, with at most MAX_GAP key characters of page
#: furniture or footnotes between two pieces
MAX_PIECES, MIN_PIECE, MAX_GAP = 3, 8, 1500
_RE_IGNORED = re.compile(r"[\s\-\u00ad]+")


def _key(text: str) -> str:
    """Text compared without whitespace and hyphens: hard wraps, and words hyphenated at a
    line end ("inter-" + "national", "non-" + "State"), match their joined label text."""
    return _RE_IGNORED.sub("", text)


class _Doc:
    """A document as one key string, with the key offsets where its lines begin and end."""

    def __init__(self, text: str) -> None:
        parts: list[str] = []
        self.edges: set[int] = {0}
        size = 0
        for line in text.splitlines():
            piece = _key(line)
            parts.append(piece)
            size += len(piece)
            self.edges.add(size)
        self.key = "".join(parts)

    def find(self, key: str, start: int, pieces: int = MAX_PIECES) -> int:
        """Where ``key`` starts at or after ``start``: whole, or (a clause split by a page break)
        in up to ``pieces`` in-order pieces that end and start at line edges, with at most
        ``MAX_GAP`` characters between them; -1 if nowhere."""
        pos = self.key.find(key, start)
        if pos >= 0 or pieces == 1 or len(key) < 2 * MIN_PIECE:
            return pos
        head = key[:MIN_PIECE]
        pos = self.key.find(head, start)
        while pos >= 0:
            n = MIN_PIECE  # length of the common run at pos
            while (n < len(key) and pos + n < len(self.key)
                   and self.key[pos + n] == key[n]):
                n += 1
            for cut in range(n, MIN_PIECE - 1, -1):
                if pos + cut in self.edges and len(key) - cut >= MIN_PIECE:
                    nxt = self.find(key[cut:], pos + cut, pieces - 1)
                    if nxt in self.edges and 0 < nxt - (pos + cut) <= MAX_GAP:
                        return pos
            pos = self.key.find(head, pos + 1)
        return -1


def _label_files() -> list[Path]:
    return sorted(ROOT.glob("*/*/*.labels.jsonl"))


def _rows(path: Path) -> list[dict]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"{path}:{n}: blank line"
        rows.append(json.loads(line))
    return rows


def test_every_kind_has_dev_and_final() -> None:
    for kind in KINDS:
        for part in PARTS:
            assert list((ROOT / kind / part).glob("*.labels.jsonl")), f"{kind}/{part} is empty"
    assert {p.parent.parent.name for p in _label_files()} <= set(KINDS), "an unlisted kind"
    assert {p.parent.name for p in _label_files()} <= set(PARTS), "an unknown part"


def test_kinds_declare_their_language() -> None:
    for kind in KINDS:
        path = ROOT / kind / "kind.json"
        if kind in LANGUAGES:
            assert json.loads(path.read_text("utf-8")) == {"language": LANGUAGES[kind]}
        else:
            assert not path.exists(), f"{kind} is English: no kind.json"


def test_documents_and_labels_come_in_pairs() -> None:
    texts = {p.with_suffix("") for p in ROOT.glob("*/*/*.txt")}
    labels = {p.with_suffix("").with_suffix("") for p in _label_files()}
    assert texts == labels
    ids = [p.name for p in texts]
    assert len(ids) == len(set(ids)), "document ids must be unique across kinds and parts"


@pytest.mark.parametrize("path", _label_files(), ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_labels_are_well_formed_and_in_the_document(path: Path) -> None:
    rows = _rows(path)
    doc = _Doc(path.with_name(path.name.replace(".labels.jsonl", ".txt")).read_text("utf-8"))
    at = 0
    for i, row in enumerate(rows):
        where = f"{path.name} para {i}"
        assert set(row) == KEYS, where
        assert row["para_id"] == i, f"{where}: para_ids must run 0, 1, 2, …"
        assert row["type"] in TYPES, where
        text, phrase, lemma = row["text"], row["action_phrase"], row["action_lemma"]
        assert isinstance(text, str) and text == " ".join(text.split()) and text, where
        assert (phrase is None) == (lemma is None), f"{where}: phrase and lemma go together"
        if phrase is not None:
            assert phrase in text, f"{where}: phrase {phrase!r} not in the text"
            assert lemma == lemma.lower() and lemma.strip() == lemma and lemma, where
        pos = doc.find(_key(text), at)
        assert pos >= 0, f"{where}: text not found in the document (in order): {text[:60]!r}"
        at = pos + 1
    assert rows, path


def test_seed_labels_reference_paragraphs_only() -> None:
    rows = _rows(ROOT / "seed" / "seed.labels.jsonl")
    assert [r["para_id"] for r in rows] == list(range(len(rows)))
    for row in rows:
        assert set(row) == SEED_KEYS, row  # no clause text: the seed is not copied here
        assert row["type"] in TYPES
        assert (row["action_phrase"] is None) == (row["action_lemma"] is None), row


def test_seed_phrases_are_words_of_the_seed(corpus_dir: Path) -> None:
    seed = (corpus_dir / SEED).read_text("utf-8").replace("*", "")  # Markdown emphasis out
    for row in _rows(ROOT / "seed" / "seed.labels.jsonl"):
        if row["action_phrase"] is not None:
            assert row["action_phrase"] in seed, row
