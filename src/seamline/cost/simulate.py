"""Monte Carlo over every engagement model at once: one (inputs x trials) draw, one vectorised kernel.

The kernel computes every cost component for an array of shape (models, trials); trials are processed in
chunks so memory stays bounded. The same kernel evaluates the tornado (one input at its low and high end,
the others at their likely value) and the cumulative cost by month, so all three views agree.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from seamline.cost.components import COMPONENTS, OPPORTUNITY_COMPONENTS, Kernel
from seamline.cost.distributions import Sampler
from seamline.cost.plan import CostPlan, Input, Markets, Override

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

DEFAULT_TRIALS = 20_000
CHUNK = 8_192
MAX_TRIALS = 10_000_000  # totals and cash kept for exact percentiles: 2 x 4 bytes x 7 models x trials
PRODUCTIVE_EPSILON = 1e-3  # engineer-months; below it (float32 residue) a model delivers no capacity
Progress = Callable[[int, int], None]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Spread(_Frozen):
    """Mean and percentiles of one part of the cost (cash paid) over the trials."""

    mean: float
    p10: float
    p50: float
    p90: float


class ModelCost(_Frozen):
    model_id: str
    name: str
    short_name: str
    variant: str
    variant_name: str
    shape: str
    mean: float
    p10: float
    p50: float
    p90: float
    components: dict[str, float]
    cash: Spread  # money paid: fees or salaries, hiring, ramp-up, coordination, leadership, changes
    opportunity_mean: float  # capacity missing or lost: start gap, churn, knowledge lost at the end
    quantity: float
    quantity_unit: str
    productive_engineer_months: float
    cost_per_productive_engineer_month: float | None  # None: no productive capacity within the horizon
    weeks_to_capacity: float
    p_cheapest: float
    seams: int


class Sensitivity(_Frozen):
    input: str
    name: str
    swing: float
    model: str
    low_total: float
    high_total: float
    source: str
    override: str | None = None


class CostComparison(_Frozen):
    """The result of :func:`compare_costs`: per-model statistics, sensitivity and the inputs used."""

    horizon_months: int
    trials: int
    seed: int
    engineers: int
    knowledge_version: str
    markets: Markets
    service_units: dict[str, Any] | None = None
    models: dict[str, ModelCost]
    sensitivity: tuple[Sensitivity, ...]
    cumulative: dict[str, tuple[float, ...]]
    inputs: tuple[Input, ...]
    overrides: tuple[Override, ...]

    def cheapest(self, among: set[str] | None = None) -> str:
        """The model with the lowest mean total (among ``among`` when given and not empty)."""
        pool = [m for m in self.models.values() if among is None or m.model_id in among] or list(
            self.models.values()
        )
        return min(pool, key=lambda m: m.mean).model_id

    def to_json(self) -> dict[str, Any]:
        """The public JSON shape of ``seamline cost --json``."""
        return {
            "horizon_months": self.horizon_months,
            "trials": self.trials,
            "seed": self.seed,
            "engineers": self.engineers,
            "knowledge_version": self.knowledge_version,
            "markets": self.markets.model_dump(),
            "service_units": self.service_units,
            "models": {
                mid: {
                    "name": m.name,
                    "pricing": m.variant,
                    "mean": m.mean,
                    "p10": m.p10,
                    "p50": m.p50,
                    "p90": m.p90,
                    "components": m.components,
                    "cash": m.cash.model_dump(),
                    "opportunity": {"mean": m.opportunity_mean},
                    "quantity": {"count": m.quantity, "unit": m.quantity_unit},
                    "cost_per_productive_engineer_month": m.cost_per_productive_engineer_month,
                    "productive_engineer_months": m.productive_engineer_months,
                    "weeks_to_capacity": m.weeks_to_capacity,
                    "p_cheapest": m.p_cheapest,
                    "seams": m.seams,
                }
                for mid, m in self.models.items()
            },
            "sensitivity": [s.model_dump() for s in self.sensitivity],
            "overrides": [o.model_dump() for o in self.overrides],
            "inputs": [
                {
                    "id": i.id,
                    "unit": i.unit,
                    "low": i.low,
                    "likely": i.likely,
                    "high": i.high,
                    "distribution": i.distribution,
                    "source": i.source,
                    "override": i.override,
                }
                for i in self.inputs
            ],
        }


def compare_costs(
    plan: CostPlan,
    *,
    trials: int = DEFAULT_TRIALS,
    seed: int | None = None,
    chunk: int = CHUNK,
    progress: Progress | None = None,
    sensitivity: bool = True,
    fields: tuple[str, str] = ("--trials", "--seed"),
) -> CostComparison:
    """Simulate ``trials`` draws of every input and cost every model over ``plan.horizon_months``.

    ``fields``: how an error names ``trials`` and ``seed`` (the CLI's options; the API passes its own)."""
    import numpy as np

    from seamline.errors import SeamlineError

    if isinstance(trials, bool) or not isinstance(trials, int) or not 1 <= trials <= MAX_TRIALS:
        raise SeamlineError(f"{fields[0]}: got {trials!r}; expected a whole number from 1 to {MAX_TRIALS:,}")
    if seed is None:
        seed = secrets.randbits(32)
    if seed < 0:
        raise SeamlineError(f"{fields[1]}: got {seed}; expected a whole number of 0 or more")
    kernel = Kernel(plan)
    stats = run_trials(kernel, Sampler(kernel.items), trials, seed, chunk, progress)
    totals, cash, comp_sums, productive, weeks, cheapest = stats
    q = percentiles(totals, (0.1, 0.5, 0.9))
    cq = percentiles(cash, (0.1, 0.5, 0.9))
    mean = totals.mean(axis=1, dtype=np.float64)
    cash_mean = cash.mean(axis=1, dtype=np.float64)
    models = {}
    for j, m in enumerate(plan.models):
        prod = float(productive[j] / trials)
        components = {c: float(comp_sums[j, k] / trials) for k, c in enumerate(COMPONENTS)}
        models[m.model_id] = ModelCost(
            model_id=m.model_id,
            name=m.name,
            short_name=m.short_name,
            variant=m.variant,
            variant_name=m.variant_name,
            shape=m.shape,
            mean=float(mean[j]),
            p10=float(q[0, j]),
            p50=float(q[1, j]),
            p90=float(q[2, j]),
            components=components,
            cash=Spread(
                mean=float(cash_mean[j]), p10=float(cq[0, j]), p50=float(cq[1, j]), p90=float(cq[2, j])
            ),
            opportunity_mean=sum(components[c] for c in OPPORTUNITY_COMPONENTS),
            quantity=m.quantity,
            quantity_unit=m.quantity_unit,
            productive_engineer_months=prod,
            cost_per_productive_engineer_month=float(mean[j] / prod) if prod > PRODUCTIVE_EPSILON else None,
            weeks_to_capacity=float(weeks[j] / trials),
            p_cheapest=float(cheapest[j] / trials),
            seams=m.seams,
        )
    return CostComparison(
        horizon_months=plan.horizon_months,
        trials=trials,
        seed=seed,
        engineers=plan.engineers,
        knowledge_version=plan.knowledge_version,
        markets=plan.markets,
        service_units=plan.service_units,
        models=models,
        sensitivity=tornado(kernel, plan) if sensitivity else (),
        cumulative=cumulative(kernel, plan),
        inputs=plan.inputs,
        overrides=plan.overrides,
    )


def run_trials(
    kernel: Kernel,
    sampler: Sampler,
    trials: int,
    seed: int,
    chunk: int = CHUNK,
    progress: Progress | None = None,
) -> tuple[
    NDArray[np.float64],
    NDArray[np.float64],
    NDArray[np.float64],
    NDArray[np.float64],
    NDArray[np.float64],
    NDArray[np.int64],
]:
    """Run the simulation in chunks; returns (totals per model x trial, cash per model x trial, component
    sums, productive sums, weeks-to-capacity sums, cheapest counts)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    m = kernel.models
    totals = np.empty((m, trials), dtype=sampler.dtype)
    cash = np.empty((m, trials), dtype=sampler.dtype)
    comp_sums = np.zeros((m, len(COMPONENTS)))
    productive = np.zeros(m)
    weeks = np.zeros(m)
    cheapest = np.zeros(m, dtype=np.int64)
    buffer = np.empty((sampler.size, min(chunk, trials)), dtype=sampler.dtype)
    done = 0
    while done < trials:
        n = min(chunk, trials - done)
        draws = sampler.draw(rng, n, out=buffer if n == buffer.shape[1] else None)
        out = kernel.evaluate(draws, float(kernel.horizon))
        totals[:, done : done + n] = out.total
        cash[:, done : done + n] = out.cash
        comp_sums += out.components.sum(axis=2, dtype=np.float64).T
        productive += out.productive.sum(axis=1, dtype=np.float64)
        weeks += out.weeks_to_capacity.sum(axis=1, dtype=np.float64)
        cheapest += np.bincount(out.total.argmin(axis=0), minlength=m)
        done += n
        if progress is not None:
            progress(done, trials)
    return totals, cash, comp_sums, productive, weeks, cheapest


def tornado(kernel: Kernel, plan: CostPlan) -> tuple[Sensitivity, ...]:
    """One-at-a-time swings: each uncertain input at its low and high end, every other at its likely value;
    the swing is the largest change of any model's total."""
    import numpy as np

    varying = [(row, item) for row, item in enumerate(kernel.items) if item.high > item.low]
    draws = np.repeat(kernel.values("likely")[:, None], 1 + 2 * len(varying), axis=1)
    for col, (row, item) in enumerate(varying):
        draws[row, 1 + 2 * col] = item.low
        draws[row, 2 + 2 * col] = item.high
    total = kernel.evaluate(draws, float(plan.horizon_months)).total
    out = []
    for col, (_, item) in enumerate(varying):
        low, high = total[:, 1 + 2 * col], total[:, 2 + 2 * col]
        j = int(np.abs(high - low).argmax())
        out.append(
            Sensitivity(
                input=item.id,
                name=item.name,
                swing=float(abs(high[j] - low[j])),
                model=plan.models[j].model_id,
                low_total=float(low[j]),
                high_total=float(high[j]),
                source=item.source,
                override=item.override,
            )
        )
    return tuple(sorted(out, key=lambda s: -s.swing))


def cumulative(kernel: Kernel, plan: CostPlan) -> dict[str, tuple[float, ...]]:
    """Cost to date at the likely value of every input, for an engagement stopped after month 1, 2, ..."""
    import numpy as np

    months = np.arange(1, plan.horizon_months + 1, dtype=np.float64)
    draws = np.repeat(kernel.values("likely")[:, None], months.size, axis=1)
    total = kernel.evaluate(draws, months[None, :]).total
    return {m.model_id: tuple(float(v) for v in total[j]) for j, m in enumerate(plan.models)}


def percentiles(values: NDArray[Any], qs: tuple[float, ...], bins: int = 4096) -> NDArray[np.float64]:
    """Exact percentiles (NumPy's default linear interpolation) of each row, shape (len(qs), rows).

    Faster than sorting or ``np.percentile`` on a million trials: a histogram locates the bin that holds
    each wanted order statistic, and only that bin's few values are partitioned.
    """
    import numpy as np

    rows, n = values.shape
    out = np.empty((len(qs), rows))
    for i, row in enumerate(values):
        lo, hi = float(row.min()), float(row.max())
        if hi <= lo:
            out[:, i] = lo
            continue
        bin_of = ((row - lo) * ((bins - 1) / (hi - lo))).astype(np.intp)
        np.clip(bin_of, 0, bins - 1, out=bin_of)
        ends = np.cumsum(np.bincount(bin_of, minlength=bins))
        cache: dict[int, NDArray[Any]] = {}

        def order_stat(
            k: int,
            row: NDArray[Any] = row,
            bin_of: NDArray[Any] = bin_of,
            ends: NDArray[Any] = ends,
            cache: dict[int, NDArray[Any]] = cache,
        ) -> float:
            b = int(np.searchsorted(ends, k, side="right"))
            if b not in cache:
                cache[b] = np.sort(row[bin_of == b])
            start = int(ends[b - 1]) if b > 0 else 0
            return float(cache[b][k - start])

        for j, q in enumerate(qs):
            pos = q * (n - 1)
            k = int(np.floor(pos))
            frac = pos - k
            low = order_stat(k)
            out[j, i] = low if frac == 0 or k + 1 >= n else low + frac * (order_stat(k + 1) - low)
    return out
