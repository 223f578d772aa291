"""The advisor's immutable result: ranking, verdicts, cited reasons, warnings and what would change it.

``Recommendation.to_json()`` is the public JSON shape of ``seamline advise --json`` (fixed in issue 2):
``recommended``, ``ranking[{model, score, verdict, reasons[{text, rule, source}]}]``,
``warnings[{id, text, source}]``, ``would_change[{field, value, recommended}]``. Keys may be added, never
renamed or dropped.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

Verdict = Literal["recommended", "viable", "not_advised"]
Status = Literal["recommended", "undetermined"]


ORDER_NOTE = (
    "Ranked by verdict first (recommended, then viable, then not advised), then by score within each "
    "verdict; "
    "a not-advised model can score higher than a viable one because a gate, not the score, rules it out."
)


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Reason(_Frozen):
    """One cited reason: ``rule`` is a knowledge-base id (or ``profile.<criterion>``)."""

    text: str
    rule: str
    source: str
    effect: Literal["for", "against", "gate", "info"] = "info"


class Ranked(_Frozen):
    model: str
    name: str
    score: float
    verdict: Verdict
    criteria_score: float
    pricing_variant: str | None = None
    reasons: tuple[Reason, ...]


WarningKind = Literal["preference", "model_risk"]


class Warning(_Frozen):
    """A classic mistake. ``kind``: ``preference`` when the stated answers walk into it, ``model_risk`` when
    the recommended model itself carries it; ``comment`` says which, in words."""

    id: str
    title: str
    text: str
    source: str
    kind: WarningKind = "preference"
    models: tuple[str, ...] = ()
    comment: str = ""


class PathStep(_Frozen):
    week: float
    text: str
    source: str


class HirePath(_Frozen):
    """A dated hybrid: augmentation now, permanent hires as soon as they can start, then augmentation ends."""

    now: str
    then: str
    text: str
    source: str
    steps: tuple[PathStep, ...]
    augmentation_ends_week: float


class Contradiction(_Frozen):
    id: str
    text: str
    source: str


class WeightUsed(_Frozen):
    criterion: str
    weight: float
    origin: Literal["default", "derived", "user"]
    rules: tuple[str, ...] = ()


class Change(_Frozen):
    """An answer that, set to ``value``, makes ``recommended`` the top model (None: undetermined).

    ``margin``: the new top model's lead over its runner-up; ``remedy``: a way to change that answer in
    practice, when the knowledge base knows one."""

    field: str
    value: Any
    recommended: str | None
    current: Any
    text: str
    margin: float | None = None
    remedy: str | None = None
    remedy_source: str | None = None


class Recommendation(_Frozen):
    situation_name: str
    knowledge_version: str
    status: Status
    recommended: str | None
    ranking: tuple[Ranked, ...]
    ties: tuple[str, ...] = ()
    warnings: tuple[Warning, ...] = ()
    contradictions: tuple[Contradiction, ...] = ()
    weights: tuple[WeightUsed, ...] = ()
    would_change: tuple[Change, ...] = ()
    margin: float | None = None  # the top model's score lead over the best other advised model
    hire_path: HirePath | None = None

    def ranked(self, model_id: str) -> Ranked:
        for entry in self.ranking:
            if entry.model == model_id:
                return entry
        raise KeyError(model_id)

    def verdicts(self) -> dict[str, Verdict]:
        return {r.model: r.verdict for r in self.ranking}

    def to_json(self) -> dict[str, Any]:
        """The public JSON shape (see module docstring), plus a few extra keys."""
        return {
            "recommended": self.recommended,
            "status": self.status,
            "situation": self.situation_name,
            "knowledge_version": self.knowledge_version,
            "ranking": [
                {
                    "model": r.model,
                    "name": r.name,
                    "score": r.score,
                    "verdict": r.verdict,
                    "pricing_variant": r.pricing_variant,
                    "reasons": [
                        {"text": x.text, "rule": x.rule, "source": x.source, "effect": x.effect}
                        for x in r.reasons
                    ],
                }
                for r in self.ranking
            ],
            "ties": list(self.ties),
            "margin": self.margin,
            "order": ORDER_NOTE,
            "hire_path": self.hire_path.model_dump() if self.hire_path else None,
            "warnings": [
                {
                    "id": w.id,
                    "title": w.title,
                    "text": w.text,
                    "source": w.source,
                    "kind": w.kind,
                    "models": list(w.models),
                    "comment": w.comment,
                }
                for w in self.warnings
            ],
            "contradictions": [{"id": c.id, "text": c.text, "source": c.source} for c in self.contradictions],
            "weights": {
                w.criterion: {"weight": w.weight, "origin": w.origin, "rules": list(w.rules)}
                for w in self.weights
            },
            "would_change": [
                {
                    "field": c.field,
                    "value": c.value,
                    "recommended": c.recommended,
                    "current": c.current,
                    "text": c.text,
                    "margin": c.margin,
                    "remedy": c.remedy,
                    "remedy_source": c.remedy_source,
                }
                for c in self.would_change
            ],
        }
