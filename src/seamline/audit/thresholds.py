"""The audit's thresholds, loaded from ``knowledge/audit.yaml`` (each cites a source) and overridable."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator

from seamline.errors import SeamlineError
from seamline.knowledge import MODEL_IDS, Entry, load_file, load_knowledge

AUDIT_FILE = "audit.yaml"


class CitedValues(Entry):
    values: tuple[int, ...] = Field(min_length=1)
    source: str
    note: str | None = None


class CitedModels(Entry):
    values: tuple[str, ...]
    source: str
    note: str | None = None

    @field_validator("values")
    @classmethod
    def _known(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [m for m in value if m not in MODEL_IDS]
        if unknown:
            raise ValueError(
                f"unknown model(s) {', '.join(unknown)}; expected some of: {', '.join(MODEL_IDS)}"
            )
        return value


class CitedNumber(Entry):
    value: float
    source: str
    note: str | None = None


class Review(Entry):
    models: CitedModels
    min_months: CitedNumber
    sources: tuple[str, ...] = Field(min_length=1)
    text: str


class CitedText(Entry):
    text: str
    source: str


class Thresholds(Entry):
    ending_soon_days: CitedValues
    review: Review
    evidence_chars: CitedNumber
    evidence_clauses: CitedNumber
    not_an_engagement: CitedText

    def horizons(self) -> list[int]:
        return sorted(set(self.ending_soon_days.values))

    def cited(self) -> dict[str, dict[str, object]]:
        """Every threshold with its value and source, as audit.json records it."""
        return {
            "ending_soon_days": {
                "value": self.horizons(),
                "source": self.ending_soon_days.source,
                "note": self.ending_soon_days.note,
            },
            "review_models": {
                "value": list(self.review.models.values),
                "source": self.review.models.source,
                "note": self.review.models.note,
            },
            "review_min_months": {
                "value": self.review.min_months.value,
                "source": self.review.min_months.source,
                "note": self.review.min_months.note,
            },
            "evidence_chars": {
                "value": int(self.evidence_chars.value),
                "source": self.evidence_chars.source,
                "note": self.evidence_chars.note,
            },
            "evidence_clauses": {
                "value": int(self.evidence_clauses.value),
                "source": self.evidence_clauses.source,
                "note": self.evidence_clauses.note,
            },
        }


def load_thresholds(
    knowledge: Path | str | None = None,
    *,
    horizons: list[int] | None = None,
    review_months: float | None = None,
) -> Thresholds:
    """The thresholds of ``knowledge`` (the bundled folder by default), with the command line's overrides;
    an overridden value is cited as the user's (source ``user``)."""
    root = Path(knowledge) if knowledge is not None else None
    kb = load_knowledge(root)
    sources = kb.sources
    t = load_file(AUDIT_FILE, Thresholds, root, sources)
    unknown = [s for s in t.review.sources if s not in sources]
    if unknown:
        raise SeamlineError(f"{AUDIT_FILE}: review.sources: unknown source(s) {', '.join(unknown)}")
    if horizons:
        if any(h <= 0 for h in horizons):
            raise SeamlineError(f"--horizon: {min(horizons)}: expected a number of days above zero")
        t = t.model_copy(
            update={"ending_soon_days": CitedValues(values=tuple(horizons), source="user", note="--horizon")}
        )
    if review_months is not None:
        if review_months < 0:
            raise SeamlineError(f"--review-months: {review_months:g}: expected zero or more")
        review = t.review.model_copy(
            update={"min_months": CitedNumber(value=review_months, source="user", note="--review-months")}
        )
        t = t.model_copy(update={"review": review})
    return t
