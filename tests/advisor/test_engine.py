"""Behaviour of the advisor stages: weights, pricing variants, verdicts, explanations."""

from __future__ import annotations

from typing import Any

from seamline.advisor import advise
from seamline.situation import Situation, parse_situation

BASE: dict[str, Any] = {
    "name": "base",
    "stage": "series_a_to_c",
    "work": {
        "type": "product_development",
        "core": True,
        "scope": "partly_defined",
        "duration_months": 12,
        "engineers": 4,
    },
    "team": {"technical_leadership": "strong", "product_manager": True},
    "preferences": {
        "involvement": "daily_direction",
        "pricing": "monthly_retainer",
        "ip_in_house": True,
        "share_business_context": False,
    },
}


def situation(**changes: Any) -> Situation:
    s = parse_situation(BASE)
    for path, value in changes.items():
        s = s.with_answer(path.replace("__", "."), value)
    return s


def test_derived_weights_name_the_rules_that_raised_them(kb: Any) -> None:
    result = advise(situation(), kb)
    weights = {w.criterion: w for w in result.weights}
    assert weights["control"].origin == "derived"
    assert "weight_daily_direction" in weights["control"].rules
    expected = kb.criteria["control"].default_weight + sum(
        r.add.get("control", 0) for r in kb.rules.weights if r.id in weights["control"].rules
    )
    assert weights["control"].weight == expected


def test_user_weights_replace_derived_ones_and_can_change_the_answer(kb: Any) -> None:
    plain = advise(situation(), kb)
    zero_all = {c: 0.0 for c in kb.criteria}
    emphasis = dict(zero_all, outcome_accountability=10.0, management_overhead=10.0)
    data = dict(BASE, weights=emphasis)
    weighted = advise(parse_situation(data, criteria=kb.criterion_ids), kb)
    by_id = {w.criterion: w for w in weighted.weights}
    assert by_id["control"].origin == "user" and by_id["control"].weight == 0.0
    assert by_id["outcome_accountability"].weight == 10.0
    assert (
        weighted.ranked("staff_augmentation").criteria_score
        < plain.ranked("staff_augmentation").criteria_score
    )
    assert (
        weighted.ranked("managed_services").criteria_score > plain.ranked("managed_services").criteria_score
    )


def test_the_pricing_variant_follows_the_scope(kb: Any) -> None:
    defined = advise(situation(work__scope="fully_defined", work__core=False), kb)
    evolving = advise(situation(work__scope="evolving"), kb)
    assert defined.ranked("project_outsourcing").pricing_variant == "fixed_price"
    assert evolving.ranked("project_outsourcing").pricing_variant == "time_and_materials"


def test_a_misfit_gate_makes_a_model_not_advised_with_its_rule(kb: Any) -> None:
    result = advise(
        situation(team__technical_leadership="none", preferences__involvement="sprint_priorities"), kb
    )
    aug = result.ranked("staff_augmentation")
    assert aug.verdict == "not_advised"
    gate = [r for r in aug.reasons if r.effect == "gate"]
    assert [r.rule for r in gate] == ["aug_no_technical_leadership"]
    assert gate[0].source == "acquaint-it-software-staff"


def test_short_work_flips_to_the_nearest_duration_threshold(kb: Any) -> None:
    result = advise(situation(work__duration_months=2), kb)
    durations = [c for c in result.would_change if c.field == "work.duration_months"]
    for change in durations:
        other = advise(situation(work__duration_months=change.value), kb, explain_changes=False)
        assert other.recommended == change.recommended
        # nothing nearer on the same side changes the answer
        step = 1 if change.value > 2 else -1
        for nearer in range(2 + step, change.value, step):
            assert (
                advise(situation(work__duration_months=nearer), kb, explain_changes=False).recommended
                == result.recommended
            )


def test_json_shape_is_the_public_contract(kb: Any) -> None:
    data = advise(situation(), kb).to_json()
    assert {"recommended", "ranking", "warnings", "would_change"} <= set(data)
    assert {"model", "score", "verdict", "reasons"} <= set(data["ranking"][0])
    assert {"text", "rule", "source"} <= set(data["ranking"][0]["reasons"][0])
    for change in data["would_change"]:
        assert {"field", "value", "recommended"} <= set(change)


def test_contradictory_answers_are_undetermined_but_still_ranked(kb: Any) -> None:
    result = advise(situation(team__technical_leadership="none"), kb)
    assert result.status == "undetermined" and result.recommended is None
    assert [c.id for c in result.contradictions] == ["daily_direction_without_leadership"]
    assert len(result.ranking) == len(kb.models)
    assert any(c.recommended is not None for c in result.would_change)


def test_optional_answers_are_checked_with_their_field_path() -> None:
    import pytest

    from seamline.errors import SituationError

    bad = {
        **BASE,
        "work": {**BASE["work"], "needed_within_weeks": 0, "service_units": {"kind": "seats", "count": 5}},
        "team": {**BASE["team"], "lead_hours_per_week": 61},
        "market": {"in_house": "us", "vendor": "mars"},
    }
    with pytest.raises(SituationError) as info:
        parse_situation(bad)
    fields = {p.where for p in info.value.problems}
    assert fields == {
        "work.needed_within_weeks",
        "work.service_units.kind",
        "team.lead_hours_per_week",
        "market.vendor",
    }
    messages = " ".join(p.message for p in info.value.problems)
    assert "from 1 to 104" in messages and "from 0 to 60" in messages and "eastern_europe" in messages
    with pytest.raises(SituationError) as half:
        parse_situation({**BASE, "market": {"in_house": "us"}})
    assert [p.where for p in half.value.problems] == ["market.vendor"]


def test_an_optional_answer_left_out_is_none_and_matches_no_threshold(kb: Any) -> None:
    s = situation()
    assert s.flat()["work.needed_within_weeks"] is None and s.flat()["team.can_hire"] is None
    assert advise(s, kb).hire_path is None


def test_the_hire_path_is_dated_from_the_cost_parameters_with_overrides(kb: Any) -> None:
    from pathlib import Path

    from seamline.yamlio import read_data_file

    data = read_data_file(Path(__file__).parents[2] / "examples" / "core_platform_needed_now.yaml")
    default = advise(parse_situation(data), kb).hire_path
    slower = advise(
        parse_situation({**data, "costs": {"parameters": {"hiring_lead_days": 91}}}), kb
    ).hire_path
    assert default is not None and slower is not None
    assert slower.steps[2].week == 13 and slower.steps[2].source == "user"
    assert slower.augmentation_ends_week == default.augmentation_ends_week + 13 - default.steps[2].week
