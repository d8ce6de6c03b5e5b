"""The transformations of other languages on a small invented French document
(pipelines.data.augment_languages), and their choice by a row's language in augment_documents."""

from __future__ import annotations

import random
import re

import pandas as pd
import pytest

from pipelines.data import augment_languages as al
from pipelines.data.augment import TRANSFORMS, headings_as_other
from pipelines.data.augmentation import augment_documents

PRE, OP, OTHER = "preambular", "operative", "other"
#: invented clauses: (type, phrase, lemma, text)
DOC = [
    (OTHER, None, None, "Résolution 17/4. Les phares des petites îles"),
    (OTHER, None, None, "L’Assemblée générale,"),
    (PRE, "Rappelant", "recall",
     "Rappelant ses travaux antérieurs sur la sécurité de la navigation côtière,"),
    (PRE, "Notant", "note",
     "Notant que de nombreuses petites îles dépendent encore de phares construits il y a un siècle,"),
    (PRE, "Consciente", "be aware",
     "Consciente que les réparations exigent des savoir-faire qui se raréfient dans la région,"),
    (OP, "Se félicite", "welcome",
     "1. Se félicite de l’inventaire des phares insulaires dressé par l’Office portuaire ;"),
    (OP, "Engage", "encourage",
     "2. Engage les États Membres à partager leurs registres d’entretien avec l’Office ;"),
    (OP, "Décide", "decide",
     "3. Décide que les gardiens de phare recevront une formation aux lanternes anciennes ;"),
    (OP, "Prie", "request",
     "4. Prie le Secrétaire général de lui rendre compte des progrès accomplis à sa prochaine session."),
    (OTHER, None, None, "40e séance plénière 3 décembre 2040"),
]
DOC_ES = [
    (OTHER, None, None, "Resolución 17/4. Los faros de las islas pequeñas"),
    (OTHER, None, None, "La Asamblea General,"),
    (PRE, "Recordando", "recall",
     "Recordando su labor anterior sobre la seguridad de la navegación costera,"),
    (PRE, "Observando", "note",
     "Observando que muchas islas pequeñas aún dependen de faros construidos hace un siglo,"),
    (PRE, "Consciente", "be aware",
     "Consciente de que las reparaciones exigen conocimientos cada vez más escasos en la región,"),
    (OP, "Acoge con beneplácito", "welcome",
     "1. Acoge con beneplácito el inventario de faros insulares preparado por la Oficina Portuaria;"),
    (OP, "Alienta", "encourage",
     "2. Alienta a los Estados Miembros a compartir sus registros de mantenimiento con la Oficina;"),
    (OP, "Decide", "decide", "3. Decide que los fareros recibirán formación sobre linternas antiguas;"),
    (OP, "Invita", "invite",
     "4. Invita a la Oficina a informar sobre los progresos en su próximo período de sesiones."),
    (OTHER, None, None, "40ª sesión plenaria 3 de diciembre de 2040"),
]
DOC_RU = [
    (OTHER, None, None, "Резолюция 17/4. Маяки малых островов"),
    (OTHER, None, None, "Генеральная Ассамблея,"),
    (PRE, "ссылаясь", "recall",
     "ссылаясь на свою предыдущую работу по вопросам безопасности прибрежного судоходства,"),
    (PRE, "отмечая", "note",
     "отмечая, что многие малые острова по-прежнему зависят от маяков, построенных столетие назад,"),
    (PRE, "сознавая", "be aware",
     "сознавая, что для ремонта требуются навыки, которые становятся в регионе все более редкими,"),
    (OP, "приветствует", "welcome",
     "1. приветствует перечень островных маяков, составленный Портовым управлением;"),
    (OP, "рекомендует", "recommend",
     "2. рекомендует государствам-членам обмениваться с Управлением журналами обслуживания;"),
    (OP, "постановляет", "decide",
     "3. постановляет, что смотрители маяков пройдут подготовку по работе со старыми фонарями;"),
    (OP, "просит", "request",
     "4. просит Генерального секретаря доложить о достигнутом прогрессе на ее следующей сессии."),
    (OTHER, None, None, "40-е пленарное заседание 3 декабря 2040 года"),
]
DOC_ZH = [
    (OTHER, None, None, "第17/4号决议. 小岛屿的灯塔"),
    (OTHER, None, None, "大会，"),
    (PRE, "回顾", "recall", "回顾其以往关于沿海航行安全的工作，"),
    (PRE, "注意到", "note", "注意到许多小岛屿仍然依赖一个世纪前建造的灯塔，"),
    (PRE, "意识到", "be aware", "意识到维修工作需要本区域日益稀缺的技能，"),
    (OP, "欢迎", "welcome", "1. 欢迎港务局编制的岛屿灯塔清单；"),
    (OP, "鼓励", "encourage", "2. 鼓励会员国与港务局分享其维护记录；"),
    (OP, "决定", "decide", "3. 决定为灯塔看守人提供旧式灯具方面的培训；"),
    (OP, "请", "request", "4. 请秘书长在下届会议上报告所取得的进展。"),
    (OTHER, None, None, "2040年12月3日第40次全体会议"),
]
DOC_AR = [
    (OTHER, None, None, "القرار 17/4 - منارات الجزر الصغيرة"),
    (OTHER, None, None, "إن الجمعية العامة،"),
    (PRE, "إذ تشير", "recall", "إذ تشير إلى أعمالها السابقة بشأن سلامة الملاحة الساحلية،"),
    (PRE, "وإذ تلاحظ", "note", "وإذ تلاحظ أن جزرا صغيرة كثيرة لا تزال تعتمد على منارات بنيت قبل قرن،"),
    (PRE, "وإذ تدرك", "be aware", "وإذ تدرك أن أعمال الإصلاح تتطلب مهارات أصبحت نادرة في المنطقة،"),
    (OP, "ترحب", "welcome", "1 - ترحب بقائمة منارات الجزر التي أعدها مكتب الموانئ؛"),
    (OP, "تهيب", "call upon", "2 - تهيب بالدول الأعضاء أن تتبادل سجلات الصيانة مع المكتب؛"),
    (OP, "تقرر", "decide", "3 - تقرر أن يتلقى حراس المنارات تدريبا على المصابيح القديمة؛"),
    (OP, "تطلب", "request", "4 - تطلب إلى الأمين العام أن يقدم تقريرا عن التقدم المحرز في دورتها المقبلة."),
    (OTHER, None, None, "الجلسة العامة 40 3 كانون الأول/ديسمبر 2040"),
]
DOCS = {"fr": DOC, "es": DOC_ES, "ru": DOC_RU, "zh": DOC_ZH, "ar": DOC_AR}
FRENCH = re.compile(r"\b(?:Considérant|Il est|devraient|Adoptée|séance)\b")
ENGLISH = re.compile(r"\b(?:Considering|That|should|desirable|recommended|Decides|We|Adopted|Official)\b")


def _rows(language: str = "fr", doc: str = "d1") -> list[dict]:
    return [{"doc_id": doc, "para_id": i, "type": t, "action_phrase": p, "action_lemma": lem,
             "text": text, "split": "train", "language": language}
            for i, (t, p, lem, text) in enumerate(DOCS.get(language, DOC))]


def _phrase_is_opening(row: dict) -> bool:
    phrase = row["action_phrase"]
    if not phrase:
        return True
    rest = re.sub(r"^\s*(?:\d{1,3}(?:\.\d{1,3})*(?:[.),]| -)?|\(?[a-hа-зأ-ي]\))\s+", "", row["text"])
    # a formula run in: after its comma ("La Conférence, reconnaissant", "会议，审议了")
    return rest.startswith(phrase) or bool(re.search(rf"[,，،] ?{re.escape(phrase)}", row["text"]))


def test_transform_for_picks_by_language() -> None:
    assert al.transform_for("considering_that", "en") is TRANSFORMS["considering_that"]
    for name in al.LANGUAGE_NEUTRAL:
        assert al.transform_for(name, "de") is TRANSFORMS[name]
    assert al.transform_for("considering_that", "de") is None  # no German templates
    assert set(al.WORDS) == {"fr", "es", "ru", "zh", "ar"}
    assert al.transform_for("numbering", "fr") is not TRANSFORMS["numbering"]  # its own version
    assert al.transform_for("letters", "fr") is None  # no French letters
    assert callable(al.transform_for("modal_operative", "fr"))


@pytest.mark.parametrize("language", sorted(DOCS))
@pytest.mark.parametrize("name", sorted(al._WORDED))
def test_worded_transforms_keep_labels_true_and_write_no_english(name: str, language: str) -> None:
    fn = al.transform_for(name, language)
    changed = 0
    for seed in range(8):
        rows = _rows(language)
        before = [dict(r) for r in rows]
        out = fn(rows, random.Random(seed))
        assert rows == before, "input rows must not change"
        if out is None:
            continue
        changed += out != before
        assert all(r["type"] in (PRE, OP, OTHER) for r in out)
        assert all(_phrase_is_opening(r) for r in out), [r["text"] for r in out]
        assert all((r["action_phrase"] is None) == (r["action_lemma"] is None) for r in out)
        assert not [r["text"] for r in out if ENGLISH.search(r["text"])]
        if language != "fr":
            assert not [r["text"] for r in out if FRENCH.search(r["text"])]
    assert changed, name


def test_french_numbering_writes_narrative_paragraphs() -> None:
    narrative = set()
    for seed in range(10):
        out = al.transform_for("numbering", "fr")(_rows(), random.Random(seed))
        # operative numbering is augment.numbering's (its own tests); phrases stay openings
        assert [r["action_phrase"] for r in out if r["type"] == OP] == [
            "Se félicite", "Engage", "Décide", "Prie"]
        assert all(_phrase_is_opening(r) for r in out)
        narrative.update(r["text"] for r in out if r["type"] == PRE and r["action_phrase"] is None)
    assert any(re.fullmatch(r"1?\.?\d\.? De nombreuses petites îles .* siècle\.", t) for t in narrative)


def test_considering_lead_in_and_que_items() -> None:
    out = al.transform_for("considering_that", "fr")(_rows(), random.Random(1))
    lead = next(r for r in out if re.fullmatch(r"\w+(?: ce qui suit)? ?:", r["text"]))
    assert lead["type"] == PRE and lead["action_phrase"] == lead["text"].split()[0].rstrip(":")
    items = out[out.index(lead) + 1: out.index(lead) + 3]
    assert all(r["type"] == PRE and r["action_phrase"] is None for r in items)
    assert any(re.sub(r"^[a-h]\) ", "", r["text"]).startswith("Que de nombreuses") for r in items)


def test_modal_forms_have_no_decision_verb() -> None:
    texts = {}
    for seed in range(12):
        for r in al.transform_for("modal_operative", "fr")(_rows(), random.Random(seed)) or []:
            if r["type"] == OP:
                texts[r["text"]] = (r["action_phrase"], r["action_lemma"])
    plural = [t for t in texts if t.startswith("2. Les États Membres ")]
    assert plural and all(re.match(r"2\. Les États Membres (devraient|doivent|pourraient) partager", t)
                          for t in plural)
    impersonal = [t for t in texts if t.startswith("3. Il ")]
    assert any(texts[t] == (None, None) for t in impersonal)
    assert any(texts[t] == ("Il est recommandé", "recommend") for t in impersonal)
    assert ("4. Prie le Secrétaire général de lui rendre compte des progrès accomplis à sa "
            "prochaine session.") in texts


def test_first_person_formula_and_verbs() -> None:
    formulas, verbs = set(), set()
    for seed in range(20):
        out = al.transform_for("first_person", "fr")(_rows(), random.Random(seed))
        assert out[1]["type"] == OTHER and out[1]["text"] != "L’Assemblée générale,"
        formulas.add(out[1]["text"].split(",")[0])
        verbs.update(r["action_phrase"] for r in out if r["type"] == OP)
    assert {"La Conférence internationale de l’éducation", "Nous"} <= formulas
    assert {"Engageons", "Nous engageons", "Décidons", "Prions"} & verbs


def test_bridge_infinitive_items() -> None:
    seen = set()
    for seed in range(30):
        out = al.transform_for("bridge_items", "fr")(_rows(), random.Random(seed))
        bridge = next(r for r in out if r["text"].endswith(":") and r["type"] == OTHER)
        assert bridge["phrase_missing"] is True and bridge["action_phrase"] is None
        seen.update(r["action_phrase"] for r in out if r["type"] == OP)
    assert {"D’engager", "De décider", "De prier"} & seen


def test_vote_lines_follow_the_operative_part_or_it_ends_the_document() -> None:
    ends = set()
    for seed in range(10):
        out = al.transform_for("votes_footnotes", "fr")(_rows(), random.Random(seed))
        last_op = max(i for i, r in enumerate(out) if r["type"] == OP)
        assert out[: last_op + 1] == _rows()[: last_op + 1]
        assert all(r["type"] == OTHER for r in out[last_op + 1:])
        ends.add(len(out) - last_op - 1)
    assert 0 in ends and max(ends) > 1


def test_spanish_modal_and_lead_in() -> None:
    texts = set()
    for seed in range(12):
        texts.update(r["text"] for r in al.transform_for("modal_operative", "es")(
            _rows("es"), random.Random(seed)) or [])
        texts.update(r["text"] for r in al.transform_for("considering_that", "es")(
            _rows("es"), random.Random(seed)) or [])
    assert any(re.match(r"2\. Los Estados Miembros (deberían|deben|podrían) compartir", t) for t in texts)
    assert any(t.startswith(("3. Se recomienda que los fareros", "3. Es ", "3. Convendría"))
               for t in texts)
    assert any(re.sub(r"^[a-h]\) ", "", t).startswith("Que muchas islas") for t in texts)
    assert [al._es_first_person(w) for w in ("Invita", "Pide", "Se")] == ["Invitamos", "Pedimos", None]
    assert [al._es_infinitive(w) for w in ("Insta", "Recomienda", "Es")] == ["instar", "recomendar", None]


def test_verb_forms() -> None:
    assert [al._fr_first_person(w) for w in ("Décide", "Encourage", "Considère", "Prend", "Se")] == [
        "Décidons", "Encourageons", "Considérons", "Prenons", None]
    assert [al._fr_infinitive(w) for w in ("Prie", "Considère", "Invite", "Est")] == [
        "prier", "considérer", "inviter", None]


def test_augment_documents_follows_each_rows_language() -> None:
    table = pd.DataFrame(_rows("fr", "f1") + _rows("de", "z1") + _rows("ja", "r1"))
    result = augment_documents(table, list(TRANSFORMS), 1.0, 1.0, seed=5)
    assert set(result.rows["doc_id"]) == {"f1#aug", "z1#aug", "r1#aug"}
    # worded transformations run on the French copy only (the others have no templates), at
    # most once; the language-neutral ones on all three
    assert all(result.counts[n] <= 1 for n in set(al._WORDED) - al.LANGUAGE_NEUTRAL)
    assert result.counts["first_person"] == result.counts["votes_footnotes"] == 1
    assert result.counts["letters"] == 0
    assert result.counts["numbering"] == result.counts["casing"] == 3
    for doc in ("z1#aug", "r1#aug"):
        texts = result.rows.loc[result.rows["doc_id"] == doc, "text"]
        assert not texts.str.contains(ENGLISH).any()
    again = augment_documents(table, list(TRANSFORMS), 1.0, 1.0, seed=5)
    pd.testing.assert_frame_equal(result.rows, again.rows)


def test_clauses_ending_in_chinese_or_arabic_marks_are_not_headings() -> None:
    rows = [{"type": OP, "text": "1. 请秘书长提交报告；"}, {"type": PRE, "text": "回顾其以往决议，"},
            {"type": OP, "text": "٢ - يطلب إلى الأمين العام تقديم تقرير؛"},
            {"type": PRE, "text": "إذ تشير إلى قراراتها،"},
            {"type": OP, "text": "二. 执行情况"}]
    assert [r["type"] for r in headings_as_other(rows)] == [OP, PRE, OP, PRE, OTHER]


def _texts(language: str, name: str, seeds: int = 16) -> dict[str, tuple[object, object]]:
    """Every text a transformation writes for ``language``'s document, with its phrase and lemma."""
    out = {}
    for seed in range(seeds):
        for r in al.transform_for(name, language)(_rows(language), random.Random(seed)) or []:
            out[r["text"]] = (r["action_phrase"], r["action_lemma"])
    return out


def test_russian_chinese_arabic_modal_forms() -> None:
    ru, zh, ar = (_texts(code, "modal_operative") for code in ("ru", "zh", "ar"))
    # the dative subject of "рекомендует" takes "следует" (no verb of decision, no phrase)
    assert any(re.fullmatch(r"2\. Государствам-членам (следует|надлежит|целесообразно) обмениваться .*;", t)
               and ru[t] == (None, None) for t in ru)
    assert any(t.startswith("3. Рекомендуется исходить из того, что смотрители")
               and ru[t] == ("Рекомендуется", "recommend") for t in ru)
    assert any(t.startswith(("3. Следует", "3. Важно", "3. Необходимо")) for t in ru)
    assert any(re.fullmatch(r"2\. 会员国(应|应当|应该|宜)与港务局分享其维护记录；", t) for t in zh)
    assert any(re.fullmatch(r"2 - الدول الأعضاء (ينبغي لها|يجب عليها) أن تتبادل .*؛", t) for t in ar)
    assert any(re.match(r"4 - الأمين العام (ينبغي له|يجب عليه) أن يقدم", t) for t in ar)
    assert any(t.startswith("3 - يوصى بأن يتلقى") and ar[t] == ("يوصى", "recommend") for t in ar)
    assert any(t.startswith(("3 - من المستحسن أن يتلقى", "3 - من الضروري أن يتلقى", "3 - من المهم أن",
                             "3 - ينبغي أن يتلقى")) and ar[t] == (None, None) for t in ar)


def test_russian_chinese_arabic_lead_ins_items_and_marks() -> None:
    ru, zh, ar = (_texts(code, "considering_that") for code in ("ru", "zh", "ar"))
    assert any(re.sub(r"^[а-з]\) ", "", t).startswith("Что многие малые острова") for t in ru)
    assert any(re.sub(r"^\(أ|ب|ج\) ", "", t).startswith("أن جزرا صغيرة") for t in ar)
    assert any(t.startswith("许多小岛屿仍然依赖") for t in zh)
    lead_ins = {t for t in zh if t.endswith("：")}
    assert lead_ins and all(zh[t][0] and zh[t][1] for t in lead_ins)
    # items end in the language's own marks
    items = [t for t in zh if zh[t] == (None, None) and t not in {row[3] for row in DOC_ZH}]
    assert items and all(t[-1] in "；，。" for t in items)
    items = [t for t in ar if ar[t] == (None, None) and t not in {row[3] for row in DOC_AR}]
    assert items and all(t[-1] in "؛،." for t in items)


def test_russian_chinese_arabic_first_person_and_bridges() -> None:
    verbs = {code: {p for p, _ in _texts(code, "first_person", 30).values() if p}
             for code in ("ru", "zh", "ar")}
    assert {"Мы приветствуем", "приветствуем", "Мы просим", "просим"} & verbs["ru"]
    assert {"我们欢迎", "我们请"} & verbs["zh"]
    assert {"نطلب", "نحن نطلب", "نرحب", "نحن نرحب"} & verbs["ar"]
    items = {code: {p for p, _ in _texts(code, "bridge_items", 30).values() if p}
             for code in ("ru", "zh", "ar")}
    assert {"Просить", "приветствовать", "рекомендовать"} & items["ru"]
    assert {"请", "决定", "鼓励"} & items["zh"]
    assert {"أن تطلب", "أن ترحب", "أن تهيب"} & items["ar"]
    assert not [t for t in _texts("zh", "bridge_items", 30) if " ;" in t or t.endswith(";")]


def test_russian_and_arabic_verb_forms() -> None:
    assert [al._ru_first_person(w) for w in ("постановляет", "просит", "настоятельно", "с")] == [
        "постановляем", "просим", None, None]
    assert [al._ru_infinitive(w) for w in ("рекомендует", "призывает", "одобряет", "просит", "с")] == [
        "рекомендовать", "призывать", "одобрять", "просить", None]
    assert [al._ar_first_person(w) for w in ("تطلب", "يوصي", "إذ")] == ["نطلب", "نوصي", None]
    assert [al._ar_infinitive(w) for w in ("تطلب", "إذ")] == ["تطلب", None]
