"""Plain text → clause strings: clean markup and print debris, then split into paragraphs.

Every reader that ends in plain text (txt, pdf, docx, html) goes through :func:`segment`.
Markup cleaning lives in ``corpus.markdown``, print furniture in ``corpus.page_furniture``.
The pipeline, each step a pure function:

1. :func:`pipelines.text.normalize.normalize_layout` — newlines, ligatures, odd spaces,
   control characters;
2. pages (split on form feeds) lose their running headers and footers
   (:func:`strip_page_furniture`); page-number lines, print lines (job numbers with a print
   date or a page number, barcodes) and repeated document-symbol lines go; a clause cut by a
   page break (a form feed, or a page-number line between blank lines) whose second half
   starts in lower case is joined again, its footnotes after it (see ``_mend_page_break``);
3. each line is cleaned of Markdown debris (:func:`clean_markup`);
4. :func:`join_hard_wraps` decides, line by line, whether a line starts a clause or continues
   the one before (blank lines, list markers, final punctuation, indentation, line width);
5. each clause gets a last clean (emphasis that spanned lines, spaces) and empty debris is dropped.

Rules for the ambiguous cases (see also the tests):

* a line starting with ``1.``, ``(1)``, ``1)``, ``IV.``, ``•`` starts a clause; a dash bullet
  (``-``, ``–``, ``—``) does so only after a line ending in punctuation or another dash item;
* lettered/roman sub-items ``(a)``, ``(i)``, ``a)`` are kept with their parent when the parent
  is a numbered item ("3. Requests the Secretary-General:" + "(a) To submit…"), or a list item
  ending in ":"; otherwise (after a bare bridge line such as "Decide to:") they are clauses of
  their own, like the numbered or unmarked items of such a list; after an "Annex" heading
  all sub-items are clauses of their own (as the AKN reader splits annex points);
* a line ending in ":" ends its clause (unless, in hard-wrapped text, a long line goes on in
  lower case); items of the list that follows are clauses;
* resolution titles ("99/1. …"), cover lines ("Distr.", "Agenda item", "Resolution adopted
  by", "Annex"), bracketed notes ("[on the report of …]") and the enacting formula ("The
  General Assembly,") start clauses of their own;
* a short line without final punctuation (a title) is never joined onto the next line unless
  that line continues it in lower case; a line is joined onto the previous one when it starts
  in lower case, when the previous one ends in a hyphen or a function word ("of", "the"), or,
  in hard-wrapped text, when the previous line is long and lacks final punctuation;
* text counts as hard-wrapped when most of at least five lines come close to one width of
  40–160 characters and none goes far beyond it (see ``_wrap_width``);
* a word split at a line-end hyphen closes up ("inter-" + "national") unless the document
  spells it with a hyphen elsewhere, the next line starts in upper case ("non-" + "State"),
  or it is a common compound ("well-" + "known", "follow-" + "up");
* in hard-wrapped text a line indented further than the previous one, after a line ending in
  ``, ; . :``, starts a paragraph (old Security Council typescript);
* after a line ending in ".", ";", "!" or "?" a line starting in upper case starts a clause
  (unless the line ended in an abbreviation such as "No."); after a comma, so does a line
  opening with a participle, adjective or operative verb ("Recalling", "Deeply", "Decides");
  a footnote reference digit after the final punctuation ("of 3 May 1975, 41", "farms,1")
  does not hide that punctuation;
* after a masthead or title line (mixed case, every word capitalised but small link words)
  a short unpunctuated line starting in upper case is a clause of its own ("Sixth meeting");
  an ALL-CAPS title line continues on the next ALL-CAPS line when that opens with a link
  word ("RECOMMENDATION NO. 36" + "CONCERNING THE …").

``segment(text, paginated=False)`` keeps number-only lines and repeated symbols (Word, HTML).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pipelines.corpus.markdown import markdown_blocks, park_escapes, strip_emphasis, unpark
from pipelines.corpus.page_furniture import (
    drop_debris,
    is_page_number,
    is_symbol_line,
    split_at_page_numbers,
    strip_page_furniture,
)
from pipelines.text.normalize import SOFT_HYPHEN, collapse_spaces, normalize_layout
from pipelines.text.wordclasses import ABBREVIATIONS, CONTINUING_WORDS, wordset

__all__ = ["join_hard_wraps", "segment"]

# --------------------------------------------------------------------------- line joining

_RE_NUMBERED = re.compile(
    r"^(?:\d{1,3}\.(?=\s|$)|\d{1,3}(?:\.\d{1,3})+\.?(?=\s+[A-Z(\"“‘'])|\(\d{1,2}\)(?=\s|$)"
    r"|\d{1,3}\)(?=\s|$)|[IVXLC]{1,6}\.(?=\s|$)"
    r"|\d{1,3} ?-(?=\s+\D)|[一二三四五六七八九十]{1,3}、)"  # Arabic "1 -", Chinese "一、"
)
#: sub-items: (a) (iv) a) iv), Cyrillic а), Arabic (أ) and ’1‘, Chinese (一) （二）
_RE_SUBITEM = re.compile(r"^(?:\((?:[a-z]{1,2}|[ivxlc]{1,6}|[\u0621-\u064a]{1,2})\)|[a-zа-я]\)"
                         r"|[ivx]{1,4}\)|’\d{1,2}‘|[(（][一二三四五六七八九十]{1,3}[)）])(?=\s|$)")
_RE_BULLET = re.compile(r"^[•▪◦●·∙‣⁃*+](?=\s)")
_RE_DASH = re.compile(r"^[-–—](?=\s)")
_RE_MARKER = re.compile(f"{_RE_NUMBERED.pattern}|{_RE_SUBITEM.pattern}|{_RE_BULLET.pattern}"
                        f"|{_RE_DASH.pattern}")
_RE_MARKER_ONLY = re.compile(rf"(?:{_RE_MARKER.pattern})\s*$")
# Lines that open a clause of their own even without punctuation before them: resolution
# titles ("99/1. Title", "ES-11/1. Title"), section headings ("II Activities"), cover lines,
# the enacting formula ("The General Assembly,").
_RE_ANNEX = re.compile(r"^Annex(?:es)?\b")
_RE_STARTER = re.compile(
    r"^(?:\d{1,3}/\d{1,4}\.\s|[A-Z]{1,3}-\d{1,2}/\d{1,4}\.\s|[IVXLC]{1,6}\s+[A-Z][a-z]"
    r"|Resolution adopted by\b|Distr\.|Agenda items?\b|Original:|Annex(?:es)?\b|Appendix\b"
    r"|Enclosure\b|(?:The|We,) [^,;:.]{3,80},$)"
)


_QUOTES = "\"'“‘«"
_CLOSERS = "\"'”’»)]"
# Words that open a UN paragraph (preambular participles and adjectives, operative verbs);
# after a line ending in "," they signal a new clause rather than a wrapped line.
_OPENER_RE = re.compile(
    r"^(?:[A-Z][a-z]{2,}(?:ing|ed)|Having|Deeply|Gravely|Mindful|Aware|Bearing|Conscious"
    r"|Whereas|Cognizant|Desirous|Fully|Keenly|Further|Also|Strongly|Firmly|Again"
    r"|(?:Decide|Request|Urge|Call|Recommend|Invite|Encourage|Note|Welcome|Reaffirm|Affirm"
    r"|Express|Emphasize|Stress|Underline|Condemn|Demand|Authorize|Approve|Endorse|Appeal"
    r"|Acknowledge|Commend|Declare|Designate|Reiterate|Recognize|Support|Agree|Adopt"
    r"|Proclaim|Resolve|Instruct|Remind|Reject|Deplore|Regret|Appreciate|Take|Consider"
    r"|Commit|Pledge|Undertake)s?)\b"
)
#: a Russian preambular opening: a verbal adverb ("ссылаясь", "рассмотрев", "будучи"), perhaps
#: after a manner phrase ("с удовлетворением отмечая", "глубоко обеспокоенная")
_RU_OPENER_RE = re.compile(r"^(?:(?:с|со|вновь|особо|глубоко|серьезно|также)\s+(?:[а-яё]+\s+){0,2})?"
                           r"(?:[а-яё]{3,}(?:я|ясь|в|вши|вшись)|будучи|[а-яё]{4,}(?:ая|ый))[\s,]")
_NOT_OPENERS = frozenset({"United", "Beijing", "Limited", "Nanjing", "Kunming", "Hyped"})
# Compound words that keep their hyphen when split at it ("well-" + "known"), when the
# document itself gives no evidence either way.
_HYPHEN_KEEP_PREFIX = wordset(
    "non self well cross ex all half counter anti long short large small full high low "
    "middle mid medium so e follow decision gender country co post twenty thirty forty "
    "fifty sixty seventy eighty ninety"
)
_HYPHEN_KEEP_SUFFIX = wordset(
    "based related led owned term level oriented scale wide free specific sensitive "
    "affected bound up making designate elect centred centered responsive driven year "
    "building"
)
_RE_VOCAB = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
_PUNCT = ".,;:!?\"'”’“‘»«()[]"
_RE_HYPHENATED_END = re.compile(r"([A-Za-z]+)-$")
_RE_FIRST_WORD = re.compile(r"^([a-z]+)")


def _indent(line: str) -> int:
    n = 0
    for ch in line:
        if ch == " ":
            n += 1
        elif ch == "\t":
            n += 4
        else:
            break
    return n


def _strip_closers(s: str) -> str:
    return s.rstrip(_CLOSERS) or s


#: full-width (Chinese) and Arabic punctuation read as their ASCII counterparts at a line end
_END_EQUIV = str.maketrans("。！？；，、：،؛؟", ".!?;,,:,;?")


def _end(s: str) -> str:
    """The last character of ``s`` before closing quotes/brackets, as ASCII punctuation."""
    return _strip_closers(s)[-1:].translate(_END_EQUIV)


#: a footnote reference after a clause's final punctuation: "…, 41", "…populations,1", "…;3"
_RE_NOTE_REF = re.compile(r"(?<=[,;.:])\s?\d{1,3}$")


def _end_before_note(s: str) -> str:
    """:func:`_end`, looking past a footnote reference digit ("of 3 May 1975, 41" ends in ",")."""
    return _end(_RE_NOTE_REF.sub("", s) or s)


def _starts_lower(s: str) -> bool:
    """First letter lower case, looking past opening quotes (not brackets: "[without
    reference to a Main Committee]" and "(continued)" are lines of their own)."""
    return s.lstrip(_QUOTES)[:1].islower()


def _last_word(s: str) -> str:
    """The last word, lower case; "" when it is bracketed ("Agenda item 100 (a)")."""
    parts = s.rsplit(None, 1)
    if not parts or parts[-1][-1:] in ")]":
        return ""
    return parts[-1].strip(_PUNCT).lower()


def _is_abbreviation_end(s: str) -> bool:
    """``Mr.``, ``No.``, ``e.g.`` at the end of a line: the sentence goes on."""
    return s.rsplit(None, 1)[-1].rstrip(".").lower() in ABBREVIATIONS


def _mend(left: str, right: str, vocab: frozenset[str] = frozenset()) -> tuple[str, str]:
    """How to join ``right`` after ``left``: ``(left, separator)``, a split word mended.

    A soft hyphen or a hyphen inside a word split at the line end ("inter-" + "national")
    goes and the word closes up; a real hyphen stays, without a space ("non-" + "State",
    "well-" + "known", "2090-" + "2099"); otherwise the lines are joined with a space.
    ``vocab`` (the document's words, lower case) decides first: "Chair-" + "designate"
    keeps its hyphen if "chair-designate" occurs elsewhere and "chairdesignate" does not.
    """
    if left.endswith(SOFT_HYPHEN):
        return left[:-1], ""
    if not left.endswith("-"):
        return left, " "
    tail = left[-80:]
    m = _RE_HYPHENATED_END.search(tail)
    if m is None:  # "2090-" + "2099" is a range; "2090 -" + "x" a dash
        return left, "" if tail[-2:-1].isdigit() and right[:1].isdigit() else " "
    if tail[:m.start()][-1:] in ("-", "/"):  # "counter-terror-" + "ism": keep what is there
        return left, ""
    first = _RE_FIRST_WORD.match(right)
    if first is None:  # "non-" + "State"
        return left, ""
    head, rest = m.group(1).lower(), first.group(1)
    if vocab:
        if head + rest in vocab:
            return left[:-1], ""
        if f"{head}-{rest}" in vocab:
            return left, ""
    if head in _HYPHEN_KEEP_PREFIX or rest in _HYPHEN_KEEP_SUFFIX:
        return left, ""
    return left[:-1], ""  # "inter-" + "national"


class _Para:
    """A paragraph being built from lines (a list of pieces, so long ones stay linear)."""

    __slots__ = ("pieces", "indent", "child_kind")

    def __init__(self, line: str, indent: int) -> None:
        self.pieces = [line]
        self.indent = indent  # of its first line
        self.child_kind: str | None = None  # kind of the sub-items attached to it

    @property
    def head(self) -> str:
        return self.pieces[0]

    @property
    def tail(self) -> str:
        return self.pieces[-1]

    def add(self, line: str, vocab: frozenset[str] = frozenset()) -> None:
        left, sep = _mend(self.pieces[-1], line, vocab)
        self.pieces[-1] = left
        if sep:
            self.pieces.append(sep)
        self.pieces.append(line)

    def text(self) -> str:
        return "".join(self.pieces)


def _wrap_width(rows: list[tuple[int, str] | None]) -> int | None:
    """The width text was hard-wrapped at, or None when lines are not hard-wrapped.

    Measured on lines followed by another line of their block (the last line of a wrapped
    paragraph is short by nature): hard-wrapped text has a width between 40 and 160
    characters that most of them come close to, and no line goes far beyond it. One line
    per paragraph (or a handful of lines) is not hard-wrapped.
    """
    inner = [len(r[1]) for r, nxt in zip(rows, rows[1:], strict=False)
             if r is not None and nxt is not None]
    if len(inner) < 4:
        return None
    ordered = sorted(inner)
    width = ordered[int(0.9 * (len(ordered) - 1))]
    longest = max(len(r[1]) for r in rows if r is not None)
    if not 40 <= width <= 160 or longest > 1.25 * width:
        return None
    near = sum(1 for n in inner if n >= 0.75 * width)
    return width if near >= 0.5 * len(inner) else None


def join_hard_wraps(lines: Iterable[str]) -> list[str]:
    """Group lines into paragraphs: blank lines, list markers and wrap signals decide.

    ``lines`` keep their leading whitespace (it is a signal); the result is one string per
    paragraph, lines joined with a space (or mended at a hyphen), inner spaces untouched.
    See the module docstring for the rules.
    """
    rows: list[tuple[int, str] | None] = []
    for raw in lines:
        s = raw.strip()
        rows.append((_indent(raw), s) if s else None)
    present = [r for r in rows if r is not None]
    if not present:
        return []
    width = _wrap_width(rows)
    base = min(i for i, _ in present)
    vocab: frozenset[str] | None = None  # the document's words, built at the first hyphen

    out: list[str] = []
    para: _Para | None = None  # the clause being built
    prev_indent = 0
    prev = ""  # the previous non-blank line
    after_blank = False
    in_list = False  # inside a list announced by a line ending in ":"
    annex = False  # after an "Annex" heading sub-items stand alone (as the AKN reader has it)

    for row in rows:
        if row is None:
            after_blank = para is not None
            in_list = False  # a list without blank lines ends at one
            continue
        ind, line = row
        if para is None or _starts_clause(para, prev, line, ind, prev_indent, base, width,
                                          after_blank, in_list, annex):
            if para is not None:
                end = _end(para.tail)
                if end in (":", "."):  # a list opens at "…:" and closes at "…."
                    in_list = end == ":"
                out.append(para.text())
            para = _Para(line, ind)
            annex = annex or _RE_ANNEX.match(line) is not None
        else:
            if (para.child_kind is None and _RE_SUBITEM.match(line)
                    and not _RE_NUMBERED.match(para.head)):
                para.child_kind = _subitem_kind(line)
            if vocab is None and para.tail.endswith("-"):
                vocab = _vocabulary([s for _, s in present])
            para.add(line, vocab or frozenset())
        prev, prev_indent, after_blank = line, ind, False
    if para is not None:
        out.append(para.text())
    return out


def _vocabulary(lines: list[str]) -> frozenset[str]:
    """Lower-case words of the text, hyphenated compounds whole ("chair-designate")."""
    return frozenset(_RE_VOCAB.findall("\n".join(lines).lower()))


def _starts_clause(para: _Para, prev: str, line: str, ind: int, prev_ind: int,
                   base: int, width: int | None, after_blank: bool, in_list: bool,
                   annex: bool = False) -> bool:
    """Whether ``line`` opens a new clause rather than continuing ``para``."""
    if len(para.pieces) == 1 and _RE_MARKER_ONLY.match(para.head):  # "1." alone: text follows
        return False
    if _RE_SUBITEM.match(line):
        return annex or not _attaches_subitem(para, line)
    if _RE_NUMBERED.match(line) or _RE_BULLET.match(line):
        return True
    if _RE_DASH.match(line):  # a bullet after punctuation, else a dash inside a sentence
        return bool(after_blank or _RE_DASH.match(para.head)
                    or _end(prev) in (":", ";", ".", ","))
    if after_blank:
        return True
    continues = prev.endswith(("-", SOFT_HYPHEN)) or _last_word(prev) in CONTINUING_WORDS
    if _RE_STARTER.match(line) and not continues:
        return True
    if prev.endswith("]") and para.head.startswith("["):  # "[on the report of … (A/99/1)]"
        return True
    end = _end_before_note(prev)
    short = width is None or len(prev) < 0.6 * width
    title = _title_break(prev, line, width is None or len(line) < 0.6 * width)
    if title is not None:
        return title
    lower = _starts_lower(line)
    if end == ":":  # in hard-wrapped text "…, as follows:" + "assistance to…" is one line
        return not (lower and not short)
    if (width is not None and end in ",;.:" and ind >= base + 2 and ind > prev_ind
            and not _hanging(para, ind)):
        return True
    if lower:
        if end == "," and short and _RU_OPENER_RE.match(line):  # Russian preambles: lower case
            return True
        return end == ";" and in_list and short
    if end in (".", "!", "?", ";"):
        return not (end == "." and _is_abbreviation_end(prev))
    if line[:1] == "[" and not continues:
        return True  # "[on the report of the Third Committee (A/99/1)]"
    if end == ",":
        first = line.split(None, 1)[0]
        if _OPENER_RE.match(line) and first not in _NOT_OPENERS:
            return True
        return short
    # no final punctuation: a wrapped line, or a title
    return False if continues else short


_TITLE_LINK_WORDS = wordset("of the and to on in for at by a an")
#: words that carry an ALL-CAPS title on to its next line ("… NO. 36" + "CONCERNING THE …")
_TITLE_GOES_ON = wordset("concerning regarding relating on of for and to in by with")
_RE_WORD = re.compile(r"[^\W\d_]+")
_FINAL_OR_COMMA = (".", ",", ";", ":", "!", "?")


def _is_heading(line: str) -> bool:
    """A mixed-case line of three words or more, all capitalised but for small link words, without
    final punctuation: a masthead or title line ("Conference of the Parties to the Convention …")."""
    words = _RE_WORD.findall(line)
    return (len(words) >= 3 and not line.isupper() and _end(line) not in _FINAL_OR_COMMA + ("-",)
            and all(w[0].isupper() or w in _TITLE_LINK_WORDS for w in words))


def _title_break(prev: str, line: str, short: bool) -> bool | None:
    """Between two lines of a title or masthead: True (a new clause), False (the title goes on)
    or None (not such lines). A short unpunctuated line starting in upper case after a heading
    line is the next masthead line ("… of Pollinators" + "Sixth meeting"); an ALL-CAPS line
    opening with a link word continues an ALL-CAPS title ("… NO. 36" + "CONCERNING THE …")."""
    if prev.isupper() and line.isupper() and _end(prev) not in _FINAL_OR_COMMA:
        return False if line.split(None, 1)[0].lower() in _TITLE_GOES_ON else None
    if (short and _is_heading(prev) and line[:1].isupper()
            and _end(line) not in _FINAL_OR_COMMA):
        return True
    return None


def _subitem_kind(line: str) -> str:
    """'roman' for (ii), (iv), (i)…; 'letter' for (a), (b), (v), (x)… (single v/x/l/c)."""
    if line.startswith("’"):  # Arabic ’1‘, ’2‘: the roman level
        return "roman"
    label = re.split(r"[)）]", line, maxsplit=1)[0].lstrip("(（")
    if label == "i" or (len(label) > 1 and set(label) <= set("ivxlc")):
        return "roman"
    return "letter"


def _attaches_subitem(para: _Para, line: str) -> bool:
    """Sub-items stay with a numbered paragraph, or with a list item ending in ":"
    (and so do their siblings of the same kind: "(a) …:" + "(i) …;" + "(ii) …")."""
    if _RE_NUMBERED.match(para.head):
        return True
    if para.child_kind is not None:
        return _subitem_kind(line) == para.child_kind
    return bool(_RE_MARKER.match(para.head)) and _end(para.tail) == ":"


def _hanging(para: _Para, ind: int) -> bool:
    """A continuation line aligned under the text of a numbered item (hanging indent)."""
    m = _RE_MARKER.match(para.head)
    return m is not None and ind <= para.indent + len(m.group(0)) + 2


# --------------------------------------------------------------------------- entry point

def _prepare_lines(text: str, paginated: bool = True) -> list[str]:
    """Normalised, markup-free lines with indentation kept; print debris out if paginated.

    Pages (split at form feeds) lose their running headers and footers, page numbers and
    blank lines at their edges, so a paragraph running over a page break joins up again.
    """
    text = park_escapes(normalize_layout(text))
    pages = [page.split("\n") for page in text.split("\f")]
    if len(pages) > 1 and paginated:
        pages = strip_page_furniture(pages)
    lines: list[str] = []
    seen_symbols: set[str] = set()
    for page in pages:
        page_lines = markdown_blocks(page)
        if not paginated:
            lines.extend(page_lines)
            continue
        # a page-number line alone also marks a page break (OCR text without form feeds)
        for n, chunk in enumerate(split_at_page_numbers(page_lines)):
            chunk = drop_debris(chunk, seen_symbols)
            if len(pages) > 1 and n == 0:
                chunk = _trim_blank(chunk)
            lines.extend(_mend_page_break(lines, chunk) if lines else chunk)
        if len(pages) > 1:
            lines = _trim_blank(lines)
    return lines


#: a footnote at a page bottom: "12 Ibid.", "1 See CPP/COP/4/DEC/2."
_RE_FOOTNOTE = re.compile(r"^\d{1,3}\s+\S")
_BREAK_FURNITURE = 3  # lines of running title or symbol that may open a continued page


def _continues_cut_clause(line: str) -> bool:
    """A line that can only be the rest of a clause: it starts in lower case, or with a
    number that is no list marker, footnote or page number ("2018, with a view to …")."""
    if _starts_lower(line):
        return True
    return (line[:1].isdigit() and not _RE_MARKER.match(line) and not _RE_FOOTNOTE.match(line)
            and not is_page_number(line) and not is_symbol_line(line))


def _mend_page_break(lines: list[str], page: list[str]) -> list[str]:
    """The lines of ``page``, to follow ``lines``; a clause cut by the page break is joined up.

    When the last line of text before the break (footnotes at the page bottom set aside) has
    no final punctuation and one of the first lines of the next page starts in lower case, the
    short lines before it (a running title, a symbol) go and the clause's second half (up to
    final punctuation, a blank line, a list marker or an opening word after a comma) moves up
    to its first, ahead of the footnotes, which follow it. ``lines`` loses what moves.
    """
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    body_end = end
    while body_end and (not lines[body_end - 1].strip() or _RE_FOOTNOTE.match(lines[body_end - 1])):
        body_end -= 1
    if body_end == end or lines[body_end].strip():  # footnotes must stand after a blank line
        body_end = end
    if not body_end or _end(lines[body_end - 1].strip()) in (".", ";", ":", "!", "?"):
        return page
    heads = [i for i, ln in enumerate(page) if ln.strip()][:_BREAK_FURNITURE]
    first = next((i for i in heads if _continues_cut_clause(page[i].strip())), None)
    if first is None or any(len(page[i].strip()) > 80 for i in heads if i < first):
        return page
    above = page[first - 1].strip() if first else ""
    if above and not (is_page_number(above) or is_symbol_line(above)):
        return page  # it continues the line right above it, not the previous page
    stop = first + 1  # the second half ends at final punctuation, a blank line or a new clause
    while (stop < len(page) and page[stop].strip()
           and _end(page[stop - 1].strip()) not in (".", ";", ":", "!", "?")
           and not _RE_MARKER.match(page[stop].strip())
           and not (_end(page[stop - 1].strip()) == "," and _OPENER_RE.match(page[stop].strip()))):
        stop += 1
    moved = lines[body_end:]
    del lines[body_end:]
    return page[first:stop] + moved + ([""] if moved else []) + page[stop:]


def _trim_blank(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


_RE_HAS_WORD = re.compile(r"\w")


def _finish(clause: str) -> str | None:
    """Emphasis that spanned wrapped lines, spaces, parked escapes; None for debris."""
    text = strip_emphasis(clause) if ("*" in clause or "_" in clause) else clause
    text = unpark(collapse_spaces(text).strip())
    return text if _RE_HAS_WORD.search(text) else None


def segment(text: str, *, paginated: bool = True) -> list[str]:
    """Split plain text into clause strings, in document order (see the module docstring).

    ``paginated`` text (plain text, PDF) loses page numbers, running headers and footers
    (pages are split at form feeds) and repeated document-symbol lines; pass ``False`` for
    text without pages (Word, HTML), where a line "120" is content, not a page number.
    Never returns empty strings; clauses with no letter or digit (ornaments, lone bullets)
    are dropped as debris.
    """
    clauses = []
    for para in join_hard_wraps(_prepare_lines(text, paginated)):
        done = _finish(para)
        if done is not None:
            clauses.append(done)
    return clauses
