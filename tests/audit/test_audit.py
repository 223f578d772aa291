"""The audit of a folder: its files and their keys, the figures, the report's escaping, the CLI summary."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from seamline.audit import read_audit, run_audit

from .conftest import NAMES, records

KEYS = (
    "documents",
    "by_type",
    "detected_vs_claimed",
    "mislabel_candidates",
    "missing_protections",
    "vendors",
    "ending_soon",
    "review_flags",
)


def test_a_folder_audit_writes_every_file_with_its_keys(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_audit(repo, out, workers=2, as_of=date(2026, 6, 1))
    assert [p.name for p in result.files] == ["documents.jsonl", "audit.json", "audit.html", "audit.pdf"]
    recs = records(out / "documents.jsonl")
    assert sorted(r["path"] for r in recs) == sorted(
        ["sub/managed_services.txt", *(n for n in NAMES if n != "managed_services.txt")]
    )
    audit, docs = read_audit(out)
    assert all(k in audit for k in KEYS)
    assert audit["documents"]["total"] == len(NAMES) == audit["documents"]["checked"]
    assert sum(audit["by_type"].values()) == len(NAMES)
    assert sum(sum(r.values()) for r in audit["detected_vs_claimed"].values()) == len(NAMES)
    assert sorted(d["path"] for d in docs) == sorted(r["path"] for r in recs)
    for c in audit["mislabel_candidates"]:
        assert {"path", "claimed", "detected", "value_at_risk", "evidence"} <= set(c)
        assert c["claimed"] != c["detected"]
    # the mislabelled fixture (sold as a managed service, buys named engineers by the hour) is a candidate
    paths = {c["path"] for c in audit["mislabel_candidates"]}
    assert "mislabel_managed_named_engineers.txt" in paths
    rec = next(r for r in recs if r["path"] == "mislabel_managed_named_engineers.txt")
    assert rec["summary"]["mislabel"]["kind"] == "model"
    assert rec["check"]["findings"] and rec["check"]["path"] == rec["path"]
    assert (out / "audit.pdf").read_bytes().startswith(b"%PDF")
    html = (out / "audit.html").read_text(encoding="utf-8")
    assert "mislabel_managed_named_engineers.txt" in html and "data:image/png;base64," in html


def test_metadata_drives_value_at_risk_vendors_ending_soon_and_review(repo: Path, tmp_path: Path) -> None:
    manifest = repo / "m.csv"
    manifest.write_text(
        "path,vendor,annual_value,currency,start_date,end_date,owner\n"
        "mislabel_managed_named_engineers.txt,Blue <b>Shop</b>,250000,EUR,2023-01-01,2026-08-15,Ana\n"
        "mislabel_sow_staff_aug.txt,Gray & Co,90000,EUR,2025-01-01,2026-11-01,\n"
        "staff_augmentation.md,Blue <b>Shop</b>,120000,EUR,2024-01-01,,\n"
        "nda.txt,,,,,2026-07-01,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    run_audit(manifest, out, workers=2, as_of=date(2026, 6, 1))
    audit = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    cands = audit["mislabel_candidates"]
    values = [c["value_at_risk"] for c in cands if c["value_at_risk"] is not None]
    assert values == sorted(values, reverse=True) and values
    assert cands[0]["currency"] == "EUR"
    ending = {e["path"]: e for e in audit["ending_soon"]}
    assert ending["nda.txt"]["within_days"] == 90 and ending["nda.txt"]["days_left"] == 30
    assert ending["mislabel_managed_named_engineers.txt"]["within_days"] == 90
    assert ending["mislabel_sow_staff_aug.txt"]["within_days"] == 180
    assert audit["ending_soon_totals"]["90"]["documents"] == 2
    assert audit["ending_soon_totals"]["180"]["documents"] == 3
    blue = next(v for v in audit["vendors"] if v["vendor"] == "Blue <b>Shop</b>")
    assert blue["documents"] == 2 and blue["annual_value"] == {"EUR": 370000.0}
    # staff augmentation running for over a year (since 2024 with no end: to --as-of) is flagged, longest
    # first; every flag says it is no legal ruling
    flags = {f["path"]: f for f in audit["review_flags"]}
    assert flags["staff_augmentation.md"]["months"] == 29.0
    assert [f["months"] for f in audit["review_flags"]] == sorted(flags[p]["months"] for p in flags)[::-1]
    assert "nda.txt" not in flags
    for flag in audit["review_flags"]:
        assert flag["detected"] in audit["thresholds"]["review_models"]["value"]
        assert flag["months"] >= audit["thresholds"]["review_min_months"]["value"]
        assert "not a legal ruling" in flag["text"] and flag["sources"]
    assert audit["thresholds"]["review_min_months"]["source"] == "seamline-assumption"
    html = (out / "audit.html").read_text(encoding="utf-8")
    assert "<b>Shop</b>" not in html and "Blue &lt;b&gt;Shop&lt;/b&gt;" in html
    assert "Gray &amp; Co" in html


def test_review_threshold_and_horizons_can_be_overridden(repo: Path, tmp_path: Path) -> None:
    manifest = repo / "m.csv"
    manifest.write_text(
        "path,start_date,end_date\nstaff_augmentation.md,2026-01-01,2026-07-01\n", encoding="utf-8"
    )
    rec_out = tmp_path / "a"
    run_audit(manifest, rec_out, workers=1, as_of=date(2026, 6, 1), report=False)
    detected = records(rec_out / "documents.jsonl")[0]["summary"]["detected"]
    base = json.loads((rec_out / "audit.json").read_text(encoding="utf-8"))
    assert base["review_flags"] == []  # six months is under the default
    run_audit(
        manifest, rec_out, workers=1, as_of=date(2026, 6, 1), report=False, review_months=3, horizons=[45]
    )
    audit = json.loads((rec_out / "audit.json").read_text(encoding="utf-8"))
    assert audit["thresholds"]["review_min_months"] == {
        "value": 3,
        "source": "user",
        "note": "--review-months",
    }
    assert detected == "staff_augmentation"
    assert [f["path"] for f in audit["review_flags"]] == ["staff_augmentation.md"]
    assert list(audit["ending_soon_totals"]) == ["45"]
    assert audit["ending_soon"][0]["within_days"] == 45


def test_the_cli_prints_a_summary(cli, repo: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    run = cli("audit", str(repo), "--out", str(out), "--as-of", "2026-06-01", "--no-report", "--workers", "1")
    assert run.code == 0, run.err
    assert f"{len(NAMES)} documents: {len(NAMES)} checked, 0 unreadable" in run.out
    assert "mislabel candidates:" in run.out and "not a legal ruling" in run.out
    assert not (out / "audit.pdf").exists()
    run = cli("audit", str(repo), "--out", str(out), "--as-of", "2026-06-01", "--no-report")
    assert f"0 in this run, {len(NAMES)} already in" in run.out


def test_an_out_folder_of_another_source_is_refused_unless_restarted(cli, repo: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    assert cli("audit", str(repo), "--out", str(out), "--no-report", "--workers", "1").code == 0
    manifest = repo / "one.csv"
    manifest.write_text("path\nnda.txt\n", encoding="utf-8")
    run = cli("audit", str(manifest), "--out", str(out), "--no-report")
    assert run.code == 2
    assert f"holds {len(NAMES) - 1} document(s) that one.csv does not name" in run.err
    run = cli("audit", str(manifest), "--out", str(out), "--no-report", "--restart")
    assert run.code == 0, run.err
    assert [r["path"] for r in records(out / "documents.jsonl")] == ["nda.txt"]
