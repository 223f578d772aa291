"""How fast the advisor answers: CLI start-up, one advise with and without "what would change", per example.

Run: .venv/bin/python benchmarks/advise_speed.py
Prints figures; asserts nothing.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin" / "seamline"


def _timed(fn, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    from seamline.advisor import advise
    from seamline.knowledge import load_knowledge
    from seamline.situation import load_situation

    start = time.perf_counter()
    kb = load_knowledge()
    print(f"knowledge load (cold): {1000 * (time.perf_counter() - start):.1f} ms")
    files = [
        p
        for p in sorted((ROOT / "examples").glob("*.yaml"))
        if not any(k in p.name for k in ("vendor", "portfolio"))
    ]
    situations = [load_situation(p, kb.criterion_ids) for p in files]
    full = _timed(lambda: [advise(s, kb) for s in situations], 20)
    core = _timed(lambda: [advise(s, kb, explain_changes=False) for s in situations], 20)
    n = len(situations)
    per = 1000 * statistics.median(full) / n
    print(f"advise with would_change: median {per:.2f} ms per situation ({n} examples)")
    print(f"advise ranking only:      median {1000 * statistics.median(core) / n:.3f} ms per situation")
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
