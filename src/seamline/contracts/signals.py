"""Count the knowledge base's signals in a document: how often, and where.

A :class:`Reading` holds a document's clauses twice: as written (for evidence) and with the parties' names
replaced by ``BUYER`` and ``SUPPLIER`` (for matching, see :mod:`seamline.contracts.parties`). Each clause
also gets the zones it sits in (a definition, boilerplate, an attachment list, a key-personnel clause, a
rate for optional extras); a signal found in a zone counts with the zone's weight instead of 1.

:func:`signal_counts` gives, per engagement-model signal, the weighted number of clauses that match and the
hits behind it; :func:`type_cue_values` gives the values of the document-type cues. Both feed the trained
weights in :mod:`seamline.contracts.detect`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import overload

from seamline.contracts.catalogue import SHORTHANDS, DocumentTypes, Signals, Zone
from seamline.contracts.parties import Parties, resolve_parties
from seamline.contracts.patterns import ClauseIndex, compile_pattern
from seamline.contracts.segment import Clause


@dataclass(frozen=True)
class Hit:
    """One clause where a signal (or a document-type cue) matched, with the weight it counts for."""

    signal: str
    dimension: str
    clause: int
    weight: float
    zone: str | None


class Reading:
    """A document prepared for signal counting: its parties, two indexes, and the zones of each clause
    (found only for the clauses a signal matches)."""

    def __init__(
        self,
        clauses: Sequence[Clause],
        parties: Parties,
        index: ClauseIndex,
        written: ClauseIndex,
        zones: Sequence[Zone],
        title: str,
    ) -> None:
        self.clauses = clauses
        self.parties = parties
        self.index = index  # over the role-normalised clauses
        self.written = written  # over the clauses as written
        self.title = title  # role-normalised start of the document
        self._zones = zones
        self._sections: dict[str, tuple[Zone, ...]] = {}
        self._memo: dict[int, tuple[Zone, ...]] = {}

    def zones_of(self, i: int) -> tuple[Zone, ...]:
        """The zones clause ``i`` sits in, in the order of the knowledge base."""
        section = self.clauses[i].section
        if section not in self._sections:
            self._sections[section] = tuple(
                z for z in self._zones if any(compile_pattern(p).regex.search(section) for p in z.section)
            )
        in_section = self._sections[section]
        text = self.clauses[i].text
        return tuple(
            z
            for z in self._zones
            if z in in_section or any(compile_pattern(p).regex.search(text) for p in z.clause)
        )

    def weight(self, i: int, dimension: str) -> tuple[float, str | None]:
        """What a signal of ``dimension`` found in clause ``i`` counts for, and the zone that says so."""
        zones = self._memo.get(i)
        if zones is None:
            zones = self._memo[i] = self.zones_of(i)
        for zone in zones:
            if not zone.applies_to or dimension in zone.applies_to:
                return zone.weight, zone.id
        return 1.0, None


class _Normalised(Sequence[Clause]):
    """The clauses with the parties' names written as roles, rewritten only when first read."""

    def __init__(self, clauses: Sequence[Clause], parties: Parties) -> None:
        self._clauses = clauses
        self._parties = parties
        self._done: dict[int, Clause] = {}

    def __len__(self) -> int:
        return len(self._clauses)

    @overload
    def __getitem__(self, i: int) -> Clause: ...

    @overload
    def __getitem__(self, i: slice) -> Sequence[Clause]: ...

    def __getitem__(self, i: int | slice) -> Clause | Sequence[Clause]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        done = self._done.get(i)
        if done is None:
            c = self._clauses[i]
            done = self._done[i] = Clause(self._parties.normalise(c.text), c.start, c.end, c.section)
        return done


_LEGEND = re.compile(
    r"confidential treatment|omitted|redacted|\[\s*\*|certain (identified )?information|"
    r"execution (version|copy)|"
    r"^\W*\[?form\]?\W*$|^\W*(draft|page \d+)|^\W*table of contents",
    re.I,
)
_EXHIBIT = re.compile(r"^\W*(exhibit|ex\.|attachment|annex|appendix)\s*[\w().\-]{0,12}\s*", re.I)
_PREAMBLE = re.compile(
    r"\s*(\((the|this|hereinafter)\b|\bthis\s+[\w\s-]{0,60}\b(agreement|contract)\b|"
    r"\b(between|entered into|dated|made (and entered )?(as of|on|this)|by and|effective as of)\b)",
    re.I,
)
_DOCUMENT_NOUN = re.compile(
    r"\b(agreement|contract|statement of (work|objectives|intent)|sow|proposal|order( form)?|letter|terms|"
    r"conditions|addendum|amendment|memorandum|request for|rfp|rfq|solicitation|work statement|pws|call-off|"
    r"undertaking|deed|charter|quotation|tender|framework|specification|service description)\b",
    re.I,
)


def title_zone(text: str, limit: int) -> str:
    """The document's title: the first line near the top that names a kind of document ("Online Hosting
    Agreement", "Proposal: a standing product squad"), without exhibit numbers, redaction legends or the
    preamble that follows; failing that, the first such line of any kind."""
    pieces = []
    for raw in re.split(r"\n|[ \t\u00a0]{3,}", text[: limit * 5])[:40]:
        line = _EXHIBIT.sub("", raw.strip(" \t#=*_-|:"))
        if _LEGEND.search(line):
            continue
        cut = _PREAMBLE.search(line)
        line = (line[: cut.start()] if cut else line).strip(" ,;:-")
        if len(re.findall(r"[A-Za-z]", line)) >= 3:
            pieces.append(line)
        if len(pieces) >= 8:
            break
    named = next((p for p in pieces if _DOCUMENT_NOUN.search(p)), None)
    return (named or (pieces[0] if pieces else ""))[:limit]


def read(
    text: str, clauses: Sequence[Clause], signals: Signals, written: ClauseIndex | None = None
) -> Reading:
    """Resolve the parties, normalise the clauses to roles and find each clause's zones.

    ``written`` is the index of the clauses as written, when the caller already has one.
    """
    written = written or ClauseIndex(clauses)
    parties = resolve_parties(text, signals.roles, clauses, written)
    extra = {
        role: set().union(*(written.postings(w) for w in words)) if words else set()
        for role, words in parties.role_words().items()
    }
    index = written.derive(_Normalised(clauses, parties), extra)
    title = parties.normalise(title_zone(text, int(signals.detection.title_chars.value)))
    return Reading(clauses, parties, index, written, signals.zones, title)


_NEGATOR = re.compile(
    r"\b(?:no|not)\b(?!\s+(?:later|less|more|fewer|earlier|limited|only)\b)|\bnever\b|"
    r"\bwithout\b(?!\s+(?:limitation|prejudice|limiting))|\bneither\b|\bnor\b|\bnone\b|"
    r"\birrespective of\b|\bregardless of\b|\binstead of\b|\brather than\b|\bin place of\b|n[’']t\b",
    re.I,
)


_SAYS_NO = re.compile(r"(?<![a-z])(?:not|no|without|never|nor)(?![a-z])|n\[’")


@lru_cache(maxsize=4096)
def _states_negation(pattern: str) -> bool:
    """Whether a pattern is itself about a negation ("the buyer will not direct"): its matches keep theirs."""
    return bool(_SAYS_NO.search(pattern))


def affirmed(text: str, patterns: Sequence[str], window: int) -> bool:
    """Whether a pattern matches ``text`` somewhere not negated: no negation just before the match ("there
    are no service credits") nor inside it ("the Supplier does not manage the team"), unless the pattern
    itself states a negation."""
    for pattern in patterns:
        inside_ok = _states_negation(pattern)
        for m in compile_pattern(pattern).regex.finditer(text):
            before = text[max(0, m.start() - window) : m.start()]
            cut = max(before.rfind("."), before.rfind(";"), before.rfind(":"))
            if _NEGATOR.search(before[cut + 1 :]):
                continue
            if not inside_ok and _NEGATOR.search(m.group(0)):
                continue
            return True
    return False


def signal_counts(reading: Reading, signals: Signals) -> tuple[dict[str, float], list[Hit]]:
    """Weighted count of clauses per signal (capped at ``detection.max_count``) and the hits behind it.

    Clauses are read in document order, and a signal stops being searched once its count has reached the
    cap and it has enough full-weight hits that the quoted evidence cannot change: the evidence
    (``detect._evidence``) takes a signal's full-weight hits first, in document order, at most
    ``max_evidence_per_signal`` of them, and fewer than ``max_evidence`` of its clauses can be taken by
    other signals first. So the counts and the evidence are those of a full search, while a long document
    that repeats a phrase costs no more than its first few pages.
    """
    det = signals.detection
    cap = float(det.max_count.value)
    window = int(det.negation_window.value)
    enough = int(det.max_evidence_per_signal.value) + int(det.max_evidence.value) - 1
    full = max([1.0, *(z.weight for z in signals.zones)])
    counts: dict[str, float] = {}
    hits: list[Hit] = []
    for signal in signals.signals:
        total = 0.0
        strong = 0
        index = _index_for(reading, signal.patterns)
        for i in index.iter_hits(list(signal.patterns)):
            if not affirmed(index.clauses[i].text, signal.patterns, window):
                continue
            weight, zone = reading.weight(i, signal.dimension)
            total += weight
            hits.append(Hit(signal.id, signal.dimension, i, weight, zone))
            strong += weight >= full
            if total >= cap and strong >= enough:
                break
        counts[signal.id] = min(total, cap)
    return counts, hits


_ROLE_TOKENS = (SHORTHANDS["{buyer}"], SHORTHANDS["{supplier}"])


def _index_for(reading: Reading, patterns: Sequence[str]) -> ClauseIndex:
    """The role-normalised index for patterns that name a party, the written one (no rewriting) otherwise."""
    return reading.index if any(t in p for p in patterns for t in _ROLE_TOKENS) else reading.written


def feature(count: float) -> float:
    """The value a count enters the trained model with: diminishing returns for repeats."""
    return math.log1p(count)


def type_cue_values(reading: Reading, types: DocumentTypes, signals: Signals) -> dict[str, float]:
    """Per document-type cue: log(1 + count of clauses) in the body, 0/1 in the title, or a share of clauses.

    Only the first ``detection.type_clauses`` clauses are read: a document says what it is early, and the
    cost stays bounded however long it is.
    """
    cap = float(signals.detection.max_count.value)
    limit = int(signals.detection.type_clauses.value)
    n = max(min(len(reading.clauses), limit), 1)
    out: dict[str, float] = {}
    for cue in types.cues:
        if cue.where == "title":
            out[cue.id] = float(any(compile_pattern(p).regex.search(reading.title) for p in cue.patterns))
            continue
        idx = _index_for(reading, cue.patterns).hits(list(cue.patterns), limit)
        if cue.where == "share":
            out[cue.id] = len(idx) / n
            continue
        out[cue.id] = feature(min(len(idx), cap))
    return out
