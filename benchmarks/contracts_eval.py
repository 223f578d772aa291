"""Contract check on the held-out part of CUAD: macro-F1 and throughput (prints figures, not a test).

    .venv/bin/python benchmarks/contracts_eval.py [--data ../shared/data/cuad] [--workers 1 2]

Held-out part: the contracts whose sha256(id) % 100 < 28 (seamline.contracts.corpus.is_held_out), never
trained or tuned on. Throughput covers the whole pipeline: read the .txt, segment, classify, detect the
engagement model, build every finding. Also prints where one worker spends its time.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def stage_times(data: Path, limit: int = 40) -> dict[str, float]:
    from seamline.contracts import learn
    from seamline.contracts.catalogue import load_checklist, load_document_types, load_signals
    from seamline.contracts.check import findings_for
    from seamline.contracts.classify import load_model
    from seamline.contracts.corpus import is_held_out, read_labels
    from seamline.contracts.detect import detect
    from seamline.contracts.ingest import read_document
    from seamline.contracts.patterns import ClauseIndex
    from seamline.contracts.segment import segment

    model, checklist, signals = load_model(), load_checklist(), load_signals()
    types, artefact = load_document_types(), learn.load()
    docs = [d for d in read_labels(data) if is_held_out(d.id)][:limit]
    totals = {
        "read": 0.0,
        "segment + index": 0.0,
        "document type, parties, model": 0.0,
        "findings (classifier + patterns)": 0.0,
    }
    for doc in docs:
        t0 = time.perf_counter()
        text = read_document(doc.path).text
        t1 = time.perf_counter()
        clauses = segment(text)
        index = ClauseIndex(clauses)
        t2 = time.perf_counter()
        detected = detect(text, clauses, signals, types, artefact, index)
        t3 = time.perf_counter()
        findings_for(index, checklist, model, detected.model)
        t4 = time.perf_counter()
        for key, dt in zip(totals, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
            totals[key] += dt
    return {k: 1000 * v / max(1, len(docs)) for k, v in totals.items()}


def main() -> None:
    from seamline.contracts.evaluate import evaluate_corpus

    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=ROOT / ".." / "shared" / "data" / "cuad")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args()
    for workers in args.workers:
        result = evaluate_corpus(args.data, workers=workers)
        print(
            f"workers={workers}: {result['documents']} held-out contracts, "
            f"macro-F1 {result['macro_f1']:.3f}, "
            f"{result['docs_per_second']:.1f} contracts/s ({result['seconds']:.1f} s)"
        )
    low = {k: v["f1"] for k, v in result["categories"].items() if v["support"] >= 5 and v["f1"] < 0.7}
    print(f"categories with >= 5 positives below F1 0.70: {low or 'none'}")
    print("per-contract time by stage (ms, one worker):")
    for stage, ms in stage_times(args.data).items():
        print(f"  {stage:34s} {ms:7.1f}")


if __name__ == "__main__":
    main()
