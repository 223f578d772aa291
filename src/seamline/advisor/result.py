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


class Warning(_Frozen):
    id: str
    title: str
    text: str
    source: str


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
    """An answer that, set to ``value``, makes ``recommended`` the top model (None: undetermined)."""

    field: str
    value: Any
    recommended: str | None
    current: Any
    text: str


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
            "warnings": [
                {"id": w.id, "title": w.title, "text": w.text, "source": w.source} for w in self.warnings
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
                }
                for c in self.would_change
            ],
        }
