"""Split a normalised document into clauses, keeping character offsets and the section each sits in.

A clause is a sentence-sized unit: the text is cut at line breaks, at runs of spaces (PDF-to-text
layout) and after a full stop or semicolon followed by a capital, a digit or a bracket. Fragments too
short to stand alone (a heading such as ``7. Intellectual Property``) are joined to the clause that
follows them, and a numbered or upper-case heading opens a new section. The cut is purely syntactic, so
the same function serves training (``scripts/train_contracts.py``) and checking.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_BOUNDARY = re.compile(
    r"(?=[ \t\n\u00a0])(?:"  # every boundary starts with white space (lets the scanner skip ahead)
    r"\n[ \t]*\n\s*"  # a blank line
    r"|(?<=[.;:])[ \t]*\n\s*"  # a line that ends a sentence
    r"|(?<=[A-Z][A-Z])[ \t]*\n\s*"  # a line that ends in capitals (a heading)
    # a line that starts a numbered item, a bullet or a markdown heading
    r"|\n(?=[ \t]*(?:\(?\d{1,2}(?:\.\d{1,2})*[.)]?|\([a-z]{1,4}\)|[A-Z]\.|#{1,6}|[-*\u2022])\s)"
    r"|[ \t\u00a0]{2,}"  # a run of spaces (PDF-to-text layout)
    # a sentence end inside a line: not after a number ("1. Title") nor an initial ("A. Novak", "U.S.")
    r"|(?<=[a-z)\]\"'\u201d][.;])[ \t]+(?=[A-Z(\"\u201c0-9])"
    r")"
)
_NUMBERED_HEADING = re.compile(
    r"^\s*(?:(?:section|sec\.|article|clause)\s*)?(\d{1,2}(?:\.\d{1,2})*)\.?\s+(\S.*)$", re.I
)
_ATTACHMENT_HEADING = re.compile(r"^(?:schedule|exhibit|annex|appendix|attachment)\s+[\w.-]{1,6}\b", re.I)
_WORD = re.compile(r"[A-Za-z]")
_LETTERS = re.compile(r"[^\W\d_]")


@dataclass(frozen=True, slots=True)
class Clause:
    """One clause: ``text`` is ``document[start:end]``; ``section`` names the heading it falls under."""

    text: str
    start: int
    end: int
    section: str


def _heading_of(fragment: str) -> str | None:
    """A short fragment that reads like a heading: numbered, or mostly upper case, or ending with a colon."""
    frag = fragment.strip()
    if not frag or len(frag) > 80:
        return None
    m = _NUMBERED_HEADING.match(frag)
    if m and len(m.group(2)) <= 70:
        return frag.rstrip(".:")
    if _ATTACHMENT_HEADING.match(frag):  # "Schedule 1 — Named engineers", "Exhibit B"
        return frag.rstrip(".:")
    if frag.isupper() and len(_LETTERS.findall(frag)) >= 3:  # an upper-case line
        return frag.rstrip(".:")
    if frag.endswith(":") and len(frag) <= 60:
        return frag.rstrip(":")
    return None


def segment(text: str, *, min_chars: int = 40, max_chars: int = 2000) -> list[Clause]:
    """Cut ``text`` into clauses with offsets; every character of a clause lies inside ``text``."""
    clauses: list[Clause] = []
    section = ""
    pending: int | None = None  # start of short fragments waiting to be joined to the next piece
    has_word = _WORD.search
    for start, end in _pieces(text):
        if not has_word(text, start, end):
            continue
        if pending is None and end - start < min_chars * 2:
            heading = _heading_of(text[start:end])
            if heading is not None:
                section = heading
        if end - start < min_chars:
            if pending is None:
                pending = start
            continue
        if pending is not None:
            start = pending
            pending = None
        _cut(text, start, end, section, max_chars, clauses)
    if pending is not None:  # short fragments up to the end (but for trailing white space)
        end = len(text)
        while end > pending and text[end - 1].isspace():
            end -= 1
        _cut(text, pending, end, section, max_chars, clauses)
    return clauses


def _cut(text: str, start: int, end: int, section: str, max_chars: int, clauses: list[Clause]) -> None:
    """Add ``text[start:end]`` as clauses of at most ``max_chars``: a very long run without a boundary is
    cut at a space."""
    while end - start > max_chars:
        cut = text.rfind(" ", start + max_chars // 2, start + max_chars)
        cut = cut if cut > start else start + max_chars
        clauses.append(Clause(text[start:cut], start, cut, section))
        start = cut + 1
    clauses.append(Clause(text[start:end], start, end, section))


def _pieces(text: str) -> Iterator[tuple[int, int]]:
    """The stretches between boundaries, one at a time (a text of short sentences has millions)."""
    pos = 0
    for m in _BOUNDARY.finditer(text):
        if m.start() > pos:
            yield pos, m.start()
        pos = m.end()
    if pos < len(text):
        yield pos, len(text)
