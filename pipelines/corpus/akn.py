"""Read AKN4UN XML (Akoma Ntoso for the UN) into one labelled ``Document`` per file.

Clause types come from the markup (see ../shared/docs/design.md):

- cover page, preface, enacting formula, conclusions, headings (``num``/``heading``/
  ``subheading`` of sections, parts, heading-only paragraphs), table rows → ``other``;
- ``preamble/container`` and preambular ``crossHeading`` (``refersTo="#preamble"``) inside the
  body → ``preambular``; a container that is only a short heading → ``other``;
- ``mainBody`` paragraphs, also inside sections/parts and embedded draft resolutions →
  ``operative``. Their ``point``/``list`` sub-items, and unnumbered paragraphs that are sub-items
  printed as "(a) …", stay in the paragraph's text (``extra["n_subitems"]`` counts them).
- Annexes (``attachments``): headings and table rows are ``other``; numbered paragraphs that open
  with an italic verb phrase are ``operative``; all other annex text (declarations, programmes
  of action, statutes) has no structural label and gets ``type=None``, ``section="annex"``.
  Footnote-style annex paragraphs (class ``FootnoteText``) are left out like footnotes.

Text is what a reader of the printed document sees: numbering kept, footnotes
(``authorialNote``) and their markers dropped (the text after them kept), links kept as text,
``eol`` as a space, odd spaces and non-breaking hyphens normalised (``text.normalize.normalize_text``).
The leading ``<span class="italic">`` of a preambular or operative clause is its action phrase;
it is checked against the text (``labels.check_phrase``): a missing first letter or a phrase
cut inside a word is repaired, anything else dropped, and either way recorded in
``Document.warnings`` and ``extra["phrase_slip"]``/``extra["phrase_raw"]``; a fixed complement
left outside the italics ("<i>Bearing</i> in mind") is added (``text.lemmas.complete_phrase``).
Clauses without a phrase have ``extra["phrase_missing"]``.

Identity (``akn_metadata``): ``doc_id`` is the symbol on the cover page ("A/RES/79/7", "A/RES/74/255 A-B",
"E/RES/2021/13"; from FRBRthis if absent), ``body`` "GA" or "ECOSOC", ``session`` "79",
"ES-11" or the ECOSOC year, ``date`` the adoption date. A translation gets its language in the
id ("A/RES/75/274 (fra)") and no lemmas. ``metadata`` holds short scalar fields (title,
agenda_item, committee, adoption, votes_for/against/abstaining, sdgs, draft, language).
Sections: coverPage, preface, preamble, mainBody, conclusions, annex; ``extra`` may also say
``part`` (component "A"/"B" of a multi-part resolution), ``embedded`` (inside a draft the
resolution recommends), ``annex``, ``table_row`` and ``n_subitems``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from pipelines.corpus.akn_metadata import document_metadata, expression_language, identity
from pipelines.corpus.akn_text import (
    AKN_NS,
    DROPPED,
    children,
    local_name,
    raw_text,
    visible_text,
)
from pipelines.corpus.labels import SLIP_MID_WORD, SLIP_MISSING_FIRST_LETTER, check_phrase
from pipelines.corpus.sources import SourceItem
from pipelines.errors import InputError
from pipelines.schema import Clause, ClauseType, Document
from pipelines.text.crosslingual import phrase_lemma
from pipelines.text.language import language_code
from pipelines.text.lemmas import complete_phrase
from pipelines.text.normalize import normalize_text
from pipelines.text.numbering import is_subitem_marker, split_number
from pipelines.text.phrases import normalize_phrase
from pipelines.text.tokens import CJK_RE

log = logging.getLogger(__name__)


OTHER, PREAMBULAR, OPERATIVE = (ClauseType.OTHER.value, ClauseType.PREAMBULAR.value,
                                ClauseType.OPERATIVE.value)

#: Document-like elements that hold coverPage/preface/preamble/mainBody/….
_DOC_TAGS = frozenset({"statement", "doc", "documentCollection", "act", "bill", "debate",
                       "debateReport", "judgment", "amendment", "amendmentList",
                       "officialGazette", "portion"})
#: Containers of the body hierarchy: their num/heading/subheading form one heading clause.
_HIER = frozenset({"section", "subsection", "part", "subpart", "chapter", "subchapter", "title",
                   "subtitle", "division", "subdivision", "book", "tome", "article", "clause",
                   "subclause", "hcontainer", "level", "rule", "subrule", "blockContainer",
                   "alinea", "indent", "transitional", "proviso", "sublist"})
_HEADING_PARTS = frozenset({"num", "heading", "subheading"})
_EMBEDDED = f"{{{AKN_NS}}}embeddedStructure"
#: slip reason for an italic opening that is not a verb phrase (lemmatizer finds no verb)
SLIP_NOT_VERB = "phrase is not a verb phrase"
_HEADING_CLASS_RE = re.compile(r"^H(?:\d+|Ch|CH|M)$")
#: clause-final punctuation, Latin, full-width (Chinese) and Arabic
_END_PUNCT = (",", ";", ":", ".", "!", "?", "，", "；", "：", "。", "、", "！", "？", "،", "؛", "؟")
#: CJK ideographs: text without spaces, about two characters a word


# ── text ───────────────────────────────────────────────────────────────────────────────────


def _is_emphasis(el: Any, bold: bool = False) -> bool:
    """An italic span (the action phrase's typography), or a bold one where ``bold`` (Chinese
    resolutions print the opening phrase bold, Arabic ones bold italic)."""
    if local_name(el) != "span":
        return False
    classes = el.get("class") or ""
    return "italic" in classes or (bold and "bold" in classes)


def _has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _n_words(text: str) -> int:
    """Words in ``text``; a run of Chinese characters counts one word per two characters."""
    n_cjk = len(CJK_RE.findall(text))
    if not n_cjk:
        return len(text.split())
    return len(CJK_RE.sub(" ", text).split()) + (n_cjk + 1) // 2


def _looks_like_heading(text: str, max_words: int = 12) -> bool:
    """Short text without closing punctuation: a heading, not a clause."""
    return not text.endswith(_END_PUNCT) and _n_words(text) <= max_words


# ── the builder ────────────────────────────────────────────────────────────────────────────


@dataclass
class _Ctx:
    """Where in the document we are."""

    section: str = "mainBody"
    annex: bool = False
    embedded: bool = False
    part: str | None = None

    def but(self, **changes: Any) -> _Ctx:
        values = {**self.__dict__, **changes}
        return _Ctx(**values)


@dataclass
class _Builder:
    doc_id: str
    clauses: list[Clause] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: the clause later "(a) …" paragraphs join: an operative paragraph or a preambular one
    #: that ends with a colon ("Noting with satisfaction:"), else None
    open_paragraph: Clause | None = None
    #: whether the file has embedded structures at all (saves searching for them)
    has_embedded: bool = True
    #: ISO 639-1 language of the document (lemmas: English rules, else the cross-lingual map)
    language: str = "en"
    #: the opening phrase may be bold (Chinese) as well as italic
    bold_phrase: bool = False

    # emitting ------------------------------------------------------------------------------

    def add(self, text: str, ctype: str | None, ctx: _Ctx, *, number: str | None = None,
            phrase: str | None = None, extra: dict[str, Any] | None = None,
            eid: str | None = None) -> Clause | None:
        if not _has_words(text):
            return None
        extra = dict(extra or {})
        if ctx.annex:
            extra["annex"] = True
        if ctx.embedded:
            extra["embedded"] = True
        if ctx.part:
            extra["part"] = ctx.part
        if eid:
            extra["eid"] = eid
        clause = Clause(doc_id=self.doc_id, para_id=len(self.clauses), text=text, type=ctype,
                        number=number, section="annex" if ctx.annex else ctx.section,
                        language=self.language, extra=extra)
        if ctype in (PREAMBULAR, OPERATIVE) or (ctype is None and phrase):
            self._set_phrase(clause, phrase, eid)
        self.clauses.append(clause)
        self.open_paragraph = clause if ctype == OPERATIVE or (
            ctype == PREAMBULAR and text.endswith(":")) else None
        return clause

    def _set_phrase(self, clause: Clause, raw: str | None, eid: str | None) -> None:
        """Check the italic opening against the text; repair, complete or drop it, and say so."""
        phrase = normalize_phrase(raw) if raw else ""
        if not phrase:
            clause.extra["phrase_missing"] = True
            return
        where = eid or f"para {clause.para_id}"
        slip = check_phrase(phrase, clause.text)
        if slip is None:
            # fixed complements are English rules: "Bearing" + "in mind"
            longer = complete_phrase(phrase, clause.text) if self.language == "en" else phrase
            if longer != phrase:  # the complement was left out of the italics: "Bearing" in mind
                self.warnings.append(f"{where}: action phrase {phrase!r} completed to "
                                     f"{longer!r}")
                clause.extra.update(phrase_raw=phrase, phrase_completed=True)
                phrase = longer
        else:
            fixed = _repair(phrase, clause.text, slip)
            clause.extra.update(phrase_slip=slip, phrase_raw=phrase)
            if fixed is None:
                self.warnings.append(f"{where}: action phrase {phrase!r} dropped: {slip}")
                clause.extra["phrase_missing"] = True
                return
            self.warnings.append(f"{where}: action phrase {phrase!r} repaired to {fixed!r}: "
                                 f"{slip}")
            phrase = fixed
        lemma = self.lemma(phrase)
        if lemma == "":  # an italic title or name, not a verb phrase ("The States Parties")
            self.warnings.append(f"{where}: action phrase {phrase!r} dropped: {SLIP_NOT_VERB}")
            clause.extra.update(phrase_slip=SLIP_NOT_VERB, phrase_raw=phrase, phrase_missing=True)
            return
        clause.action_phrase = phrase
        clause.action_lemma = lemma

    def lemma(self, phrase: str) -> str | None:
        """The English verb lemma of ``phrase``: "" when it is no verb phrase, ``None`` when a
        translation's phrase is not in the cross-lingual map."""
        return phrase_lemma(phrase, self.language)

    def lead(self, block: Any) -> str | None:
        return _lead_phrase(block, self.bold_phrase)

    # walking -------------------------------------------------------------------------------

    def document(self, el: Any, ctx: _Ctx) -> None:
        """A statement/doc/collection: its parts in document order."""
        for child in children(el):
            name = local_name(child)
            if name == "meta" or name == "collectionBody":
                continue
            if name == "coverPage":
                self.lines(child, ctx.but(section="coverPage"))
            elif name == "preface":
                self.lines(child, ctx.but(section="preface"))
            elif name == "preamble":
                self.preamble(child, ctx.but(section="preamble"))
            elif name in ("mainBody", "body", "mainContent", "judgmentBody", "debateBody"):
                self.body(child, ctx.but(section="mainBody"))
            elif name == "conclusions":
                self.lines(child, ctx.but(section="conclusions"))
            elif name == "attachments":
                for att in children(child):
                    for sub in children(att):
                        if local_name(sub) in _DOC_TAGS:
                            self.document(sub, ctx.but(annex=True))
            elif name == "components":
                for comp in children(child):
                    for sub in children(comp):
                        if local_name(sub) in _DOC_TAGS:
                            self.document(sub, ctx.but(part=_part_name(sub)))
            else:
                self.body(child, ctx)

    def lines(self, el: Any, ctx: _Ctx) -> None:
        """Cover page, preface, conclusions: each block printed on its own line is `other`."""
        for child in children(el):
            if local_name(child) in DROPPED:
                continue
            self.add(visible_text(child, spaced=True), OTHER, ctx)

    def preamble(self, el: Any, ctx: _Ctx) -> None:
        for child in children(el):
            name = local_name(child)
            if name == "formula":
                for p in children(child) or [child]:
                    self.add(visible_text(p), OTHER, ctx)
            elif name == "container":
                self.container(child, ctx)
            elif name == "blockList":
                self.block_list(child, ctx)
            elif name == "p":
                text = visible_text(child)
                self.add(text, OTHER if _looks_like_heading(text) else PREAMBULAR, ctx,
                         phrase=self.lead(child))
            elif name in _HEADING_PARTS:
                self.add(visible_text(child), OTHER, ctx)
            else:
                self.container(child, ctx)

    def container(self, el: Any, ctx: _Ctx) -> None:
        """A preambular container (or a table container, or a formula in an embedded draft)."""
        if el.find(f".//{{{AKN_NS}}}table") is not None:
            self.table(el, ctx)
            return
        text = visible_text(el)
        first = _first_block(el)
        phrase = self.lead(first) if first is not None else None
        name = el.get("name") or ""
        if name == "formula" or (not phrase and (_is_formula(text) or _looks_like_heading(text))):
            self.add(text, OTHER, ctx)
        else:
            self.add(text, PREAMBULAR, ctx, phrase=phrase, eid=el.get("eId"))
        self.embedded_in(el, ctx)

    def block_list(self, el: Any, ctx: _Ctx) -> None:
        """A preambular list of items: joins the preambular clause it continues."""
        text = visible_text(el)
        last = self.clauses[-1] if self.clauses else None
        n_items = len(el.findall(f"{{{AKN_NS}}}item"))
        if last is not None and last.type == PREAMBULAR and _has_words(text):
            last.text = f"{last.text} {text}"
            last.extra["n_subitems"] = last.extra.get("n_subitems", 0) + n_items
        else:
            first = _first_block(el)
            clause = self.add(text, PREAMBULAR, ctx,
                              phrase=self.lead(first) if first is not None else None)
            if clause is not None:
                clause.extra["n_subitems"] = n_items

    def body(self, el: Any, ctx: _Ctx) -> None:
        """A body or any container of its hierarchy, in document order."""
        heading: list[str] = []
        number: str | None = None

        def flush() -> None:
            nonlocal heading, number
            if heading:
                self.add(" ".join(heading), OTHER, ctx, number=number)
            heading, number = [], None

        for child in children(el):
            name = local_name(child)
            if name in _HEADING_PARTS or (name == "p" and _is_heading_p(child)):
                text = visible_text(child)
                if text:
                    if name == "num" and not heading:
                        number = text
                    heading.append(text)
                continue
            flush()
            if name == "paragraph":
                self.paragraph(child, ctx)
            elif name == "crossHeading":
                self.cross_heading(child, ctx)
            elif name in _HIER or name in ("list", "embeddedStructure"):
                self.body(child, ctx.but(embedded=ctx.embedded or name == "embeddedStructure"))
            elif name == "container":
                self.container(child, ctx)
            elif name == "table":
                self.table(child, ctx)
            elif name == "blockList":
                self.block_list(child, ctx)
            elif name in ("point", "item"):
                self.paragraph(child, ctx)
            elif name in ("intro", "wrapUp", "p", "content", "listIntroduction", "tblock"):
                self.loose_block(child, ctx)
            elif name in _DOC_TAGS:
                self.document(child, ctx)
            elif name not in DROPPED:
                self.loose_block(child, ctx)
        flush()

    def loose_block(self, el: Any, ctx: _Ctx) -> None:
        """Text directly in the body (not in a paragraph): an operative clause if it opens with
        an italic verb phrase, else a heading line ("XIII", a title); in annexes unlabelled."""
        text = visible_text(el)
        phrase = self.lead(_first_block(el) or el)
        if phrase:
            ctype = None if ctx.annex else OPERATIVE
        else:
            ctype = OTHER if (_looks_like_heading(text) or not ctx.annex) else None
        self.add(text, ctype, ctx, phrase=phrase)
        self.embedded_in(el, ctx)

    def cross_heading(self, el: Any, ctx: _Ctx) -> None:
        """A crossHeading in the body: preambular when it refers to the preamble or opens with
        an italic phrase ("Recalling its resolution…,"), else a heading."""
        text = visible_text(el)
        phrase = self.lead(el)
        if el.get("refersTo") == "#preamble" or (phrase and not _looks_like_heading(text)):
            self.add(text, PREAMBULAR, ctx, phrase=phrase, eid=el.get("eId"))
        else:
            self.add(text, OTHER, ctx)

    def paragraph(self, el: Any, ctx: _Ctx) -> None:
        """An operative paragraph: number + content + its sub-items as one clause."""
        if ctx.annex and _HEADING_CLASS_RE.match(el.get("class") or ""):
            self.add(visible_text(el), OTHER, ctx)
            return
        if ctx.annex and (el.get("class") or "") == "FootnoteText":
            return
        number: str | None = None
        parts: list[str] = []
        heads: list[str] = []
        phrase_block: Any = None
        n_sub = 0
        embedded: list[Any] = []
        for child in children(el):
            name = local_name(child)
            if name == "num":
                number = visible_text(child) or None
            elif name in ("heading", "subheading"):
                (parts if parts else heads).append(visible_text(child))
            elif name in ("content", "p", "intro", "wrapUp"):
                blocks = children(child) if name == "content" else [child]
                for block in blocks:
                    if phrase_block is None and not parts:
                        phrase_block = block
                    parts.append(visible_text(block))
                    if self.has_embedded:
                        embedded.extend(block.iter(_EMBEDDED))
            elif name in ("list", "blockList"):
                text, first, count = _listvisible_text(child)
                if phrase_block is None and not parts and first is not None:
                    phrase_block = first
                parts.append(text)
                n_sub += count
            elif name in ("point", "subparagraph", "item"):
                parts.append(_pointvisible_text(child))
                n_sub += 1
            elif name not in DROPPED:
                parts.append(visible_text(child))
        body = " ".join(p for p in parts if p)
        heading = " ".join(h for h in heads if h)
        if not body:  # a heading-only paragraph: "I Our commitment"
            self.add(normalize_text(f"{number or ''} {heading}"), OTHER, ctx, number=number)
            return
        if heading:
            self.add(heading, OTHER, ctx)
        text = f"{number} {body}" if number and not body.startswith(number) else body
        if number is None:
            number = split_number(body)[0]
        target = self.open_paragraph
        if (target is not None and not ctx.annex and is_subitem_marker(number)
                and not is_subitem_marker(target.number)):
            # a sub-item printed as its own paragraph: "(a) To submit…" after "3. Requests…:"
            target.text = f"{target.text} {text}"
            target.extra["n_subitems"] = target.extra.get("n_subitems", 0) + 1 + n_sub
            self._embedded(embedded, ctx)
            return
        phrase = self.lead(phrase_block) if phrase_block is not None else None
        extra: dict[str, Any] = {"n_subitems": n_sub}
        title = _looks_like_heading(body, max_words=30 if ctx.annex and not number else 12) and (
            not phrase or self.lemma(phrase) == ""
            or normalize_phrase(phrase) == normalize_phrase(body))
        if number is None and _is_formula(body):
            ctype: str | None = OTHER  # "The Economic Commission for Europe," opening an annex
        elif ctx.annex:
            # "Annex", "Kyoto Declaration on …", an italic "Improving prison conditions"
            ctype = OTHER if title else OPERATIVE if (phrase and number) else None
        elif title and not (number or "0")[0].isdigit():
            ctype = OTHER  # "A. Base/floor salary scale", an unnumbered title
        else:
            ctype = OPERATIVE
        self.add(text, ctype, ctx, number=number, phrase=phrase, extra=extra,
                 eid=el.get("eId"))
        self._embedded(embedded, ctx)

    def embedded_in(self, el: Any, ctx: _Ctx) -> None:
        if self.has_embedded:
            self._embedded(list(el.iter(_EMBEDDED)), ctx)

    def _embedded(self, structures: list[Any], ctx: _Ctx) -> None:
        for struct in structures:
            self.body(struct, ctx.but(embedded=True))
        if structures:
            self.open_paragraph = None

    def table(self, el: Any, ctx: _Ctx) -> None:
        """Each table row is one `other` clause: its cells' text, space separated."""
        for row in el.iter(f"{{{AKN_NS}}}tr"):
            cells = [visible_text(cell) for cell in children(row)]
            self.add(" ".join(c for c in cells if c), OTHER, ctx, extra={"table_row": True})


# ── helpers on elements ────────────────────────────────────────────────────────────────────


def _repair(phrase: str, text: str, slip: str) -> str | None:
    """The phrase as it must have been when the fix is certain, else ``None``: a lost first
    letter ("ecides" → Decides) or a cut-off inflection ("Urge" + "s"; not a glued word)."""
    _, body = split_number(text)
    fixed: str | None = None
    if slip == SLIP_MISSING_FIRST_LETTER:
        fixed = body[:len(phrase) + 1]
    elif slip == SLIP_MID_WORD:
        m = re.match(re.escape(phrase) + r"(e?[sd])\b", body)
        fixed = m.group(0) if m else None
    return fixed if fixed is not None and check_phrase(fixed, text) is None else None


def _first_block(el: Any) -> Any:
    """The first text block of an element: its first ``p``/``listIntroduction``/``intro``."""
    for sub in el.iter(f"{{{AKN_NS}}}p", f"{{{AKN_NS}}}listIntroduction"):
        if any(local_name(a) == "authorialNote" for a in sub.iterancestors()):
            continue
        return sub
    return None


def _lead_phrase(block: Any, bold: bool = False) -> str | None:
    """The italic (or, where ``bold``, bold) span(s) opening ``block`` (after whitespace,
    numbering, or the one capital letter of a "D<i>ecides</i>" slip), or ``None``."""
    if block is None:
        return None
    kids = children(block)
    if not kids or not _is_emphasis(kids[0], bold):
        return None
    lead = normalize_text(block.text or "")
    if lead:
        num, rest = split_number(lead)
        if not ((num is not None and not rest) or re.fullmatch(r"[A-Z]", lead)):
            return None
    span = kids[0]
    parts = [raw_text(span)]
    while not (span.tail or "").strip():  # "Noting with great" "concern": adjacent spans
        nxt = span.getnext()
        if nxt is None or not _is_emphasis(nxt, bold):
            break
        parts.extend((span.tail or "", raw_text(nxt)))
        span = nxt
    return "".join(parts)


def _pointvisible_text(el: Any) -> str:
    parts = []
    for child in children(el):
        name = local_name(child)
        if name in ("list", "blockList"):
            parts.append(_listvisible_text(child)[0])
        elif name not in DROPPED:
            parts.append(visible_text(child))
    return " ".join(p for p in parts if p)


def _listvisible_text(el: Any) -> tuple[str, Any, int]:
    """Text of a list (intro, points, sublists, wrap-up), its first block, and its item count."""
    parts: list[str] = []
    first: Any = None
    count = 0
    for child in children(el):
        name = local_name(child)
        if name in ("intro", "listIntroduction", "wrapUp", "listWrapUp"):
            if first is None and not parts:
                first = _first_block(child) if name == "intro" else child
            parts.append(visible_text(child))
        elif name in ("point", "item", "indent", "alinea"):
            parts.append(_pointvisible_text(child))
            count += 1 + sum(1 for p in child.iter(f"{{{AKN_NS}}}point") if p is not child)
        elif name in ("sublist", "list", "blockList"):
            text, _, sub = _listvisible_text(child)
            parts.append(text)
            count += sub
        elif name not in DROPPED:
            parts.append(visible_text(child))
    return " ".join(p for p in parts if p), first, count


def _is_heading_p(el: Any) -> bool:
    """A ``p`` in the body hierarchy that only holds a number ("XIII") or a short title."""
    text = visible_text(el)
    num, rest = split_number(text)
    return bool(text) and ((num is not None and not rest)
                           or re.fullmatch(r"[IVXLC]+\.?|[A-Z]\.?|\d+\.?", text) is not None)


def _is_formula(text: str) -> bool:
    return bool(re.fullmatch(r"(?:The|We,) [^,;:.]{3,80},", text))


def _part_name(el: Any) -> str | None:
    """A component's label: its preface docNumber ("A") or its name ("draft resolution")."""
    num = el.find(f"{{{AKN_NS}}}preface//{{{AKN_NS}}}docNumber")
    if num is not None and visible_text(num):
        return visible_text(num).rstrip(".")
    name = el.get("name")
    return name if name and name != "resolution" else None


# ── entry point ────────────────────────────────────────────────────────────────────────────


def _parse(item: SourceItem) -> Any:
    if not item.data.strip():
        raise InputError(item.name, "empty document", "the file has no content; re-download it")
    parser = etree.XMLParser(recover=False, resolve_entities=False, no_network=True,
                             remove_comments=True, remove_pis=True, huge_tree=False)
    try:
        root = etree.fromstring(item.data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or (exc.position[0] if exc.position else "?")
        msg = (exc.msg or str(exc)).split(", line")[0]
        raise InputError(item.name, f"not well-formed XML (line {line}: {msg})",
                         "the file is truncated or corrupt; re-download it from the source "
                         "(UNxml GAresolutions/ECOSOCresolutions)") from None
    if local_name(root) != "akomaNtoso":
        raise InputError(item.name, f"not an Akoma Ntoso document (root element <{local_name(root)}>)",
                         "pass AKN4UN XML files, or give the file an extension of its format")
    return root


def read(item: SourceItem) -> list[Document]:
    """One ``Document`` per AKN4UN file: labelled clauses in order, identity, metadata.

    Raises ``InputError`` for empty, truncated/corrupt or non-Akoma-Ntoso input.
    """
    root = _parse(item)
    doc_id, body, session = identity(root, item)
    lang = expression_language(root)
    language = language_code(lang)
    date, meta = document_metadata(root, doc_id)
    if lang != "eng":  # a translation: keep it apart from the English document
        doc_id = f"{doc_id} ({lang})"
    meta["language"] = language or lang
    builder = _Builder(doc_id, has_embedded=b"embeddedStructure" in item.data,
                       language=language or lang, bold_phrase=language == "zh")
    if language is None:
        builder.warnings.append(f"document language {lang!r} is none of the six UN languages: "
                                "action lemmas left empty")
    for top in children(root):
        if local_name(top) in _DOC_TAGS:
            builder.document(top, _Ctx())
        elif local_name(top) == "components":
            for comp in children(top):
                for sub in children(comp):
                    if local_name(sub) in _DOC_TAGS:
                        builder.document(sub, _Ctx(part=_part_name(sub)))
    if not builder.clauses:
        builder.warnings.append("no clauses found")
    for w in builder.warnings:
        log.debug("%s: %s", item.name, w)
    return [Document(doc_id=doc_id, clauses=builder.clauses, source=item.name, body=body,
                     session=session, date=date, fmt="akn", language=language or lang,
                     metadata=meta, warnings=builder.warnings)]
