"""The cost formulas: every component of every model for a matrix of input draws, in one vectorised pass.

Over a horizon of ``H`` months with ``E`` engineers (``W`` = 52/12 weeks per month), per model:

* start gap ``g`` = time to first capacity (hiring lead time, onboarding, placement), repeated for each
  project of a fixed-price sequence; unpaid, but the missing capacity is valued (``capacity_gap``);
* paid months ``p = H - g``; fees ``F = E x unit cost x p`` (or the fixed bid x number of projects), where
  the unit cost is the developer rate (hour x hours per month, month, or year / 12) x (1 + markup), and for
  a milestone retainer x (1 - share at risk x (1 - hit rate));
* ``ramp_up`` and ``integration`` are the parts of ``F`` paid for time without full productivity; the rest
  is ``vendor_fees`` (or ``salaries`` for in-house);
* ``change_requests = F x scope growth x share priced as change``;
* ``coordination = (management hours x E + seams x hours per seam) x weeks x leader's hourly cost``;
* ``churn = E x churn rate x H/12 x (replacement + re-ramp) x capacity value x client's share``;
* ``knowledge_loss = E x share lost x relearning time x capacity value``; ``hiring`` = recruiting cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from seamline.cost.plan import GLOBALS, CostPlan

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

COMPONENTS = (
    "vendor_fees",
    "salaries",
    "hiring",
    "capacity_gap",
    "ramp_up",
    "integration",
    "coordination",
    "change_requests",
    "churn",
    "knowledge_loss",
)
WEEKS_PER_MONTH = 52 / 12
RATE_TO_MONTH = {"hour": 0.0, "month": 1.0, "year": 1 / 12, "unit": 1.0}  # hour: x hours_per_month instead


@dataclass(frozen=True)
class _Const:
    id: str
    low: float
    likely: float
    high: float
    distribution: str = "pert"


@dataclass(frozen=True)
class KernelOutput:
    components: Any  # (components, models, trials)
    total: Any  # (models, trials)
    productive: Any  # productive engineer-months (models, trials)
    weeks_to_capacity: Any  # (models, trials)


class Kernel:
    """Index arrays that map the plan's inputs onto each model's formula terms."""

    def __init__(self, plan: CostPlan) -> None:
        import numpy as np

        self.plan = plan
        self.horizon = plan.horizon_months
        self.models = len(plan.models)
        random = [i for i in plan.inputs if not i.fixed]  # random inputs first: the sampler draws in place
        fixed = [i for i in plan.inputs if i.fixed]
        self.items: list[Any] = [*random, *fixed, _Const("zero", 0, 0, 0), _Const("one", 1, 1, 1)]
        row = {item.id: i for i, item in enumerate(self.items)}
        zero, one = row["zero"], row["one"]

        def idx(key: str, default: int) -> NDArray[np.intp]:
            return np.array(
                [row[getattr(m, key)] if getattr(m, key) else default for m in plan.models], dtype=np.intp
            )

        def col(values: list[float]) -> NDArray[np.float64]:
            return np.array(values, dtype=np.float64)[:, None]

        self.g = {name: row[name] for name in GLOBALS}
        self.g["lead_year"] = row[plan.coordination_rate]
        self.rate = idx("rate", zero)
        self.per_hour = np.array([m.rate_unit == "hour" for m in plan.models])
        self.rate_scale = col([RATE_TO_MONTH[m.rate_unit] for m in plan.models])
        self.markup = idx("markup", zero)
        self.start = idx("start", zero)
        self.start_to_weeks = col([m.start_to_weeks for m in plan.models])
        self.integration = idx("integration", zero)
        self.integration_to_weeks = col([1 / 7] * self.models)  # integration is given in days
        self.ramp = idx("ramp", zero)
        self.management = idx("management_hours", zero)
        self.churn = idx("churn", zero)
        self.churn_share = idx("churn_client_share", zero)
        self.knowledge = idx("knowledge_loss", zero)
        self.hiring = idx("hiring_cost", zero)
        self.growth = idx("growth", zero)
        self.change = idx("change_requests", zero)
        self.project_months = idx("project_months", one)
        self.sequence = np.array([m.project_months is not None for m in plan.models])
        self.ms_share = idx("milestone_share", zero)
        self.ms_hit = idx("milestone_hit_rate", one)
        self.seams = col([float(m.seams) for m in plan.models])
        self.salary = col([1.0 if m.shape == "salary" else 0.0 for m in plan.models])
        bids = [m.fixed_bid for m in plan.models]
        self.bid_rows = np.array([i for i, b in enumerate(bids) if b is not None], dtype=np.intp)
        self.bids = col([b for b in bids if b is not None]) if self.bid_rows.size else None

    def values(self, end: str) -> NDArray[np.float64]:
        import numpy as np

        return np.array([float(getattr(item, end)) for item in self.items])

    def evaluate(self, x: NDArray[np.float64], horizon: Any) -> KernelOutput:
        """Cost every model for draws ``x`` (items, trials); ``horizon``: a number or a (1, trials) array."""
        import numpy as np

        e = float(self.plan.engineers)
        w = WEEKS_PER_MONTH
        h = horizon
        dt = x.dtype
        hours_per_month = x[self.g["hours_per_month"]]
        capacity_value = x[self.g["capacity_value_month"]]
        ramp_loss_share = 1.0 - x[self.g["ramp_productivity"]]
        n = x.shape[1]
        m = self.models

        # unit cost per engineer-month
        unit = x[self.rate]
        scale = np.where(self.per_hour[:, None], hours_per_month[None, :], self.rate_scale.astype(dt))
        unit *= scale
        unit *= 1.0 + x[self.markup]
        unit *= 1.0 - x[self.ms_share] * (1.0 - x[self.ms_hit])

        start_weeks = x[self.start] * self.start_to_weeks.astype(dt)
        projects = np.ones((m, n), dtype=dt)
        if self.sequence.any():
            seq = np.flatnonzero(self.sequence)
            projects[seq] = np.ceil(h / x[self.project_months[seq]])
        gap = np.minimum(start_weeks / w * projects, h)
        paid = h - gap
        integration_weeks = x[self.integration] * self.integration_to_weeks.astype(dt)
        integration = np.minimum(integration_weeks / w, paid)
        ramp_weeks = x[self.ramp]
        ramp = np.minimum(ramp_weeks / w * ramp_loss_share, paid - integration)

        fees = unit * paid * e
        if self.bids is not None:
            fees[self.bid_rows] = self.bids.astype(dt) * projects[self.bid_rows]
        per_paid_month = np.divide(fees, paid, out=np.zeros_like(fees), where=paid > 0)

        comps = np.empty((len(COMPONENTS), m, n), dtype=dt)
        ramp_cost = per_paid_month * ramp
        integration_cost = per_paid_month * integration
        base = fees - ramp_cost - integration_cost
        salary = self.salary.astype(dt)
        comps[0] = base * (1.0 - salary)
        comps[1] = base * salary
        comps[2] = x[self.hiring] * unit * (12.0 * e)
        comps[3] = gap * capacity_value * e
        comps[4] = ramp_cost
        comps[5] = integration_cost
        lead_hourly = x[self.g["lead_year"]] / (12.0 * hours_per_month)
        weekly_hours = (
            x[self.management] * e + self.seams.astype(dt) * x[self.g["coordination_hours_per_seam"]]
        )
        comps[6] = weekly_hours * paid * (w * lead_hourly)
        comps[7] = fees * x[self.growth] * x[self.change]
        events = x[self.churn] * (e * h / 12.0)
        lost_months = (x[self.g["replacement_weeks"]] + ramp_weeks * ramp_loss_share) / w
        churn_lost = events * lost_months * x[self.churn_share]
        comps[8] = churn_lost * capacity_value
        comps[9] = x[self.knowledge] * (e * capacity_value * x[self.g["relearn_weeks"]] / w)
        total = comps.sum(axis=0)
        productive = np.maximum((paid - integration - ramp) * e - churn_lost, 0.0)
        weeks = start_weeks + integration_weeks
        return KernelOutput(components=comps, total=total, productive=productive, weeks_to_capacity=weeks)
