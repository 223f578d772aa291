"""Engagement-model check: held-out quality and throughput (prints figures, not a test).

    .venv/bin/python benchmarks/engagements_eval.py [--shared ../shared/data] [--workers 2]

1. Leave-one-source-out figures of the whole pipeline on the engagement corpus plus data/engagements-extra
   (each template family held out in turn, both trained models refitted without it):
   scripts/train_engagements.py --evaluate-only.
2. The shipped weights on every labelled folder (in-sample for the corpus: the weights were trained on
   it), with `seamline eval-engagements`.
3. Non-engagements called engagements by the shipped weights: the ContractNLI NDAs and CUAD's non-service
   contract types (in-sample too; the out-of-fold figure is in step 1's log).
4. Throughput of the whole `check` pipeline on CUAD's held-out part (`seamline eval-contracts`).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SERVICE_TYPES = {"Service", "Outsourcing", "Consulting", "Hosting", "Maintenance", "Development"}


def held_out(shared: Path) -> dict[str, object]:
    out = ROOT / ".bench-loso.json"
    script = str(ROOT / "scripts" / "train_engagements.py")
    command = [sys.executable, script, "--evaluate-only", "--shared", str(shared), "--json", str(out)]
    log = subprocess.run(command, capture_output=True, text=True, check=True)
    line = next((x for x in log.stdout.splitlines() if "typed as engagements (out of fold)" in x), "")
    print(line.strip().split(" [")[0])
    figures: dict[str, object] = json.loads(out.read_text(encoding="utf-8"))
    out.unlink()
    return figures


def non_engagements(shared: Path) -> tuple[int, int]:
    from seamline.contracts.catalogue import ENGAGEMENT_TYPES
    from seamline.contracts.check import check_text

    texts: list[str] = []
    for name in ("dev.json", "train-subset-50.json"):
        path = shared / "contract-nli" / name
        if path.is_file():
            texts += [d["text"] for d in json.loads(path.read_text(encoding="utf-8"))["documents"]]
    for line in (shared / "cuad" / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["contract_type"] not in SERVICE_TYPES:
            texts.append((shared / "cuad" / "texts" / f"{row['id']}.txt").read_text(encoding="utf-8"))
    called = sum(1 for t in texts if check_text(t).detected.document_type in ENGAGEMENT_TYPES)
    return called, len(texts)


def main() -> None:
    from seamline.contracts.engagements import evaluate_engagements
    from seamline.contracts.evaluate import evaluate_corpus

    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=ROOT / ".." / "shared" / "data")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()

    print("1. leave-one-source-out, whole pipeline (corpus + data/engagements-extra):")
    fig = held_out(args.shared)
    print(
        f"   accuracy {fig['accuracy']}, precision when naming {fig['precision_committed']} "
        f"({fig['committed']} named of {fig['documents']}), corpus non-engagements called engagements "
        f"{fig['false_engagement_rate']}"
    )
    for source, row in fig["per_source"].items():  # type: ignore[attr-defined]
        print(f"   {source:14s} {row}")
    print("2. shipped weights (in-sample):")
    for folder in (args.shared / "engagements", ROOT / "data" / "engagements-extra"):
        res = evaluate_engagements(folder, workers=args.workers)
        print(
            f"   {folder.name:20s} accuracy {res['accuracy']}, precision {res['precision_committed']}, "
            f"false engagements {res['false_engagement_rate']}, {res['docs_per_second']} documents/s"
        )
    start = time.perf_counter()
    called, total = non_engagements(args.shared)
    print(
        f"3. ContractNLI NDAs + CUAD non-service types called engagements: {called}/{total} = "
        f"{called / total:.3f} ({total / (time.perf_counter() - start):.0f} documents/s, one process)"
    )
    res = evaluate_corpus(args.shared / "cuad", workers=args.workers)
    print(
        f"4. check pipeline on CUAD's held-out part: {res['docs_per_second']} contracts/s with "
        f"{args.workers} workers; clause macro-F1 {res['macro_f1']}"
    )


if __name__ == "__main__":
    main()
