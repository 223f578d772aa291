"""The contract knowledge, loaded from YAML: the clause checklist and the engagement-model signals.

``knowledge/checklist.yaml`` lists what a contract should contain (each item cites a source, names the
models that need it, its CUAD category if any, and the patterns that find it and mark its quality);
``knowledge/contract_signals.yaml`` holds the parties' role words, the zones that discount a clause, the
signals that tell which engagement model a document describes and the limits applied when reading files;
``knowledge/document_types.yaml`` the cues of each document type. All three are loaded through
:func:`seamline.knowledge.load_file`, so unknown keys and unknown sources are refused with the file and key
named.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from seamline.knowledge import BUNDLED, MODEL_IDS, Entry, load_file, load_knowledge

CHECKLIST_FILE = "checklist.yaml"
SIGNALS_FILE = "contract_signals.yaml"
DOCUMENT_TYPES_FILE = "document_types.yaml"


def _valid_patterns(value: list[str]) -> list[str]:
    for pattern in value:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from None
    return value


def _valid_models(value: list[str]) -> list[str]:
    unknown = [m for m in value if m not in MODEL_IDS]
    if unknown:
        raise ValueError(f"unknown model(s) {', '.join(unknown)}; expected some of: {', '.join(MODEL_IDS)}")
    return value


class ChecklistItem(Entry):
    id: str
    name: str
    why: str
    area: str
    severity: Literal["high", "medium", "low"]
    cuad: str | None = None
    required_for: list[str] = Field(default_factory=list)
    patterns: list[str] = Field(default_factory=list)
    quality: list[str] = Field(default_factory=list)
    weak_when: str | None = None
    source: str
    note: str | None = None

    _check_patterns = field_validator("patterns", "quality")(_valid_patterns)
    _check_models = field_validator("required_for")(_valid_models)


class CitedNumber(Entry):
    value: float
    source: str
    note: str | None = None


class Checklist(Entry):
    evidence_spans: CitedNumber
    items: list[ChecklistItem] = Field(min_length=1)

    def item(self, item_id: str) -> ChecklistItem:
        return next(i for i in self.items if i.id == item_id)


# Shorthands of the signal patterns (knowledge/contract_signals.yaml explains them). A party token is what
# :meth:`seamline.contracts.parties.Parties.normalise` writes for a party's name. Negations are not excluded
# by the gaps themselves (that made every gap a costly look-ahead): seamline.contracts.signals.affirmed drops
# a negated match.
SHORTHANDS = {
    "{buyer}": r"(?:\bbuyer(?:['’]s)?\b)",
    "{supplier}": r"(?:\bsupplier(?:['’]s)?\b)",
    "{gap}": r"[^.;]{0,60}",
    "{near}": r"[^.;]{0,25}",
    "{any}": r"[^.;]{0,60}",
}
_SHORTHAND = re.compile(r"\{(buyer|supplier|gap|near|any)\}")


def expand(pattern: str) -> str:
    """A knowledge-base pattern with its shorthands written out as regular expressions."""
    return _SHORTHAND.sub(lambda m: SHORTHANDS[m.group(0)], pattern)


def _expanded_patterns(value: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(_valid_patterns([expand(p) for p in value]))


Dimension = Literal["directs", "owns_outcome", "pricing", "basis"]
# the four dimensions of the sources' core question, as users read them
DIMENSION_NAMES = {
    "directs": "Who directs the work",
    "owns_outcome": "Who owns the outcome",
    "pricing": "How the price is shaped",
    "basis": "What is bought",
}
DOCUMENT_TYPES = (
    "engagement",
    "master_terms",
    "nda",
    "licence",
    "distribution_or_supply",
    "employment",
    "other",
)
ENGAGEMENT_TYPES = ("engagement", "master_terms")


class _WeightedCue(Entry):
    """Patterns and the prior weight they give each class (a signal's models, a cue's document types)."""

    id: str
    text: str
    patterns: tuple[str, ...] = Field(min_length=1)
    points_to: dict[str, float]
    source: str

    _check_patterns = field_validator("patterns")(_expanded_patterns)


class Signal(_WeightedCue):
    """One cue of an engagement model on one dimension of the sources' core question."""

    dimension: Dimension

    @field_validator("points_to")
    @classmethod
    def _known_models(cls, value: dict[str, float]) -> dict[str, float]:
        _valid_models(list(value))
        if "in_house" in value:
            raise ValueError(
                "in_house is not an outside engagement: an employment contract is a document type"
            )
        return value


class Zone(Entry):
    """Where a clause sits (a definition, boilerplate, a key-personnel clause): its signals count for less."""

    id: str
    text: str
    weight: float = Field(ge=0, le=1)
    clause: tuple[str, ...] = ()
    section: tuple[str, ...] = ()
    applies_to: tuple[Dimension, ...] = ()
    source: str

    _check_patterns = field_validator("clause", "section")(_valid_patterns)


class Roles(Entry):
    """Role words and the verbs that show which side a party is on (contracts/parties.py)."""

    buyer_words: tuple[str, ...]
    supplier_words: tuple[str, ...]
    ambiguous_words: tuple[str, ...] = ()
    any_case: tuple[str, ...] = ()
    not_party_terms: tuple[str, ...] = ()
    supplier_context: tuple[str, ...]
    buyer_context: tuple[str, ...]
    preamble_chars: int = Field(gt=0)
    named_party_chars: int = Field(gt=0)
    context_clauses: int = Field(gt=0)
    min_votes: int = Field(ge=1)
    source: str
    note: str | None = None

    @field_validator("supplier_context", "buyer_context")
    @classmethod
    def _party_placeholder(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in value:
            if "{party}" not in pattern:
                raise ValueError(f"pattern {pattern!r} lacks the {{party}} placeholder")
            _valid_patterns([pattern.replace("{party}", "(?P<party>x)")])
        return value


class ClaimCue(Entry):
    id: str
    patterns: list[str] = Field(min_length=1)
    model: str
    source: str

    _check_patterns = field_validator("patterns")(_valid_patterns)

    @field_validator("model")
    @classmethod
    def _known_model(cls, value: str) -> str:
        _valid_models([value])
        return value


class Limits(Entry):
    max_file_bytes: CitedNumber
    max_docx_uncompressed_bytes: CitedNumber
    max_pdf_pages: CitedNumber
    min_text_chars_per_page: CitedNumber
    # added later: a knowledge folder of one's own that lacks them keeps the bundled values
    max_text_chars: CitedNumber | None = None
    max_read_seconds: CitedNumber | None = None
    max_pdf_stream_tokens: CitedNumber | None = None


class Detection(Entry):
    min_probability: CitedNumber
    min_margin: CitedNumber
    min_signal_weight: CitedNumber
    title_chars: CitedNumber
    max_evidence: CitedNumber
    max_evidence_per_signal: CitedNumber
    negation_window: CitedNumber
    max_count: CitedNumber
    type_clauses: CitedNumber


class Mismatch(Entry):
    id: str
    text: str
    source: str


class Signals(Entry):
    limits: Limits
    detection: Detection
    roles: Roles
    zones: tuple[Zone, ...] = ()
    signals: tuple[Signal, ...] = Field(min_length=1)
    claims: list[ClaimCue] = Field(default_factory=list)
    mismatch: Mismatch

    @field_validator("signals")
    @classmethod
    def _unique(cls, value: tuple[Signal, ...]) -> tuple[Signal, ...]:
        ids = [s.id for s in value]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"duplicate signal id(s): {', '.join(dup)}")
        return value


class DocumentType(Entry):
    id: Literal[
        "engagement", "master_terms", "nda", "licence", "distribution_or_supply", "employment", "other"
    ]
    name: str
    text: str
    source: str


class TypeCue(_WeightedCue):
    """A cue of a document type: counted in the body, looked for in the title, or a share of the clauses."""

    where: Literal["body", "title", "share"] = "body"

    @field_validator("points_to")
    @classmethod
    def _known_types(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = [t for t in value if t not in DOCUMENT_TYPES]
        if unknown:
            raise ValueError(
                f"unknown document type(s) {', '.join(unknown)}; expected: {', '.join(DOCUMENT_TYPES)}"
            )
        return value


class MasterTermsRule(Entry):
    delegation_cue: str
    attachment_cue: str
    min_delegations: CitedNumber


class DocumentTypes(Entry):
    types: tuple[DocumentType, ...] = Field(min_length=len(DOCUMENT_TYPES))
    master_terms_rule: MasterTermsRule | None = None
    cues: tuple[TypeCue, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _rule_cues_exist(self) -> DocumentTypes:
        rule = self.master_terms_rule
        ids = {c.id for c in self.cues}
        if rule is not None:
            missing = [c for c in (rule.delegation_cue, rule.attachment_cue) if c not in ids]
            if missing:
                raise ValueError(f"master_terms_rule names unknown cue(s): {', '.join(missing)}")
        return self

    @field_validator("types")
    @classmethod
    def _every_type(cls, value: tuple[DocumentType, ...]) -> tuple[DocumentType, ...]:
        missing = [t for t in DOCUMENT_TYPES if t not in {x.id for x in value}]
        if missing:
            raise ValueError(f"missing document type(s): {', '.join(missing)}")
        return value

    def name(self, type_id: str) -> str:
        return next((t.name for t in self.types if t.id == type_id), type_id)


def _root(root: Path | str | None) -> Path:
    return Path(root or BUNDLED).resolve()


@lru_cache(maxsize=8)
def _checklist(root: Path) -> Checklist:
    return load_file(CHECKLIST_FILE, Checklist, root, load_knowledge(root).sources)


@lru_cache(maxsize=8)
def _signals(root: Path) -> Signals:
    return load_file(SIGNALS_FILE, Signals, root, load_knowledge(root).sources)


def load_checklist(root: Path | str | None = None) -> Checklist:
    """The clause checklist (bundled knowledge unless ``root`` names another folder)."""
    return _checklist(_root(root))


def load_signals(root: Path | str | None = None) -> Signals:
    """The engagement-model cues and reading limits."""
    return _signals(_root(root))


@lru_cache(maxsize=8)
def _document_types(root: Path) -> DocumentTypes:
    return load_file(DOCUMENT_TYPES_FILE, DocumentTypes, root, load_knowledge(root).sources)


def load_document_types(root: Path | str | None = None) -> DocumentTypes:
    """The document types and their cues."""
    return _document_types(_root(root))
