"""How long a decision document takes: build (advise + Monte Carlo + charts) and each format's render.

Run: .venv/bin/python benchmarks/report_render.py [TRIALS]
Prints figures for every example situation (default trials from knowledge/brief.yaml); asserts nothing.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    from pypdf import PdfReader

    from seamline.knowledge import load_knowledge
    from seamline.report import FORMATS, build_document, render
    from seamline.report.brief import load_brief_knowledge
    from seamline.situation import load_situation

    kb = load_knowledge()
    trials = int(sys.argv[1]) if len(sys.argv) > 1 else load_brief_knowledge().document.trials.value
    situations = []
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        try:
            situations.append((path.stem, load_situation(path, kb.criterion_ids)))
        except Exception:  # portfolio and vendor files are not situations
            continue
    build_document(situations[0][1], kb, trials=100)  # warm imports (matplotlib, numpy, weasyprint below)
    render(build_document(situations[0][1], kb, trials=100), "pdf")
    times: dict[str, list[float]] = {"build": [], **{f: [] for f in FORMATS}}
    print(f"{trials:,} trials per document; seconds per step")
    print(f"{'situation':36} {'build':>6} " + " ".join(f"{f:>6}" for f in FORMATS) + "  pages  pdf kB")
    for name, situation in situations:
        start = time.perf_counter()
        doc = build_document(situation, kb, trials=trials)
        times["build"].append(time.perf_counter() - start)
        row = [times["build"][-1]]
        pdf = b""
        for fmt in FORMATS:
            start = time.perf_counter()
            data = render(doc, fmt)
            times[fmt].append(time.perf_counter() - start)
            row.append(times[fmt][-1])
            if fmt == "pdf":
                pdf = data
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        print(f"{name:36} " + " ".join(f"{t:6.2f}" for t in row) + f"  {pages:5d}  {len(pdf) / 1024:6.0f}")
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"{'median':36} " + " ".join(f"{med[k]:6.2f}" for k in times))
    total = med["build"] + sum(med[f] for f in FORMATS)
    print(f"median full render (build + all four formats): {total:.2f} s")


if __name__ == "__main__":
    main()
