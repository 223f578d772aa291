"""A small real audit for the web tests: six documents of the engagement corpus (../shared/data) and one
listed but missing, behind a manifest that names two vendors, annual values and dates, audited by the
engine into a folder."""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEXTS = ROOT.parent / "shared" / "data" / "engagements" / "texts"
AS_OF = date(2026, 12, 31)
# (document, vendor, annual value, start date, end date): two vendors, values on both sides of 100,000
ROWS = [
    ("syn-mis-01-managed-devops-really-named-hourly.txt", "Northwind", "480000", "2026-06-01", "2027-02-15"),
    ("syn-mis-02-staff-aug-really-fixed-migration.txt", "Northwind", "120000", "", ""),
    ("cuad-aduro-hourly-scientific-consultant.txt", "Northwind", "", "", ""),
    ("syn-mis-03-dedicated-team-really-staff-aug.txt", "Kestrel", "260000", "2025-01-06", "2027-05-30"),
    ("syn-mis-04-strategic-partnership-really-dedicated-team.txt", "Kestrel", "90000", "", ""),
    ("syn-mis-05-professional-services-really-referral.txt", "Kestrel", "45000", "", ""),
    ("gone.txt", "Kestrel", "", "", ""),  # listed, never copied: recorded as unreadable
]


def make_audit(folder: Path) -> Path:
    """Copy the documents, write the manifest, run the audit (one local worker, no report); the audit's
    output folder."""
    if not TEXTS.is_dir():
        pytest.skip(f"{TEXTS} is not here (the shared corpus)")
    from seamline.audit import run_audit

    docs = folder / "repository"
    docs.mkdir(parents=True, exist_ok=True)
    with (docs / "manifest.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["path", "vendor", "annual_value", "currency", "start_date", "end_date", "owner"])
        for name, vendor, value, start, end in ROWS:
            if (TEXTS / name).exists():
                shutil.copy(TEXTS / name, docs / name)
            writer.writerow([name, vendor, value, "EUR" if value else "", start, end, "procurement"])
    out = folder / "audit"
    run_audit(docs / "manifest.csv", out, workers=1, as_of=AS_OF, report=False)
    return out


@pytest.fixture(scope="session")
def audit_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small audit's output folder (audited once per test session)."""
    return make_audit(tmp_path_factory.mktemp("audit"))


def store_audit(app: Any, out: Path, workspace_id: int | None = None, name: str = "Q4 audit") -> int:
    """Store the audit in ``out`` in a workspace of ``app``'s database (the local one by default); its id."""
    from seamline.audit import read_audit
    from seamline.store.audits import AuditStore
    from seamline.store.tables import LOCAL_WORKSPACE_ID

    engine = app.state.store.engine
    store = AuditStore(engine, workspace_id=workspace_id or LOCAL_WORKSPACE_ID, user_id=None, role="owner")
    audit, documents = read_audit(out)
    return store.save_audit(audit, documents, name=name).id
