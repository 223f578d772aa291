"""Check every document of a folder in parallel, appending one JSON line per file.

Resumable: files already recorded in the output (as a report or as an error) are skipped, and a line cut
short by an interrupted run is dropped (the file is rewritten through a temporary file first). A file that
cannot be read becomes an error record; it never stops the batch.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from seamline.contracts.ingest import SUPPORTED
from seamline.errors import InputFileError


@dataclass(frozen=True)
class ScanSummary:
    checked: int
    errors: int
    skipped: int


def _check_one(args: tuple[str, str | None]) -> dict[str, Any]:
    from seamline.contracts.check import check_contract
    from seamline.errors import SeamlineError

    path, claimed = args
    try:
        report = check_contract(path, claimed=claimed)
    except SeamlineError as exc:
        return {"path": path, "error": str(exc)}
    except Exception as exc:  # one bad file must never stop the batch
        return {"path": path, "error": f"internal error: {type(exc).__name__}: {exc}"}
    return {"path": path, **report.to_json()}


def documents_in(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise InputFileError(f"{folder}: not a folder")
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED)


def _done_paths(out: Path) -> set[str]:
    """Paths already in the output; rewrites the file atomically without any line cut short."""
    if not out.exists():
        return set()
    done: set[str] = set()
    good: list[str] = []
    dropped = False
    with out.open(encoding="utf-8") as fh:
        for line in fh:
            try:
                record = json.loads(line)
                done.add(str(record["path"]))
                good.append(line if line.endswith("\n") else line + "\n")
            except (json.JSONDecodeError, KeyError, TypeError):
                dropped = True
    if dropped:
        tmp = out.with_name(out.name + ".tmp")
        tmp.write_text("".join(good), encoding="utf-8")
        os.replace(tmp, out)
    return done


def scan_folder(
    folder: Path,
    out: Path,
    *,
    workers: int = 2,
    claimed: str | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> ScanSummary:
    files = documents_in(folder)
    done = _done_paths(out)
    todo = [str(p) for p in files if str(p) not in done]
    skipped = len(files) - len(todo)
    checked = errors = 0
    total = len(todo)
    if on_progress:
        on_progress(0, total)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("a", encoding="utf-8") as fh:

        def record(rec: dict[str, Any]) -> None:
            nonlocal checked, errors
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            fh.flush()
            if "error" in rec:
                errors += 1
            else:
                checked += 1
            if on_progress:
                on_progress(checked + errors, total)

        jobs = [(p, claimed) for p in todo]
        if workers > 1 and len(jobs) > 1:
            import multiprocessing as mp

            from seamline.contracts.check import check_text

            check_text("Warm-up.")  # load the knowledge and the classifier once, before the workers fork

            with mp.get_context("fork").Pool(workers) as pool:
                for rec in pool.imap_unordered(_check_one, jobs, chunksize=1):
                    record(rec)
        else:
            for job in jobs:
                record(_check_one(job))
    return ScanSummary(checked=checked, errors=errors, skipped=skipped)
