"""The training-time transformations of ``pipelines.data.augment`` for documents in other languages.

The multilingual table (``language`` column) holds GA resolutions in six languages. The
transformations that only move numbers, digits, lines and letters (``LANGUAGE_NEUTRAL``) run on
a document in any language. Those that write words (lead-ins, modal forms, formulas, vote lines,
bridges) need the words of the document's language: this module holds them per language, as
templates, and :func:`transform_for` picks the function for a transformation and a language —
English uses ``augment.TRANSFORMS``; a language without templates for a transformation is
skipped (None), so a copy never mixes English words into a French document.

French (``fr``) templates follow the conference recommendations and resolutions as printed in
French: "Considérant :" lead-ins with "Que … ;" items, "Les ministères … devraient …", "Il est
souhaitable que …", "Il est recommandé que …" (phrase "Il est recommandé"), the conference
formula "La Conférence internationale de l’éducation, convoquée à Genève …, réunie en sa …
session,", first-person "Nous, ministres …," with "Nous recommandons", bridges "Soumet aux
ministères … la recommandation suivante :" / "Décide :" with "a) De prier … ;" items, and vote
lines "Adoptée à la 12e séance plénière, …". Spanish (``es``) templates have the same shapes
("Considerando: Que …;", "… deberían …", "Se recomienda que …", "La Conferencia Internacional
de Educación, … reunida en su … reunión,", "Decide: a) Pedir …;", "Aprobada en la 12ª sesión
plenaria …"). Labels stay true as in ``augment``: types, and phrases that are the opening of the
new text (lemmas: the canonical English verb).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from pipelines.data import augment
from pipelines.data.augment import (
    OP,
    OTHER,
    PRE,
    Row,
    Transform,
    after_phrase,
    end_with,
    lower_first,
    new_row,
    other_row,
    row_phrase,
    strip_number,
    type_span,
    upper_first,
)

#: transformations that write no words: any language's rows (a language's own version, when it
#: has one, is used instead: French numbering also writes narrative paragraphs)
LANGUAGE_NEUTRAL = frozenset({"numbering", "footnote_digits", "headings", "page_breaks",
                              "ocr_noise", "casing"})


@dataclass(frozen=True)
class Words:
    """The words a language's transformations write (``{…}`` fields are filled at random)."""

    #: preambular lead-ins: (word, lemma); their items open with ``that`` ("Que")
    lead_ins: tuple[tuple[str, str], ...]
    lead_tails: tuple[str, ...]
    colons: tuple[str, ...]
    that: str
    #: "que …" at the start of a clause body (the lead-in items keep it as "Que …")
    that_re: re.Pattern
    #: "Engage les États Membres à renforcer …" → (subject, verb, rest)
    subject_to: re.Pattern
    plural_subject: re.Pattern
    modals: tuple[str, ...]
    modals_plural: tuple[str, ...]
    impersonal: tuple[str, ...]
    recommended: tuple[str, ...]
    formula_re: re.Pattern
    formulas: tuple[str, ...]
    #: formulas a clause is run into ("La Conférence, reconnaissant que …,")
    short_formulas: tuple[str, ...]
    places: tuple[str, ...]
    sessions: tuple[str, ...]
    months: tuple[str, ...]
    #: a date from ``day``, ``month``, ``year``
    date: str
    groups: tuple[str, ...]
    we: str
    #: "Prie" → "Prions" (first person plural), "Prie" → "prier" (infinitive)
    first_person: Callable[[str], str | None]
    infinitive: Callable[[str], str | None]
    bridges: tuple[tuple[str, str], ...]
    infinitive_marker: Callable[[str], str]
    votes: tuple[str, ...]
    footnotes: tuple[str, ...]


# --------------------------------------------------------------------------- French verbs

#: first word of a French operative phrase → first person plural, where the -e rule fails
_FR_NOUS = {"Prend": "Prenons", "Rappelle": "Rappelons", "Appelle": "Appelons",
            "Renouvelle": "Renouvelons", "Rejette": "Rejetons", "Souscrit": "Souscrivons",
            "Lance": "Lançons", "Exprime": "Exprimons", "Est": None, "Se": None}
_FR_INF = {"Prend": "prendre", "Souscrit": "souscrire", "Est": None, "Se": None}
_FR_VERB = re.compile(r"^[A-ZÉÈ][a-zéèêàâîôûç]+e$")


def _fr_stem(word: str) -> str:
    """"Considère" → "Considér", "Prie" → "Pri": the stem of a first-group verb."""
    stem = word[:-1]
    at = stem.rfind("è")
    return stem[:at] + "é" + stem[at + 1:] if at >= 0 else stem


def _fr_first_person(word: str) -> str | None:
    """"Décide" → "Décidons", "Encourage" → "Encourageons"; None when unknown."""
    if word in _FR_NOUS:
        return _FR_NOUS[word]
    if not _FR_VERB.match(word):
        return None
    return _fr_stem(word) + ("eons" if word.endswith("ge") else "ons")


def _fr_infinitive(word: str) -> str | None:
    """"Prie" → "prier", "Considère" → "considérer"; None when unknown."""
    if word in _FR_INF:
        return _FR_INF[word]
    return (_fr_stem(word) + "er").lower() if _FR_VERB.match(word) else None


def _fr_de(verb: str) -> str:
    return f"D’{verb}" if verb[:1] in "aeéèêiouyh" else f"De {verb}"


FRENCH = Words(
    lead_ins=(("Considérant", "consider"), ("Considérant", "consider"), ("Notant", "note"),
              ("Reconnaissant", "recognize"), ("Estimant", "believe")),
    lead_tails=("", "", " ce qui suit"),
    colons=(" :", " :", ":"),
    that="Que",
    that_re=re.compile(r"^(?:que |qu’|qu')", re.IGNORECASE),
    subject_to=re.compile(r"^((?:les |le |la |l’|l'|tous les |toutes les |aux |au )?[A-ZÉÈ]\S*"
                          r"(?: (?!(?:à|de|d’|d'|pour|sur|en)\b)\S+){0,6}?) (?:à |de |d’|d')"
                          r"((?:se |s’|s')?[a-zéèêâîôû]+(?:er|ir|re))\b(.*)$"),
    plural_subject=re.compile(r"^(?:les|aux|tous|toutes|des)\b|\bet\b", re.IGNORECASE),
    modals=("devrait", "devrait", "doit", "pourrait"),
    modals_plural=("devraient", "devraient", "doivent", "pourraient"),
    impersonal=("Il est souhaitable que", "Il importe que", "Il conviendrait que",
                "Il est nécessaire que"),
    recommended=("Il est recommandé", "Il est recommandé", "IL EST RECOMMANDÉ"),
    formula_re=re.compile(r"(?:L’|L'|Le |La |Les )[A-ZÉ][\w’' \-]+,"),
    formulas=(
        "La Conférence internationale de l’instruction publique, convoquée à {place} par le "
        "Bureau international d’éducation, réunie en sa {session} session, le {date},",
        "La Conférence internationale de l’éducation, convoquée à {place} par l’Organisation des "
        "Nations Unies pour l’éducation, la science et la culture, réunie en sa {session} session "
        "du {day} au {date},",
        "La Conférence internationale de l'éducation, réunie à {place} en sa {session} session,",
        "Nous, ministres de l’éducation et chefs de délégation, réunis à {place} le {date},",
        "Les participants à la {session} réunion du {group}, tenue à {place} le {date},",
        "LA CONFÉRENCE INTERNATIONALE DE L’ÉDUCATION, RÉUNIE À {place_upper} EN SA {session_upper} "
        "SESSION,",
        "La Conférence,",
    ),
    short_formulas=("La Conférence,", "La Conférence internationale de l’éducation,",
                    "La Conférence internationale de l'instruction publique,"),
    places=("Genève", "Corvale", "Aldara", "Mirenna"),
    sessions=("deuxième", "cinquième", "huitième", "douzième", "vingtième", "vingt-sixième",
              "trente-neuvième", "quarante-septième"),
    months=("mars", "juillet", "septembre", "octobre"),
    date="{day} {month} {year}",
    groups=("Comité des directeurs des douanes", "Forum des États côtiers",
            "Conseil des archives nationales"),
    we="Nous",
    first_person=_fr_first_person,
    infinitive=_fr_infinitive,
    bridges=(("Soumet aux ministères de l’instruction publique des divers pays la recommandation "
              "suivante :", "as is"),
             ("Recommande aux ministères de l’éducation des États membres les principes et mesures "
              "ci-après :", "as is"),
             ("Adopte les conclusions et propositions d’action suivantes :", "as is"),
             ("Décide :", "infinitive"), ("Décidons de :", "infinitive"),
             ("Recommande ce qui suit :", "as is")),
    infinitive_marker=_fr_de,
    votes=("Adoptée à la {meeting}e séance plénière, par {yes} voix contre {no}, avec {abst} "
           "abstentions.",
           "Adoptée à l’unanimité à la {meeting}e séance.",
           "Adoptée sans vote à la {meeting}e séance plénière.",
           "Adoptée à la {meeting}e séance plénière de la Conférence, le {date}.",
           "{meeting}e séance plénière {date}"),
    footnotes=("{n} Documents officiels de l’Assemblée générale, {session} session, Supplément "
               "n° {k} (A/{k}/{n}).",
               "{n} Ibid.",
               "{n} Voir le document {sym}, annexe.",
               "{n} Documents officiels du Conseil de sécurité, {session} année, {meeting}e séance."),
)

# --------------------------------------------------------------------------- Spanish verbs

#: first word of a Spanish operative phrase → first person plural / infinitive, where the -a
#: (-ar verb) rule fails: stem changes and -er/-ir verbs
_ES_NOSOTROS = {"Decide": "Decidimos", "Pide": "Pedimos", "Reconoce": "Reconocemos",
                "Acoge": "Acogemos", "Hace": "Hacemos", "Alienta": "Alentamos",
                "Recomienda": "Recomendamos", "Recuerda": "Recordamos", "Aprueba": "Aprobamos",
                "Se": None, "Es": None}
_ES_INF = {"Decide": "decidir", "Pide": "pedir", "Reconoce": "reconocer", "Acoge": "acoger",
           "Hace": "hacer", "Alienta": "alentar", "Recomienda": "recomendar",
           "Recuerda": "recordar", "Aprueba": "aprobar", "Se": None, "Es": None}
_ES_VERB = re.compile(r"^[A-ZÁÉÍÓÚ][a-záéíóúñ]+a$")


def _es_first_person(word: str) -> str | None:
    """"Invita" → "Invitamos", "Pide" → "Pedimos"; None when unknown."""
    if word in _ES_NOSOTROS:
        return _ES_NOSOTROS[word]
    return word[:-1] + "amos" if _ES_VERB.match(word) else None


def _es_infinitive(word: str) -> str | None:
    """"Invita" → "invitar", "Pide" → "pedir"; None when unknown."""
    if word in _ES_INF:
        return _ES_INF[word]
    return (word[:-1] + "ar").lower() if _ES_VERB.match(word) else None


SPANISH = Words(
    lead_ins=(("Considerando", "consider"), ("Considerando", "consider"), ("Observando", "note"),
              ("Reconociendo", "recognize"), ("Teniendo en cuenta", "take into account")),
    lead_tails=("", "", " lo siguiente"),
    colons=(":",),
    that="Que",
    that_re=re.compile(r"^que ", re.IGNORECASE),
    subject_to=re.compile(r"^(?:a )?((?:los |las |el |la |al |todos los |todas las )?[A-ZÁÉÍÓÚ]\S*"
                          r"(?: (?!(?:a|que|de|para|en)\b)\S+){0,6}?) (?:a |de )"
                          r"([a-záéíóúñ]+(?:ar|er|ir)(?:se)?)\b(.*)$"),
    plural_subject=re.compile(r"^(?:los|las|todos|todas)\b|\by\b", re.IGNORECASE),
    modals=("debería", "debería", "debe", "podría"),
    modals_plural=("deberían", "deberían", "deben", "podrían"),
    impersonal=("Es conveniente que", "Es importante que", "Es necesario que", "Convendría que"),
    recommended=("Se recomienda", "Se recomienda", "SE RECOMIENDA"),
    formula_re=re.compile(r"(?:La |El |Los |Las )[A-ZÁÉ][\w ]+,"),
    formulas=(
        "La Conferencia Internacional de Instrucción Pública, convocada en {place} por la Oficina "
        "Internacional de Educación, reunida en su {session} reunión, el {date},",
        "La Conferencia Internacional de Educación, convocada en {place} por la Organización de las "
        "Naciones Unidas para la Educación, la Ciencia y la Cultura, reunida en su {session} "
        "reunión del {day} al {date},",
        "La Conferencia Internacional de Educación, reunida en {place} en su {session} reunión,",
        "Nosotros, los ministros de educación y jefes de delegación, reunidos en {place} el {date},",
        "Los participantes en la {session} reunión del {group}, celebrada en {place} el {date},",
        "LA CONFERENCIA INTERNACIONAL DE EDUCACIÓN, REUNIDA EN {place_upper} EN SU "
        "{session_upper} REUNIÓN,",
        "La Conferencia,",
    ),
    short_formulas=("La Conferencia,", "La Conferencia Internacional de Educación,",
                    "La Conferencia Internacional de Instrucción Pública,"),
    places=("Ginebra", "Corvale", "Aldara", "Mirenna"),
    sessions=("segunda", "quinta", "octava", "duodécima", "vigésima", "trigésima novena",
              "cuadragésima séptima"),
    months=("marzo", "julio", "septiembre", "octubre"),
    date="{day} de {month} de {year}",
    groups=("Comité de Directores de Aduanas", "Foro de Estados Costeros",
            "Consejo de Archivos Nacionales"),
    we="Nosotros",
    first_person=_es_first_person,
    infinitive=_es_infinitive,
    bridges=(("Somete a los Ministerios de Instrucción Pública de los diversos países la "
              "recomendación siguiente:", "as is"),
             ("Recomienda a los ministerios de educación de los Estados miembros los principios y "
              "medidas siguientes:", "as is"),
             ("Aprueba las conclusiones y propuestas de acción siguientes:", "as is"),
             ("Decide:", "infinitive"), ("Decidimos:", "infinitive"),
             ("Recomienda lo siguiente:", "as is")),
    infinitive_marker=upper_first,
    votes=("Aprobada en la {meeting}ª sesión plenaria, por {yes} votos contra {no} y {abst} "
           "abstenciones.",
           "Aprobada por unanimidad en la {meeting}ª sesión.",
           "Aprobada sin votación en la {meeting}ª sesión plenaria.",
           "Aprobada en la {meeting}ª sesión plenaria de la Conferencia, el {date}.",
           "{meeting}ª sesión plenaria {date}"),
    footnotes=("{n} Documentos Oficiales de la Asamblea General, Suplemento núm. {k} (A/{k}/{n}).",
               "{n} Ibid.",
               "{n} Véase el documento {sym}, anexo.",
               "{n} Documentos Oficiales del Consejo de Seguridad, {meeting}ª sesión."),
)

#: the languages with word templates
WORDS: dict[str, Words] = {"fr": FRENCH, "es": SPANISH}


# --------------------------------------------------------------------------- transformations


def _fill(w: Words, rng: random.Random) -> dict[str, Any]:
    day = rng.randint(1, 20)
    place, session = rng.choice(w.places), rng.choice(w.sessions)
    return {"place": place, "place_upper": place.upper(), "session": session,
            "session_upper": session.upper(), "day": day, "group": rng.choice(w.groups),
            "date": w.date.format(day=day + rng.randint(1, 8), month=rng.choice(w.months),
                                  year=rng.randint(1934, 2023)),
            "meeting": rng.randint(2, 120), "yes": rng.randint(20, 150), "no": rng.randint(0, 9),
            "abst": rng.randint(1, 30), "k": rng.randint(1, 80), "n": rng.randint(1, 60),
            "sym": f"E/{rng.randint(1950, 2020)}/{rng.randint(2, 99)}"}


def numbering(w: Words, rows: list[Row], rng: random.Random) -> list[Row] | None:
    """``augment.numbering``, and numbered narrative paragraphs in the preamble: "Notant que
    les inscriptions ont augmenté," → "1.2 Les inscriptions ont augmenté." (no phrase)."""
    out = augment.numbering(rows, rng)
    if out is None:
        return None
    for i, r in enumerate(out):
        num, rest = strip_number(r["text"])
        phrase = row_phrase(r)
        if r.get("type") != PRE or not num or not phrase or not rest.startswith(phrase):
            continue
        after = rest[len(phrase):].lstrip(" ,")
        that = w.that_re.match(after)
        if that and rng.random() < 0.5:
            out[i] = new_row(r, f"{num}{upper_first(end_with(after[that.end():], '.'))}", PRE)
    return out


def considering_that(w: Words, rows: list[Row], rng: random.Random) -> list[Row] | None:
    """A run of preambular clauses → a lead-in ("Considérant :") and its items ("Que … ;")."""
    opening = [i for i in type_span(rows, PRE) if after_phrase(rows[i])]
    # runs of consecutive ones: i - position is constant along a run
    runs = [[i for _, i in g] for _, g in groupby(enumerate(opening), lambda p: p[1] - p[0])]
    runs = [r for r in runs if len(r) >= 2]
    if not runs:
        return None
    run = rng.choice(runs)[: rng.randint(2, 5)]
    first = rows[run[0]]
    if rng.random() < 0.4 and row_phrase(first):  # the run's own opening ("Rappelant :")
        word, lemma = row_phrase(first) or "", first.get("action_lemma")
    else:
        word, lemma = rng.choice(w.lead_ins)
    lead = new_row(first, f"{word}{rng.choice(w.lead_tails)}{rng.choice(w.colons)}", PRE, word, lemma)
    semi = rng.choice((" ;", ";"))
    items = []
    for k, i in enumerate(run):
        after = after_phrase(rows[i]) or ""
        m = w.that_re.match(after)
        text = f"{w.that} {after[m.end():]}" if m else upper_first(after)
        if m and after[m.end() - 1:m.end()] in "’'":
            text = f"{w.that[:-1]}{after[m.end() - 1:]}"  # "Qu’il …"
        if rng.random() < 0.3:
            text = f"{'abcdefgh'[k]}) {text}"
        mark = semi if k < len(run) - 1 else rng.choice((",", semi, "."))
        items.append(new_row(rows[i], end_with(text, mark)))
    return rows[: run[0]] + [lead] + items + rows[run[-1] + 1:]


def modal_operative(w: Words, rows: list[Row], rng: random.Random) -> list[Row] | None:
    """Operative clauses without a verb of decision: "Les États devraient …" (phrase None),
    "Il est souhaitable que …" (None) and "Il est recommandé que …" (lemma recommend)."""
    op = [i for i in type_span(rows, OP) if after_phrase(rows[i])]
    if not op:
        return None
    out = [dict(r) for r in rows]
    changed = False
    for i in rng.sample(op, max(1, (len(op) + 1) // 2)):
        r = rows[i]
        num, _ = strip_number(r["text"])
        after = after_phrase(r) or ""
        m = w.subject_to.match(after)
        that = w.that_re.match(after)
        if m:  # "Engage les États Membres à renforcer …" → "Les États Membres devraient renforcer …"
            subject = re.sub(r"^aux ", "les ", re.sub(r"^au ", "le ", re.sub(r"^al ", "el ", m.group(1))))
            modals = w.modals_plural if w.plural_subject.search(subject) else w.modals
            out[i] = new_row(r, f"{num}{upper_first(subject)} {rng.choice(modals)} "
                             f"{m.group(2)}{m.group(3)}", OP)
        elif that:  # "Décide que les écoles …" → "Il est souhaitable que les écoles …"
            clause = after[that.end():]
            conj = after[that.start():that.end()].lower()
            if rng.random() < 0.7:
                lead = rng.choice(w.impersonal)
                out[i] = new_row(r, f"{num}{lead[:-3]}{conj}{clause}", OP)
            else:
                lead = rng.choice(w.recommended)
                conj = conj.upper() if lead.isupper() else conj
                out[i] = new_row(r, f"{num}{lead} {conj}{clause}", OP, lead, "recommend")
        else:
            continue
        changed = True
    return out if changed else None


def _is_formula(w: Words, row: Row) -> bool:
    return row.get("type") == OTHER and bool(w.formula_re.fullmatch(str(row["text"]).strip()))


def first_person(w: Words, rows: list[Row], rng: random.Random) -> list[Row] | None:
    """The formula of a conference or meeting ("La Conférence internationale de l’éducation, …,
    réunie en sa … session,", "Nous, ministres …,") and, sometimes, first-person verbs
    ("Recommandons", "Nous invitons")."""
    op = [i for i in type_span(rows, OP) if after_phrase(rows[i])]
    if not op and not type_span(rows, PRE):
        return None
    out = [dict(r) for r in rows]
    formula = rng.choice(w.formulas).format(**_fill(w, rng))
    forms = [i for i, r in enumerate(rows) if _is_formula(w, r)]
    if forms:
        out[forms[0]]["text"] = formula
    else:
        first = (type_span(rows, PRE) or op)[0]
        out.insert(first, other_row(rows[first], formula))
    if formula.startswith(w.we) and op and rng.random() < 0.7:
        with_we = rng.random() < 0.6
        for i, r in enumerate(out):
            if r.get("type") != OP or not after_phrase(r):
                continue
            head, _, tail = (row_phrase(r) or "").partition(" ")
            verb = w.first_person(head)
            if not verb:
                continue
            phrase = " ".join(p for p in (verb, tail) if p)
            phrase = f"{w.we} {lower_first(phrase)}" if with_we else phrase
            num, _ = strip_number(r["text"])
            out[i] = new_row(r, f"{num}{phrase} {after_phrase(r)}", OP, phrase, r.get("action_lemma"))
    return out


def formula_merge(w: Words, rows: list[Row], rng: random.Random) -> list[Row] | None:
    """The formula run into the first clause ("La Conférence, reconnaissant que …,")."""
    for i in range(len(rows) - 1):
        nxt = rows[i + 1]
        if _is_formula(w, rows[i]) and nxt.get("type") in (PRE, OP):
            body = lower_first(nxt["text"]) if rng.random() < 0.5 else nxt["text"]
            phrase = row_phrase(nxt)
            if phrase and not body.startswith(phrase):
                phrase = lower_first(phrase)
            formula = rows[i]["text"].strip() if rng.random() < 0.5 else rng.choice(w.short_formulas)
            merged = new_row(nxt, f"{formula} {body}", nxt["type"], phrase,
                          nxt.get("action_lemma"))
            return rows[:i] + [merged] + rows[i + 2:]
    return None


def bridge_items(w: Words, rows: list[Row], rng: random.Random) -> list[Row] | None:
    """A run of operative clauses → a bare bridge line (``other``: "Décide :", "Soumet … la
    recommandation suivante :") and its items ("a) De prier … ;", or the clauses as written)."""
    run = augment.operative_run(rows, rng)
    if run is None:
        return None
    bridge, form = rng.choice(w.bridges)
    marker = rng.choice(("paren", "number", "none"))
    semi = rng.choice((" ;", ";"))
    items = []
    for k, i in enumerate(run):
        row = rows[i]
        phrase, after = row_phrase(row) or "", after_phrase(row) or ""
        head, _, tail = phrase.partition(" ")
        verb = w.infinitive(head) if form == "infinitive" else None
        if verb:
            phrase = " ".join(p for p in (w.infinitive_marker(verb), tail) if p)
        num = {"paren": f"{'abcdefgh'[k]}) ", "number": f"{k + 1}. ", "none": ""}[marker]
        items.append(new_row(row, end_with(f"{num}{phrase} {after}", semi if k < len(run) - 1 else "."),
                          OP, phrase, row.get("action_lemma")))
    line = {**other_row(rows[run[0]], bridge), "phrase_missing": True}  # as in augment.bridge_items
    return rows[: run[0]] + [line] + items + rows[run[-1] + 1:]


def votes_footnotes(w: Words, rows: list[Row], rng: random.Random) -> list[Row] | None:
    """A vote line after the last operative clause and a footnote block (``other``); or none:
    the document ends on its last operative clause, as recommendations are printed."""
    op = type_span(rows, OP)
    if not op:
        return None
    if op[-1] + 1 < len(rows) and rng.random() < 0.3:
        return rows[: op[-1] + 1]
    fill = _fill(w, rng)
    block = [other_row(rows[op[-1]], rng.choice(w.footnotes).format(**{**fill, "n": fill["n"] + j}))
             for j in range(rng.randint(0, 2))]
    if rng.random() < 0.8 or not block:
        block.insert(0, other_row(rows[op[-1]], rng.choice(w.votes).format(**fill)))
    at = op[-1] + 1
    return rows[:at] + block + rows[at:]


_WORDED: dict[str, Callable[[Words, list[Row], random.Random], list[Row] | None]] = {
    "numbering": numbering,
    "considering_that": considering_that,
    "modal_operative": modal_operative,
    "first_person": first_person,
    "formula_merge": formula_merge,
    "bridge_items": bridge_items,
    "votes_footnotes": votes_footnotes,
}


def transform_for(name: str, language: str) -> Transform | None:
    """The transformation ``name`` for a document in ``language`` (ISO 639-1): English's own,
    a language-neutral one, this module's templates for the language, or None (skip it)."""
    words, fn = WORDS.get(language), _WORDED.get(name)
    if language == "en" or (name in LANGUAGE_NEUTRAL and (words is None or fn is None)):
        return augment.TRANSFORMS[name]
    if words is None or fn is None:
        return None
    return lambda rows, rng: fn(words, rows, rng)
