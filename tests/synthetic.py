"""Invented UN-style resolutions with gold labels, for tests that need a clause table.

Every sentence is the project's own writing, composed from small phrase lists so that each
document differs while the grammar of clauses (participle preambles, numbered finite-verb
operative paragraphs, lettered sub-items, structural lines) is the real one.
"""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd

PREAMBULAR = [
    ("Recalling", "recall"), ("Recalling also", "recall"), ("Recalling further", "recall"),
    ("Reaffirming", "reaffirm"), ("Reaffirming also", "reaffirm"),
    ("Deeply concerned", "be concerned"), ("Gravely concerned", "be concerned"),
    ("Concerned", "be concerned"), ("Noting with appreciation", "note"),
    ("Noting with concern", "note"), ("Noting", "note"), ("Noting also", "note"),
    ("Bearing in mind", "bear in mind"), ("Welcoming", "welcome"), ("Welcoming also", "welcome"),
    ("Mindful", "be mindful"), ("Having considered", "consider"), ("Having examined", "examine"),
    ("Stressing", "stress"), ("Guided", "be guided"), ("Recognizing", "recognize"),
    ("Recognizing also", "recognize"), ("Taking note", "take note"), ("Emphasizing", "emphasize"),
    ("Convinced", "be convinced"), ("Aware", "be aware"), ("Acknowledging", "acknowledge"),
    ("Expressing concern", "express concern"), ("Underlining", "underline"),
    ("Encouraged", "be encouraged"), ("Determined", "be determined"),
    ("Reiterating", "reiterate"), ("Affirming", "affirm"), ("Considering", "consider"),
]
OPERATIVE = [
    ("Decides", "decide"), ("Also decides", "decide"), ("Further decides", "decide"),
    ("Requests", "request"), ("Also requests", "request"), ("Further requests", "request"),
    ("Calls upon", "call upon"), ("Also calls upon", "call upon"), ("Urges", "urge"),
    ("Strongly urges", "urge"), ("Encourages", "encourage"), ("Also encourages", "encourage"),
    ("Welcomes", "welcome"), ("Invites", "invite"), ("Takes note", "take note"),
    ("Takes note with appreciation", "take note"), ("Strongly condemns", "condemn"),
    ("Reaffirms", "reaffirm"), ("Stresses", "stress"), ("Emphasizes", "emphasize"),
    ("Expresses its deep concern", "express concern"), ("Expresses its appreciation",
                                                          "express appreciation"),
    ("Notes with concern", "note"), ("Notes with appreciation", "note"), ("Notes", "note"),
    ("Recognizes", "recognize"), ("Acknowledges", "acknowledge"), ("Endorses", "endorse"),
    ("Calls for", "call for"), ("Commends", "commend"), ("Approves", "approve"),
    ("Recommends", "recommend"), ("Underlines", "underline"), ("Reiterates", "reiterate"),
    ("Affirms", "affirm"), ("Supports", "support"), ("Demands", "demand"),
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
    "the rights of older persons in rural areas",
    "sustainable tourism in fragile ecosystems",
    "road safety in rapidly growing cities",
    "the prevention of illicit trade in endangered timber",
]
OBJECTS = [
    "its previous resolutions on the subject", "the report of the Secretary-General",
    "the work of the relevant funds and programmes", "the efforts of Member States",
    "the outcome of the recent regional meetings", "the contributions of civil society",
    "the important role of national institutions", "the persistent gaps in available data",
]
TAILS = [
    "the Secretary-General", "all Member States", "the relevant organizations",
    "the international community", "Governments and regional bodies", "the Special Rapporteur",
]
SUBITEMS = [
    "To submit a report on the implementation of the present resolution",
    "To strengthen coordination with the regional commissions",
    "To make the findings available to all Member States",
    "To consult widely with interested stakeholders",
    "To identify gaps in funding and capacity",
    "The need to ensure adequate resources",
]
COMMITTEES = ["Second", "Third", "Fourth", "Sixth"]
BODIES = [("GA", "The General Assembly,"), ("ECOSOC", "The Economic and Social Council,")]
MONTHS = ["March", "May", "July", "October", "December"]
#: opening phrases per list in the datasets of the pipeline tests: few enough that a debug-size
#: (200-clause) training sample sees each several times, as the rules family needs
SMALL_VOCABULARY = 14


def _operative_text(rng: random.Random, phrase: str) -> str:
    """The body of a numbered operative paragraph that suits its opening phrase."""
    tail = rng.choice(TAILS)
    if phrase.endswith(("upon", "Urges", "urges", "Invites", "Encourages", "encourages")):
        return f"{phrase} {tail} to give further attention to {rng.choice(TOPICS)}"
    if phrase.endswith(("concern", "appreciation")):
        return f"{phrase} for {rng.choice(OBJECTS)}"
    if phrase.endswith(("Decides", "decides")):
        return f"{phrase} to include in the provisional agenda an item on {rng.choice(TOPICS)}"
    return f"{phrase} {rng.choice(OBJECTS)} relating to {rng.choice(TOPICS)}"


def make_clause_table(n_docs: int = 30, seed: int = 11, *, test_split: bool = False,
                      vocabulary: int | None = None) -> pd.DataFrame:
    """A clause table of ``n_docs`` invented resolutions (columns like the real dataset).

    Each has structural lines (symbol, adoption line, title, enacting formula), 3–6 preambular
    clauses, 3–8 numbered operative clauses (some with lettered sub-items, which are operative
    rows of their own) and a meeting line with a date. Every fourth document is in validation,
    the rest in train; with ``test_split`` they go 7:2:1 to train, validation and test instead.
    ``vocabulary`` keeps only the first that many preambular and operative opening phrases.
    """
    rng = random.Random(seed)
    preambular, operative = PREAMBULAR[:vocabulary], OPERATIVE[:vocabulary]
    rows: list[dict] = []
    for d in range(n_docs):
        body, formula = BODIES[d % 2]
        session = str(70 + d % 4)
        doc_id = f"X/RES/{session}/{d + 1}"
        topic = rng.choice(TOPICS)
        month = rng.choice(MONTHS)
        clauses: list[tuple[str, str, str | None, str | None]] = [
            (doc_id, "other", None, None),
            (f"Resolution adopted by the {formula[4:-1]} on {rng.randint(1, 28)} {month} 2024",
             "other", None, None),
        ]
        if body == "GA" and rng.random() < 0.6:
            clauses.append((f"[on the report of the {rng.choice(COMMITTEES)} Committee "
                            f"(A/{session}/{rng.randint(100, 700)})]", "other", None, None))
        title = topic[0].upper() + topic[1:]
        if rng.random() < 0.4:
            title = "Strengthening " + topic
        clauses.append((f"{session}/{d + 1}. {title}", "other", None, None))
        clauses.append((formula, "other", None, None))
        for _ in range(rng.randint(3, 6)):
            phrase, lemma = rng.choice(preambular)
            link = "that" if rng.random() < 0.3 else "of"
            obj = rng.choice(OBJECTS)
            text = (f"{phrase} {link} {obj} must address {rng.choice(TOPICS)},"
                    if link == "that" else f"{phrase} {obj} concerning {rng.choice(TOPICS)},")
            if phrase in ("Mindful", "Convinced", "Aware", "Concerned", "Deeply concerned",
                          "Gravely concerned", "Guided", "Encouraged", "Determined"):
                prep = {"Guided": "by", "Encouraged": "by", "Determined": "to pursue"}.get(
                    phrase, "that" if link == "that" else "about")
                text = f"{phrase} {prep} {obj} concerning {rng.choice(TOPICS)},"
            clauses.append((text, "preambular", phrase, lemma))
        n_op = rng.randint(3, 8)
        for i in range(n_op):
            phrase, lemma = rng.choice(operative)
            end = "." if i == n_op - 1 else ";"
            if rng.random() < 0.15 and i < n_op - 1:
                who = "Requests the Secretary-General" if rng.random() < 0.5 else \
                    "Decides to consider at its next session"
                phr, lem = ("Requests", "request") if who.startswith("R") else ("Decides", "decide")
                clauses.append((f"{i + 1}. {who}:", "operative", phr, lem))
                for j in range(rng.randint(2, 3)):
                    clauses.append((f"({'abc'[j]}) {rng.choice(SUBITEMS)};", "operative",
                                    None, None))
                continue
            clauses.append((f"{i + 1}. {_operative_text(rng, phrase)}{end}", "operative",
                            phrase, lemma))
        clauses.append((f"{rng.randint(20, 80)}th plenary meeting", "other", None, None))
        clauses.append((f"{rng.randint(1, 28)} {month} 2024", "other", None, None))
        if test_split:
            split = "train" if d % 10 < 7 else ("validation" if d % 10 < 9 else "test")
        else:
            split = "validation" if d % 4 == 3 else "train"
        for para_id, (text, ctype, phrase, lemma) in enumerate(clauses):
            rows.append({"doc_id": doc_id, "para_id": para_id, "body": body, "session": session,
                         "text": text, "type": ctype, "action_phrase": phrase,
                         "action_lemma": lemma, "split": split})
    return pd.DataFrame(rows)


def write_dataset(folder: Path, n_docs: int = 30, seed: int = 7) -> Path:
    """Write an invented table with the small vocabulary and a test split as a built dataset
    folder (one Parquet file per split)."""
    frame = make_clause_table(n_docs, seed, test_split=True, vocabulary=SMALL_VOCABULARY)
    folder.mkdir(parents=True, exist_ok=True)
    for split in ("train", "validation", "test"):
        frame[frame["split"] == split].reset_index(drop=True).to_parquet(
            folder / f"{split}.parquet", index=False)
    return folder
