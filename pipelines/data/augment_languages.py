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
plenaria …"). Russian (``ru``), Chinese (``zh``) and Arabic (``ar``) templates follow UN
translations: "Считая: Что …;", "Государствам-членам следует …" (a dative subject), "Рекомендуется
исходить из того, что …", "постановляет: а) просить …;", "Мы просим"; "考虑到：", "会员国应……",
"决定：(a) 请……；", "我们请" (no spaces, full-width marks); "إذ يرى: أن …؛", "الدول الأعضاء ينبغي
لها أن …", "يوصى بأن …", "تقرر ما يلي: (أ) أن تطلب …؛", "نطلب" (Arabic marks). Labels stay true as
in ``augment``: types, and phrases that are the opening of the new text (lemmas: the canonical
English verb).
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
    #: between a phrase and the text after it, and between the words the templates join
    #: ("" in Chinese, written without spaces)
    space: str = " "
    #: list-item ends and item letters as the language prints them
    semis: tuple[str, ...] = (" ;", ";")
    comma: str = ","
    stop: str = "."
    letters: tuple[str, ...] = tuple(f"{c})" for c in "abcdefgh")
    #: how "It is recommended" joins the clause's conjunction ("Il est recommandé que …")
    recommended_form: str = "{lead} {that}"
    #: the conjunction written before a clause turned modal (None: the one the clause had)
    that_word: str | None = None


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

# --------------------------------------------------------------------------- Russian verbs


def _ru_first_person(word: str) -> str | None:
    """"постановляет" → "постановляем", "просит" → "просим"; None when not a verb in -ет/-ит."""
    for end, first in (("ет", "ем"), ("ёт", "ём"), ("ит", "им")):
        if len(word) > 4 and word.endswith(end):
            return word[: -len(end)] + first
    return None


def _ru_infinitive(word: str) -> str | None:
    """"рекомендует" → "рекомендовать", "призывает" → "призывать", "просит" → "просить"; None
    when unknown."""
    for end, inf in (("ует", "овать"), ("ает", "ать"), ("яет", "ять"), ("еет", "еть"), ("ит", "ить")):
        if len(word) > 4 and word.endswith(end):
            return word[: -len(end)] + inf
    return None


def _ru_marker(verb: str) -> str:
    """Items of "постановляет:" in lower case ("а) просить …;", as UN Russian prints them) and,
    for about half of the verbs (by the parity of their length), capitalised ("1. Издать …")."""
    return upper_first(verb) if len(verb) % 2 else verb


RUSSIAN = Words(
    lead_ins=(("Считая", "consider"), ("учитывая", "consider"), ("отмечая", "note"),
              ("признавая", "recognize"), ("принимая во внимание", "take into account")),
    lead_tails=("", "", " следующее"),
    colons=(":",),
    that="Что",
    that_re=re.compile(r"^что ", re.IGNORECASE),
    # "рекомендует государствам-членам рассмотреть …": a subject in the dative, an infinitive
    subject_to=re.compile(r"^((?:\S+ ){0,5}?\S+(?:ам|ям)) ([а-яё]+(?:ть|ти|чь)(?:ся)?)\b(.*)$"),
    plural_subject=re.compile(r"^"),
    modals=("следует", "следует", "надлежит", "целесообразно"),
    modals_plural=("следует", "следует", "надлежит", "целесообразно"),
    impersonal=("Следует исходить из того, что", "Важно иметь в виду, что",
                "Необходимо учитывать, что", "Следует учитывать, что"),
    recommended=("Рекомендуется",),
    recommended_form="{lead} исходить из того, {that}",
    formula_re=re.compile(r"[А-ЯЁ][\w\- ]{3,80},"),
    formulas=(
        "Международная конференция по народному образованию, созванная в {place} Международным "
        "бюро просвещения и собравшаяся на свою {session} сессию {date},",
        "Международная конференция по образованию, созванная в {place} Организацией Объединенных "
        "Наций по вопросам образования, науки и культуры и собравшаяся на свою {session} сессию "
        "{day}–{date},",
        "Международная конференция по образованию, собравшаяся в {place} на свою {session} сессию,",
        "Мы, министры образования и главы делегаций, собравшиеся в {place} {date},",
        "Мы, участники совещания {group}, состоявшегося в {place} {date},",
        "МЕЖДУНАРОДНАЯ КОНФЕРЕНЦИЯ ПО ОБРАЗОВАНИЮ, СОБРАВШАЯСЯ В {place_upper} НА СВОЮ "
        "{session_upper} СЕССИЮ,",
        "Конференция,",
    ),
    short_formulas=("Конференция,", "Международная конференция по образованию,",
                    "Международная конференция по народному образованию,"),
    # "в {place}": the prepositional case; "на свою {session} сессию": the accusative
    places=("Женеве", "Корвале", "Альдаре", "Миренне"),
    sessions=("вторую", "пятую", "восьмую", "двенадцатую", "двадцатую", "двадцать шестую",
              "тридцать девятую", "сорок седьмую"),
    months=("марта", "июля", "сентября", "октября"),
    date="{day} {month} {year} года",
    groups=("руководителей таможенных служб", "прибрежных государств региона",
            "национальных архивных советов"),
    we="Мы",
    first_person=_ru_first_person,
    infinitive=_ru_infinitive,
    bridges=(("представляет министерствам народного образования различных стран следующую "
              "рекомендацию:", "as is"),
             ("рекомендует министерствам образования государств-членов следующие принципы и "
              "меры:", "as is"),
             ("принимает следующие выводы и предложения о дальнейших действиях:", "as is"),
             ("постановляет:", "infinitive"), ("постановляем:", "infinitive"),
             ("рекомендует следующее:", "as is")),
    infinitive_marker=_ru_marker,
    votes=("Принята на {meeting}-м пленарном заседании {yes} голосами против {no} при {abst} "
           "воздержавшихся.",
           "Принята единогласно на {meeting}-м заседании.",
           "Принята без голосования на {meeting}-м пленарном заседании.",
           "Принята на {meeting}-м пленарном заседании Конференции {date}.",
           "{meeting}-е пленарное заседание {date}"),
    footnotes=("{n} Официальные отчеты Генеральной Ассамблеи, Дополнение № {k} (A/{k}/{n}).",
               "{n} Там же.",
               "{n} См. документ {sym}, приложение.",
               "{n} Официальные отчеты Совета Безопасности, {meeting}-е заседание."),
    semis=(";",),
    letters=("а)", "б)", "в)", "г)", "д)", "е)", "ж)", "з)"),
)

# --------------------------------------------------------------------------- Chinese verbs


def _zh_verb(word: str) -> str | None:
    """A Chinese verb has one form: "请" is "we request" after "我们" and "to request" after
    "决定："."""
    return word or None


CHINESE = Words(
    lead_ins=(("考虑到", "consider"), ("考虑到", "consider"), ("注意到", "note"),
              ("认识到", "recognize"), ("铭记", "bear in mind")),
    lead_tails=("", "", "以下各点"),
    colons=("：",),
    that="",
    that_re=re.compile(r"(?!)"),  # a clause has no conjunction to turn into "It is … that"
    # "鼓励会员国加强……" → "会员国" + "应" + "加强……": the modal after a known subject
    subject_to=re.compile(r"^((?:所有|各)?(?:会员国|成员国|各国政府|各国|国家|缔约国|秘书长|秘书处|"
                          r"联合国系统各实体|各专门机构|国际社会|捐助方)(?:和各?[^\s，；。]{2,10}?)?)()"
                          r"((?:进一步|继续|加紧|积极|酌情)?(?:加强|采取|考虑|提供|支持|确保|促进|制定|"
                          r"参与|提交|审查|开展|建立|提高|改善|协助|向|在|与|就|通过|履行|落实|执行|增加|"
                          r"作出|努力).*)$"),
    plural_subject=re.compile(r"^"),
    modals=("应", "应当", "应该", "宜"),
    modals_plural=("应", "应当", "应该", "宜"),
    impersonal=("有必要",),
    recommended=("建议",),
    formula_re=re.compile(r"[\u4e00-\u9fff]{2,20}，"),
    formulas=(
        "国际公共教育会议，应国际教育局的召集，于{date}在{place}举行第{session}届会议，",
        "国际教育会议，应联合国教育、科学及文化组织的召集，于{date}在{place}举行第{session}届会议，",
        "国际教育会议在{place}举行第{session}届会议，",
        "我们，各国教育部长和代表团团长，于{date}在{place}举行会议，",
        "我们，{group}会议的与会者，于{date}在{place}举行会议，",
        "国际教育会议，",
        "会议，",
    ),
    short_formulas=("会议，", "国际教育会议，", "国际公共教育会议，"),
    places=("日内瓦", "科尔瓦莱", "阿尔达拉", "米伦纳"),
    sessions=("二", "五", "八", "十二", "二十", "二十六", "三十九", "四十七"),
    months=("3", "7", "9", "10"),
    date="{year}年{month}月{day}日",
    groups=("海关署长委员会", "沿海国论坛", "国家档案理事会"),
    we="我们",
    first_person=_zh_verb,
    infinitive=_zh_verb,
    bridges=(("向各国公共教育部提出以下建议：", "as is"),
             ("向各会员国教育部建议以下原则和措施：", "as is"),
             ("通过以下结论和行动建议：", "as is"),
             ("决定：", "infinitive"), ("我们决定：", "infinitive"), ("建议如下：", "as is")),
    infinitive_marker=str,
    votes=("{date}第{meeting}次全体会议以{yes}票赞成、{no}票反对、{abst}票弃权通过。",
           "第{meeting}次会议一致通过。",
           "第{meeting}次全体会议未经表决通过。",
           "{date}第{meeting}次全体会议通过。",
           "{date}第{meeting}次全体会议"),
    footnotes=("{n} 《大会正式记录，补编第{k}号》(A/{k}/{n})。",
               "{n} 同上。",
               "{n} 见{sym}号文件，附件。",
               "{n} 《安全理事会正式记录》，第{meeting}次会议。"),
    space="",
    semis=("；",),
    comma="，",
    stop="。",
    letters=tuple(f"({c})" for c in "abcdefgh"),
)

# --------------------------------------------------------------------------- Arabic verbs


def _ar_first_person(word: str) -> str | None:
    """"تطلب" (she requests: the Assembly) and "يوصي" (he: the Conference) → "نطلب", "نوصي";
    None when the word is no verb in the present tense."""
    if len(word) >= 3 and word[0] in "تي":
        return "ن" + word[1:]
    return None


def _ar_infinitive(word: str) -> str | None:
    """The verb as it is, after "أن" ("تقرر ما يلي: (أ) أن تطلب …"); None when no present tense."""
    return word if len(word) >= 3 and word[0] in "تي" else None


def _ar_an(verb: str) -> str:
    return f"أن {verb}"


ARABIC = Words(
    lead_ins=(("إذ يرى", "consider"), ("وإذ يرى", "consider"), ("وإذ تلاحظ", "note"),
              ("وإذ تسلم", "recognize"), ("وإذ تأخذ في الاعتبار", "take into account")),
    lead_tails=("", "", " ما يلي"),
    colons=(":",),
    that="أن",
    that_re=re.compile(r"^(?:بأن|أن|على أن) "),
    # "تطلب إلى الأمين العام أن يقدم …" → "الأمين العام ينبغي له أن يقدم …"
    subject_to=re.compile(r"^(?:إلى |ب(?=ال))(\S+(?: \S+){0,4}?) (أن)( \S.*)$"),
    # a subject that takes "لها": feminine ("اللجنة") or a plural of things ("الدول", "الحكومات")
    plural_subject=re.compile(r"^(?:جميع|\S+(?:ة|ات)\b|(?:ال)?(?:دول|جهات|هيئات|وكالات)\b)"),
    modals=("ينبغي له", "يجب عليه", "ينبغي له"),
    modals_plural=("ينبغي لها", "يجب عليها", "ينبغي لها"),
    impersonal=("من المستحسن أن", "من الضروري أن", "من المهم أن", "ينبغي أن"),
    recommended=("يوصى",),
    recommended_form="{lead} ب{that}",
    that_word="أن",
    formula_re=re.compile(r"(?:إن )?[\u0600-\u06ff][\u0600-\u06ff ]{2,60}،"),
    formulas=(
        "إن المؤتمر الدولي للتعليم العام، الذي دعا إلى عقده في {place} المكتب الدولي للتربية، "
        "والمنعقد في دورته {session} في {date}،",
        "إن المؤتمر الدولي للتربية، الذي دعت إلى عقده في {place} منظمة الأمم المتحدة للتربية والعلم "
        "والثقافة، والمنعقد في دورته {session} في الفترة من {day} إلى {date}،",
        "إن المؤتمر الدولي للتربية، المنعقد في {place} في دورته {session}،",
        "نحن، وزراء التربية ورؤساء الوفود، المجتمعين في {place} في {date}،",
        "نحن، المشاركين في اجتماع {group} المعقود في {place} في {date}،",
        "إن المؤتمر،",
    ),
    short_formulas=("إن المؤتمر،", "إن المؤتمر الدولي للتربية،", "إن المؤتمر الدولي للتعليم العام،"),
    places=("جنيف", "كورفالي", "ألدارا", "ميرينا"),
    sessions=("الثانية", "الخامسة", "الثامنة", "الثانية عشرة", "العشرين", "السادسة والعشرين",
              "التاسعة والثلاثين", "السابعة والأربعين"),
    months=("آذار/مارس", "تموز/يوليه", "أيلول/سبتمبر", "تشرين الأول/أكتوبر"),
    date="{day} {month} {year}",
    groups=("لجنة مديري الجمارك", "منتدى الدول الساحلية", "مجلس المحفوظات الوطنية"),
    we="نحن",
    first_person=_ar_first_person,
    infinitive=_ar_infinitive,
    bridges=(("يقدم إلى وزارات التعليم العام في مختلف البلدان التوصية التالية:", "as is"),
             ("يوصي وزارات التربية في الدول الأعضاء بالمبادئ والتدابير التالية:", "as is"),
             ("يعتمد الاستنتاجات والمقترحات التالية:", "as is"),
             ("تقرر ما يلي:", "infinitive"), ("يقرر ما يلي:", "infinitive"),
             ("توصي بما يلي:", "as is")),
    infinitive_marker=_ar_an,
    votes=("اعتُمد في الجلسة العامة {meeting} بأغلبية {yes} صوتا مقابل {no} وامتناع {abst} عن "
           "التصويت.",
           "اعتُمد بالإجماع في الجلسة {meeting}.",
           "اعتُمد دون تصويت في الجلسة العامة {meeting}.",
           "اعتُمد في الجلسة العامة {meeting} للمؤتمر المعقودة في {date}.",
           "الجلسة العامة {meeting} {date}"),
    footnotes=("{n} الوثائق الرسمية للجمعية العامة، الملحق رقم {k} (A/{k}/{n}).",
               "{n} المرجع نفسه.",
               "{n} انظر الوثيقة {sym}، المرفق.",
               "{n} الوثائق الرسمية لمجلس الأمن، الجلسة {meeting}."),
    semis=("؛",),
    comma="،",
    letters=("(أ)", "(ب)", "(ج)", "(د)", "(هـ)", "(و)", "(ز)", "(ح)"),
)

# --------------------------------------------------------------------------- transformations


#: the languages with word templates
WORDS: dict[str, Words] = {"fr": FRENCH, "es": SPANISH, "ru": RUSSIAN, "zh": CHINESE, "ar": ARABIC}

_FINAL_MARKS = " ,;.:，；。：،؛"


def _end(text: str, mark: str) -> str:
    """``augment.end_with`` for any language: Chinese and Arabic final marks are replaced too."""
    return text.rstrip(_FINAL_MARKS) + mark


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
            out[i] = new_row(r, f"{num}{upper_first(_end(after[that.end():], w.stop))}", PRE)
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
    semi = rng.choice(w.semis)
    items = []
    for k, i in enumerate(run):
        after = after_phrase(rows[i]) or ""
        m = w.that_re.match(after)
        text = f"{w.that}{w.space}{after[m.end():]}" if m else upper_first(after)
        if m and after[m.end() - 1:m.end()] in "’'":
            text = f"{w.that[:-1]}{after[m.end() - 1:]}"  # "Qu’il …"
        if rng.random() < 0.3:
            text = f"{w.letters[k]} {text}"
        mark = semi if k < len(run) - 1 else rng.choice((w.comma, semi, w.stop))
        items.append(new_row(rows[i], _end(text, mark)))
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
            out[i] = new_row(r, f"{num}{upper_first(subject)}{w.space}{rng.choice(modals)}"
                             f"{w.space}{m.group(2)}{m.group(3)}", OP)
        elif that:  # "Décide que les écoles …" → "Il est souhaitable que les écoles …"
            clause = after[that.end():]
            conj = f"{w.that_word} " if w.that_word else after[that.start():that.end()].lower()
            if rng.random() < 0.7:  # the lead's own conjunction (its last word) gives way
                lead = rng.choice(w.impersonal)
                out[i] = new_row(r, f"{num}{lead[:lead.rstrip().rfind(' ') + 1]}{conj}{clause}", OP)
            else:
                lead = rng.choice(w.recommended)
                conj = conj.upper() if lead.isupper() else conj
                out[i] = new_row(r, f"{num}{w.recommended_form.format(lead=lead, that=conj)}{clause}",
                                 OP, lead, "recommend")
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
            phrase = f"{w.we}{w.space}{lower_first(phrase)}" if with_we else phrase
            num, _ = strip_number(r["text"])
            out[i] = new_row(r, f"{num}{phrase}{w.space}{after_phrase(r)}", OP, phrase,
                             r.get("action_lemma"))
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
            merged = new_row(nxt, f"{formula}{w.space}{body}", nxt["type"], phrase,
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
    semi = rng.choice(w.semis)
    items = []
    for k, i in enumerate(run):
        row = rows[i]
        phrase, after = row_phrase(row) or "", after_phrase(row) or ""
        head, _, tail = phrase.partition(" ")
        verb = w.infinitive(head) if form == "infinitive" else None
        if verb:
            phrase = " ".join(p for p in (w.infinitive_marker(verb), tail) if p)
        num = {"paren": f"{w.letters[k]} ", "number": f"{k + 1}. ", "none": ""}[marker]
        items.append(new_row(row, _end(f"{num}{phrase}{w.space}{after}",
                                       semi if k < len(run) - 1 else w.stop),
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
