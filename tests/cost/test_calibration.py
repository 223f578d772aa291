"""Calibration: the cost model reproduces the figures its sources state (each test cites its source)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from seamline.cost.components import COMPONENTS, Kernel
from seamline.cost.distributions import Sampler
from seamline.cost.plan import build_plan
from seamline.cost.simulate import compare_costs
from seamline.situation import Situation

FEE_PARTS = [COMPONENTS.index(c) for c in ("vendor_fees", "ramp_up", "integration", "change_requests")]


def test_a_60k_fixed_bid_on_evolving_scope_has_a_p90_near_twice_the_bid(
    make_situation: Callable[..., Situation],
) -> None:
    """empat-outstaffing-outsourcing: a $60,000 budget drifting to $120,000 when the scope keeps moving."""
    bid = 60_000
    situation = make_situation(
        work__scope="evolving", work__duration_months=3, costs={"fixed_bid": bid, "horizon_months": 3}
    )
    plan = build_plan(situation)
    j = [m.model_id for m in plan.models].index("project_outsourcing")
    assert plan.models[j].shape == "fixed_bid"
    kernel = Kernel(plan)
    draws = Sampler(kernel.items).draw(np.random.default_rng(7), 40_000)
    paid = kernel.evaluate(draws, 3.0).components[FEE_PARTS, j].sum(axis=0)
    p50, p90 = np.percentile(paid, [50, 90]) / bid
    assert 1.8 <= p90 <= 2.2
    assert 1.0 < p50 < p90


def test_a_fully_defined_fixed_bid_stays_close_to_the_bid(make_situation: Callable[..., Situation]) -> None:
    """empat-outstaffing-outsourcing: fixed price is predictable only when the scope is well defined."""
    situation = make_situation(
        work__scope="fully_defined", work__duration_months=3, costs={"fixed_bid": 60_000, "horizon_months": 3}
    )
    plan = build_plan(situation)
    j = [m.model_id for m in plan.models].index("project_outsourcing")
    kernel = Kernel(plan)
    draws = Sampler(kernel.items).draw(np.random.default_rng(7), 20_000)
    paid = kernel.evaluate(draws, 3.0).components[FEE_PARTS, j].sum(axis=0)
    assert np.percentile(paid, 90) / 60_000 < 1.4


def test_ongoing_work_of_six_months_or_more_costs_less_with_staff_aug_than_fixed_price_projects(
    make_situation: Callable[..., Situation],
) -> None:
    """acquaint-it-software-staff: for ongoing development over 6 months, staff augmentation on a monthly
    retainer is almost always cheaper than a sequence of fixed-price projects. The claim is about what the
    vendor bills, so the test compares the vendor's invoices (fees, ramp-up, integration, change requests):
    ongoing work bought as one fixed-price project every three months against augmentation seats."""
    for months in (6, 9, 12, 24):
        for scope in ("partly_defined", "evolving"):
            situation = make_situation(
                work__scope=scope,
                work__duration_months=months,
                costs={
                    "project_months": 3,
                    "pricing": {
                        "project_outsourcing": "fixed_price",
                        "staff_augmentation": "monthly_retainer",
                    },
                },
            )
            plan = build_plan(situation)
            kernel = Kernel(plan)
            draws = Sampler(kernel.items).draw(np.random.default_rng(11), 4_000)
            billed = kernel.evaluate(draws, float(months)).components[FEE_PARTS].sum(axis=0)
            ids = [m.model_id for m in plan.models]
            aug, fixed = billed[ids.index("staff_augmentation")], billed[ids.index("project_outsourcing")]
            assert aug.mean() < fixed.mean(), (months, scope)
            assert np.median(aug) < np.median(fixed), (months, scope)


def test_staff_aug_needs_two_to_three_hours_a_week_per_developer_and_managed_services_next_to_none(
    make_situation: Callable[..., Situation],
) -> None:
    """acquaint-it-software-staff: 2-3 h/week per augmented developer; negligible for a managed service."""
    for engineers in (1, 4, 15):
        plan = build_plan(make_situation(work__engineers=engineers))
        hours = plan.management_hours()
        aug = hours["staff_augmentation"].management
        assert 2 * engineers <= aug.low <= aug.likely <= aug.high <= 3 * engineers
        managed = hours["managed_services"].management
        assert managed.high <= 0.25 * engineers
        assert managed.likely < aug.low / 10


def test_in_house_has_forty_to_sixty_days_without_capacity_before_ramp_up(
    make_situation: Callable[..., Situation],
) -> None:
    """empat-outstaffing-outsourcing: filling a US technical role takes 40-60 days, before onboarding."""
    result = compare_costs(build_plan(make_situation()), trials=5_000, seed=5, sensitivity=False)
    in_house = result.models["in_house"]
    assert 40 / 7 <= in_house.weeks_to_capacity <= 60 / 7
    assert in_house.components["capacity_gap"] > 0
    plan = build_plan(make_situation())
    kernel = Kernel(plan)
    draws = Sampler(kernel.items).draw(np.random.default_rng(3), 20_000)
    weeks = kernel.evaluate(draws, 12.0).weeks_to_capacity[
        [m.model_id for m in plan.models].index("in_house")
    ]
    assert weeks.min() >= 40 / 7 - 1e-9 and weeks.max() <= 60 / 7 + 1e-9
    others = [m for m in result.models.values() if m.model_id != "in_house"]
    assert all(m.weeks_to_capacity < in_house.weeks_to_capacity for m in others)
