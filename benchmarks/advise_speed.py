"""How fast the advisor answers: per distinct situation and per repeated example, CLI start-up.

Run: .venv/bin/python benchmarks/advise_speed.py [--distinct 2000] [--reference 200] [--no-cli]

Distinct situations (benchmarks/situation_space.py: no two share their answers) are each validated and
advised once, "what would change the answer" included, as a new request to the API is; the same is timed
on the full path that re-runs the advisor once per tried value (the way it was computed before issue 14,
kept as the reference the tests compare with) on the first ``--reference`` of them. Wall time and this
process's processor time are both shown (the processor time does not count other programs on a shared
machine). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from situation_space import distinct_situations

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin" / "seamline"


def _timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def _per_item(fn: Callable[[Any], Any], items: list[Any]) -> tuple[float, float]:
    """(wall ms, processor ms) per item, each item once."""
    wall, cpu = time.perf_counter(), time.process_time()
    for item in items:
        fn(item)
    n = max(1, len(items))
    return 1000 * (time.perf_counter() - wall) / n, 1000 * (time.process_time() - cpu) / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--distinct", type=int, default=2000, help="distinct situations advised once each")
    parser.add_argument("--reference", type=int, default=200, help="of them, also on the full path")
    parser.add_argument("--no-cli", action="store_true", help="skip the CLI start-up figures")
    args = parser.parse_args()

    from seamline.advisor import advise, engine
    from seamline.advisor.explain import would_change
    from seamline.knowledge import load_knowledge
    from seamline.situation import Situation, load_situation, parse_situation

    start = time.perf_counter()
    kb = load_knowledge()
    print(f"knowledge load (cold): {1000 * (time.perf_counter() - start):.1f} ms")

    bodies = distinct_situations(args.distinct + 200)
    warm, bodies = bodies[:200], bodies[200:]
    for body in warm:  # imports, compiled knowledge, allocator: not part of a steady-state request
        advise(parse_situation(body, criteria=kb.criterion_ids), kb).to_json()

    def fast(body: dict[str, Any]) -> None:
        advise(parse_situation(body, criteria=kb.criterion_ids), kb).to_json()

    def core(body: dict[str, Any]) -> None:
        advise(parse_situation(body, criteria=kb.criterion_ids), kb, explain_changes=False).to_json()

    def full(body: dict[str, Any]) -> None:
        situation: Situation = parse_situation(body, criteria=kb.criterion_ids)
        current = engine._evaluate(situation, kb)
        changes = would_change(situation, kb, current, evaluate=engine._evaluate)
        current.model_copy(update={"would_change": changes}).to_json()

    n = len(bodies)
    wall, cpu = _per_item(fast, bodies)
    print(
        f"distinct situations, advise + would_change + to_json: {wall:.2f} ms wall, {cpu:.2f} ms CPU each "
        f"({n})"
    )
    wall, cpu = _per_item(core, bodies)
    print(f"distinct situations, ranking only + to_json:           {wall:.2f} ms wall, {cpu:.2f} ms CPU each")
    ref = bodies[: args.reference]
    if ref:
        wall, cpu = _per_item(full, ref)
        print(
            f"distinct situations, full path (advisor per tried value): {wall:.2f} ms wall, {cpu:.2f} ms CPU "
            f"each ({len(ref)})"
        )

    files = [
        p
        for p in sorted((ROOT / "examples").glob("*.yaml"))
        if not any(k in p.name for k in ("vendor", "portfolio"))
    ]
    situations = [load_situation(p, kb.criterion_ids) for p in files]
    every = _timed(lambda: [advise(s, kb) for s in situations], 20)
    ranking = _timed(lambda: [advise(s, kb, explain_changes=False) for s in situations], 20)
    k = len(situations)
    print(
        f"examples, advise with would_change: median {1000 * statistics.median(every) / k:.2f} ms each ({k})"
    )
    print(f"examples, ranking only:             median {1000 * statistics.median(ranking) / k:.3f} ms each")
    if args.no_cli:
        return
    if BIN.exists():
        help_runs = _timed(lambda: subprocess.run([str(BIN), "--help"], capture_output=True, check=True), 5)
        adv_runs = _timed(
            lambda: subprocess.run(
                [str(BIN), "advise", str(files[0]), "--json"], capture_output=True, check=True
            ),
            5,
        )
        print(f"CLI start-up (seamline --help): median {1000 * statistics.median(help_runs):.0f} ms")
        print(f"CLI advise --json end to end:   median {1000 * statistics.median(adv_runs):.0f} ms")
    else:
        print(f"no {BIN}: run `make install` for the CLI figures", file=sys.stderr)


if __name__ == "__main__":
    main()
