"""The Monte Carlo engine: reproducible, internally consistent, drawing the distributions asked for."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seamline.cost.components import COMPONENTS, Kernel
from seamline.cost.distributions import Sampler, pert_mean, quantile_table
from seamline.cost.plan import Input, build_plan
from seamline.cost.simulate import compare_costs
from seamline.errors import SeamlineError
from seamline.situation import Situation


def test_the_same_seed_gives_the_same_figures(make_situation: Callable[..., Situation]) -> None:
    plan = build_plan(make_situation())
    a = compare_costs(plan, trials=3_000, seed=42)
    b = compare_costs(plan, trials=3_000, seed=42)
    c = compare_costs(plan, trials=3_000, seed=43)
    assert a.to_json() == b.to_json()
    assert a.to_json()["models"] != c.to_json()["models"]


def test_statistics_are_consistent(make_situation: Callable[..., Situation]) -> None:
    result = compare_costs(build_plan(make_situation()), trials=5_000, seed=1, chunk=1_234)
    assert sum(m.p_cheapest for m in result.models.values()) == pytest.approx(1.0)
    for m in result.models.values():
        assert m.p10 <= m.p50 <= m.p90
        assert sum(m.components.values()) == pytest.approx(m.mean, rel=1e-6)  # float32 draws
        assert set(m.components) == set(COMPONENTS)
        assert m.cost_per_productive_engineer_month == pytest.approx(m.mean / m.productive_engineer_months)
    swings = [s.swing for s in result.sensitivity]
    assert swings == sorted(swings, reverse=True)
    assert all(s.input in {i.id for i in result.inputs} for s in result.sensitivity)


def test_chunking_bounds_memory_without_changing_the_distribution(
    make_situation: Callable[..., Situation],
) -> None:
    plan = build_plan(make_situation())
    small = compare_costs(plan, trials=20_000, seed=9, chunk=1_000, sensitivity=False)
    large = compare_costs(plan, trials=20_000, seed=9, chunk=20_000, sensitivity=False)
    for mid, m in small.models.items():
        assert m.mean == pytest.approx(large.models[mid].mean, rel=0.01)


def test_sensitivity_names_the_input_that_was_widened(make_situation: Callable[..., Situation]) -> None:
    situation = make_situation(costs={"parameters": {"relearn_weeks": {"low": 0, "likely": 8, "high": 400}}})
    result = compare_costs(build_plan(situation), trials=1_000, seed=2)
    assert result.sensitivity[0].input == "relearn_weeks"
    assert result.sensitivity[0].override is not None


def test_cumulative_cost_grows_month_by_month(make_situation: Callable[..., Situation]) -> None:
    result = compare_costs(build_plan(make_situation(work__duration_months=18)), trials=500, seed=3)
    for series in result.cumulative.values():
        assert len(series) == 18
        assert all(b >= a for a, b in itertools.pairwise(series))


def test_bad_trials_and_seed_are_refused(make_situation: Callable[..., Situation]) -> None:
    plan = build_plan(make_situation())
    with pytest.raises(SeamlineError, match="--trials"):
        compare_costs(plan, trials=0)
    with pytest.raises(SeamlineError, match="--seed"):
        compare_costs(plan, trials=10, seed=-1)


ranges = st.tuples(
    st.floats(0, 1_000, allow_nan=False),
    st.floats(0, 1, allow_nan=False),
    st.floats(0.01, 1_000, allow_nan=False),
).map(lambda t: (t[0], t[0] + t[1] * t[2], t[0] + t[2]))


@settings(max_examples=25, deadline=None)
@given(ranges, st.sampled_from(["pert", "triangular"]))
def test_draws_stay_in_range_and_match_the_analytic_mean(rng_: tuple[float, float, float], dist: str) -> None:
    low, likely, high = rng_
    item = Input(
        id="x", name="x", unit="usd", low=low, likely=likely, high=high, distribution=dist, source="s"
    )
    table = quantile_table(item)
    assert table[0] == pytest.approx(low) and table[-1] == pytest.approx(high)
    assert np.all(np.diff(table) >= -1e-9)
    draws = Sampler([item]).draw(np.random.default_rng(0), 40_000)[0]
    # draws are float32 by design: allow for its rounding (a few ulps at the range's magnitude)
    ulps = 4 * float(np.finfo(np.float32).eps) * max(abs(low), abs(high), 1.0)
    assert draws.min() >= low - ulps and draws.max() <= high + ulps
    mean = float(draws.astype(np.float64).mean())
    assert mean == pytest.approx(pert_mean(item), abs=(high - low) * 0.01 + ulps)


@settings(max_examples=20, deadline=None)
@given(
    st.sampled_from(
        [
            "rate.developer_mid.month",
            "rate.developer_mid.hour",
            "rate.developer_mid.year",
            "coordination_hours_per_seam",
            "ramp_up_weeks",
            "commodity_churn",
        ]
    ),
    st.floats(1.01, 3.0),
)
def test_a_higher_input_never_lowers_any_total(input_id: str, factor: float) -> None:
    from tests.cost.conftest import situation_data

    from seamline.situation import parse_situation

    plan = build_plan(parse_situation(situation_data()))
    kernel = Kernel(plan)
    base = kernel.values("likely")[:, None]
    raised = base.copy()
    row = [i.id for i in kernel.items].index(input_id)
    raised[row] *= factor
    before = kernel.evaluate(base, 12.0).total[:, 0]
    after = kernel.evaluate(raised, 12.0).total[:, 0]
    assert np.all(after >= before - 1e-6)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.floats(-1e6, 1e6, allow_nan=False, width=32), min_size=1, max_size=300),
    st.sampled_from([2, 16, 4096]),
)
def test_fast_percentiles_equal_numpys(values: list[float], bins: int) -> None:
    from seamline.cost.simulate import percentiles

    data = np.array([values, values[::-1]], dtype=np.float32)
    expected = np.percentile(data.astype(np.float64), [10, 50, 90], axis=1)
    assert np.allclose(percentiles(data, (0.1, 0.5, 0.9), bins=bins), expected, rtol=1e-6, atol=1e-3)
