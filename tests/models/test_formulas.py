"""Enacting formulas are ``other`` however long: their form in three languages, and the rule
after a model (only in a document's head, probabilities kept)."""

from __future__ import annotations

import pandas as pd
import pytest

from pipelines.models.formulas import formulas_as_other, is_formula

FORMULAS = [
    "The General Assembly,",
    "The Regional Conference on Lighthouse Keeping, convened in Harbourtown by the Coastal "
    "Office, having met for its ninth session from 2 to 6 May 1958,",
    "The Conference of Keepers, convened by the Maritime Bureau and the Office of Lights, "
    "Beacons and Buoys, and having met in its fourth session on 3 June 1931,",
    "The Keepers of Lights and delegates of the islands taking part in the second forum on coastal safety,",
    "We, the ministers responsible for harbours of the northern islands, meeting in Skerry on "
    "4 and 5 April 2031,",
    "We, the participants in the first forum on island lights, representing keepers, pilots "
    "and fishing crews of six islands,",
    "La Conférence régionale des gardiens de phare, convoquée à Port-Neuf par l'Office côtier, "
    "réunie en sa neuvième session, le 3 mai 1958,",
    "Nous, ministres des ports et chefs de délégation, réunis à Port-Neuf à l'occasion de la "
    "deuxième conférence, du 4 au 6 avril 2031,",
    "La Conferencia Regional de Fareros, reunida en Puerto Nuevo en su novena reunión, del 2 "
    "al 6 de mayo de 1958,",
]

NOT_FORMULAS = [
    "The Conference of Keepers, recognizing that the old lamps need skilled hands,",
    "The Conference, meeting in Skerry, aware that repairs are costly,",
    "We, the ministers, welcome the survey of island lights;",
    "1. The Conference, meeting in Skerry,",
    "The lamps of remote lights should be trimmed weekly;",
    "Recalling its earlier work on the safety of coastal navigation,",
    "La Conférence, reconnaissant que les phares anciens demandent des soins,",
    "La Conferencia, consciente de que los faros antiguos necesitan cuidados,",
    "THEREFORE, THE KEEPERS SHALL LOG EVERY SHIP,",
    "Theodora, keeper of the northern light,",
]


@pytest.mark.parametrize("text", FORMULAS)
def test_the_forms_of_an_enacting_formula(text: str) -> None:
    assert is_formula(text)


@pytest.mark.parametrize("text", NOT_FORMULAS)
def test_a_preamble_run_into_the_formula_a_sentence_or_a_numbered_line_is_none(text: str) -> None:
    assert not is_formula(text)


def _pred(types: list[str], other_proba: list[float]) -> pd.DataFrame:
    rest = [(1 - p) / 2 for p in other_proba]
    score = [p if t == "other" else max(1 - p - r, r) for t, p, r in zip(types, other_proba, rest,
                                                                          strict=True)]
    return pd.DataFrame({"type": types, "type_score": score, "proba_operative": rest,
                         "proba_other": other_proba, "proba_preambular": rest})


def test_formulas_before_the_preamble_become_other_with_the_models_probabilities() -> None:
    """The head of each document: the long formula the model typed preambular becomes
    ``other`` (type_score: the model's probability of ``other``); the preamble and operative
    part after it, and a formula-shaped line after them, keep the model's types."""
    texts = ["Recommendation No. 9 on the lights of small islands", FORMULAS[1],
             "Recalling its earlier work on the safety of coastal navigation,",
             "1. Recommends that every island keep a lit lamp;", FORMULAS[4],
             "Title of a second document", FORMULAS[6], "Considérant que les phares sont utiles,"]
    clauses = pd.DataFrame({"doc_id": ["a"] * 5 + ["b"] * 3, "para_id": [0, 1, 2, 3, 4, 0, 1, 2],
                            "text": texts})
    types = ["other", "preambular", "preambular", "operative", "operative", "other",
             "preambular", "preambular"]
    pred = _pred(types, [0.9, 0.3, 0.01, 0.01, 0.2, 0.95, 0.25, 0.02])
    out = formulas_as_other(clauses, pred)
    assert out["type"].tolist() == ["other", "other", "preambular", "operative", "operative",
                                    "other", "other", "preambular"]
    assert out["type_score"].tolist()[1] == 0.3 and out["type_score"].tolist()[6] == 0.25
    assert out[["proba_operative", "proba_other", "proba_preambular"]].equals(
        pred[["proba_operative", "proba_other", "proba_preambular"]])
    assert formulas_as_other(clauses, pred.assign(type="other")).equals(pred.assign(type="other"))
