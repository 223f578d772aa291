"""Audit a whole contract repository: every document checked, the answers a buyer needs across all of them.

Public API (docs/audit.md describes both files' schema)::

    from seamline.audit import run_audit, read_audit
    result = run_audit(Path("contracts/"), Path("out/"))          # or a manifest .csv / .jsonl
    audit, documents = read_audit(Path("out/"))                   # dict, iterator of document dicts

``run_audit`` checks every document not yet in ``out/documents.jsonl`` (on a local process pool, or a Dask
cluster with ``scheduler=``), then folds the records into ``out/audit.json`` and renders ``audit.html`` and
``audit.pdf``. It resumes after an interruption: documents already recorded are not checked again.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from seamline.errors import InputFileError

__all__ = [
    "AUDIT_FILE",
    "DOCUMENTS_FILE",
    "HTML_FILE",
    "PDF_FILE",
    "AuditResult",
    "read_audit",
    "run_audit",
]

AUDIT_FILE = "audit.json"
DOCUMENTS_FILE = "documents.jsonl"
HTML_FILE = "audit.html"
PDF_FILE = "audit.pdf"


@dataclass(frozen=True)
class AuditResult:
    audit: dict[str, Any]
    total: int  # documents the source names
    checked: int  # checked in this run
    errors: int  # unreadable in this run
    skipped: int  # recorded by an earlier run (resumed)
    files: list[Path]


def run_audit(
    source: Path,
    out_dir: Path,
    *,
    workers: int = 2,
    scheduler: str | Any | None = None,
    as_of: date | None = None,
    knowledge: Path | str | None = None,
    horizons: list[int] | None = None,
    review_months: float | None = None,
    worker_memory_mb: int | None = None,
    report: bool = True,
    on_progress: Callable[[int, int], None] | None = None,
) -> AuditResult:
    """Audit ``source`` (a folder or a manifest) into ``out_dir``; see the module's docstring."""
    from seamline.audit.aggregate import aggregate
    from seamline.audit.run import audit_records
    from seamline.audit.thresholds import load_thresholds

    thresholds = load_thresholds(knowledge, horizons=horizons, review_months=review_months)
    summary = audit_records(
        source,
        out_dir,
        workers=workers,
        scheduler=scheduler,
        knowledge=knowledge,
        worker_memory_mb=worker_memory_mb,
        on_progress=on_progress,
    )
    audit = aggregate(
        out_dir / DOCUMENTS_FILE, thresholds, as_of or date.today(), source=_source_name(source)
    )
    files = [out_dir / DOCUMENTS_FILE, out_dir / AUDIT_FILE]
    _write(out_dir / AUDIT_FILE, (json.dumps(audit, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    if report:
        from seamline.audit.report import render_audit_html, render_audit_pdf

        _write(out_dir / HTML_FILE, render_audit_html(audit).encode("utf-8"))
        _write(out_dir / PDF_FILE, render_audit_pdf(audit))
        files += [out_dir / HTML_FILE, out_dir / PDF_FILE]
    return AuditResult(
        audit=audit,
        total=summary.total,
        checked=summary.checked,
        errors=summary.errors,
        skipped=summary.skipped,
        files=files,
    )


def _source_name(source: Path) -> str:
    return source.name or str(source)


def _write(path: Path, data: bytes) -> None:
    """Write through a temporary file, so a reader never sees half a file."""
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def read_audit(out_dir: Path | str) -> tuple[dict[str, Any], Iterator[dict[str, Any]]]:
    """An audit written by :func:`run_audit`: the audit.json dict and an iterator over documents.jsonl's
    records (read lazily, one line at a time; a line cut short by an interrupted run is skipped)."""
    from seamline.audit.aggregate import read_records

    out = Path(out_dir)
    audit_path, documents = out / AUDIT_FILE, out / DOCUMENTS_FILE
    try:
        audit = json.loads(audit_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputFileError(
            f"{audit_path}: not found; expected the folder an audit was written to"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputFileError(f"{audit_path}: not a readable audit ({exc})") from None
    if not isinstance(audit, dict):
        raise InputFileError(f"{audit_path}: not an audit (expected a JSON object)")
    if not documents.exists():
        raise InputFileError(f"{documents}: not found; expected it beside {AUDIT_FILE}")
    return audit, read_records(documents)
