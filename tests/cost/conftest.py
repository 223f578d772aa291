"""Fixtures for the cost tests: a situation built in code, so no test depends on the examples."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from seamline.situation import Situation, parse_situation


def situation_data(**changes: Any) -> dict[str, Any]:
    """A valid situation as raw data; ``changes`` are ``section__field=value`` pairs, or whole top-level
    answers such as ``costs`` and ``market``."""
    data: dict[str, Any] = {
        "name": "cost test situation",
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
            "involvement": "sprint_priorities",
            "pricing": "no_preference",
            "ip_in_house": True,
            "share_business_context": True,
        },
    }
    for key, value in changes.items():
        if "__" not in key:
            data[key] = value
            continue
        section, field = key.split("__")
        data[section][field] = value
    return data


@pytest.fixture
def make_situation() -> Callable[..., Situation]:
    def make(**changes: Any) -> Situation:
        return parse_situation(situation_data(**changes), "test.yaml")

    return make
