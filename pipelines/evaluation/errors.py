"""Error tables: the misclassified clauses with their neighbours' text, for CSVs and reports."""

from __future__ import annotations

import pandas as pd


def error_table(task: str, gold: pd.DataFrame, pred: pd.DataFrame, limit: int) -> pd.DataFrame:
    """Misclassified clauses with their neighbours, for the error CSV."""
    frame = gold.reset_index(drop=True).copy()
    pred = pred.reset_index(drop=True)
    same_doc_prev = frame["doc_id"].eq(frame["doc_id"].shift(1))
    same_doc_next = frame["doc_id"].eq(frame["doc_id"].shift(-1))
    frame["prev_text"] = frame["text"].shift(1).where(same_doc_prev, "")
    frame["next_text"] = frame["text"].shift(-1).where(same_doc_next, "")
    if task == "clause-type":
        frame["pred_type"] = pred["type"]
        frame["pred_score"] = pred["type_score"]
        wrong = frame[frame["type"] != frame["pred_type"]]
        cols = ["doc_id", "para_id", "type", "pred_type", "pred_score", "text", "prev_text",
                "next_text"]
    else:
        frame["pred_phrase"] = pred["action_phrase"]
        frame["pred_lemma"] = pred["action_lemma"]
        gold_p = frame["action_phrase"].fillna("")
        wrong = frame[frame["action_phrase"].notna() & (gold_p != frame["pred_phrase"].fillna(""))]
        cols = ["doc_id", "para_id", "type", "action_phrase", "pred_phrase", "action_lemma",
                "pred_lemma", "text", "prev_text", "next_text"]
    return wrong[cols].head(limit)
