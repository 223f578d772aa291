"""The cost model: total cost of every engagement model over a horizon, with Monte Carlo uncertainty.

Public API (pure functions over frozen values; NumPy is imported only when a simulation runs)::

    from seamline.cost import build_plan, compare_costs, map_seams
    plan = build_plan(situation)                       # cited inputs + per-model pricing, overrides applied
    comparison = compare_costs(plan, trials=20_000, seed=1)
    seam_map = map_seams(situation)                    # seams per model with the in-house hours they cost

The cost model depends on :mod:`seamline.seams` (which roles sit in-house, which links cross); the seams
module never imports the cost model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = [
    "CostComparison",
    "CostKnowledge",
    "CostOverrides",
    "CostPlan",
    "SeamMap",
    "build_plan",
    "compare_costs",
    "load_cost_knowledge",
    "map_seams",
]

if TYPE_CHECKING:
    from seamline.cost.overrides import CostOverrides
    from seamline.cost.parameters import CostKnowledge, load_cost_knowledge
    from seamline.cost.plan import CostPlan, build_plan
    from seamline.cost.seam_map import SeamMap, map_seams
    from seamline.cost.simulate import CostComparison, compare_costs

_LAZY = {
    "CostOverrides": "seamline.cost.overrides",
    "CostKnowledge": "seamline.cost.parameters",
    "load_cost_knowledge": "seamline.cost.parameters",
    "CostPlan": "seamline.cost.plan",
    "build_plan": "seamline.cost.plan",
    "SeamMap": "seamline.cost.seam_map",
    "map_seams": "seamline.cost.seam_map",
    "CostComparison": "seamline.cost.simulate",
    "compare_costs": "seamline.cost.simulate",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(name)
