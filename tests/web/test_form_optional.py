"""The questionnaire form and optional answers: left out is fine, half a pair is refused with its field."""

from __future__ import annotations

import pytest

from seamline.errors import SituationError
from seamline.settings import Settings
from seamline.web.service import Service

FORM = {
    "name": "Form test",
    "stage": "seed",
    "work.type": "product_development",
    "work.core": "true",
    "work.scope": "evolving",
    "work.duration_months": "12",
    "work.engineers": "3",
    "team.technical_leadership": "strong",
    "team.product_manager": "true",
    "preferences.involvement": "sprint_priorities",
    "preferences.pricing": "time_and_materials",
    "preferences.ip_in_house": "true",
    "preferences.share_business_context": "false",
}


def test_optional_answers_left_out_are_not_missing() -> None:
    service = Service(Settings())
    data, missing = service.form_to_data(FORM)
    assert missing == [] and "market" not in data
    data, _ = service.form_to_data(
        {**FORM, "team.can_hire": "true", "market.in_house": "uk", "market.vendor": "india"}
    )
    assert data["team"]["can_hire"] is True and data["market"] == {"in_house": "uk", "vendor": "india"}
    service.parse(data)


def test_half_a_pair_is_refused_naming_the_missing_field() -> None:
    service = Service(Settings())
    with pytest.raises(SituationError) as info:
        service.form_to_data({**FORM, "work.service_units.kind": "devices"})
    assert [p.where for p in info.value.problems] == ["work.service_units.count"]
