"""Print the cost model's figures for issue 12's goals (not a test; tests/cost/test_goals.py checks them).

    .venv/bin/python benchmarks/cost_goals.py

1. A fully defined 3-month project with a $60,000 fixed bid: project outsourcing's cash P50 (goal <= $78k);
   the same bid on evolving scope: cash P90 (goal $96k-156k, the sources' $60k -> $120k drift).
2. Core product work with a strong lead over 24 months, in-house and vendor in the same market: in-house
   cost per productive engineer-month against staff augmentation's (goal: within 1.5x either way).
"""

from __future__ import annotations

from typing import Any

from seamline.cost import build_plan, compare_costs
from seamline.cost.parameters import market_ids
from seamline.situation import parse_situation

TRIALS = 20_000
SEED = 12


def situation(**changes: Any) -> Any:
    data: dict[str, Any] = {
        "name": "cost goals",
        "stage": "series_a_to_c",
        "work": {
            "type": "product_development",
            "core": True,
            "scope": "fully_defined",
            "duration_months": 3,
            "engineers": 4,
        },
        "team": {"technical_leadership": "strong", "product_manager": True},
        "preferences": {
            "involvement": "sprint_priorities",
            "pricing": "no_preference",
            "ip_in_house": True,
            "share_business_context": True,
        },
    }
    for key, value in changes.items():
        if "__" in key:
            section, field = key.split("__")
            data[section][field] = value
        else:
            data[key] = value
    return parse_situation(data, "benchmarks/cost_goals.py")


def fixed_bid() -> None:
    for scope in ("fully_defined", "evolving"):
        s = situation(work__scope=scope, costs={"fixed_bid": 60_000})
        m = compare_costs(build_plan(s), trials=TRIALS, seed=SEED, sensitivity=False).models[
            "project_outsourcing"
        ]
        print(
            f"fixed bid $60,000, {scope:<13} 3 months: cash P50 ${m.cash.p50:>9,.0f}"
            f"  P90 ${m.cash.p90:>9,.0f}  mean total ${m.mean:>9,.0f} ({m.variant_name})"
        )


def same_market() -> None:
    print("in-house vs staff augmentation, same market, 24 months, core work, strong lead, 4 engineers:")
    for market in market_ids():
        s = situation(
            work__scope="evolving", work__duration_months=24, market={"in_house": market, "vendor": market}
        )
        r = compare_costs(build_plan(s), trials=TRIALS, seed=SEED, sensitivity=False)
        ih = r.models["in_house"].cost_per_productive_engineer_month
        aug = r.models["staff_augmentation"].cost_per_productive_engineer_month
        assert ih is not None and aug is not None
        print(f"  {market:<15} in-house ${ih:>8,.0f}  staff aug ${aug:>8,.0f}  ratio {ih / aug:.2f}")


if __name__ == "__main__":
    fixed_bid()
    same_market()
