"""The phrase output frame every phrase model returns: offsets, lemmas, and no phrase where the
span's English reading is no verb phrase."""

from __future__ import annotations

import pandas as pd

from pipelines.models.frames import phrase_frame

TEXTS = [
    "1. It is desirable that every village keep a lamp lit;",
    "2. Requests the keepers to report every winter;",
    "3. The lamps should be trimmed each week;",
    "4. Prie les gardiens de faire rapport ;",
    "Recalling its decision on lighthouses,",
]


def test_spans_become_phrases_with_their_lemma_and_openings_without_a_verb_do_not() -> None:
    bounds = [(3, 18), (3, 11), (3, 12), (3, 7), None]
    frame = phrase_frame(TEXTS, bounds, pd.RangeIndex(len(TEXTS)))
    assert frame["action_phrase"].tolist() == [None, "Requests", None, "Prie", None]
    assert frame["action_lemma"].tolist() == [None, "request", None, "prie", None]
    assert frame["action_start"].tolist() == [-1, 3, -1, 3, -1]
    assert frame["action_end"].tolist() == [-1, 11, -1, 7, -1]
