"""The ``costs:`` block of a situation file (and the shape of a ``--rates`` file).

Only the keys are checked here (unknown keys are refused with their path); the values are checked
against the knowledge base by :func:`seamline.cost.plan.build_plan`, which names ``costs.<field>``
in every message. Kept free of heavy imports: :mod:`seamline.situation` imports it.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

Placement = dict[str, str]


class CostOverrides(BaseModel):
    """User overrides of the cost model; every override is reported as such."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    horizon_months: int | None = Field(default=None, ge=1, le=240)
    developer_role: str | None = None
    rates: dict[str, dict[str, Any]] = Field(default_factory=dict)
    parameters: dict[str, Any] = Field(default_factory=dict)
    placement: dict[str, Placement] = Field(default_factory=dict)
    pricing: dict[str, str] = Field(default_factory=dict)
    fixed_bid: float | None = None
    project_months: int | None = Field(default=None, ge=1, le=240)  # one fixed bid per project this long

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
