"""Measure the check on a labelled corpus (CUAD's layout): document-level presence per CUAD category.

Every contract goes through the whole pipeline (read the ``.txt``, segment, classify, detect the model,
build every finding); a CUAD category counts as found when its finding is not ``missing``. Contracts the
shipped classifier was trained on are left out unless asked for, so the default figures are held-out ones.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from seamline.contracts.corpus import read_labels

Progress = Callable[[int, int], None]


def _found(path: str) -> dict[str, bool]:
    from seamline.contracts.check import check_contract

    report = check_contract(path)
    return {f.cuad: f.status != "missing" for f in report.findings if f.cuad}


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def evaluate_corpus(
    root: Path,
    *,
    include_training: bool = False,
    workers: int = 1,
    on_progress: Progress | None = None,
) -> dict[str, Any]:
    """Per-category precision/recall/F1/support, macro-F1 (categories with support), contracts/s."""
    from seamline.contracts.catalogue import load_checklist, load_signals
    from seamline.contracts.check import check_text
    from seamline.contracts.classify import load_model
    from seamline.knowledge import load_knowledge

    model = load_model()  # loaded (and the patterns compiled) before the workers fork, so they share it
    load_knowledge()
    load_signals()
    check_text("Warm-up. The vendor shall provide software development services through engineers.")
    categories = [i.cuad for i in load_checklist().items if i.cuad]
    docs = read_labels(root)
    kept = [d for d in docs if include_training or d.id not in model.training_ids]
    paths = [str(d.path) for d in kept]
    total = len(paths)
    results: list[dict[str, bool]] = []
    start = time.perf_counter()
    if workers > 1 and total > 1:
        import multiprocessing as mp

        with mp.get_context("fork").Pool(workers) as pool:
            for found in pool.imap(_found, paths, chunksize=4):
                results.append(found)
                if on_progress:
                    on_progress(len(results), total)
    else:
        for path in paths:
            results.append(_found(path))
            if on_progress:
                on_progress(len(results), total)
    elapsed = time.perf_counter() - start

    per_cat: dict[str, dict[str, float | int]] = {}
    for cat in categories:
        tp = sum(1 for d, r in zip(kept, results, strict=True) if d.present(cat) and r.get(cat, False))
        fp = sum(1 for d, r in zip(kept, results, strict=True) if not d.present(cat) and r.get(cat, False))
        fn = sum(1 for d, r in zip(kept, results, strict=True) if d.present(cat) and not r.get(cat, False))
        p, r_, f = prf(tp, fp, fn)
        per_cat[cat] = {
            "precision": round(p, 4),
            "recall": round(r_, 4),
            "f1": round(f, 4),
            "support": tp + fn,
        }
    scored = [c["f1"] for c in per_cat.values() if c["support"]]
    return {
        "categories": per_cat,
        "macro_f1": round(sum(scored) / len(scored), 4) if scored else 0.0,
        "docs_per_second": round(total / elapsed, 2) if elapsed > 0 else 0.0,
        "documents": total,
        "skipped_training": len(docs) - total,
        "workers": workers,
        "seconds": round(elapsed, 2),
    }
