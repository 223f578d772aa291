"""Sweeps over the answer space (issue 12): biases that hand-picked cases hide.

A seeded random sample of the full grid of answers (optional answers included) is advised; the properties
hold over the sample. ``benchmarks/advice_sweep.py`` runs the exhaustive grid and prints the shares.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from typing import Any

import pytest

from seamline.advisor import advise
from seamline.knowledge import load_knowledge
from seamline.situation import FIELDS, nest_answers, parse_situation

KB = load_knowledge()
CHOICES: dict[str, tuple[Any, ...]] = {
    path: tuple(allowed) for path, (_, allowed) in FIELDS.items() if allowed is not None and "." in path
} | {"stage": tuple(FIELDS["stage"][1] or ())}
CHOICES.pop("market.in_house")
CHOICES.pop("market.vendor")
CHOICES.pop("work.service_units.kind")
CHOICES["work.duration_months"] = (2, 4, 9, 12, 24, 36)
CHOICES["work.engineers"] = (1, 4, 12)
CHOICES["team.can_hire"] = (None, True, False)
CHOICES["work.needed_within_weeks"] = (None, 2, 26)
CHOICES["team.lead_hours_per_week"] = (None, 4, 30)


def nest(flat: dict[str, Any]) -> dict[str, Any]:
    return {"name": "sweep", **nest_answers(flat)}


def sample(n: int, seed: int, **fixed: Any) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    keys = [k for k in CHOICES if k.replace(".", "__") not in fixed]
    out = []
    for _ in range(n):
        flat = {k: rng.choice(CHOICES[k]) for k in keys}
        flat |= {k.replace("__", "."): v for k, v in fixed.items()}
        out.append(flat)
    return out


def top(flat: dict[str, Any]) -> str | None:
    return advise(parse_situation(nest(flat)), KB, explain_changes=False).recommended


def test_no_model_tops_more_than_40_percent_of_situations() -> None:
    tops = Counter(top(flat) for flat in sample(3000, seed=12))
    decided = sum(v for k, v in tops.items() if k is not None)
    shares = {k: v / decided for k, v in tops.items() if k is not None}
    assert max(shares.values()) <= 0.40, shares
    assert set(shares) == set(KB.models), f"some model never tops: {shares}"


def test_vested_outsourcing_never_tops_an_it_function() -> None:
    for flat in sample(1500, seed=7, work__type="it_function"):
        assert top(flat) != "vested_outsourcing", flat


@pytest.mark.parametrize("stage", ["series_a_to_c", "scale_up", "enterprise"])
def test_in_house_tops_some_situation_in_every_stage_from_series_a(stage: str) -> None:
    grid = itertools.product(
        (True, False),  # core
        ("evolving", "partly_defined", "fully_defined"),
        (18, 24, 36),
        ("sprint_priorities", "daily_direction"),
        (True, None),  # can hire
    )
    for core, scope, months, involvement, can_hire in grid:
        flat = {
            "stage": stage,
            "work.type": "product_development",
            "work.core": core,
            "work.scope": scope,
            "work.duration_months": months,
            "work.engineers": 5,
            "team.technical_leadership": "strong",
            "team.product_manager": True,
            "team.can_hire": can_hire,
            "preferences.involvement": involvement,
            "preferences.pricing": "time_and_materials",
            "preferences.ip_in_house": True,
            "preferences.share_business_context": True,
        }
        if top(flat) == "in_house":
            return
    pytest.fail(f"in-house tops no situation at stage {stage}")


def test_vested_loses_outside_seed_to_series_b_unless_weights_demand_it() -> None:
    base = {
        "work.type": "product_development",
        "work.core": True,
        "work.scope": "evolving",
        "work.duration_months": 12,
        "work.engineers": 4,
        "team.technical_leadership": "limited",
        "team.product_manager": True,
        "preferences.involvement": "sprint_priorities",
        "preferences.pricing": "outcome_linked",
        "preferences.ip_in_house": True,
        "preferences.share_business_context": True,
    }
    assert top({**base, "stage": "seed"}) == "vested_outsourcing"
    for stage in ("pre_seed", "scale_up", "enterprise"):
        assert top({**base, "stage": stage}) != "vested_outsourcing", stage
    demanding = {"outcome_accountability": 20, "knowledge_retention": 20, "cost_predictability": 10}
    won_with_weights = 0
    for stage in ("pre_seed", "scale_up", "enterprise"):
        for flat in sample(1000, seed=3, stage=stage):
            assert top(flat) != "vested_outsourcing", flat
            weighted = parse_situation(nest(flat) | {"weights": demanding})
            result = advise(weighted, KB, explain_changes=False)
            won_with_weights += result.recommended == "vested_outsourcing"
    assert won_with_weights > 0, "no weights can make vested win outside its stage range"
