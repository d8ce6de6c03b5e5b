"""Training-time transformations of the real clause table: the conditions of other genres.

The GA/ECOSOC corpus is clean XML of recent sessions; users hold OCR'd Security Council
volumes, machine-translated conference recommendations and communiqués. Each transformation
below rewrites a *copy* of a training document into one of those conditions, keeping the
labels true (types, and action phrases as exact openings of the new text, or None where the
clause has no phrase in the GA sense):

* ``numbering`` — numbers removed from operative clauses, added to preambular ones, and
  numbered narrative paragraphs inside the preamble (a number does not make a clause operative);
* ``footnote_digits`` — footnote reference digits after the final punctuation ("…, 41");
* ``votes_footnotes`` — vote lines and footnote blocks (``other``) after the operative part;
* ``headings`` — part letters, roman numerals and short (numbered) headings (``other``);
* ``page_breaks`` — a clause cut in two, its second half starting in lower case (same type);
* ``considering_that`` — preambular clauses turned into a lead-in ("Considering:") and its
  "That …;" or noun-phrase items (preambular, no phrase of their own);
* ``bridge_items`` — operative clauses turned into a bare bridge ("Decides:", ``other``) and
  infinitive items ("(a) To call upon …;", "1. Call upon …;"; operative);
* ``first_person`` — "We, the participants …," formulas and first-person operative verbs
  ("Decide", "We call upon");
* ``modal_operative`` — operative clauses without a verb of decision ("Member States should …",
  "It is desirable that …"; phrase None) and "It is recommended that …" (phrase "It is
  recommended", lemma recommend);
* ``formula_merge`` — the enacting formula run into the first clause;
* ``letters`` — a letter of transmittal and narrative meeting records before the text
  (``other``);
* ``ocr_noise`` — OCR character slips (l/1/I, "]" for l, "4, Decides", lost hyphens);
* ``casing`` — the whole document in capitals.

:func:`pipelines.data.augmentation.augment_documents` copies a share of the training documents,
applies each enabled transformation to a copy with some probability (at least one per copy),
seeded, and returns the new rows with the count of documents each transformation touched. A
document in another language (``language`` column) gets the language-neutral transformations
and those with templates for its language (``pipelines.data.augment_languages``); the others are skipped.
"""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Callable
from typing import Any

import pandas as pd

log = logging.getLogger(__name__)

Row = dict[str, Any]
Transform = Callable[[list[Row], random.Random], list[Row] | None]

PRE, OP, OTHER = "preambular", "operative", "other"
#: "1.", "1.2", "(a)", "a)", and the Arabic "1 -" of UN Arabic texts
_NUM_RE = re.compile(r"^\s*(?:\d{1,3}(?:\.\d{1,3})*(?:[.)]| ?-(?=\s))?|\([a-z0-9]{1,4}\)|[a-z]\))\s+")
_ROMANS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")
_LETTERS = "ABCDEFGH"


# --------------------------------------------------------------------------- row helpers


def row_phrase(row: Row) -> str | None:
    p = row.get("action_phrase")
    return p if isinstance(p, str) and p else None


def new_row(row: Row, text: str, type_: str | None = None, phrase: str | None = None,
         lemma: str | None = None) -> Row:
    out = dict(row)
    out["text"] = text
    if type_ is not None:
        out["type"] = type_
    out["action_phrase"] = phrase
    out["action_lemma"] = lemma if phrase else None
    return out


def other_row(template: Row, text: str) -> Row:
    return new_row(template, text, OTHER, None, None)


def strip_number(text: str) -> tuple[str, str]:
    """``(number prefix, rest)``."""
    m = _NUM_RE.match(text)
    return (text[:m.end()], text[m.end():]) if m else ("", text)


def after_phrase(row: Row) -> str | None:
    """The clause text after its number and phrase (None when the phrase is not its opening)."""
    phrase = row_phrase(row)
    _, rest = strip_number(row["text"])
    if not phrase or not rest.startswith(phrase):
        return None
    return rest[len(phrase):].lstrip(" ,")


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() or len(text) < 2 else text


def end_with(text: str, mark: str) -> str:
    return text.rstrip(" ,;.:") + mark


def _base_verb(phrase: str) -> str:
    """First-person/infinitive form of an operative phrase: "Also requests" → "Also request"."""
    from pipelines.text.lemmas import lemmatize_verb

    words = phrase.split()
    for i, w in enumerate(words):
        if w.lower() in {"also", "further", "again", "once", "more", "strongly", "hereby",
                         "urgently", "firmly", "fully", "moreover", "therefore", "and"}:
            continue
        base = lemmatize_verb(w)
        words[i] = base.capitalize() if w[:1].isupper() else base
        break
    return " ".join(words)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def type_span(rows: list[Row], type_: str) -> list[int]:
    return [i for i, r in enumerate(rows) if r.get("type") == type_]


#: a clause with final punctuation (a footnote digit after the mark allowed); Chinese clauses
#: end in full-width marks, Arabic ones in the Arabic comma and semicolon
_ENDED_RE = re.compile(r"[,;.:，；。：،؛]\W*\d{0,3}\W*$")
#: longest clause without final punctuation still read as a heading
_HEADING_WORDS = 25


def _is_heading(type_: object, text: str) -> bool:
    """A clause typed preambular or operative that is a part heading: no final punctuation, at
    most :data:`_HEADING_WORDS` words (in the XML corpus a clause always ends in a mark)."""
    text = text.strip()
    return (type_ in (PRE, OP) and not _ENDED_RE.search(text)
            and len(text.split()) <= _HEADING_WORDS)


def headings_as_other(rows: list[Row]) -> list[Row]:
    """Part headings the markup typed preambular or operative ("V", "Fishing overcapacity",
    inside a resolution's main body) retyped ``other``, as the label definitions have them.

    A few resolutions' markup types their part headings operative where the others type them
    other; a copy that kept the source type would teach that noise twice over.
    """
    return [other_row(r, r["text"]) if _is_heading(r.get("type"), str(r.get("text") or "")) else r
            for r in rows]


def headings_as_other_table(train: pd.DataFrame) -> pd.DataFrame:
    """:func:`headings_as_other` on a clause table (a copy; the rows keep their order)."""
    texts = train["text"].fillna("").astype(str)
    mask = [_is_heading(t, x) for t, x in zip(train["type"], texts, strict=True)]
    if not any(mask):
        return train
    out = train.copy()
    out.loc[mask, "type"] = OTHER
    for col in ("action_phrase", "action_lemma"):
        if col in out:
            out.loc[mask, col] = None
    return out


# --------------------------------------------------------------------------- transformations


def numbering(rows: list[Row], rng: random.Random) -> list[Row] | None:
    """Operative numbers removed, preambular clauses numbered, narrative preamble paragraphs;
    a third of the time operative clauses take section numbers instead ("2.1 Every vessel
    shall …", as annexed provisions and action plans have them), so that the form of a number
    says nothing about the type either way."""
    pre, op = type_span(rows, PRE), type_span(rows, OP)
    if not pre and not op:
        return None
    out = [dict(r) for r in rows]
    for i in op:
        num, rest = strip_number(out[i]["text"])
        if num:
            out[i]["text"] = rest
    style = rng.choice(("dotted", "plain", "section"))
    for k, i in enumerate(pre, 1):
        num = {"dotted": f"{k}.", "plain": f"{k}", "section": f"1.{k}"}[style]
        after = after_phrase(out[i])
        if after and after.lower().startswith("that ") and rng.random() < 0.5:
            # "Noting that enrolment has risen," → "1.2 Enrolment has risen." (no phrase)
            out[i] = new_row(out[i], f"{num} {upper_first(end_with(after[5:], '.'))}", PRE)
        else:
            out[i]["text"] = f"{num} {out[i]['text']}"
    if op and rng.random() < 1 / 3:
        part = rng.randint(3, 8)  # clauses per section
        for j, i in enumerate(op):
            out[i]["text"] = f"{1 + j // part}.{1 + j % part} {out[i]['text']}"
    return out


def footnote_digits(rows: list[Row], rng: random.Random) -> list[Row] | None:
    """Footnote reference digits after the final punctuation of some clauses."""
    idx = [i for i, r in enumerate(rows) if r.get("type") in (PRE, OP)
           and r["text"].rstrip()[-1:] in ",;."]
    if not idx:
        return None
    out = [dict(r) for r in rows]
    note = rng.randint(1, 60)
    style = rng.choice((" ", " ", "", "before"))  # "…, 41" · "…,41" (PDF text) · "…41,"
    for i in rng.sample(idx, max(1, len(idx) // 3)):
        text = out[i]["text"].rstrip()
        if style == "before":
            out[i]["text"] = f"{text[:-1]}{note}{text[-1]}"
        else:
            out[i]["text"] = f"{text}{style}{note}"
        note += 1
    return out


_FOOTNOTES = (
    "{n} Official Records of the {body}, {year} Year, Supplement for {months}, document {sym}.",
    "{n} Ibid., Supplement for {months}, document {sym}.",
    "{n} Ibid.",
    "{n} See document {sym}, annex.",
    "{n} Official Records of the {body}, {year} Year, {meeting} meeting.",
)
_VOTES = (
    "Adopted at the {meeting} meeting by {yes} votes to {no}, with {abst} abstentions.",
    "Adopted at the {meeting} meeting by {yes} votes to none, with {abst} abstentions ({states}).",
    "Adopted unanimously at the {meeting} meeting.",
    "Adopted at the {meeting} meeting without a vote.",
    "Decision of {date}: adopted by {yes} votes to {no}.",
)
_YEARS = ("First", "Third", "Sixth", "Tenth", "Fifteenth", "Twentieth", "Thirtieth")
_MONTHS = ("January, February and March", "April, May and June", "July, August and September",
           "October, November and December")


def _vote_line(rng: random.Random) -> str:
    return rng.choice(_VOTES).format(
        meeting=_ordinal(rng.randint(100, 3999)), yes=rng.randint(7, 15), no=rng.randint(0, 3),
        abst=rng.randint(1, 5), states=rng.choice(("Alpha, Beta", "three members", "one member")),
        date=f"{rng.randint(1, 28)} {rng.choice(('May', 'June', 'October'))} {rng.randint(1946, 1995)}")


def _footnote_line(rng: random.Random, n: int) -> str:
    sym = f"S/{rng.randint(100, 29999)}"
    return rng.choice(_FOOTNOTES).format(
        n=n, body=rng.choice(("Security Council", "General Assembly", "Economic and Social Council")),
        year=rng.choice(_YEARS), months=rng.choice(_MONTHS), sym=sym,
        meeting=_ordinal(rng.randint(100, 3999)))


def votes_footnotes(rows: list[Row], rng: random.Random) -> list[Row] | None:
    """A vote line after the last operative clause and a footnote block (``other``)."""
    op = type_span(rows, OP)
    if not op:
        return None
    out = [dict(r) for r in rows]
    at = op[-1] + 1
    first = rng.randint(1, 40)
    block = [other_row(rows[op[-1]], _footnote_line(rng, first + j)) for j in range(rng.randint(1, 3))]
    if rng.random() < 0.8:
        block.insert(0, other_row(rows[op[-1]], _vote_line(rng)))
    out[at:at] = block
    if len(op) > 4 and rng.random() < 0.5:  # a footnote printed at a page foot mid-document
        mid = op[len(op) // 2]
        out.insert(mid + 1, other_row(rows[mid], _footnote_line(rng, first + 5)))
    return out


def headings(rows: list[Row], rng: random.Random) -> list[Row] | None:
    """Part letters, roman numerals and short headings on their own line (``other``)."""
    op = type_span(rows, OP)
    if len(op) < 2:
        return None
    out = [dict(r) for r in rows]
    picks = sorted(rng.sample(op, min(len(op), rng.randint(1, 3))))
    style = rng.choice(("roman", "letter", "numbered", "word", "roman_word", "roman_title"))
    for k in range(len(picks) - 1, -1, -1):  # from the end, so earlier indices stay valid
        i = picks[k]
        words = [w.strip(",;.:()“”\"") for w in rows[i]["text"].split()[2:30]]
        words = [w for w in words if w.isalpha() and len(w) > 3]
        short = words[: rng.randint(1, 3)] or ["General"]
        title = upper_first(" ".join(short).lower())
        # a long title, as GA parts have them: "II Implementation of the Agreement on …"
        long_title = upper_first(" ".join(words[: rng.randint(4, 14)]) or title)
        text = {"roman": _ROMANS[k % 8], "letter": _LETTERS[k % 8] + rng.choice((".", "")),
                "numbered": f"{k + 1}. {title}", "word": title,
                "roman_word": f"{_ROMANS[k % 8]}. {title.upper()}",
                "roman_title": f"{_ROMANS[k % 8]}{rng.choice(('', '.'))} {long_title}"}[style]
        out.insert(i, other_row(rows[i], text))
    return out


def page_breaks(rows: list[Row], rng: random.Random) -> list[Row] | None:
    """A long clause cut in two; the second half starts in lower case and keeps the type."""
    idx = [i for i, r in enumerate(rows) if r.get("type") in (PRE, OP) and len(r["text"]) > 120]
    if not idx:
        return None
    out: list[Row] = []
    cut = set(rng.sample(idx, max(1, len(idx) // 5)))
    for i, row in enumerate(rows):
        if i not in cut:
            out.append(dict(row))
            continue
        words = row["text"].split(" ")
        lo = max(len((row_phrase(row) or "").split()) + 2, 4)
        points = [j for j in range(lo, len(words) - 2) if words[j][:1].islower()]
        if not points:
            out.append(dict(row))
            continue
        j = rng.choice(points)
        out.append(new_row(row, " ".join(words[:j]), phrase=row_phrase(row), lemma=row.get("action_lemma")))
        out.append(new_row(row, " ".join(words[j:])))
    return out


def _lead_in(first: Row, rng: random.Random) -> tuple[Row, str]:
    """A preambular lead-in line ("Considering:", "Determining as priorities:") and its word."""
    if rng.random() < 0.5:  # the run's own opening ("Determining:", "Deeply concerned:")
        lead_word, lead_lemma = row_phrase(first) or "Considering", first.get("action_lemma")
    else:
        lead_word = rng.choice(("Considering", "Considering", "Noting", "Recognizing",
                                "Taking into account"))
        lead_lemma = {"Considering": "consider", "Noting": "note", "Recognizing": "recognize",
                      "Taking into account": "take into account"}[lead_word]
    tail = rng.choice(("", "", " as priorities", " the following"))
    return new_row(first, f"{lead_word}{tail}:", PRE, lead_word, lead_lemma), lead_word


def considering_that(rows: list[Row], rng: random.Random) -> list[Row] | None:
    """A run of preambular clauses → a lead-in ("Considering:") and its items; sometimes two
    lead-ins in a row, the second after the first one's items ("Taking into account: …;
    Determining as priorities: …,")."""
    pre = type_span(rows, PRE)
    runs: list[list[int]] = []
    for i in pre:
        if runs and runs[-1][-1] == i - 1 and after_phrase(rows[i]):
            runs[-1].append(i)
        elif after_phrase(rows[i]):
            runs.append([i])
    runs = [r for r in runs if len(r) >= 2]
    if not runs:
        return None
    run = rng.choice(runs)[: rng.randint(2, 7)]
    groups = [run]
    if len(run) >= 4 and rng.random() < 0.5:
        cut = rng.randint(2, len(run) - 2)
        groups = [run[:cut], run[cut:]]
    out = rows[: run[0]]
    for g, group in enumerate(groups):
        lead, lead_word = _lead_in(rows[group[0]], rng)
        out.append(lead)
        last = rng.choice(",;.") if g == len(groups) - 1 else rng.choice(";;.")
        for k, i in enumerate(group):
            after = after_phrase(rows[i]) or ""
            body = after[5:] if after.lower().startswith("that ") else after
            prefix = "That " if lead_word == "Considering" or after.lower().startswith("that ") else ""
            text = f"{prefix}{lower_first(body) if prefix else upper_first(body)}"
            if rng.random() < 0.3:
                text = f"({'abcdefgh'[k]}) {text}"
            out.append(new_row(rows[i], end_with(text, ";" if k < len(group) - 1 else last)))
    return out + rows[run[-1] + 1:]


_BRIDGES = (("Decides:", "to"), ("Decide to:", "bare"), ("Recommends:", "to"),
            ("Hereby commit ourselves to:", "bare"), ("Have agreed as follows:", "bare"),
            ("Recommends to the Ministries of Education:", "bare"))


def operative_run(rows: list[Row], rng: random.Random) -> list[int] | None:
    """Indices of 2 to 5 consecutive operative clauses that open with their phrase, at random."""
    op = [i for i in type_span(rows, OP) if after_phrase(rows[i])]
    if len(op) < 2:
        return None
    start = rng.randrange(len(op) - 1)
    run = [op[start]]
    for i in op[start + 1:]:
        if i != run[-1] + 1 or len(run) >= 5:
            break
        run.append(i)
    return run if len(run) >= 2 else None


def bridge_items(rows: list[Row], rng: random.Random) -> list[Row] | None:
    """A run of operative clauses → a bare bridge line (``other``) and infinitive items."""
    run = operative_run(rows, rng)
    if run is None:
        return None
    bridge, form = rng.choice(_BRIDGES)
    marker = rng.choice(("paren", "number", "none"))
    items = []
    for k, i in enumerate(run):
        row = rows[i]
        base = _base_verb(row_phrase(row) or "")
        phrase = f"To {lower_first(base)}" if form == "to" else base
        num = {"paren": f"({'abcdefgh'[k]}) ", "number": f"{k + 1}. ", "none": ""}[marker]
        after = after_phrase(row) or ""
        items.append(new_row(row, end_with(f"{num}{phrase} {after}", ";" if k < len(run) - 1 else "."),
                          OP, phrase, row.get("action_lemma")))
    # a bridge opens with a verb but is typed other and has no phrase: keep it out of phrase
    # training, where "other" rows teach "no phrase" and "Recommends to …" would be taught both
    line = {**other_row(rows[run[0]], bridge), "phrase_missing": True}
    return rows[: run[0]] + [line] + items + rows[run[-1] + 1:]


_FORMULAS = (
    "We, the participants in the {n} meeting of the {group}, held in {place} on {date},",
    "Participants at the {n} meeting of the {group}, held on {date} in {place},",
    "We, the Ministers of the {group}, meeting in {place} on {date},",
    "The {n} Conference of the {group},",
    "The International Conference of the {group}, convened in {place} by the Bureau, having met "
    "in its {n} session on {date},",
    "THE CONFERENCE OF THE {group}, MEETING IN {place} ON {date},",
)
_GROUPS = ("Heads of Customs Administrations", "Regional Water Authorities",
           "Ministers of Education of the Northern Region", "Coastal States Forum",
           "National Archives Directors")


def first_person(rows: list[Row], rng: random.Random) -> list[Row] | None:
    """A first-person formula and first-person operative verbs ("Decide", "We call upon")."""
    op = [i for i in type_span(rows, OP) if after_phrase(rows[i])]
    if not op:
        return None
    out = [dict(r) for r in rows]
    formula = rng.choice(_FORMULAS).format(
        n=_ordinal(rng.randint(2, 30)), group=rng.choice(_GROUPS),
        place=rng.choice(("Corvale", "Aldara", "Mirenna", "Tessport")),
        date=f"{rng.randint(1, 28)} {rng.choice(('March', 'May', 'October'))} {rng.randint(1995, 2023)}")
    forms = [i for i, r in enumerate(rows) if r.get("type") == OTHER
             and re.fullmatch(r"The [A-Z][\w ]+,", r["text"].strip())]
    if forms:
        out[forms[0]]["text"] = formula
    else:
        first = (type_span(rows, PRE) or op)[0]
        out.insert(first, other_row(rows[first], formula))
    we = rng.random() < 0.4
    for i, r in enumerate(out):
        if r.get("type") != OP or not after_phrase(r):
            continue
        num, _ = strip_number(r["text"])
        base = _base_verb(row_phrase(r) or "")
        phrase = f"We {lower_first(base)}" if we else base
        out[i] = new_row(r, f"{num if not we else ''}{phrase} {after_phrase(r)}", OP, phrase,
                      r.get("action_lemma"))
    return out


_LETTER = (
    "Letter dated {date} from the Permanent Representative of {state} to the United Nations "
    "addressed to the Secretary-General",
    "I have the honour to transmit herewith the {what} adopted at the {n} meeting of the {group}, "
    "held in {place} on {date}.",
    "I should be grateful if the present letter and its annex could be circulated as a document "
    "of the General Assembly, under agenda item {item}.",
    "I would be grateful if you would have this letter circulated as a document of the "
    "Security Council.",
    "(Signed) {name}",
    "Annex to the letter dated {date} from the Permanent Representative of {state}",
)
_NARRATIVE = (
    "The {n} meeting of the {group} was held in {place} on {date}.",
    "The participants heard a report by the secretariat on the work done since the last meeting.",
    "The meeting was opened by the chair, who welcomed the delegations.",
    "At its {n} meeting, on {date}, the Council decided to invite the representative of {state} "
    "to take part in the discussion.",
)
_STATES = ("Aldonia", "Kestrania", "Velmar", "the Republic of Selvin", "Dovenland")


def letters(rows: list[Row], rng: random.Random) -> list[Row] | None:
    """A letter of transmittal and narrative records of a meeting before the text (``other``)."""
    if not rows:
        return None
    fill = {"date": f"{rng.randint(1, 28)} {rng.choice(('March', 'June', 'November'))} "
                    f"{rng.randint(1950, 2023)}",
            "state": rng.choice(_STATES), "what": rng.choice(("communiqué", "joint statement",
                                                              "final declaration")),
            "n": _ordinal(rng.randint(2, 40)), "group": rng.choice(_GROUPS),
            "place": rng.choice(("Corvale", "Aldara", "Mirenna", "Tessport")),
            "item": rng.randint(10, 150), "name": rng.choice(("A. Verlain", "K. Osei", "M. Ruiz"))}
    lines = [t.format(**fill) for t in _LETTER if rng.random() < 0.7]
    lines += [t.format(**fill) for t in rng.sample(_NARRATIVE, rng.randint(0, 2))]
    if not lines:
        return None
    head = [other_row(rows[0], line) for line in lines]
    at = next((i for i, r in enumerate(rows) if r.get("type") in (PRE, OP)), 0)
    at = max(at - 1, 0)  # before the formula
    return rows[:at] + head + rows[at:]


_MODALS = ("should", "shall", "must", "will", "should")
_SUBJECT_TO = re.compile(r"^((?:the |all |its )?[A-Z][\w\-]*(?: [A-Za-z][\w\-]*){0,6}?) to ([a-z]+) (.+)$")


def modal_operative(rows: list[Row], rng: random.Random) -> list[Row] | None:
    """Operative clauses without a verb of decision: modal and impersonal forms."""
    op = [i for i in type_span(rows, OP) if after_phrase(rows[i])]
    if not op:
        return None
    out = [dict(r) for r in rows]
    for i in rng.sample(op, max(1, (len(op) + 1) // 2)):
        r = rows[i]
        num, _ = strip_number(r["text"])
        after = after_phrase(r) or ""
        m = _SUBJECT_TO.match(after)
        that = after[5:] if after.lower().startswith("that ") else None
        if m:  # "Urges Member States to strengthen …" → "Member States should strengthen …"
            subject, verb, tail = upper_first(m.group(1)), m.group(2), m.group(3)
            clause = f"{lower_first(subject)} {verb} {tail}"
        elif that:  # "Considers that the slick has …" → "It is desirable that the slick has …"
            subject, clause = "", that
        else:
            continue
        choice = rng.random()
        if m and choice < 0.6:
            out[i] = new_row(r, f"{num}{subject} {rng.choice(_MODALS)} {verb} {tail}", OP)
        elif choice < 0.8:
            out[i] = new_row(r, f"{num}It is desirable that {clause}", OP)
        else:
            lead = rng.choice(("It is recommended", "It is recommended", "IT IS RECOMMENDED"))
            out[i] = new_row(r, f"{num}{lead} that {clause}", OP, lead, "recommend")
    return out


def formula_merge(rows: list[Row], rng: random.Random) -> list[Row] | None:
    """The enacting formula run into the first clause ("The Security Council, Having …")."""
    for i in range(len(rows) - 1):
        text = rows[i]["text"].strip()
        nxt = rows[i + 1]
        if (rows[i].get("type") == OTHER and re.fullmatch(r"The [A-Z][\w ]+,", text)
                and nxt.get("type") in (PRE, OP)):
            body = nxt["text"]
            if rng.random() < 0.3:  # "The Conference, recognizing that …"
                body = lower_first(body)
            merged = new_row(nxt, f"{text} {body}", nxt["type"], row_phrase(nxt), nxt.get("action_lemma"))
            return rows[:i] + [merged] + rows[i + 2:]
    return None


_SLIPS = (("l", "1"), ("l", "]"), ("I", "1"), ("1", "I"), ("1", "l"), ("0", "O"), ("rn", "m"),
          ("m", "rn"), ("e", "c"), ("Secretary-General", "SecretaryGeneral"))


def _noisy(text: str, rng: random.Random, rate: float) -> str:
    chars = list(text)
    for k in range(len(chars)):
        if rng.random() < rate:
            for a, b in _SLIPS:
                if chars[k] == a:
                    chars[k] = b
                    break
    out = "".join(chars).replace("Secretary-General", rng.choice(("SecretaryGeneral",
                                                                   "Secretary-General")))
    return out


def ocr_noise(rows: list[Row], rng: random.Random) -> list[Row] | None:
    """OCR slips in clause bodies (phrases kept intact) and "4, Decides" numbering."""
    out = []
    rate = rng.choice((0.01, 0.02, 0.04))
    for r in rows:
        r = dict(r)
        phrase = row_phrase(r)
        num, rest = strip_number(r["text"])
        if phrase and rest.startswith(phrase):
            keep = num + phrase
            r["text"] = keep + _noisy(r["text"][len(keep):], rng, rate)
        elif not phrase:
            r["text"] = _noisy(r["text"], rng, rate)
        if re.match(r"^\d{1,2}\. ", r["text"]) and rng.random() < 0.2:
            r["text"] = r["text"].replace(". ", ", ", 1)
        out.append(r)
    return out


def casing(rows: list[Row], rng: random.Random) -> list[Row] | None:
    """The whole document in capitals (phrases too; lemmas unchanged)."""
    out = []
    for r in rows:
        r = dict(r)
        r["text"] = r["text"].upper()
        if row_phrase(r):
            r["action_phrase"] = r["action_phrase"].upper()
        out.append(r)
    return out


#: every transformation, by its config switch name, in the order they are applied
TRANSFORMS: dict[str, Transform] = {
    "numbering": numbering,
    "considering_that": considering_that,
    "bridge_items": bridge_items,
    "first_person": first_person,
    "modal_operative": modal_operative,
    "formula_merge": formula_merge,
    "letters": letters,
    "headings": headings,
    "votes_footnotes": votes_footnotes,
    "footnote_digits": footnote_digits,
    "page_breaks": page_breaks,
    "ocr_noise": ocr_noise,
    "casing": casing,
}
