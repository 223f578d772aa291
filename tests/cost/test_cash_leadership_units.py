"""Cash and opportunity parts, in-house leadership roles from the seams map, managed services per unit."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from seamline.cost.components import CASH_COMPONENTS, COMPONENTS, OPPORTUNITY_COMPONENTS, Kernel
from seamline.cost.plan import build_plan
from seamline.cost.simulate import compare_costs
from seamline.errors import SituationError
from seamline.situation import Situation


def test_every_model_has_cash_and_opportunity_parts_that_add_up_to_the_total(
    make_situation: Callable[..., Situation],
) -> None:
    assert set(CASH_COMPONENTS) | set(OPPORTUNITY_COMPONENTS) == set(COMPONENTS)
    assert {"capacity_gap", "churn", "knowledge_loss"} == set(OPPORTUNITY_COMPONENTS)
    result = compare_costs(build_plan(make_situation()), trials=3_000, seed=2, sensitivity=False)
    for m in result.models.values():
        assert m.cash.mean + m.opportunity_mean == pytest.approx(m.mean, rel=1e-4), m.model_id
        assert m.cash.p10 <= m.cash.p50 <= m.cash.p90
        assert m.cash.mean == pytest.approx(sum(m.components[c] for c in CASH_COMPONENTS), rel=1e-4)
    aug = result.models["staff_augmentation"]
    assert aug.opportunity_mean > 0 and aug.cash.mean > 10 * aug.opportunity_mean


def test_leadership_follows_the_seams_map(make_situation: Callable[..., Situation]) -> None:
    """productera-wrong-roles: augmentation keeps the project manager, scrum master, dev lead and test lead
    in-house at $150-250k each; product delivery brings them, so it is credited with all four."""
    plan = build_plan(make_situation())
    by_id = {m.model_id: m for m in plan.models}
    four = {f"rate.{r}.year" for r in ("project_manager", "scrum_master", "dev_lead", "test_lead")}
    assert set(by_id["staff_augmentation"].leadership) == four
    assert set(by_id["in_house"].leadership) == four
    assert by_id["product_delivery"].leadership == ()
    assert by_id["dedicated_team"].leadership == ("rate.project_manager.year",)
    result = compare_costs(plan, trials=2_000, seed=4, sensitivity=False)
    lead = {mid: m.components["leadership"] for mid, m in result.models.items()}
    assert lead["product_delivery"] == 0 and lead["project_outsourcing"] == 0
    assert lead["staff_augmentation"] == pytest.approx(lead["in_house"], rel=1e-6)
    assert lead["staff_augmentation"] > 3 * lead["dedicated_team"]


def test_leadership_is_a_share_of_each_role_sized_to_the_team(
    make_situation: Callable[..., Situation],
) -> None:
    """At likely values: roles x yearly cost x engineers / span x years."""
    situation = make_situation(
        work__engineers=6,
        work__duration_months=12,
        costs={"parameters": {"leadership_span_engineers": 12}, "rates": {"dev_lead": {"year": 180_000}}},
    )
    plan = build_plan(situation)
    kernel = Kernel(plan)
    out = kernel.evaluate(kernel.values("likely")[:, None], 12.0)
    j = [m.model_id for m in plan.models].index("staff_augmentation")
    leadership = float(out.components[COMPONENTS.index("leadership"), j, 0])
    expected = (3 * 200_000 + 180_000) * 6 / 12  # three roles at the US likely band, the dev lead overridden
    assert leadership == pytest.approx(expected, rel=1e-5)


def test_a_team_without_a_dev_lead_is_not_charged_for_one(make_situation: Callable[..., Situation]) -> None:
    plan = build_plan(make_situation(team__technical_leadership="none"))
    aug = next(m for m in plan.models if m.model_id == "staff_augmentation")
    assert "rate.dev_lead.year" not in aug.leadership and len(aug.leadership) == 3


def test_an_it_function_charges_the_operations_leads(make_situation: Callable[..., Situation]) -> None:
    plan = build_plan(make_situation(work__type="it_function", work__core=False))
    by_id = {m.model_id: m for m in plan.models}
    assert set(by_id["staff_augmentation"].leadership) == {
        "rate.service_manager.year",
        "rate.operations_lead.year",
    }
    assert by_id["managed_services"].leadership == ()


def _it_function(make_situation: Callable[..., Situation], **units: object) -> Situation:
    return make_situation(
        work__type="it_function",
        work__core=False,
        work__scope="fully_defined",
        work__service_units=units or None,
        preferences__involvement="service_levels",
    )


def test_managed_services_are_priced_per_service_unit_when_given(
    make_situation: Callable[..., Situation],
) -> None:
    """codersera-three-models: recurring per device, user or endpoint."""
    plan = build_plan(_it_function(make_situation, kind="devices", count=400))
    managed = next(m for m in plan.models if m.model_id == "managed_services")
    assert (managed.variant, managed.rate, managed.quantity, managed.quantity_unit) == (
        "per_service_unit",
        "managed_service_price_devices",
        400.0,
        "devices",
    )
    price = plan.input("managed_service_price_devices")
    assert price.source in {"seamline-assumption", "codersera-three-models"} and price.note
    small = compare_costs(plan, trials=2_000, seed=6, sensitivity=False).models["managed_services"]
    big_plan = build_plan(_it_function(make_situation, kind="devices", count=800))
    big = compare_costs(big_plan, trials=2_000, seed=6, sensitivity=False).models["managed_services"]
    assert big.components["vendor_fees"] == pytest.approx(2 * small.components["vendor_fees"], rel=1e-4)
    assert compare_costs(plan, trials=200, seed=1).to_json()["service_units"] == {
        "kind": "devices",
        "count": 400,
    }


def test_without_service_units_managed_services_keep_the_engineer_equivalent_price(
    make_situation: Callable[..., Situation],
) -> None:
    plan = build_plan(_it_function(make_situation))
    managed = next(m for m in plan.models if m.model_id == "managed_services")
    assert (managed.variant, managed.rate, managed.quantity_unit) == (
        "subscription",
        "managed_service_unit_month",
        "engineer",
    )
    assert plan.service_units is None


def test_pricing_per_unit_without_units_is_refused(make_situation: Callable[..., Situation]) -> None:
    situation = make_situation(costs={"pricing": {"managed_services": "per_service_unit"}})
    with pytest.raises(SituationError) as info:
        build_plan(situation)
    assert "costs.pricing.managed_services" in str(info.value)
    assert "work.service_units" in str(info.value)


def test_tickets_are_priced_per_ticket_each_month(make_situation: Callable[..., Situation]) -> None:
    situation = _it_function(make_situation, kind="tickets", count=1_000)
    situation = situation.model_copy(update={"costs": None})
    plan = build_plan(situation)
    kernel = Kernel(plan)
    out = kernel.evaluate(kernel.values("likely")[:, None], 12.0)
    j = [m.model_id for m in plan.models].index("managed_services")
    fees = float(out.components[COMPONENTS.index("vendor_fees"), j, 0])
    price = plan.input("managed_service_price_tickets").likely
    start = plan.input("managed_service_transition_weeks").likely / (52 / 12)
    assert fees == pytest.approx(1_000 * price * (12 - start), rel=1e-4)
    assert np.isfinite(fees)
