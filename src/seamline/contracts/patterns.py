"""Fast matching of the knowledge base's regular expressions against a document's clauses.

Every pattern is matched clause by clause (case-insensitive). Scanning a 50,000-character contract once per
pattern costs milliseconds each, so the clauses are indexed by their words first: a pattern that must
start with a literal word (``\\bescrow``, ``\\b(each|every|all)\\b...``) is tried only on the clauses holding
a word with that beginning. Patterns without such a literal start are tried on every clause.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from typing import Any

from seamline.contracts.features import clause_tokens as all_tokens
from seamline.contracts.features import tokens
from seamline.contracts.segment import Clause

try:  # the regular-expression parser moved in Python 3.11; both expose parse()
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse as _sre_parse


@dataclass(frozen=True)
class Compiled:
    regex: re.Pattern[str]
    # Which clauses can match: for each top-level alternative, groups of word beginnings (a trailing space
    # means the whole word); a clause can match an alternative only if it holds a word from every group.
    # None: any clause can match.
    requirements: tuple[tuple[tuple[str, ...], ...], ...] | None


_ANCHORS = ("AT_BOUNDARY", "AT_BEGINNING", "AT_BEGINNING_LINE")
_WINDOW = 4096  # clauses searched at a time by ClauseIndex.iter_hits


def _ends_word(item: Any) -> bool:
    """Whether this parsed item guarantees that a word ended just before it (\\b, white space, a hyphen)."""
    op, arg = item
    name = str(op)
    if name == "AT":
        return str(arg) == "AT_BOUNDARY"
    if name == "LITERAL":
        return not chr(arg).isalnum() and chr(arg) != "_"
    return _is_space(op, arg)


def _whole_after(seq: list[Any], k: int, inherited: bool) -> bool:
    return _ends_word(seq[k]) if k < len(seq) else inherited


def _lead(items: Any, anchored: bool = False, whole_after: bool = False) -> list[str] | None:
    """Literal beginnings of a parsed pattern that starts at a word boundary, or None when unknown.

    A beginning that must be followed by the end of a word carries a trailing space (a whole word);
    ``whole_after`` says whether what follows ``items`` in the enclosing pattern ends a word.
    """
    seq = list(items)
    i = 0
    while i < len(seq) and str(seq[i][0]) == "AT":  # \b, ^ and other zero-width anchors
        anchored = anchored or str(seq[i][1]) in _ANCHORS
        i += 1
    if i >= len(seq):
        return None
    op, arg = seq[i]
    name = str(op)
    if name == "LITERAL":
        if not anchored:
            return None
        text = ""
        while i < len(seq) and str(seq[i][0]) == "LITERAL":
            text += chr(seq[i][1])
            i += 1
        if i < len(seq) and str(seq[i][0]) in (
            "BRANCH",
            "SUBPATTERN",
        ):  # the parser factors out common starts
            rest = _lead([seq[i]], anchored=True, whole_after=_whole_after(seq, i + 1, whole_after))
            if rest:
                return [text + r for r in rest]
        return [text + " "] if _whole_after(seq, i, whole_after) else [text]
    if name == "SUBPATTERN":
        return _lead(arg[-1], anchored, _whole_after(seq, i + 1, whole_after))
    if name in ("MAX_REPEAT", "MIN_REPEAT") and arg[0] == 0:  # an optional start: either it or what follows
        optional = _lead(arg[2], anchored)
        rest = _lead(seq[i + 1 :], anchored, whole_after)
        return None if optional is None or rest is None else optional + rest
    if name == "BRANCH":
        out: list[str] = []
        for branch in arg[1]:
            sub = _lead(branch, anchored, _whole_after(seq, i + 1, whole_after))
            if sub is None:
                return None
            out += sub
        return out
    return None


def _words(lead: list[str]) -> tuple[str, ...] | None:
    words = []
    for literal in lead:
        low = literal.lower()
        toks = tokens(low)
        if not toks or not low.startswith(toks[0]):
            return None
        whole = len(low) > len(toks[0]) and not low[len(toks[0])].isalnum()
        words.append(toks[0] + " " if whole else toks[0])
    return tuple(sorted(set(words)))


def _is_space(op: Any, arg: Any) -> bool:
    """A literal space, or a repeat (at least once) of white space."""
    if str(op) == "LITERAL":
        return chr(arg).isspace()
    if str(op) in ("MAX_REPEAT", "MIN_REPEAT") and arg[0] >= 1:
        body = str(list(arg[2]))
        return "CATEGORY_SPACE" in body or body in ("[(LITERAL, 32)]",)
    return False


def _groups(seq: list[Any]) -> tuple[tuple[str, ...], ...]:
    """Word groups a match of this sequence must contain: one per literal that starts a word."""
    groups: list[tuple[str, ...]] = []
    anchored = False  # the next item starts a word (after \b, ^ or white space)
    for j, (op, arg) in enumerate(seq):
        name = str(op)
        if name == "AT":
            anchored = anchored or str(arg) in _ANCHORS
            continue
        if _is_space(op, arg):
            anchored = True
            continue
        if anchored and name in ("LITERAL", "SUBPATTERN", "BRANCH", "MAX_REPEAT", "MIN_REPEAT"):
            lead = _lead(seq[j:], anchored=True)
            words = _words(lead) if lead else None
            if words and words not in groups:
                groups.append(words)
        anchored = False
    return tuple(groups)


def _requirements(pattern: str) -> tuple[tuple[tuple[str, ...], ...], ...] | None:
    try:
        seq = list(_sre_parse.parse(pattern, re.IGNORECASE))
    except Exception:  # pragma: no cover - patterns are validated when the knowledge is loaded
        return None
    lead_at = [item for item in seq[:-1] if str(item[0]) == "AT"]
    if seq and str(seq[-1][0]) == "BRANCH" and len(lead_at) == len(seq) - 1:  # a top-level alternation
        alternatives = [lead_at + list(branch) for branch in seq[-1][1][1]]
    else:
        alternatives = [seq]
    out = []
    for alternative in alternatives:
        groups = _groups(alternative)
        if not groups:
            return None
        out.append(groups)
    return tuple(out)


@lru_cache(maxsize=4096)
def compile_pattern(pattern: str) -> Compiled:
    return Compiled(re.compile(pattern, re.IGNORECASE), _requirements(pattern))


class ClauseIndex:
    """Clauses indexed by their lower-case words, for matching many patterns quickly."""

    def __init__(
        self, clauses: Sequence[Clause], clause_tokens: Sequence[Sequence[str]] | None = None
    ) -> None:
        self.clauses = clauses
        self.tokens = clause_tokens if clause_tokens is not None else all_tokens(c.text for c in clauses)
        postings: dict[str, list[int]] = {}
        for i, toks in enumerate(self.tokens):
            for tok in set(toks):
                postings.setdefault(tok, []).append(i)
        self._postings = postings
        self._words = sorted(postings)
        self._memo: dict[tuple[str | int | None, ...], list[int]] = {}
        self._group_memo: dict[str, int] = {}

    def postings(self, word: str) -> list[int]:
        """Indices of the clauses holding ``word`` (lower case, whole word)."""
        return self._postings.get(word, [])

    def derive(self, clauses: Sequence[Clause], extra: dict[str, set[int]]) -> ClauseIndex:
        """An index over rewritten ``clauses`` (same count and order) that shares this one's word postings,
        with the words of ``extra`` (word -> clause indices) added; the rewritten texts are read only when a
        pattern's words make a clause a candidate."""
        out = ClauseIndex.__new__(ClauseIndex)
        out.clauses = clauses
        out.tokens = self.tokens
        postings = dict(self._postings)
        for word, idx in extra.items():
            postings[word] = sorted(set(postings.get(word, ())) | idx)
        out._postings = postings
        out._words = sorted(postings) if any(w not in self._postings for w in extra) else self._words
        out._memo = {}
        out._group_memo = {}
        return out

    # Candidate clauses are bit sets (Python integers, bit i = clause i): a set of a long document's clause
    # numbers costs about 60 bytes a clause, a bit set one bit, and unions and intersections run in C.

    def _group(self, words: tuple[str, ...]) -> int:
        key = " ".join(words)
        if key not in self._group_memo:
            if any(len(w) == 1 for w in words):  # every word with this letter: cheaper to try every clause
                self._group_memo[key] = (1 << len(self.clauses)) - 1
            else:
                self._group_memo[key] = _bits(
                    chain.from_iterable(map(self._candidates, words)), len(self.clauses)
                )
        return self._group_memo[key]

    def _candidates(self, prefix: str) -> Iterator[Sequence[int]]:
        if prefix.endswith(" "):  # the whole word
            yield self._postings.get(prefix[:-1], ())
            return
        words = self._words
        j = bisect.bisect_left(words, prefix)
        while j < len(words) and words[j].startswith(prefix):
            yield self._postings[words[j]]
            j += 1

    def hits(self, patterns: Sequence[str], limit: int | None = None) -> list[int]:
        """Indices (in document order) of the clauses that any of ``patterns`` matches; with ``limit``, only
        among the first ``limit`` clauses."""
        key = (*patterns, limit)
        if key not in self._memo:
            n = len(self.clauses) if limit is None else min(limit, len(self.clauses))
            self._memo[key] = self._matching(self._plan(patterns), 0, n)
        return self._memo[key]

    def iter_hits(self, patterns: Sequence[str]) -> Iterator[int]:
        """The clauses of :meth:`hits`, in document order, found a window of clauses at a time, so that a
        caller who stops early does not pay for the rest of a long document."""
        key = (*patterns, None)
        if key in self._memo:
            yield from self._memo[key]
            return
        plan = self._plan(patterns)
        for start in range(0, len(self.clauses), _WINDOW):
            yield from self._matching(plan, start, min(start + _WINDOW, len(self.clauses)))

    def _plan(self, patterns: Sequence[str]) -> list[tuple[Callable[..., object], int | None]]:
        """Per pattern: its search function and the bit set of the clauses it can match (None: any)."""
        plan: list[tuple[Callable[..., object], int | None]] = []
        for pattern in patterns:
            comp = compile_pattern(pattern)
            candidates: int | None = None
            if comp.requirements is not None:
                candidates = 0
                for groups in comp.requirements:
                    both = -1  # every clause
                    for g in groups:
                        both &= self._group(g)
                    candidates |= both
            plan.append((comp.regex.search, candidates))
        return plan

    def _matching(
        self, plan: list[tuple[Callable[..., object], int | None]], start: int, stop: int
    ) -> list[int]:
        """The clauses in ``start:stop`` that any pattern of ``plan`` matches, in order."""
        width = (1 << (stop - start)) - 1
        found = 0
        clauses = self.clauses
        for search, candidates in plan:
            todo = width if candidates is None else (candidates >> start) & width
            new = [j for j in _members(todo & ~found) if search(clauses[start + j].text)]
            if new:
                found |= _bits([new], stop - start)
        return [start + j for j in _members(found)]

    def first_hit(self, patterns: Sequence[str]) -> int | None:
        hits = self.hits(patterns)
        return hits[0] if hits else None


def _bits(lists: Iterable[Sequence[int]], size: int) -> int:
    """The bit set of the numbers (below ``size``) in any of ``lists``."""
    import numpy as np

    marks = np.zeros(size, dtype=np.bool_)
    for numbers in lists:
        if len(numbers):
            marks[np.asarray(numbers, dtype=np.int64)] = True
    return int.from_bytes(np.packbits(marks, bitorder="little").tobytes(), "little")


def _members(bits: int) -> list[int]:
    """The numbers in a bit set, in increasing order."""
    if not bits:
        return []
    import numpy as np

    raw = np.frombuffer(bits.to_bytes((bits.bit_length() + 7) // 8, "little"), dtype=np.uint8)
    found: list[int] = np.flatnonzero(np.unpackbits(raw, bitorder="little")).tolist()
    return found


def matches_any(patterns: Sequence[str], clauses: Sequence[Clause]) -> bool:
    """Whether any pattern matches any of a few clauses (no index: for quality checks on evidence)."""
    return any(compile_pattern(p).regex.search(c.text) for p in patterns for c in clauses)
