"""Benchmark the cost Monte Carlo: 1,000,000 trials across all seven engagement models.

Prints trials per second, wall time and peak memory for
  * the floor: only drawing the random numbers the simulation needs (uniforms -> PERT/triangular values),
    chunk by chunk exactly as the simulation does;
  * the whole simulation (`compare_costs`: draws, kernel, aggregation, percentiles, P(cheapest),
    tornado sensitivity and the cumulative curve).
Goal on the project's 2-core machine: the simulation within 3x of the floor, <= 1 s and <= 500 MB.

    .venv/bin/python benchmarks/cost_mc.py [--trials N] [--repeat R]
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc
from collections.abc import Callable

import numpy as np

from seamline.cost.components import Kernel
from seamline.cost.distributions import Sampler
from seamline.cost.plan import CostPlan, build_plan
from seamline.cost.simulate import CHUNK, compare_costs
from seamline.situation import parse_situation

SITUATION = {
    "name": "benchmark: series A core platform, 6 engineers, 18 months",
    "stage": "series_a_to_c",
    "work": {
        "type": "product_development",
        "core": True,
        "scope": "evolving",
        "duration_months": 18,
        "engineers": 6,
    },
    "team": {"technical_leadership": "strong", "product_manager": True},
    "preferences": {
        "involvement": "sprint_priorities",
        "pricing": "no_preference",
        "ip_in_house": True,
        "share_business_context": True,
    },
    "costs": {"pricing": {"project_outsourcing": "fixed_price"}},
}


def floor(plan: CostPlan, trials: int, seed: int) -> None:
    sampler = Sampler(Kernel(plan).items)
    rng = np.random.default_rng(seed)
    buffer = np.empty((sampler.size, min(CHUNK, trials)), dtype=sampler.dtype)
    done = 0
    while done < trials:
        n = min(CHUNK, trials - done)
        sampler.draw(rng, n, out=buffer if n == buffer.shape[1] else None)
        done += n


def uniforms(plan: CostPlan, trials: int, seed: int) -> None:
    """Only the uniform numbers behind the draws (before the PERT/triangular transform), for reference."""
    sampler = Sampler(Kernel(plan).items)
    rng = np.random.default_rng(seed)
    buffer = np.empty((sampler.random_count, min(CHUNK, trials)), dtype=sampler.dtype)
    done = 0
    while done < trials:
        n = min(CHUNK, trials - done)
        rng.random(
            out=buffer if n == buffer.shape[1] else np.empty((sampler.random_count, n), sampler.dtype),
            dtype=sampler.dtype,
        )
        done += n


def simulation(plan: CostPlan, trials: int, seed: int) -> None:
    compare_costs(plan, trials=trials, seed=seed)


def measure(
    fns: list[Callable[[CostPlan, int, int], None]], plan: CostPlan, trials: int, repeat: int
) -> list[tuple[float, float]]:
    """(best wall seconds over `repeat` runs, peak traced memory in MB of one run) per function; the
    functions run in turn within each repeat, so a busy moment on a shared machine hits them alike."""
    best = [float("inf")] * len(fns)
    for r in range(repeat):
        for i, fn in enumerate(fns):
            start = time.perf_counter()
            fn(plan, trials, r)
            best[i] = min(best[i], time.perf_counter() - start)
    peaks = []
    for fn in fns:
        tracemalloc.start()
        fn(plan, trials, 0)
        peaks.append(tracemalloc.get_traced_memory()[1] / 1e6)
        tracemalloc.stop()
    return list(zip(best, peaks, strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    plan = build_plan(parse_situation(SITUATION, "benchmark"))
    sampler = Sampler(Kernel(plan).items)
    compare_costs(plan, trials=2_000, seed=0)  # warm up imports and caches
    print(
        f"{args.trials:,} trials x {len(plan.models)} models, {plan.horizon_months} months; "
        f"{sampler.size} inputs ({sampler.random_count} random); chunk {CHUNK:,}; best of {args.repeat}"
    )
    labels = ["floor: drawing the random numbers", "whole simulation", "(reference: raw uniforms only)"]
    rows = []
    measured = measure([floor, simulation, uniforms], plan, args.trials, args.repeat)
    for label, (wall, peak) in zip(labels, measured, strict=True):
        rows.append((label, wall, peak))
        print(
            f"  {label:<36} {wall:7.3f} s {args.trials / wall:>12,.0f} trials/s  peak {peak:6.1f} MB (traced)"
        )
    ratio = rows[1][1] / rows[0][1]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"  simulation / floor: {ratio:.2f}x (goal <= 3x); simulation {rows[1][1]:.3f} s (goal <= 1 s); "
        f"process peak RSS {rss:.0f} MB (goal <= 500 MB)"
    )


if __name__ == "__main__":
    main()
