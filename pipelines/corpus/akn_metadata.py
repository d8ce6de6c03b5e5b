"""Identity and metadata of an AKN4UN resolution: its symbol, body, session, language,
adoption date, vote and the short scalar fields of the cover page and ``meta``."""

from __future__ import annotations

import re
from typing import Any

from pipelines.corpus.akn_text import AKN_NS, find, findall, visible_text
from pipelines.corpus.sources import SourceItem
from pipelines.text.normalize import normalize_text

__all__ = ["document_metadata", "expression_language", "identity"]

_SYMBOL_RE = re.compile(r"^([AE])/RES/([^/\s]+)/")
_FRBR_RE = re.compile(r"/akn/un/[^/]+/[^/]+/(un\w*)/[^/]+/((?:ES|S)-\d+|\d+)-(\d+\w*)/")
_COMMITTEES = {
    "noMainCommittee": "Without reference to a Main Committee",
    "firstCommittee": "First Committee", "secondCommittee": "Second Committee",
    "thirdCommittee": "Third Committee", "fourthCommittee": "Fourth Committee",
    "fifthCommittee": "Fifth Committee", "sixthCommittee": "Sixth Committee",
    "specialPoliticalAndDecolonizationCommittee": "Fourth Committee",
}


def identity(root: Any, item: SourceItem) -> tuple[str, str | None, str | None]:
    """doc_id (the symbol), body ("GA"/"ECOSOC") and session ("79", "ES-11", "2021")."""
    symbol = None
    number = find(root, "./*/akn:coverPage//akn:docNumber")
    if number is not None:
        symbol = normalize_text("".join(number.itertext())) or None
    frbr = find(root, "./*/akn:meta/akn:identification/akn:FRBRWork/akn:FRBRthis")
    m = _FRBR_RE.search(frbr.get("value", "")) if frbr is not None else None
    if symbol is None and m:
        prefix = "E" if m.group(1) == "unecosoc" else "A"
        symbol = f"{prefix}/RES/{m.group(2)}/{m.group(3)}"
    if symbol is None:
        symbol = item.member.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    sm = _SYMBOL_RE.match(symbol)
    if sm:
        return symbol, ("GA" if sm.group(1) == "A" else "ECOSOC"), sm.group(2)
    if m:
        return symbol, ("ECOSOC" if m.group(1) == "unecosoc" else "GA"), m.group(2)
    return symbol, None, None


def expression_language(root: Any) -> str:
    """The expression's language as written ("eng", "fra", "zho"); "eng" when the markup does
    not say."""
    lang = root.find(f".//{{{AKN_NS}}}FRBRExpression/{{{AKN_NS}}}FRBRlanguage")
    return (lang.get("language") or "eng") if lang is not None else "eng"


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _voting(voting: Any) -> dict[str, Any]:
    """Adoption ("adoptedWithoutVote"/"adoptedRecordedVote") and, for a recorded vote, the
    counts (an absent count is 0). Free-text outcomes ("Adopted 133-3-0, 88th plenary
    meeting", "Adopted by consensus") are mapped to the same vocabulary."""
    outcome = normalize_text(voting.get("outcome") or "")
    out: dict[str, Any] = {}
    tally = re.match(r"Adopted (\d+)-(\d+)-(\d+)", outcome)
    if tally or outcome == "adoptedRecordedVote":
        out["adoption"] = "adoptedRecordedVote"
        counts = [int(n) for n in tally.groups()] if tally else [0, 0, 0]
        names = ("votes_for", "votes_against", "votes_abstaining")
        out.update(zip(names, counts, strict=True))
        keys = dict(zip(("inFavour", "against", "abstaining"), names, strict=True))
        for count in findall(voting, "./akn:count"):
            key = keys.get(count.get("refersTo", "").lstrip("#"))
            value = _int(count.get("value"))
            if key and value is not None:
                out[key] = value
    elif outcome.lower().startswith(("adopted without", "adopted by consensus")):
        out["adoption"] = "adoptedWithoutVote"
    elif outcome:
        out["adoption"] = outcome
    return out


def document_metadata(root: Any, symbol: str) -> tuple[str | None, dict[str, Any]]:
    """Adoption date and the scalar metadata of the markup."""
    meta: dict[str, Any] = {"symbol": symbol}
    doc = root[0] if len(root) else root
    date = None
    for d in findall(doc, "./akn:meta/akn:identification/akn:FRBRWork/akn:FRBRdate"):
        if d.get("name") == "adoption":
            date = d.get("date")
    if not date:
        concl = find(root, ".//akn:conclusions//akn:docDate")
        date = concl.get("date") if concl is not None else None
    title = find(doc, "./akn:preface//akn:docTitle")
    if title is not None and visible_text(title):
        meta["title"] = visible_text(title)
    for inline in findall(doc, "./akn:coverPage//akn:inline"):
        name = inline.get("name")
        if name == "agenda item":
            item_text = visible_text(inline)
            meta["agenda_item"] = (re.sub(r"^Agenda items?\s*", "", item_text)
                                   if item_text.startswith("Agenda item")
                                   else inline.get("title") or item_text)
        elif name == "agenda item name":
            meta["agenda_item_name"] = visible_text(inline)
    prop = find(doc, "./akn:coverPage//akn:docProponent")
    if prop is not None:
        ref = (prop.get("refersTo") or "").lstrip("#")
        if ref:
            meta["committee"] = _COMMITTEES.get(ref, ref)
        meta["proponent"] = visible_text(prop, spaced=True)
    voting = find(doc, "./akn:meta/akn:analysis//akn:voting")
    if voting is not None and voting.get("outcome"):
        meta.update(_voting(voting))
    sdgs = sorted({int(k.get("value")) for k in findall(doc, "./akn:meta/akn:classification/"
                                                              "akn:keyword")
                   if k.get("dictionary") == "SDGO" and (k.get("value") or "").isdigit()})
    if sdgs:
        meta["sdgs"] = sdgs
    for step in findall(doc, "./akn:meta/akn:workflow/akn:step"):
        if step.get("outcome") == "draftResolution" and step.get("as"):
            meta["draft"] = step.get("as")
    return date, meta
