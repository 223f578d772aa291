"""Who buys and who supplies: the parties of a document, resolved from its own words.

Contracts rarely call the parties "client" and "vendor". They define names in the preamble ("Kaveri
Software Labs ("Kaveri" or the "Partner")"), label lines ("The Authority: Westmoor County Council"), or
speak as "we" and "you" in a proposal. This module finds those names and decides each one's side:

1. party names come from quoted defined terms in the opening of the document that follow a company name,
   a role word or a labelled line, and from the role words themselves;
2. a name that is itself a role word (``knowledge/contract_signals.yaml`` ``roles``) takes that role;
3. other names are decided by what the text says they do: the side that performs or provides the
   services, is paid or is engaged is the supplier; the side that pays, receives the services or engages
   is the buyer; in a two-party document, once one side is known the other takes the opposite role.

:func:`resolve_parties` returns a :class:`Parties` whose :meth:`~Parties.normalise` rewrites a clause with
the buyer's names as ``BUYER`` and the supplier's as ``SUPPLIER``, so that the signal patterns of the
knowledge base (written with ``{buyer}`` and ``{supplier}``) read every statement relative to the roles.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from seamline.contracts.catalogue import Roles
from seamline.contracts.features import tokens
from seamline.contracts.patterns import ClauseIndex
from seamline.contracts.segment import Clause, segment

BUYER = "BUYER"
SUPPLIER = "SUPPLIER"

_QUOTE = "\"'“”‘’`"
_PAREN = re.compile(r"\(([^()]{1,200})\)")
_QUOTED = re.compile(rf"[{_QUOTE}]{{1,2}}\s*([A-Za-z][\w&.\- ]{{0,40}}?)\s*[{_QUOTE}]{{1,2}}")
_HEREINAFTER = re.compile(
    rf"\b(?:hereinafter|herein|hereafter)\s*(?:,\s*)?(?:referred\s+to\s+as|called|designated|known\s+as)?\s*"
    rf"(?:the\s+)?[{_QUOTE}]{{1,2}}([A-Z][\w&.\- ]{{0,40}}?)[{_QUOTE}]{{1,2}}"
)
# "Client: Tessellate Freight Inc." / "The Authority: Westmoor County Council" / "Prepared for: Canopy Trust"
_LABEL_LINE = re.compile(r"^[ \t]*(?:the\s+)?([A-Za-z][A-Za-z ]{1,30}?)\s*:\s*(\S[^\n]{1,160})$", re.M)
_CORPORATE = re.compile(
    r"\b(?:inc|incorporated|llc|l\.l\.c|ltd|limited|corp|corporation|company|co|gmbh|ag|s\.?a|s\.?a\.?s|"
    r"b\.?v|n\.?v|plc|llp|l\.?p|pvt|pty|oy|ab|as|spa|s\.?r\.?l|sp\.? z o\.?o|trust|council|university|"
    r"department|agency|authority|ministry|government|state|city|county|bank|fund|partners|group|labs?|asa|aps|"
    r"sarl|sl|kk|bhd|se|kft|zrt|a/s|holdings?)\b\.?",
    re.I,
)
# "between Halvorsen Industrial Pumps ASA ("HIP")": a name right after "between", "and" or "by"
_PARTY_LEAD = re.compile(r"\b(?:between|and|by|with|from|to)\s+(?:[A-Z][\w&.,\-]*\s+){1,7}$")
# near the top, "Larkspur Clinics ("Larkspur")": a capitalised name right before the parenthesis
_NAME_BEFORE = re.compile(r"(?:^|[\n:;,]\s*|\b(?:and|between|by|with)\s+)(?:[A-Z][\w&.'’\-]*\s+){1,5}$")
_NAME = re.compile(r"\b([A-Z][\w&\-]+(?:\s+(?:[A-Z][\w&\-]+|&|of|and|de|la)){0,4})")
_PRONOUNS_SUPPLIER = ("we", "our", "us", "ours")
# a defined term that ends in one of these words names a thing, not a party ("Team Sprint Rate")
_NOT_A_NAME = re.compile(
    r"\b(?:rates?|fees?|dates?|prices?|periods?|terms?|services?|agreements?|plans?|levels?|systems?|"
    r"documentation|equipment|premises|data|information|materials?|products?|software|charges?|costs?|"
    r"deliverables?|schedules?|exhibits?|specifications?|territory|marks?|rights?|law|days?|hours?|"
    r"year|month|notice|event|policy|policies|code|site|program|programme|project|work|requirements?)$",
    re.I,
)
_PRONOUNS_BUYER = ("you", "your", "yours")


@dataclass(frozen=True)
class Parties:  # cached_property needs a __dict__: no slots
    """The names that stand for the buyer and for the supplier in one document."""

    buyer: tuple[str, ...] = ()
    supplier: tuple[str, ...] = ()
    how: dict[str, str] = field(default_factory=dict)  # name -> how its role was decided
    _pattern: re.Pattern[str] | None = field(default=None, repr=False, compare=False)

    def normalise(self, text: str) -> str:
        """``text`` with every name of a party replaced by ``BUYER`` or ``SUPPLIER``."""
        if self._pattern is None:
            return text
        lookup = self._lookup
        return self._pattern.sub(lambda m: lookup.get(m.group(0)) or lookup.get(m.group(0).lower(), ""), text)

    @cached_property
    def _lookup(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for names, token in ((self.buyer, BUYER), (self.supplier, SUPPLIER)):
            for name in names:
                out[name] = token
                out.setdefault(name.lower(), token)
        return out

    def role_words(self) -> dict[str, set[str]]:
        """The first word (lower case) of every name, per role token: a clause without one of them
        cannot mention that party."""
        return {"buyer": _first_words(self.buyer), "supplier": _first_words(self.supplier)}

    def as_dict(self) -> dict[str, list[str]]:
        """The names to show: those the document defines, else the role words it uses for that side."""

        def shown(names: tuple[str, ...]) -> list[str]:
            defined = [n for n in names if self.how.get(n, "role word") != "role word"]
            return defined or [n for n in names if n.lower() not in _PRONOUNS_BUYER + _PRONOUNS_SUPPLIER][:3]

        return {"buyer": shown(self.buyer), "supplier": shown(self.supplier)}


@dataclass
class _Candidate:
    names: list[str]
    role: str | None = None
    how: str = ""


@lru_cache(maxsize=8)
def _lexicon(roles: Roles) -> tuple[dict[str, str], frozenset[str], frozenset[str]]:
    """word -> role for the unambiguous role words; the words matched in any case; ambiguous words."""
    table: dict[str, str] = {}
    for word in roles.buyer_words:
        table[word.lower()] = "buyer"
    for word in roles.supplier_words:
        table[word.lower()] = "supplier"
    anycase = frozenset(w.lower() for w in roles.any_case)
    return table, anycase, frozenset(w.lower() for w in roles.ambiguous_words)


def _strip_article(name: str) -> str:
    name = name.strip(" ,.;:")
    return re.sub(r"^(?:the|a|an)\s+", "", name, flags=re.I).strip()


def _candidates(head: str, roles: Roles) -> list[_Candidate]:
    """Party names defined in the opening text, grouped by party."""
    table, _, ambiguous = _lexicon(roles)
    stop = {w.lower() for w in roles.not_party_terms}
    groups: list[_Candidate] = []

    def add(names: list[str]) -> _Candidate | None:
        """Add a party's names (or merge them into the party already named so); the party, if any."""
        clean = []
        for raw in names:
            name = _strip_article(raw)
            low = name.lower()
            if not name or low in stop or len(name) < 2 or low in _PRONOUNS_BUYER + _PRONOUNS_SUPPLIER:
                continue
            clean.append(name)
        if not clean:
            return None
        for g in groups:  # the same name defined twice belongs to one party
            if {n.lower() for n in g.names} & {n.lower() for n in clean}:
                g.names.extend(n for n in clean if n.lower() not in {x.lower() for x in g.names})
                return g
        groups.append(_Candidate(clean))
        return groups[-1]

    for m in _PAREN.finditer(head):
        quoted = [q for q in _QUOTED.findall(m.group(1)) if not _NOT_A_NAME.search(q)]
        if not quoted:
            continue
        before = head[max(0, m.start() - 120) : m.start()]
        is_role = any(q.strip().lower() in table or q.strip().lower() in ambiguous for q in quoted)
        named = m.start() < roles.named_party_chars and _NAME_BEFORE.search(before)
        if is_role or _CORPORATE.search(before) or _PARTY_LEAD.search(before) or named:
            add(quoted)
    for m in _HEREINAFTER.finditer(head):
        add([m.group(1)])
    for m in _LABEL_LINE.finditer(head):
        label = _strip_article(m.group(1)).lower()
        value = m.group(2)
        role_word = label if label in table or label in ambiguous else None
        if label in ("prepared for", "to", "for", "attention", "attn"):
            role_word = "__buyer__"
        elif label in ("from", "prepared by", "submitted by"):
            role_word = "__supplier__"
        if role_word is None:
            continue
        names = [q for q in _QUOTED.findall(value)]
        lead = _NAME.findall(value)
        if lead:
            first = lead[0].split()[0]
            if first.lower() not in stop:
                names.append(first)
        if role_word.startswith("__"):  # "Prepared for: Canopy Trust": the name's side is the label's
            party = add(names)
            if party is not None and party.role is None:
                party.role = role_word.strip("_")
                party.how = f"labelled '{m.group(1).strip()}'"
        else:
            add([m.group(1), *names])
    return groups


def _name_regex(names: Sequence[str], anycase: frozenset[str], generic: frozenset[str] = frozenset()) -> str:
    """One alternation matching every name as a whole word (longest first); role words and pronouns in
    any case, defined names as written, undefined capitalised role words only after "the"."""
    folded, exact, after_the = [], [], []
    for name in sorted(set(names), key=len, reverse=True):
        low = name.lower()
        if low in anycase or low in _PRONOUNS_BUYER + _PRONOUNS_SUPPLIER:
            folded.append(re.escape(name))
        elif name in generic:  # "the State", not "State of Delaware"
            after_the.append(re.escape(name))
        else:
            exact.append(re.escape(name))
    parts = []
    if exact:
        parts.append("|".join(exact))
    if folded:
        parts.append("(?i:" + "|".join(folded) + ")")
    if after_the:
        parts.append("(?<=[Tt]he )(?:" + "|".join(after_the) + ")")
    return r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])"


def _first_words(names: Sequence[str]) -> set[str]:
    return {toks[0] for n in names if (toks := tokens(n))}


def _votes(
    clauses: Sequence[Clause], index: ClauseIndex, names: list[str], roles: Roles, anycase: frozenset[str]
) -> Counter[tuple[str, str]]:
    """(name, role) -> how often the text has that name act as a buyer or as a supplier.

    Read in the first ``roles.context_clauses`` clauses that hold one of the names, with each name written
    as ``PARTY<k>`` so that the vote patterns compile once for every document.
    """
    votes: Counter[tuple[str, str]] = Counter()
    if not names:
        return votes
    words = _first_words(names)
    candidates = sorted(set().union(*(index.postings(w) for w in words)))[: int(roles.context_clauses)]
    if not candidates:
        return votes
    finder = re.compile(_name_regex(names, anycase))
    number = {n.lower(): k for k, n in enumerate(names)}
    compiled = _vote_patterns(roles)
    for i in candidates:
        text = finder.sub(lambda m: f"PARTY{number.get(m.group(0).lower(), 0)}", clauses[i].text)
        if "PARTY" not in text:
            continue
        for role, regex in compiled:
            for m in regex.finditer(text):
                party = next(v for v in m.groupdict().values() if v is not None)
                votes[(names[int(party)], role)] += 1
    return votes


@lru_cache(maxsize=8)
def _vote_patterns(roles: Roles) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """One regular expression per side: its patterns as alternatives, each with its own party group."""
    out = []
    for role, patterns in (("supplier", roles.supplier_context), ("buyer", roles.buyer_context)):
        branches = [
            "(?:" + p.replace("{party}", rf"\bPARTY(?P<p{k}>\d+)\b") + ")" for k, p in enumerate(patterns)
        ]
        out.append((role, re.compile("|".join(branches), re.I)))
    return tuple(out)


def resolve_parties(
    text: str, roles: Roles, clauses: Sequence[Clause] | None = None, index: ClauseIndex | None = None
) -> Parties:
    """The buyer's and the supplier's names in ``text`` (see the module docstring for the rules).

    ``clauses`` and their ``index`` are the document's segmented clauses, when the caller has them.
    """
    table, anycase, ambiguous = _lexicon(roles)
    if clauses is None or index is None:
        clauses = segment(text)
        index = ClauseIndex(clauses)
    head = text[: int(roles.preamble_chars)]
    groups = _candidates(head, roles)
    how: dict[str, str] = {}

    for g in groups:  # 2. role words decide
        if g.role:
            continue
        found = {table[n.lower()] for n in g.names if n.lower() in table}
        if len(found) == 1:
            g.role = found.pop()
            g.how = "defined, role word"

    # 3. what the text says each party does
    unresolved = [g for g in groups if g.role is None]
    if unresolved:
        votes = _votes(clauses, index, [n for g in unresolved for n in g.names], roles, anycase)
        for g in unresolved:
            as_buyer = sum(votes[(n, "buyer")] for n in g.names)
            as_supplier = sum(votes[(n, "supplier")] for n in g.names)
            if as_buyer != as_supplier and max(as_buyer, as_supplier) >= roles.min_votes:
                g.role = "buyer" if as_buyer > as_supplier else "supplier"
                g.how = f"acts as {g.role} ({max(as_buyer, as_supplier)} to {min(as_buyer, as_supplier)})"
    resolved_roles = {g.role for g in groups if g.role}
    open_groups = [g for g in groups if g.role is None]
    if len(resolved_roles) == 1 and len(open_groups) == 1:
        other = "buyer" if "supplier" in resolved_roles else "supplier"
        open_groups[0].role = other
        open_groups[0].how = "the other party"

    buyer: list[str] = []
    supplier: list[str] = []
    for g in groups:
        if g.role is None:
            continue
        for n in g.names:
            (buyer if g.role == "buyer" else supplier).append(n)
            how[n] = g.how
    taken = {n.lower() for n in buyer + supplier}
    generic: set[str] = set()
    # role words used without a definition ("the Contractor shall ...") keep their usual meaning, unless a
    # defined party took the opposite side under that very word
    for word, role in table.items():
        words = tokens(word)
        if word in taken or not all(index.postings(t) for t in words):
            continue  # taken by a defined party, or not in this document
        if word in anycase:
            if len(words) > 1 and index.first_hit([rf"\b{re.escape(word)}\b"]) is None:
                continue  # "managed service provider": its words are there, the phrase is not
        elif index.first_hit([rf"\bthe {re.escape(word)}\b"]) is None:
            continue  # a capitalised role word counts only as "the Owner", not in "product owner"
        name = word if word in anycase else word.title()
        (buyer if role == "buyer" else supplier).append(name)
        generic.add(name)
        how.setdefault(name, "role word")
    # a side with no name yet takes the one ambiguous word used as a party ("the Agency" facing "the
    # Contractor"), if there is exactly one
    named = {n.lower() for n in buyer + supplier}
    loose = [
        w
        for w in sorted(ambiguous)
        if w not in named and index.first_hit([rf"\bthe {re.escape(w)}\b"]) is not None
    ]
    for side in (buyer, supplier):
        if not side and len(loose) == 1:
            name = loose.pop().title()
            side.append(name)
            generic.add(name)
            how[name] = "the only other party named"
    # pronouns: a proposal speaks as the supplier ("we") to the buyer ("you") unless the text says otherwise
    pron = _votes(clauses, index, ["we", "you"], roles, anycase)
    we_buy = pron[("we", "buyer")] > pron[("we", "supplier")]
    you_supply = pron[("you", "supplier")] > pron[("you", "buyer")]
    ours = [p for p in _PRONOUNS_SUPPLIER if index.postings(p)]
    yours = [p for p in _PRONOUNS_BUYER if index.postings(p)]
    if we_buy or you_supply:
        buyer += ours
        supplier += yours
    else:
        buyer += yours
        supplier += ours
    return _build(buyer, supplier, how, anycase, generic)


def _build(
    buyer: list[str], supplier: list[str], how: dict[str, str], anycase: frozenset[str], generic: set[str]
) -> Parties:
    names = buyer + supplier
    pattern = re.compile(_name_regex(names, anycase, frozenset(generic))) if names else None
    return Parties(tuple(dict.fromkeys(buyer)), tuple(dict.fromkeys(supplier)), how, pattern)
