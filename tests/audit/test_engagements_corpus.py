"""The audit of the engagement corpus (../shared/data/engagements): every document whose labelled model
differs from the model it claims is a mislabel candidate, unless the check itself missed what the labels
say (it did not read the claim, or detected another model); those misses are counted and reported."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from seamline.audit import read_audit, run_audit

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "data" / "engagements"
ENGAGEMENT_TYPES = ("engagement", "master_terms")

pytestmark = pytest.mark.skipif(not (CORPUS / "labels.yaml").exists(), reason="no engagement corpus")


def test_mislabelled_documents_are_candidates_unless_detection_misses_them(tmp_path: Path) -> None:
    labels = yaml.safe_load((CORPUS / "labels.yaml").read_text(encoding="utf-8"))
    mislabelled = {f"{e['slug']}.txt": e for e in labels if e["claimed"] and e["claimed"] != e["labels"][0]}
    assert mislabelled, "the corpus lists mislabelled documents"
    out = tmp_path / "out"
    run_audit(CORPUS / "texts", out, workers=2, as_of=date(2026, 1, 1), report=False)
    audit, documents = read_audit(out)
    candidates = {c["path"] for c in audit["mislabel_candidates"]}
    summaries = {d["path"]: d["summary"] for d in documents if d["path"] in mislabelled}
    found, missed = [], []
    for path, entry in sorted(mislabelled.items()):
        s = summaries[path]
        truth = entry["labels"][0]
        read_claim = s["claimed"] == entry["claimed"]
        read_model = (
            s["detected"] == truth
            if truth is not None
            else s["detected"] is None and s["document_type"] not in ENGAGEMENT_TYPES
        )
        if path in candidates:
            found.append(path)
        elif read_claim and read_model:
            pytest.fail(f"{path}: the check read the claim and the model right, yet it is no candidate")
        else:
            missed.append(path)
    print(
        f"mislabelled documents: {len(mislabelled)}; candidates: {len(found)}; missed by detection: "
        f"{len(missed)} ({', '.join(missed)})"
    )
    assert len(found) + len(missed) == len(mislabelled)
    assert len(found) >= len(mislabelled) / 2, (found, missed)
