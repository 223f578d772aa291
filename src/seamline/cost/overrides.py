"""The ``costs:`` block of a situation file (and the shape of a ``--rates`` file).

Here the shape of every value is checked (unknown keys are refused with their path; every number is finite
and within :data:`MAX_OVERRIDE`, a divisor of the formula above 0); the values are checked against the
knowledge base by :func:`seamline.cost.plan.build_plan`, which names ``costs.<field>`` in every message.
Kept free of heavy imports: :mod:`seamline.situation` imports it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator
from pydantic_core import PydanticCustomError

Name = Annotated[str, StringConstraints(max_length=100)]  # a role, unit, parameter, model or variant id
Placement = dict[Name, Name]
MAX_OVERRIDE = 10**9  # the largest rate or parameter a user may give (a billion, in its unit)
MAX_BID = 10**12  # the largest fixed bid (a trillion dollars)
RANGE_KEYS = ("low", "likely", "high")
# Parameters the cost formula divides by (see seamline.cost.components): 0 would make every figure infinite.
DIVISORS = ("hours_per_month", "leadership_span_engineers")


class CostOverrides(BaseModel):
    """User overrides of the cost model; every override is reported as such."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    horizon_months: int | None = Field(default=None, ge=1, le=240)
    developer_role: Name | None = None
    rates: dict[Name, dict[Name, Any]] = Field(default_factory=dict)
    parameters: dict[Name, Any] = Field(default_factory=dict)
    placement: dict[Name, Placement] = Field(default_factory=dict)
    pricing: dict[Name, Name] = Field(default_factory=dict)
    fixed_bid: float | None = Field(default=None, le=MAX_BID)
    project_months: int | None = Field(default=None, ge=1, le=240)  # one fixed bid per project this long

    @field_validator("rates")
    @classmethod
    def _rates(cls, rates: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        for role, units in rates.items():
            for unit, raw in units.items():
                _check_value(raw, f"{role}.{unit}", divisor=False)
        return rates

    @field_validator("parameters")
    @classmethod
    def _parameters(cls, parameters: dict[str, Any]) -> dict[str, Any]:
        for pid, raw in parameters.items():
            _check_value(raw, pid, divisor=pid in DIVISORS)
        return parameters

    def merged(self, other: CostOverrides | None) -> CostOverrides:
        """These overrides with ``other``'s on top (``other`` wins key by key)."""
        if other is None:
            return self
        data = self.model_dump()
        for key, value in other.model_dump(exclude_unset=True).items():
            if isinstance(value, dict) and isinstance(data.get(key), dict):
                merged = dict(data[key])
                for sub, sub_value in value.items():
                    if isinstance(sub_value, dict) and isinstance(merged.get(sub), dict):
                        merged[sub] = {**merged[sub], **sub_value}
                    else:
                        merged[sub] = sub_value
                data[key] = merged
            elif value is not None:
                data[key] = value
        return CostOverrides.model_validate(data)


def _refuse(at: str, message: str) -> PydanticCustomError:
    """An error whose ``ctx['at']`` extends the field path (``parameters`` + ``.hiring_days.low``)."""
    return PydanticCustomError("cost_override", "{at}: {message}", {"at": at, "message": message})


def _check_value(raw: Any, at: str, *, divisor: bool) -> None:
    """A rate or parameter: a number, or a mapping of low, likely, high (numbers) and distribution (text)."""
    if isinstance(raw, Mapping):
        for key, value in raw.items():
            if key == "distribution":
                if not isinstance(value, str) or len(value) > 20:
                    raise _refuse(f"{at}.distribution", "expected pert or triangular")
            elif key in RANGE_KEYS:
                _check_number(value, f"{at}.{key}", divisor=divisor)
            else:
                raise _refuse(
                    f"{at}.{str(key)[:100]}", "unknown key; expected low, likely, high, distribution"
                )
        return
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise _refuse(
            at, f"got a {type(raw).__name__}; expected a number or a mapping with low, likely, high"
        )
    _check_number(raw, at, divisor=divisor)


def _check_number(value: Any, at: str, *, divisor: bool) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _refuse(at, f"got a {type(value).__name__}; expected a number")
    if not math.isfinite(value):
        raise _refuse(at, "not a finite number")
    if abs(value) > MAX_OVERRIDE:
        raise _refuse(at, f"got {value:g}; expected at most {MAX_OVERRIDE:,}")
    if divisor and value <= 0:
        raise _refuse(at, f"got {value:g}; expected a number above 0 (the cost formula divides by it)")
