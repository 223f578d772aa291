"""Sweep the advisor over the whole answer space and print who tops how often (issue 12's biases).

Run: .venv/bin/python benchmarks/advice_sweep.py [--optional]

The grid takes every stage, work type, core flag, scope, leadership, product-manager answer, involvement,
pricing, IP and context answer, with durations 2, 4, 9, 12, 24, 36 months and 4 engineers. ``--optional``
adds the optional answers (can hire: unknown / yes / no; needed within: unknown / 2 / 26 weeks).
Prints the share of situations each model tops, in-house wins per stage, and where vested outsourcing wins.
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections import Counter
from typing import Any

from seamline.advisor import advise
from seamline.knowledge import load_knowledge
from seamline.situation import FIELDS, nest_answers, parse_situation

DURATIONS = (2, 4, 9, 12, 24, 36)
BASE = (
    "stage",
    "work.type",
    "work.core",
    "work.scope",
    "work.duration_months",
    "team.technical_leadership",
    "team.product_manager",
    "preferences.involvement",
    "preferences.pricing",
    "preferences.ip_in_house",
    "preferences.share_business_context",
)


def grid(optional: bool) -> list[dict[str, Any]]:
    values: list[tuple[Any, ...]] = [
        DURATIONS if f == "work.duration_months" else tuple(FIELDS[f][1] or ()) for f in BASE
    ]
    extra: list[tuple[tuple[str, Any], ...]] = [()]
    if optional:
        extra = [
            tuple(
                (k, v)
                for k, v in (("team.can_hire", hire), ("work.needed_within_weeks", weeks))
                if v is not None
            )
            for hire, weeks in itertools.product((None, True, False), (None, 2, 26))
        ]
    out = []
    for combo in itertools.product(*values):
        for more in extra:
            flat = dict(zip(BASE, combo, strict=True)) | dict(more)
            flat["work.engineers"] = 4
            out.append(flat)
    return out


def nest(flat: dict[str, Any]) -> dict[str, Any]:
    return {"name": "sweep", **nest_answers(flat)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--optional", action="store_true", help="also sweep can_hire and needed_within_weeks")
    args = parser.parse_args()
    kb = load_knowledge()
    cases = grid(args.optional)
    tops: Counter[str | None] = Counter()
    in_house_by_stage: Counter[str] = Counter()
    vested: list[dict[str, Any]] = []
    vested_it = 0
    start = time.perf_counter()
    for flat in cases:
        result = advise(parse_situation(nest(flat)), kb, explain_changes=False)
        top = result.recommended
        tops[top] += 1
        if top == "in_house":
            in_house_by_stage[flat["stage"]] += 1
        if top == "vested_outsourcing":
            vested.append(flat)
            vested_it += flat["work.type"] == "it_function"
    seconds = time.perf_counter() - start
    n = len(cases)
    print(f"{n:,} situations in {seconds:.1f} s ({n / seconds:,.0f} per second)")
    for model, count in tops.most_common():
        print(f"  {model!s:<22} tops {count / n:6.1%}")
    print("in-house tops, by stage:", dict(in_house_by_stage))
    if vested:
        v = len(vested)
        hands_off = sum(f["preferences.involvement"] in ("milestones", "service_levels") for f in vested)
        outside = sum(f["stage"] not in ("seed", "series_a_to_c") for f in vested)
        print(
            f"vested tops {v:,}: {hands_off / v:.0%} milestone/service-level involvement, "
            f"{vested_it / v:.0%} IT functions, {outside / v:.0%} outside seed to Series B/C"
        )


if __name__ == "__main__":
    main()
