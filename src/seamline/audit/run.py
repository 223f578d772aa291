"""Check every document of an audit, on a local process pool or a Dask cluster, into ``documents.jsonl``.

The output is written by this process only, one record at a time, each line appended, flushed and fsynced
before the next: a run killed at any moment (``kill -9`` included) leaves every finished record on disk
and at most one line cut short, which the next run drops. The next run skips every path already recorded
(resume keyed by the record's ``path``, as ``seamline scan`` does), so each document ends up in the output
exactly once.

The local pool is the one ``seamline scan`` uses (:func:`seamline.contracts.scan.run_in_workers`): one
forked process per worker, one document at a time each, a dead worker costing only its document (tried
once more, then recorded as failed), each worker's memory bounded. ``scheduler`` runs the same
per-document function (:func:`audit_document`) on a Dask distributed cluster instead; the workers need
seamline installed and the documents at the same paths (a shared drive). Dask is imported only then.
Either way the records are the same: the check result is a pure function of the document, the claimed
model and the knowledge base.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from seamline.audit.manifest import Item, items, validate
from seamline.errors import SeamlineError

DOCUMENTS_FILE = "documents.jsonl"
RECORD_VERSION = 1  # documents.jsonl's record shape (docs/audit.md); additions never bump it
_memory_note = "(over the memory a worker may use; raise it with --worker-memory)"


@dataclass(frozen=True)
class RunSummary:
    total: int  # documents the source names
    checked: int  # checked in this run
    errors: int  # recorded as unreadable (or failed) in this run
    skipped: int  # already in documents.jsonl from an earlier run


def audit_document(item: Item, knowledge: str | None = None) -> dict[str, Any]:
    """The record of one document: its path, manifest row and metadata, the full check result (or the
    reason it could not be checked) and a summary the aggregation and the web app read. Never raises."""
    from seamline.audit.aggregate import summarise
    from seamline.contracts.check import check_contract

    rec: dict[str, Any] = {
        "path": item.path,
        "row": item.row,
        "metadata": item.metadata,
        "error": None,
        "check": None,
    }
    try:
        report = check_contract(item.file, claimed=item.metadata.get("claimed_model"), knowledge=knowledge)
        check = report.to_json()
        check["path"] = item.path  # the audit's own name for it, not where this machine read it
        rec["check"] = check
    except SeamlineError as exc:
        rec["error"] = _message(item, str(exc))
    except MemoryError:
        rec["error"] = _message(item, f"ran out of memory while checking it {_memory_note}")
    except Exception as exc:  # one bad document must never stop the run
        rec["error"] = _message(item, f"internal error: {type(exc).__name__}: {exc}")
    rec["summary"] = summarise(rec, knowledge)
    return rec


def _message(item: Item, text: str) -> str:
    """An error that names the manifest row (a folder's document is named by its path)."""
    text = text.replace(item.file, item.path)  # the same message wherever the document was read
    if item.row is None:
        return text if text.startswith(item.path) else f"{item.path}: {text}"
    return f"{item.where}: {text}"


def _died(item: Item, why: str) -> dict[str, Any]:
    from seamline.audit.aggregate import summarise

    rec: dict[str, Any] = {
        "path": item.path,
        "row": item.row,
        "metadata": item.metadata,
        "error": _message(item, why),
        "check": None,
    }
    rec["summary"] = summarise(rec)
    return rec


def audit_records(
    source: Path,
    out_dir: Path,
    *,
    workers: int = 2,
    scheduler: str | Any | None = None,
    knowledge: Path | str | None = None,
    worker_memory_mb: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> RunSummary:
    """Check every document of ``source`` not yet in ``out_dir/documents.jsonl`` and append its record.

    ``scheduler``: a Dask scheduler address (``tcp://host:8786``) or a ``distributed.Client``; None runs
    the local pool of ``workers`` processes. A bad manifest raises before anything is written."""
    from seamline.contracts.scan import DEFAULT_WORKER_MEMORY_MB, _done_paths

    total = validate(source)
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / DOCUMENTS_FILE
    done = _done_paths(out, key=str)
    if done:
        stale = len(done - {it.path for it in items(source)})
        if stale:
            raise SeamlineError(
                f"{out}: holds {stale} document(s) that {source.name} does not name (an audit of another "
                "source?); use --restart to start afresh, or another --out"
            )
    skipped = len(done)
    todo = (it for it in items(source) if it.path not in done)
    know = str(Path(knowledge).resolve()) if knowledge is not None else None
    counts = {"checked": 0, "errors": 0}
    remaining = total - skipped
    if on_progress:
        on_progress(0, remaining)
    from seamline.contracts.scan import _record_line

    with out.open("a", encoding="utf-8") as fh:

        def record(rec: dict[str, Any]) -> None:
            fh.write(_record_line(rec) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
            counts["errors" if rec.get("error") else "checked"] += 1
            if on_progress:
                on_progress(counts["checked"] + counts["errors"], remaining)

        if remaining:
            if scheduler is not None:
                _run_on_dask(todo, scheduler, know, record)
            else:
                memory = DEFAULT_WORKER_MEMORY_MB if worker_memory_mb is None else worker_memory_mb
                _run_locally(todo, know, workers, memory, record)
    return RunSummary(total=total, checked=counts["checked"], errors=counts["errors"], skipped=skipped)


def _run_locally(
    todo: Iterator[Item],
    knowledge: str | None,
    workers: int,
    memory_mb: int,
    record: Callable[[dict[str, Any]], None],
) -> None:
    from seamline.contracts.check import check_text
    from seamline.contracts.scan import WORKER_DIED, _can_fork, run_in_workers

    def work(item: Item) -> dict[str, Any]:
        return audit_document(item, knowledge)

    if not _can_fork():
        for item in todo:
            record(work(item))
        return
    check_text("Warm-up.", knowledge=knowledge)  # load the knowledge and the classifier before the fork
    run_in_workers(todo, work, lambda item: _died(item, WORKER_DIED), max(1, workers), memory_mb, record)


def _run_on_dask(
    todo: Iterable[Item],
    scheduler: str | Any,
    knowledge: str | None,
    record: Callable[[dict[str, Any]], None],
) -> None:
    """Submit the documents to a Dask cluster, a bounded number in flight (memory stays flat whatever the
    repository's size), and record each result as it completes."""
    try:
        from distributed import Client, as_completed
    except ImportError:  # pragma: no cover - a core dependency
        raise SeamlineError(
            "--scheduler: Dask distributed is not installed (pip install 'dask[distributed]')"
        ) from None
    own = not hasattr(scheduler, "submit")
    try:
        client: Any = Client(scheduler, timeout="10s") if own else scheduler
    except (OSError, TimeoutError, ValueError) as exc:
        raise SeamlineError(
            f"--scheduler: cannot reach the Dask scheduler at {scheduler!r} ({exc})"
        ) from None
    try:
        threads = max(1, sum(client.nthreads().values()))
        window = 4 * threads
        source = iter(todo)
        flying: dict[Any, Item] = {}
        pending = as_completed()

        def submit() -> bool:
            item = next(source, None)
            if item is None:
                return False
            future = client.submit(audit_document, item, knowledge, pure=False)
            flying[future] = item
            pending.add(future)
            return True

        for _ in range(window):
            if not submit():
                break
        for future in pending:
            item = flying.pop(future)
            try:
                rec = future.result()
            except Exception as exc:  # a worker lost (KilledWorker) or a cancelled task: its record says so
                rec = _died(item, f"the Dask worker checking it failed ({type(exc).__name__}: {exc})")
            future.release()
            record(rec)
            submit()
    finally:
        if own:
            client.close()
