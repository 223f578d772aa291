"""Weights and criteria scores: normalise each profile value, weight it, sum it.

Stages (explicit, as DESIGN.md asks): derive weights from the situation (default weight per criterion plus
the weight rules that hold; the user's own ``weights:`` replace the criteria they name) → pick the model's
pricing variant → normalise every 1-5 profile value to 0..1 (``min`` criteria inverted) → weighted mean.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from seamline.advisor.derived import with_tests
from seamline.advisor.result import WeightUsed
from seamline.knowledge import EngagementModel, KnowledgeBase, ProfileValue
from seamline.situation import Situation

PROFILE_LOW, PROFILE_HIGH = 1.0, 5.0  # the scale itself (criteria.yaml documents it), not a business number


def derive_weights(
    situation: Situation, kb: KnowledgeBase, answers: Mapping[str, Any]
) -> tuple[WeightUsed, ...]:
    """One weight per criterion, saying where it came from."""
    values = {cid: c.default_weight for cid, c in kb.criteria.items()}
    rules: dict[str, list[str]] = {cid: [] for cid in kb.criteria}
    for rule, test in with_tests(kb, kb.rules.weights):
        if test(answers):
            for cid, extra in rule.add.items():
                values[cid] += extra
                rules[cid].append(rule.id)
    user = situation.weights or {}
    out = []
    for cid in kb.criteria:
        if cid in user:
            out.append(WeightUsed(criterion=cid, weight=float(user[cid]), origin="user"))
        else:
            origin = "derived" if rules[cid] else "default"
            out.append(WeightUsed(criterion=cid, weight=values[cid], origin=origin, rules=tuple(rules[cid])))
    return tuple(out)


def profile_for(
    model: EngagementModel, answers: Mapping[str, Any], kb: KnowledgeBase
) -> tuple[str | None, dict[str, ProfileValue]]:
    """The model's profile (one of ``kb``'s) with the first pricing variant whose condition holds applied
    on top."""
    profile = dict(model.profile)
    for variant, test in with_tests(kb, model.pricing_variants):
        if test(answers):
            profile.update(variant.profile)
            return variant.id, profile
    return None, profile


def normalised(value: float, objective: str) -> float:
    """A 1-5 profile value as 0..1 where 1 is best for the client."""
    share = (value - PROFILE_LOW) / (PROFILE_HIGH - PROFILE_LOW)
    return 1.0 - share if objective == "min" else share


def criteria_score(
    profile: Mapping[str, ProfileValue], weights: tuple[WeightUsed, ...], kb: KnowledgeBase
) -> tuple[float, dict[str, float]]:
    """Weighted mean of normalised values (0..1) and each criterion's weighted contribution."""
    total = sum(w.weight for w in weights)
    if total <= 0:
        return 0.0, {w.criterion: 0.0 for w in weights}
    contributions = {
        w.criterion: w.weight
        * normalised(profile[w.criterion].value, kb.criteria[w.criterion].objective)
        / total
        for w in weights
    }
    return sum(contributions.values()), contributions
