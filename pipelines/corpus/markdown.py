"""Markdown and other inline markup reduced to the text a reader sees: emphasis, links,
images, code spans, escapes, headings, quotes and rules (for text exported from Word, web pages
or Markdown). Escaped characters that would still read as markup are *parked* on Unicode
noncharacters while lines are joined, and restored by :func:`unpark`."""

from __future__ import annotations

import re

from pipelines.text.normalize import collapse_spaces

__all__ = ["clean_markup", "markdown_blocks", "park_escapes", "strip_emphasis", "unpark"]

# Escaped Markdown characters that would otherwise look like markup are parked on
# Unicode noncharacters (removed from input by normalize_layout) and restored at the end.
_PARKED = {"*": "\ufdd0", "_": "\ufdd1", "\\": "\ufdd2", "`": "\ufdd3", "[": "\ufdd4",
           "]": "\ufdd5"}
_UNPARK = str.maketrans({v: k for k, v in _PARKED.items()})
_RE_PARKED = re.compile("[\ufdd0-\ufdd5]")
_RE_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")

_RE_IMAGE = re.compile(r"!\[[^\[\]\n]{0,500}\]\([^()\n]{0,500}\)")
_RE_LINK = re.compile(r"\[([^\[\]\n]{0,500})\]"  # [text](url "title") or [text][ref]
                      r"(?:\([^)\s]{0,500}(?:\s+\"[^\"\n]*\")?\)|\[[^\]\n]{0,50}\])")
_RE_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^>\s]{1,500})>")
_RE_CODE = re.compile(r"`([^`\n]{1,500})`")
# Emphasis: content starts and ends with a non-space and holds no delimiter (inner pairs
# go first, over up to three rounds), so each attempt stops at the next delimiter: linear.
# "_" pairs need non-word characters outside them, so snake_case_names stay.
_RE_STAR = re.compile(r"(?<!\*)(\*{1,3})([^\s*](?:[^*\n]{0,400}[^\s*])?)\1(?!\*)")
_RE_UNDER = re.compile(r"(?<![\w_])(_{1,3})([^\s_](?:[^_\n]{0,400}[^\s_])?)\1(?![\w_])")
_RE_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_RE_MD_QUOTE = re.compile(r"^[ \t]{0,3}>[ \t]?")
_RE_MD_RULE = re.compile(r"^[ \t]{0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,}|={3,})$")


def park_escapes(text: str) -> str:
    """Remove Markdown backslash escapes; park the ones that would still read as markup."""
    if "\\" not in text:
        return text
    return _RE_ESCAPE.sub(lambda m: _PARKED.get(m.group(1), m.group(1)), text)


def _strip_inline(text: str) -> str:
    """Links, images, code ticks and emphasis reduced to their visible text."""
    if "[" in text:
        text = _RE_IMAGE.sub("", text)
        text = _RE_LINK.sub(r"\1", text)
    if "<" in text:
        text = _RE_AUTOLINK.sub(r"\1", text)
    if "`" in text:
        text = _RE_CODE.sub(r"\1", text)
    return strip_emphasis(text)


def strip_emphasis(text: str) -> str:
    """``*x*``, ``**x**``, ``_x_``… → ``x`` (nested pairs too)."""
    for _ in range(3):  # nested emphasis: **a *b* c**
        if "*" not in text and "_" not in text:
            break
        new = _RE_STAR.sub(r"\2", text) if "*" in text else text
        new = _RE_UNDER.sub(r"\2", new) if "_" in new else new
        if new == text:
            break
        text = new
    return text


def clean_markup(text: str) -> str:
    """Markdown emphasis, links, escapes and headings reduced to the text a reader sees.

    >>> clean_markup(r"1. *Express support* for resolution [2354 \\(2017\\)](#)")
    '1. Express support for resolution 2354 (2017)'
    """
    lines = []
    for line in park_escapes(text).split("\n"):
        m = _RE_MD_HEADING.match(line)
        if m:
            line = m.group(1)
        elif _RE_MD_RULE.match(line):
            line = ""
        else:
            line = _RE_MD_QUOTE.sub("", line)
        lines.append(_strip_inline(line))
    out = "\n".join(lines)
    return out.translate(_UNPARK) if _RE_PARKED.search(out) else out


def unpark(text: str) -> str:
    """The escaped characters :func:`park_escapes` parked, back in place."""
    return text.translate(_UNPARK) if _RE_PARKED.search(text) else text


def _clean_line(line: str) -> str:
    """Inline markup out, runs of spaces collapsed; leading indentation kept."""
    ind = len(line) - len(line.lstrip(" \t"))
    return line[:ind] + collapse_spaces(_strip_inline(line[ind:])).rstrip()


_MD_BLOCK_CHARS = frozenset("#>*+-_=")
_RE_MD_BULLET = re.compile(r"^([ \t]*)[*+][ \t]+")


def markdown_blocks(page: list[str]) -> list[str]:
    """The lines of a page cleaned of inline markup; Markdown headings set apart by blank
    lines, rules become blank lines."""
    lines: list[str] = []
    for line in page:
        if line.lstrip(" \t")[:1] not in _MD_BLOCK_CHARS:
            lines.append(_clean_line(line))
            continue
        m = _RE_MD_HEADING.match(line)
        if m:  # a Markdown heading is a clause of its own
            lines.extend(("", _clean_line(m.group(1)), ""))
        elif _RE_MD_RULE.match(line):
            lines.append("")
        else:  # "* item" / "+ item" render as bullets
            line = _RE_MD_BULLET.sub("\\1• ", _RE_MD_QUOTE.sub("", line))
            lines.append(_clean_line(line))
    return lines
