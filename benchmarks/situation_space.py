"""Distinct valid situations for the benchmarks: a seeded sample, without repeats, of a grid over the answers.

The grid takes every value of every choice and yes/no answer, several durations, team sizes and the
optional answers (can hire, needed within, lead hours: each also left out), so no two situations share
their answers and nothing the advisor or the server caches is hit twice.
"""

from __future__ import annotations

import math
import random
from typing import Any

from seamline.situation import FIELDS, nest_answers

NUMBERS: dict[str, tuple[Any, ...]] = {
    "work.duration_months": (2, 4, 6, 9, 12, 18, 24, 36),
    "work.engineers": (1, 2, 4, 8, 12, 30),
    "work.needed_within_weeks": (None, 2, 8, 26),
    "team.lead_hours_per_week": (None, 4, 12, 30),
}
LEFT_OUT_ALLOWED = ("team.can_hire",)  # a yes/no answer that may also be left out
SKIPPED = ("name", "market.", "work.service_units.")


def axes() -> list[tuple[str, tuple[Any, ...]]]:
    out: list[tuple[str, tuple[Any, ...]]] = []
    for path, (typ, allowed) in FIELDS.items():
        if path.startswith(SKIPPED):
            continue
        if path in NUMBERS:
            out.append((path, NUMBERS[path]))
        elif allowed is not None:
            values = tuple(allowed)
            out.append((path, (None, *values) if path in LEFT_OUT_ALLOWED else values))
        else:
            raise SystemExit(f"situation_space: no values for the answer {path} ({typ}); add it to NUMBERS")
    return out


def grid_size() -> int:
    return math.prod(len(values) for _, values in axes())


def distinct_situations(n: int, seed: int = 14) -> list[dict[str, Any]]:
    """``n`` situations (nested, as a situation file or an API body holds them), all with distinct answers."""
    grid = axes()
    total = math.prod(len(values) for _, values in grid)
    if n > total:
        raise SystemExit(f"situation_space: {n} asked, the grid holds {total}")
    out = []
    for k, index in enumerate(random.Random(seed).sample(range(total), n)):
        flat: dict[str, Any] = {}
        for path, values in grid:
            index, pick = divmod(index, len(values))
            flat[path] = values[pick]
        out.append({"name": f"distinct situation {k}", **nest_answers(flat)})
    return out
