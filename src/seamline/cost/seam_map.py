"""The seam map with the in-house hours each model costs: the seams (``seamline.seams``) plus the cost
model's management and coordination hours per week.

The dependency runs one way: the cost model reads the seams map (placements, seams, in-house leadership
roles); :mod:`seamline.seams` never imports the cost model. ``seamline.map_seams`` and
``seamline.cost.map_seams`` are this module's :func:`map_seams`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from seamline.seams import ModelSeams

if TYPE_CHECKING:
    from seamline.cost.overrides import CostOverrides
    from seamline.cost.plan import CostPlan
    from seamline.situation import Situation


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Hours(_Frozen):
    """In-house hours per week at the low, likely and high ends of the parameter ranges."""

    low: float
    likely: float
    high: float


class ModelHours(_Frozen):
    management: Hours
    coordination: Hours
    total: Hours


class SeamMap(_Frozen):
    engineers: int
    template: str = "product"
    models: dict[str, ModelSeams]
    hours: dict[str, ModelHours]

    @classmethod
    def from_plan(cls, plan: CostPlan) -> SeamMap:
        template = next(iter(plan.seams.values())).template if plan.seams else "product"
        return cls(
            engineers=plan.engineers, template=template, models=plan.seams, hours=plan.management_hours()
        )

    def to_json(self) -> dict[str, object]:
        return {
            "engineers": self.engineers,
            "template": self.template,
            "models": {
                mid: {
                    "roles_in_house": list(m.roles_in_house),
                    "roles_vendor": list(m.roles_vendor),
                    "roles_missing": list(m.roles_missing),
                    "leadership_in_house": list(m.leadership_in_house),
                    "placement_source": m.placement_source,
                    "seams": [s.model_dump() for s in m.seams],
                    "seam_count": len(m.seams),
                    "management_hours_per_week": self.hours[mid].model_dump(),
                }
                for mid, m in self.models.items()
            },
        }


def map_seams(
    situation: Situation,
    *,
    knowledge: Path | str | None = None,
    rates: CostOverrides | None = None,
    where: str = "situation",
) -> SeamMap:
    """The seam map of a situation: per model, roles on each side, the seams and the in-house hours."""
    from seamline.cost.plan import build_plan

    return SeamMap.from_plan(build_plan(situation, knowledge=knowledge, rates=rates, where=where))
