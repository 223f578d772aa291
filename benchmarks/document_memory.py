"""Peak memory and time of ``seamline check`` on long text files, each in a fresh process.

    .venv/bin/python benchmarks/document_memory.py [SIZE_MB ...]     (default: 1 5 10 19)

The texts are the contract fixtures repeated (scripts/make_hostile_documents.py); a one-page contract gives
the process's own baseline. Memory per MB of text is (peak - baseline) / size. Issue 13's starting point:
19 MB took 2.2 GB and 16 s (about 115 MB per MB of text); the goal is under 1 GB.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from harness import SEAMLINE, hostile_corpus, run_measured

hostile = hostile_corpus()


def measure(path: Path) -> tuple[float, float, int]:
    """(peak resident MB, seconds, exit code) of ``seamline check PATH --json`` in a fresh process."""
    run = run_measured([SEAMLINE, "check", str(path), "--json"])
    return run.rss_mb, run.seconds, run.code


def main(sizes: list[float]) -> None:
    text = hostile._contract_text()
    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "one_page.txt"
        small.write_text(text[:4000], encoding="utf-8")
        base, base_s, _ = measure(small)
        print(f"{'text':>8} {'peak RSS':>10} {'time':>8} {'MB per MB of text':>18}")
        print(f"{'4 KB':>8} {base:>8.0f} MB {base_s:>6.1f} s {'(baseline)':>18}")
        for mb in sizes:
            path = Path(tmp) / f"text_{mb:g}mb.txt"
            path.write_bytes(hostile._repeat_to(text, int(mb * hostile.MB)))
            peak, seconds, code = measure(path)
            per = (peak - base) / mb
            status = "" if code == 0 else f"  (exit {code})"
            print(f"{mb:>5g} MB {peak:>8.0f} MB {seconds:>6.1f} s {per:>18.1f}{status}")
            path.unlink()


if __name__ == "__main__":
    main([float(a) for a in sys.argv[1:]] or [1, 5, 10, 19])
