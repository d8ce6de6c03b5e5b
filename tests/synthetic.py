"""Invented UN-style documents with gold labels, for tests that need a small clause table.

All sentences are the project's own writing, composed from small phrase lists so that every
document is different but the grammar of clauses is the real one.
"""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd

PREAMBULAR = [
    ("Recalling", "recall"), ("Recalling also", "recall"), ("Reaffirming", "reaffirm"),
    ("Deeply concerned", "be concerned"), ("Noting with appreciation", "note"),
    ("Bearing in mind", "bear in mind"), ("Welcoming", "welcome"), ("Mindful", "be mindful"),
    ("Having considered", "consider"), ("Stressing", "stress"), ("Guided by", "be guided"),
    ("Recognizing", "recognize"), ("Taking note", "take note"), ("Emphasizing", "emphasize"),
]
OPERATIVE = [
    ("Decides", "decide"), ("Requests", "request"), ("Also requests", "request"),
    ("Calls upon", "call upon"), ("Urges", "urge"), ("Encourages", "encourage"),
    ("Welcomes", "welcome"), ("Invites", "invite"), ("Takes note", "take note"),
    ("Strongly condemns", "condemn"), ("Reaffirms", "reaffirm"), ("Stresses", "stress"),
    ("Expresses its deep concern", "express concern"), ("Further invites", "invite"),
]
TOPICS = [
    "the statistical capacity of small island developing States",
    "cooperation among regional commissions on water management",
    "the protection of cultural heritage in coastal cities",
    "the exchange of good practices in public procurement",
    "access to vocational training for young persons",
    "the safety of maritime navigation in enclosed seas",
    "the digital archiving of intergovernmental records",
    "disaster risk reduction in mountain regions",
]
OBJECTS = ["its previous resolutions on the subject", "the report of the Secretary-General",
           "the work of the relevant funds and programmes", "the efforts of Member States",
           "the outcome of the recent regional meetings", "the contributions of civil society"]
BODIES = [("GA", "The General Assembly,"), ("ECOSOC", "The Economic and Social Council,")]


def make_documents(n_docs: int = 30, seed: int = 7) -> pd.DataFrame:
    """A clause table of ``n_docs`` invented resolutions (columns like the real dataset)."""
    rng = random.Random(seed)
    rows: list[dict] = []
    for d in range(n_docs):
        body, formula = BODIES[d % 2]
        session = str(70 + d % 3)
        doc_id = f"X/RES/{session}/{d + 1}"
        topic = rng.choice(TOPICS)
        clauses: list[tuple[str, str, str | None, str | None]] = [
            ("United Nations", "other", None, None),
            (doc_id, "other", None, None),
            (f"{session}/{d + 1}. Resolution on {topic}", "other", None, None),
            (formula, "other", None, None),
        ]
        for _ in range(rng.randint(3, 6)):
            phrase, lemma = rng.choice(PREAMBULAR)
            text = f"{phrase} {rng.choice(OBJECTS)} concerning {rng.choice(TOPICS)},"
            clauses.append((text, "preambular", phrase, lemma))
        for i in range(rng.randint(3, 8)):
            phrase, lemma = rng.choice(OPERATIVE)
            tail = "the Secretary-General" if "request" in lemma else "all Member States"
            text = f"{i + 1}. {phrase} {tail} to give attention to {rng.choice(TOPICS)};"
            if rng.random() < 0.15:
                text = f"{i + 1}. {phrase} {tail}: (a) to report on {topic}; (b) to consult widely;"
            clauses.append((text, "operative", phrase, lemma))
        clauses.append((f"{rng.randint(20, 80)}th plenary meeting {rng.randint(1, 28)} May 2024",
                        "other", None, None))
        split = "train" if d % 10 < 7 else ("validation" if d % 10 < 9 else "test")
        for para_id, (text, ctype, phrase, lemma) in enumerate(clauses):
            rows.append({"doc_id": doc_id, "para_id": para_id, "body": body, "session": session,
                         "text": text, "type": ctype, "action_phrase": phrase,
                         "action_lemma": lemma, "split": split})
    return pd.DataFrame(rows)


def write_dataset(folder: Path, n_docs: int = 30, seed: int = 7) -> Path:
    """Write the invented table as a built dataset folder (one Parquet file per split)."""
    frame = make_documents(n_docs, seed)
    folder.mkdir(parents=True, exist_ok=True)
    for split in ("train", "validation", "test"):
        frame[frame["split"] == split].reset_index(drop=True).to_parquet(
            folder / f"{split}.parquet", index=False)
    return folder
