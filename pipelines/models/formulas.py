"""An enacting formula is ``other``, however long.

The formula names who acts and says how they met: "The International Conference on Public
Education, convened in Geneva by the International Bureau of Education, having met for its
sixth session on 19 July 1937,"; "We, the Ministers responsible for fisheries …, meeting in
Portmere on 3 and 4 May 2022,"; "La Conférence internationale de l'instruction publique,
convoquée à Genève …, réunie en sa douzième session …,". The GA/ECOSOC corpus has it short
("The General Assembly,": all 4,210 English clauses that open with "The" or "We, the" and end
with a comma are ``other``), so a model reads a long one's participles as a preamble.
:func:`formulas_as_other` applies after any clause-type model, like the list rules
(:mod:`pipelines.models.lists`).

A formula, in English, French or Spanish, is an unnumbered clause that ends with a comma and
comes before anything the model typed preambular or operative in its document; it opens with
an article and a capitalised name ("The Conference", "La Conférence", "El Comité") or with a
first-person subject and its apposition ("We, the participants in …", "Nous, ministres …");
whatever follows the name is how the body met (a segment after a comma that opens with
"convened", "meeting", "having met", "representing", "convoquée", "réunie", "reunida" …),
and no segment opens with another participle ("recognizing that …", "reconnaissant que …":
a preamble run into the formula keeps the model's type).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from pipelines.models.lists import document_rows
from pipelines.text.numbering import parse_numbering
from pipelines.text.tokens import first_words
from pipelines.text.wordclasses import wordset

#: the type of an enacting formula
FORMULA_TYPE = "other"

#: a body named after an article: "The Conference", "La Conférence", "El Comité"
_NAMED = re.compile(r"(?:(?:The|THE|La|LA|Le|LE|Les|LES|El|EL|Los|LOS|Las|LAS)\s+|L['’]\s*)"
                    r"[A-ZÀ-Ý]")
#: a first-person subject, its apposition after the comma: "We, the participants …"
_FIRST_PERSON = re.compile(r"(?:We|WE|Nous|NOUS|Nosotros|Nosotras|NOSOTROS)\s*,")
#: the words that open a segment on how the body met (participles of meeting, convening,
#: representing), in English, French and Spanish; "having" and its kin take one of them next
_MET = wordset("""
convened convening meeting met assembled gathered gathering held sitting representing
participating acting
convoquée convoqué convoquées convoqués réunie réuni réunies réunis siégeant tenue rassemblés
rassemblées représentant participant agissant
convocada convocado convocadas convocados reunida reunido reunidas reunidos celebrada
representando participando
""")
_PERFECT = wordset("having étant s'étant s’étant habiéndose habiendo")
_CONJUNCTIONS = wordset("and et y e")
#: a word that reads as a participle or adjective of a preamble ("recognizing", "reconnaissant",
#: "reconociendo", "conscious", "consciente"), not how the body met
_PREAMBLE_WORD = re.compile(r"(?:\w+(?:ing|ed|ant|ante|ando|iendo|ado|ada)|conscious|aware|"
                            r"consciente|conscients?|mindful|deeply|convinced|convaincue?)$",
                            re.IGNORECASE)


def _segment_opening(segment: str) -> list[str]:
    """The segment's first two words, lower case, after a leading "and"/"et"/"y"."""
    words = first_words(segment, 3)
    if words and words[0] in _CONJUNCTIONS:
        words = words[1:]
    return words[:2]


def _tells_how_they_met(segment: str) -> bool:
    words = _segment_opening(segment)
    if not words:
        return False
    if words[0] in _PERFECT:
        return len(words) > 1 and words[1] in _MET
    return words[0] in _MET


def is_formula(text: str) -> bool:
    """Whether ``text`` has the form of an enacting formula (see the module docstring); its
    place in the document is :func:`formulas_as_other`'s to check."""
    text = text.strip()
    if not text.endswith(",") or parse_numbering(text)[2]:
        return False
    segments = text[:-1].split(",")
    if _FIRST_PERSON.match(text):
        if len(segments) < 2 or not segments[1].strip():
            return False
        rest = segments[2:]  # after the subject and its apposition
    elif _NAMED.match(text):
        rest = segments[1:]
    else:
        return False
    if rest and not _tells_how_they_met(rest[0]):
        return False
    for segment in rest:
        words = _segment_opening(segment)
        if words and _PREAMBLE_WORD.match(words[0]) and not _tells_how_they_met(segment):
            return False
    return True


def formulas_as_other(clauses: pd.DataFrame, pred: pd.DataFrame) -> pd.DataFrame:
    """``pred`` (clause-type output, same index as ``clauses``) with its enacting formulas typed
    ``other``: a clause of formula form before the first clause ``pred`` types preambular or
    operative in its document (or that clause itself). ``proba_*`` stay the model's own, and
    ``type_score`` is the probability the model gave ``other``."""
    if pred.empty or "text" not in clauses or f"proba_{FORMULA_TYPE}" not in pred:
        return pred
    types = pred["type"].tolist()
    forced: list[int] = []
    in_head = True  # no preambular or operative clause yet in this document
    for row, text, new_doc in document_rows(clauses):
        if new_doc:
            in_head = True
        if not in_head or types[row] == FORMULA_TYPE:
            continue
        if is_formula(text):
            forced.append(row)
        else:
            in_head = False
    if not forced:
        return pred
    out = pred.copy()
    out.iloc[forced, out.columns.get_loc("type")] = np.asarray([FORMULA_TYPE] * len(forced),
                                                               dtype=object)
    out.iloc[forced, out.columns.get_loc("type_score")] = (
        pred[f"proba_{FORMULA_TYPE}"].to_numpy(dtype=float)[forced])
    return out
