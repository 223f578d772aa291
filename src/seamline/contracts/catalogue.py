"""The contract knowledge, loaded from YAML: the clause checklist and the engagement-model signals.

``knowledge/checklist.yaml`` lists what a contract should contain (each item cites a source, names the
models that need it, its CUAD category if any, and the patterns that find it and mark its quality);
``knowledge/contract_signals.yaml`` holds the cues that tell which engagement model a document describes
and the limits applied when reading files. Both are loaded through :func:`seamline.knowledge.load_file`,
so unknown keys and unknown sources are refused with the file and key named.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from seamline.knowledge import BUNDLED, MODEL_IDS, Entry, load_file, load_knowledge

CHECKLIST_FILE = "checklist.yaml"
SIGNALS_FILE = "contract_signals.yaml"


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


class Cue(Entry):
    id: str
    dimension: Literal["directs", "owns_outcome", "pricing", "basis"]
    patterns: list[str] = Field(min_length=1)
    favours: dict[str, float]
    text: str
    source: str

    _check_patterns = field_validator("patterns")(_valid_patterns)

    @field_validator("favours")
    @classmethod
    def _known_models(cls, value: dict[str, float]) -> dict[str, float]:
        _valid_models(list(value))
        return value


class GateCue(Entry):
    id: str
    patterns: list[str] = Field(min_length=1)
    weight: float
    text: str
    source: str

    _check_patterns = field_validator("patterns")(_valid_patterns)


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


class Detection(Entry):
    min_subject_score: CitedNumber
    min_model_score: CitedNumber
    min_dimensions: CitedNumber
    title_chars: CitedNumber
    max_evidence: CitedNumber


class Mismatch(Entry):
    id: str
    text: str
    source: str


class Signals(Entry):
    limits: Limits
    detection: Detection
    subject: list[GateCue] = Field(min_length=1)
    not_engagement: list[GateCue] = Field(default_factory=list)
    cues: list[Cue] = Field(min_length=1)
    claims: list[ClaimCue] = Field(default_factory=list)
    mismatch: Mismatch


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
