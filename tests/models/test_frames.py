"""The phrase output frame every phrase model returns: offsets, lemmas, and no phrase where the
span's English reading is no verb phrase, is a modal's subject or opens with a conjunction."""

from __future__ import annotations

import pandas as pd

from pipelines.models.frames import phrase_frame

TEXTS = [
    "1. It is desirable that every village keep a lamp lit;",
    "2. Requests the keepers to report every winter;",
    "3. The lamps should be trimmed each week;",
    "4. Prie les gardiens de faire rapport ;",
    "Recalling its decision on lighthouses,",
    "5. Keepers shall log every ship they sight;",
    "1.2 Since the last survey, two lamps have failed;",
    "6. Decides that the keepers shall be paid monthly;",
    "Aware as ever of the cost of oil,",
]


def test_spans_become_phrases_with_their_lemma_and_openings_without_a_verb_do_not() -> None:
    bounds = [(3, 18), (3, 11), (3, 12), (3, 7), None, (3, 10), (4, 9), (3, 10), (0, 5)]
    frame = phrase_frame(TEXTS, bounds, pd.RangeIndex(len(TEXTS)))
    assert frame["action_phrase"].tolist() == [None, "Requests", None, "Prie", None, None, None,
                                               "Decides", "Aware"]
    assert frame["action_lemma"].tolist() == [None, "request", None, "prie", None, None, None,
                                              "decide", "be aware"]
    assert frame["action_start"].tolist() == [-1, 3, -1, 3, -1, -1, -1, 3, 0]
    assert frame["action_end"].tolist() == [-1, 11, -1, 7, -1, -1, -1, 10, 5]


def test_the_subject_of_a_modal_and_a_subordinate_opening_are_no_phrase() -> None:
    """"Keepers" in "Keepers shall log …" is a modal's subject, "Since" a conjunction: neither
    is an action phrase, while "Decides" before "that … shall" still is."""
    frame = phrase_frame(TEXTS[5:8], [(3, 10), (4, 9), (3, 10)], pd.RangeIndex(3))
    assert frame["action_phrase"].tolist() == [None, None, "Decides"]


def test_a_plural_noun_subject_of_a_later_modal_is_no_phrase() -> None:
    """A word in -s that opens no English action phrase, with a modal later in the same stretch
    of the clause, is the modal's subject ("Lanterns fitted to the mast shall …"); phrase verbs
    keep their phrase before "that … should", in British spelling too, and a modal after a
    comma belongs to another clause."""
    texts = ["2.1 Lanterns fitted to the mast shall burn all night;",
             "3. Visits to the lighthouse by pupils of the village school should be encouraged;",
             "4. Stresses that keepers should be paid monthly;",
             "5. Recognises that the keepers of remote lights should receive a bonus;",
             "6. Requests keepers who can do so to log passing ships;",
             "7. Lanterns, which burn oil, should be cleaned weekly;",
             "8. Lamps burn brightest when the wicks are trimmed;"]
    bounds = [(4, 12), (3, 9), (3, 11), (3, 13), (3, 11), (3, 11), (3, 8)]
    frame = phrase_frame(texts, bounds, pd.RangeIndex(len(texts)))
    assert frame["action_phrase"].tolist() == [None, None, "Stresses", "Recognises", "Requests",
                                               "Lanterns", "Lamps"]


def test_french_and_spanish_openings_without_a_verb_are_no_phrase() -> None:
    """Articles, prepositions and impersonal openings of recommendations in French and Spanish
    are no phrase; verbs, reflexive "Se recomienda" and "Il est recommandé" stay phrases."""
    texts = ["2. Les bibliothèques devraient ouvrir le soir ;", "L’échange de livres est utile ;",
             "3. Il est souhaitable que chaque école ait un jardin ;",
             "4. Il est recommandé que les jardins soient clos ;",
             "1. Es conveniente que las escuelas tengan huerto;",
             "5. Se recomienda que los huertos tengan riego;", "Invita a los Estados a informar;"]
    bounds = [(3, 19), (0, 9), (3, 21), (3, 20), (3, 17), (3, 16), (0, 6)]
    frame = phrase_frame(texts, bounds, pd.RangeIndex(len(texts)))
    assert frame["action_phrase"].tolist() == [None, None, None, "Il est recommandé", None,
                                               "Se recomienda", "Invita"]


def test_russian_chinese_and_arabic_modal_items_are_no_phrase() -> None:
    """Impersonal openings and the subjects of a modal verb in Russian, Chinese and Arabic are
    no phrase; a verb the phrase map knows stays one even with a modal later in the clause."""
    texts = ["1. Желательно, чтобы каждая школа имела сад;", "2. Учителя должны вести журнал;",
             "3. 学校应当设立图书室；", "4 - ينبغي أن تضع الوزارات خطة؛",
             "5. Просит учителей, которые должны вести журнал, сообщать о нем;", "请各国报告；",
             "Что многие дети приходят без завтрака;", "Que la lecture accompagne l'adulte ;",
             "6. Важное значение имеет сад;"]
    bounds = [(3, 13), (3, 10), (3, 5), (4, 9), (3, 9), (0, 1), (0, 3), (0, 3), (3, 9)]
    frame = phrase_frame(texts, bounds, pd.RangeIndex(len(texts)))
    # "Что"/"Que" items are no phrase; "Важное" is not the impersonal "Важно" (whole words)
    assert frame["action_phrase"].tolist() == [None, None, None, None, "Просит", "请", None, None,
                                               "Важное"]
