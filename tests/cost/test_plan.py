"""The cost plan: defaults with sources, pricing chosen from the situation, overrides checked and reported."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from seamline.cost.overrides import CostOverrides
from seamline.cost.parameters import load_cost_knowledge
from seamline.cost.plan import build_plan
from seamline.errors import SeamlineError, SituationError
from seamline.knowledge import MODEL_IDS, load_knowledge
from seamline.situation import Situation


def test_every_model_is_costed_and_every_input_is_cited(make_situation: Callable[..., Situation]) -> None:
    plan = build_plan(make_situation())
    assert [m.model_id for m in plan.models] == list(MODEL_IDS)
    sources = load_knowledge().sources
    for item in plan.inputs:
        assert item.source in sources
        assert item.low <= item.likely <= item.high
    assert plan.overrides == ()


def test_rate_card_covers_the_roles_of_the_issue() -> None:
    roles = load_cost_knowledge().roles
    for role in (
        "developer_junior",
        "developer_mid",
        "developer_senior",
        "qa_engineer",
        "devops_engineer",
        "ml_engineer",
        "architect",
        "technical_pm",
        "product_manager",
        "project_manager",
        "scrum_master",
        "dev_lead",
        "test_lead",
    ):
        assert role in roles


@pytest.mark.parametrize(
    ("changes", "variant"),
    [
        ({"work__scope": "fully_defined"}, "fixed_price"),
        ({"work__scope": "evolving"}, "time_and_materials"),
        ({"work__scope": "evolving", "preferences__pricing": "monthly_retainer"}, "monthly_retainer"),
        (
            {
                "work__scope": "fully_defined",
                "costs": {"pricing": {"project_outsourcing": "time_and_materials"}},
            },
            "time_and_materials",
        ),
        ({"work__scope": "evolving", "costs": {"fixed_bid": 50_000}}, "fixed_price"),
    ],
)
def test_project_outsourcing_pricing_follows_the_situation(
    make_situation: Callable[..., Situation], changes: dict[str, Any], variant: str
) -> None:
    plan = build_plan(make_situation(**changes))
    assert next(m for m in plan.models if m.model_id == "project_outsourcing").variant == variant


def test_overrides_replace_the_defaults_and_are_reported(make_situation: Callable[..., Situation]) -> None:
    situation = make_situation(
        costs={
            "rates": {"developer_mid": {"month": 5000}},
            "parameters": {"ramp_up_weeks": {"low": 1, "likely": 2, "high": 6}},
        }
    )
    plan = build_plan(
        situation,
        rates=CostOverrides(rates={"developer_mid": {"month": {"likely": 5500, "high": 7000, "low": 5000}}}),
    )
    seat = plan.input("rate.developer_mid.month")
    assert (seat.low, seat.likely, seat.high) == (5000, 5500, 7000)
    assert seat.override == "rates file"
    assert plan.input("ramp_up_weeks").high == 6
    assert {o.input for o in plan.overrides} == {"rate.developer_mid.month", "ramp_up_weeks"}


def test_horizon_comes_from_option_then_costs_block_then_duration(
    make_situation: Callable[..., Situation],
) -> None:
    assert build_plan(make_situation(work__duration_months=7)).horizon_months == 7
    assert build_plan(make_situation(costs={"horizon_months": 9})).horizon_months == 9
    assert build_plan(make_situation(costs={"horizon_months": 9}), horizon_months=30).horizon_months == 30


@pytest.mark.parametrize(
    ("costs", "where", "message"),
    [
        ({"rates": {"developer_mid": {"hour": -5}}}, "costs.rates.developer_mid.hour", "0 or more"),
        (
            {"rates": {"developer_mid": {"hour": {"low": 60, "likely": 50, "high": 55}}}},
            "costs.rates.developer_mid.hour",
            "low <= likely <= high",
        ),
        ({"rates": {"wizard": {"hour": 100}}}, "costs.rates.wizard", "unknown role"),
        (
            {"rates": {"developer_mid": {"fortnight": 100}}},
            "costs.rates.developer_mid.fortnight",
            "unknown unit",
        ),
        (
            {"parameters": {"ramp_up_weeks": {"low": 5, "likely": 3, "high": 4}}},
            "costs.parameters.ramp_up_weeks",
            "low <= likely <= high",
        ),
        ({"parameters": {"warp_factor": 3}}, "costs.parameters.warp_factor", "unknown parameter"),
        ({"parameters": {"ramp_up_weeks": "soon"}}, "costs.parameters.ramp_up_weeks", "expected a number"),
        ({"developer_role": "wizard"}, "costs.developer_role", "unknown role"),
        (
            {"pricing": {"project_outsourcing": "barter"}},
            "costs.pricing.project_outsourcing",
            "expected one of",
        ),
        ({"fixed_bid": -1}, "costs.fixed_bid", "above 0"),
        ({"developer_role": "qa_engineer"}, "costs.rates.qa_engineer.year", "needed by in_house"),
    ],
)
def test_bad_overrides_name_the_field(
    make_situation: Callable[..., Situation], costs: dict[str, Any], where: str, message: str
) -> None:
    with pytest.raises(SituationError) as info:
        build_plan(make_situation(costs=costs), where="test.yaml")
    assert where in str(info.value)
    assert message in str(info.value)


def test_zero_horizon_is_refused(make_situation: Callable[..., Situation]) -> None:
    with pytest.raises(SeamlineError, match="from 1 to 240"):
        build_plan(make_situation(), horizon_months=0)
    with pytest.raises(SituationError, match=r"costs\.horizon_months"):
        make_situation(costs={"horizon_months": 0})


def test_costs_block_does_not_leak_into_the_answers(make_situation: Callable[..., Situation]) -> None:
    from seamline.situation import FIELDS

    situation = make_situation(costs={"horizon_months": 5})
    assert not any(key.startswith("costs") for key in situation.flat())
    assert not any(key.startswith("costs") for key in FIELDS)


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            "parameters/parameters.yaml",
            "source: empat-outstaffing-outsourcing",
            "source: a-blog-post",
            "unknown source",
        ),
        (
            "parameters/pricing.yaml",
            "management_hours: staff_aug_management_hours",
            "management_hours: staff_aug_vibes",
            "unknown parameter 'staff_aug_vibes'",
        ),
        (
            "parameters/markets.yaml",
            "range: {low: 35, likely: 45, high: 55}",
            "range: {low: 55, likely: 45, high: 35}",
            "low <= likely <= high",
        ),
        (
            "parameters/markets.yaml",
            "  - id: southeast_asia",
            "  - id: antarctica",
            "missing market 'southeast_asia'",
        ),
        (
            "parameters/markets.yaml",
            "service_manager, operations_lead]",
            "service_manager, operations_lead, chief_vibes_officer]",
            "unknown role 'chief_vibes_officer'",
        ),
        (
            "parameters/parameters.yaml",
            "  - id: hours_per_month",
            "  - id: hours_in_a_month",
            "hours_per_month",
        ),
        (  # a divisor of the formula at 0 would make every cost NaN
            "parameters/parameters.yaml",
            "unit: hour\n    value: 160",
            "unit: hour\n    value: 0",
            "hours_per_month: lowest value is 0; expected above 0",
        ),
    ],
)
def test_the_cost_knowledge_is_checked_on_load(
    tmp_path: Any, file: str, old: str, new: str, message: str
) -> None:
    import shutil

    from seamline.errors import KnowledgeError
    from seamline.knowledge import BUNDLED

    root = tmp_path / "knowledge"
    shutil.copytree(BUNDLED, root)
    path = root / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(KnowledgeError) as info:
        load_cost_knowledge(root)
    assert message in str(info.value)
    assert file in str(info.value) or "knowledge/parameters" in str(info.value)
