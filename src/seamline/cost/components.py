"""The cost formulas: every component of every model for a matrix of input draws, in one vectorised pass.

Over a horizon of ``H`` months with ``E`` engineers (``W`` = 52/12 weeks per month), per model:

* start gap ``g`` = time to first capacity (hiring lead time, onboarding, placement), repeated for each
  fixed-price project; unpaid, but the missing capacity is valued (``capacity_gap``);
* fixed-price projects: ``ceil(H / D)`` for the stated project length ``D`` (``work.duration_months``), a
  whole number: one bid per stated project, never a fractional extra;
* paid months ``p = H - g``; fees ``F = Q x unit cost x p`` (or the fixed bid x number of projects), where
  ``Q`` is the quantity paid for (engineers, or service units for a per-unit managed service) and the unit
  cost is the rate (hour x hours per month, month, year / 12, or a unit price) x (1 + markup), and for a
  milestone retainer x (1 - share at risk x (1 - hit rate));
* ``ramp_up`` and ``integration`` are the parts of ``F`` paid for time without full productivity; the rest
  is ``vendor_fees`` (or ``salaries`` for in-house);
* ``change_requests = F x scope growth x share priced as change``;
* ``coordination = (management hours x E + seams x hours per seam) x weeks x leader's hourly cost``;
* ``leadership = sum of the in-house leadership roles' yearly cost x E / span of control x H / 12`` (the
  roles the seams map places in-house for the model);
* ``churn = E x churn rate x H/12 x (replacement + re-ramp) x capacity value x client's share``;
* ``knowledge_loss = E x share lost x relearning time x capacity value``; ``hiring`` = recruiting cost.

``cash`` is what is paid (fees or salaries, hiring, ramp-up and integration paid for, coordination and
leadership time, change requests); ``opportunity`` is capacity missing or lost (the start gap, churn,
knowledge lost at the end). The total is their sum.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from seamline.cost.parameters import GLOBALS
from seamline.cost.plan import CostPlan

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

CASH_COMPONENTS = (
    "vendor_fees",
    "salaries",
    "hiring",
    "ramp_up",
    "integration",
    "coordination",
    "leadership",
    "change_requests",
)
OPPORTUNITY_COMPONENTS = ("capacity_gap", "churn", "knowledge_loss")
COMPONENTS = (*CASH_COMPONENTS, *OPPORTUNITY_COMPONENTS)
C = {name: i for i, name in enumerate(COMPONENTS)}  # component -> row of KernelOutput.components
CASH_ROWS = slice(0, len(CASH_COMPONENTS))
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
    cash: Any  # (models, trials): the cash components' sum
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
        self.project_months = col([m.project_months or 1.0 for m in plan.models])
        self.quantity = col([m.quantity for m in plan.models])
        lead_ids = sorted({rid for m in plan.models for rid in m.leadership})
        self.lead_rows = np.array([row[rid] for rid in lead_ids], dtype=np.intp)
        self.lead_matrix = np.array(
            [[1.0 if rid in m.leadership else 0.0 for rid in lead_ids] for m in plan.models], dtype=np.float64
        ).reshape(self.models, len(lead_ids))
        self.ms_share = idx("milestone_share", zero)
        self.ms_hit = idx("milestone_hit_rate", one)
        self.seams = col([float(m.seams) for m in plan.models])
        self.salary = col([1.0 if m.shape == "salary" else 0.0 for m in plan.models])
        bids = [m.fixed_bid for m in plan.models]
        self.bid_rows = np.array([i for i, b in enumerate(bids) if b is not None], dtype=np.intp)
        self.bids = col([b for b in bids if b is not None]) if self.bid_rows.size else None

        def where(flags: list[bool]) -> NDArray[np.intp]:
            return np.flatnonzero(np.array(flags, dtype=bool))

        models = plan.models
        self.rows = {
            "hour": where([mm.rate_unit == "hour" for mm in models]),
            "year": where([mm.rate_unit == "year" for mm in models]),
            "markup": where([mm.markup is not None for mm in models]),
            "milestone": where([mm.milestone_share is not None for mm in models]),
            "start_days": where([mm.start_to_weeks != 1.0 for mm in models]),
            "sequence": where([mm.project_months is not None for mm in models]),
            "integration": where([mm.integration is not None for mm in models]),
            "hiring": where([mm.hiring_cost is not None for mm in models]),
            "change": where([mm.change_requests is not None for mm in models]),
            "salary": where([mm.shape == "salary" for mm in models]),
            "vendor": where([mm.shape != "salary" for mm in models]),
        }
        sequence = list(self.rows["sequence"])
        self.bid_in_sequence = np.array([sequence.index(r) if r in sequence else -1 for r in self.bid_rows])

    def values(self, end: str) -> NDArray[np.float64]:
        import numpy as np

        return np.array([float(getattr(item, end)) for item in self.items])

    def evaluate(self, x: NDArray[Any], horizon: Any) -> KernelOutput:
        """Cost every model for draws ``x`` (items, trials); ``horizon``: a number or a (1, trials) array.

        Terms that only some models have (a markup, a milestone retainer, hiring, integration, change
        requests) are computed for those models' rows only.
        """
        import numpy as np

        e = float(self.plan.engineers)
        w = WEEKS_PER_MONTH
        h = horizon
        dt = x.dtype
        g = self.g
        hours_per_month = x[g["hours_per_month"]]
        capacity_value = x[g["capacity_value_month"]]
        ramp_loss_share = 1.0 - x[g["ramp_productivity"]]
        m, n = self.models, x.shape[1]
        rows = self.rows

        # unit cost per engineer-month
        unit = x[self.rate]
        if rows["hour"].size:
            unit[rows["hour"]] *= hours_per_month
        if rows["year"].size:
            unit[rows["year"]] *= 1 / 12
        if rows["markup"].size:
            unit[rows["markup"]] *= 1.0 + x[self.markup[rows["markup"]]]
        if rows["milestone"].size:
            r = rows["milestone"]
            unit[r] *= 1.0 - x[self.ms_share[r]] * (1.0 - x[self.ms_hit[r]])

        start_weeks = x[self.start]
        if rows["start_days"].size:
            start_weeks[rows["start_days"]] *= 1 / 7
        gap = start_weeks * (1 / w)
        projects = None
        if rows["sequence"].size:
            r = rows["sequence"]
            # one bid per stated project: a whole number of projects of the stated length
            projects = np.ceil(np.asarray(h, dtype=np.float64) / self.project_months[r] - 1e-9).astype(dt)
            projects = np.maximum(projects, 1.0)
            gap[r] *= projects
        np.minimum(gap, h, out=gap)
        paid = h - gap
        integration = np.zeros((m, n), dtype=dt)
        integration_weeks = np.zeros((m, n), dtype=dt)
        if rows["integration"].size:
            r = rows["integration"]
            integration_weeks[r] = x[self.integration[r]] * (1 / 7)
            integration[r] = np.minimum(integration_weeks[r] * (1 / w), paid[r])
        ramp_weeks = x[self.ramp]
        ramp = ramp_weeks * ramp_loss_share
        ramp *= 1 / w
        np.minimum(ramp, paid - integration, out=ramp)

        per_month = unit * self.quantity.astype(dt)
        fees = per_month * paid
        if self.bids is not None:
            r = self.bid_rows
            bid_projects = np.ones((r.size, n), dtype=dt)
            for i, j in enumerate(self.bid_in_sequence):
                if j >= 0 and projects is not None:
                    bid_projects[i] = projects[j]
            fees[r] = self.bids.astype(dt) * bid_projects
            per_month[r] = np.divide(fees[r], paid[r], out=np.zeros_like(fees[r]), where=paid[r] > 0)

        comps = np.zeros((len(COMPONENTS), m, n), dtype=dt)
        np.multiply(per_month, ramp, out=comps[C["ramp_up"]])
        if rows["integration"].size:
            r = rows["integration"]
            comps[C["integration"], r] = per_month[r] * integration[r]
        base = fees - comps[C["ramp_up"]]
        base -= comps[C["integration"]]
        comps[C["vendor_fees"], rows["vendor"]] = base[rows["vendor"]]
        comps[C["salaries"], rows["salary"]] = base[rows["salary"]]
        if rows["hiring"].size:
            r = rows["hiring"]
            comps[C["hiring"], r] = x[self.hiring[r]] * unit[r] * (12.0 * e)
        np.multiply(gap, capacity_value * e, out=comps[C["capacity_gap"]])
        lead_hourly = x[g["lead_year"]] * (w / 12.0) / hours_per_month
        weekly_hours = x[self.management] * e
        weekly_hours += self.seams.astype(dt) * x[g["coordination_hours_per_seam"]]
        np.multiply(weekly_hours, paid * lead_hourly, out=comps[C["coordination"]])
        if self.lead_rows.size:
            # the in-house leadership roles: each role's yearly cost x E / span, over the whole horizon
            yearly = self.lead_matrix.astype(dt) @ x[self.lead_rows]
            share = e / x[g["leadership_span_engineers"]]
            np.multiply(yearly, share * (h / 12.0), out=comps[C["leadership"]])
        if rows["change"].size:
            r = rows["change"]
            comps[C["change_requests"], r] = fees[r] * x[self.growth[r]] * x[self.change[r]]
        lost_weeks = ramp_weeks * ramp_loss_share
        lost_weeks += x[g["replacement_weeks"]]
        churn_lost = x[self.churn] * x[self.churn_share]
        churn_lost *= lost_weeks
        churn_lost *= e / (12.0 * w) * h if np.ndim(h) else e * float(h) / (12.0 * w)
        np.multiply(churn_lost, capacity_value, out=comps[C["churn"]])
        np.multiply(
            x[self.knowledge],
            capacity_value * x[g["relearn_weeks"]] * (e / w),
            out=comps[C["knowledge_loss"]],
        )
        cash = comps[CASH_ROWS].sum(axis=0)
        total = cash + comps[len(CASH_COMPONENTS) :].sum(axis=0)
        productive = paid - integration
        productive -= ramp
        productive *= e
        productive -= churn_lost
        np.maximum(productive, 0.0, out=productive)
        return KernelOutput(
            components=comps,
            total=total,
            cash=cash,
            productive=productive,
            weeks_to_capacity=start_weeks + integration_weeks,
        )
