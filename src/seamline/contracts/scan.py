"""Check every document of a folder in parallel, appending one JSON line per file.

Resumable: files already recorded in the output (as a report or as an error) are skipped, and a line cut
short by an interrupted run is dropped (the file is rewritten through a temporary file first). Records are
keyed on the file's canonical path (``Path.resolve()``), so a folder spelled differently (relative, through
a link, ``./x/../x``) resumes the same scan; records written with another spelling are resolved on reading.

A file that cannot be read becomes an error record; it never stops the batch. Each worker is a process of
its own that checks one file at a time, so the scan always knows which file a worker was checking: when a
worker dies (the kernel's out-of-memory killer sends SIGKILL), only that file is affected. It is retried
once in a fresh worker and, if that worker dies too, recorded as an error saying so; the other workers go
on undisturbed, the scan always ends, and every file appears exactly once. Each worker may also be given a
memory bound (``worker_memory_mb``: address space it may add to what it has when it starts), so an
oversized document becomes a "ran out of memory" record rather than a kill.
"""

from __future__ import annotations

import json
import os
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seamline.contracts.ingest import SUPPORTED
from seamline.errors import InputFileError, SeamlineError
from seamline.processes import bound_address_space

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.context import ForkContext, ForkProcess

DEFAULT_WORKER_MEMORY_MB = 4096  # memory a scan worker may add while checking one file; 0 = no bound
WORKER_DIED = "the worker checking it died (killed, perhaps out of memory)"
TRIES = 2  # a file whose worker dies is checked once more in a fresh worker, then recorded as failed

_memory_mb = 0  # this process's bound when it is a worker, named in "ran out of memory" records


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
    except MemoryError:
        bound = (
            f" (over the {_memory_mb} MB a scan worker may use; raise it with --worker-memory)"
            if _memory_mb
            else ""
        )
        return {"path": path, "error": f"{path}: ran out of memory while checking it{bound}"}
    except Exception as exc:  # one bad file must never stop the batch
        return {"path": path, "error": f"internal error: {type(exc).__name__}: {exc}"}
    return {"path": path, **report.to_json()}


def documents_in(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise InputFileError(f"{folder}: not a folder")
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED)


def canonical(path: str | Path) -> str:
    """The path a record is keyed on: absolute, links and ``..`` resolved."""
    try:
        return str(Path(path).resolve())
    except (OSError, RuntimeError):  # a link loop: the absolute spelling is the best there is
        return str(Path(path).absolute())


def _done_paths(out: Path) -> set[str]:
    """Canonical paths already in the output; rewrites the file atomically without any line cut short."""
    if not out.exists():
        return set()
    done: set[str] = set()
    good: list[str] = []
    dropped = False
    with out.open(encoding="utf-8") as fh:
        for line in fh:
            try:
                record = json.loads(line)
                done.add(canonical(str(record["path"])))
                good.append(line if line.endswith("\n") else line + "\n")
            except (json.JSONDecodeError, KeyError, TypeError, ValueError):
                dropped = True
    if dropped:
        tmp = out.with_name(out.name + ".tmp")
        tmp.write_text("".join(good), encoding="utf-8")
        os.replace(tmp, out)
    return done


def _record_line(rec: dict[str, Any]) -> str:
    try:
        return json.dumps(rec, ensure_ascii=False, allow_nan=False)
    except ValueError:  # a bug upstream: keep the file valid JSON and say so
        error = "internal error: the report holds a number that is not finite"
        return json.dumps({"path": rec.get("path"), "error": error}, ensure_ascii=False)


def scan_folder(
    folder: Path,
    out: Path,
    *,
    workers: int = 2,
    claimed: str | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    worker_memory_mb: int = DEFAULT_WORKER_MEMORY_MB,
) -> ScanSummary:
    paths = list(dict.fromkeys(canonical(p) for p in documents_in(folder)))  # two links to one file: once
    done = _done_paths(out)
    todo = [p for p in paths if p not in done]
    skipped = len(paths) - len(todo)
    checked = errors = 0
    total = len(todo)
    if on_progress:
        on_progress(0, total)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("a", encoding="utf-8") as fh:

        def record(rec: dict[str, Any]) -> None:
            nonlocal checked, errors
            fh.write(_record_line(rec) + "\n")
            fh.flush()
            if "error" in rec:
                errors += 1
            else:
                checked += 1
            if on_progress:
                on_progress(checked + errors, total)

        if todo and _can_fork():
            from seamline.contracts.check import check_text

            check_text("Warm-up.")  # load the knowledge and the classifier once, before the workers fork
            _run_in_workers(todo, claimed, min(workers, len(todo)), worker_memory_mb, record)
        else:
            for path in todo:
                record(_check_one((path, claimed)))
    return ScanSummary(checked=checked, errors=errors, skipped=skipped)


def _can_fork() -> bool:
    import multiprocessing as mp

    return "fork" in mp.get_all_start_methods()


def _run_in_workers(
    paths: list[str],
    claimed: str | None,
    workers: int,
    memory_mb: int,
    record: Callable[[dict[str, Any]], None],
) -> None:
    """Check ``paths`` in ``workers`` processes, one file at a time each; ``record`` gets one record per
    path, whatever happens to the workers."""
    import multiprocessing as mp
    from multiprocessing.connection import wait

    ctx = mp.get_context("fork")
    queue = deque(paths)
    tries: dict[str, int] = {}
    pool: list[_Worker] = []
    lost_starts = 0  # workers that died before taking their first file, one after another
    try:
        while True:
            for worker in [w for w in pool if w.path is None]:  # idle workers take the next files
                if not queue:
                    break
                if worker.give(queue[0]):
                    queue.popleft()
                else:  # it died between two files: the file never reached it
                    pool.remove(worker)
                    worker.close()
            while queue and len(pool) < workers:
                worker = _Worker(ctx, claimed, memory_mb)
                if not worker.give(queue[0]):
                    worker.close()
                    lost_starts += 1
                    if lost_starts > 3 * workers:
                        raise SeamlineError("scan: the worker processes die as soon as they start")
                    continue
                lost_starts = 0
                pool.append(worker)
                queue.popleft()
            busy = [w for w in pool if w.path is not None]
            if not busy:
                return  # the queue is empty too: every file has its record
            ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy]))
            for worker in busy:
                if worker.conn not in ready and worker.process.sentinel not in ready:
                    continue
                path = worker.path
                rec = worker.take()
                if rec is not None:
                    record(rec)
                    continue
                pool.remove(worker)
                worker.close()
                assert path is not None
                tries[path] = tries.get(path, 0) + 1
                if tries[path] >= TRIES:
                    record({"path": path, "error": f"{path}: {WORKER_DIED}"})
                else:
                    queue.appendleft(path)  # once more, in a fresh worker
    finally:
        for worker in pool:
            worker.stop()


class _Worker:
    """One worker process and the pipe to it; ``path`` is the file it is checking (None when idle)."""

    def __init__(self, ctx: ForkContext, claimed: str | None, memory_mb: int) -> None:
        self.conn, child = ctx.Pipe()
        self.process: ForkProcess = ctx.Process(
            target=_worker_main, args=(child, claimed, memory_mb), daemon=True
        )
        self.process.start()
        child.close()
        self.path: str | None = None

    def give(self, path: str) -> bool:
        try:
            self.conn.send(path)
        except OSError:  # the worker is gone (a broken pipe)
            return False
        self.path = path
        return True

    def take(self) -> dict[str, Any] | None:
        """The record for the file in flight, or None when the worker died before sending it."""
        try:
            if self.conn.poll():
                rec: dict[str, Any] = self.conn.recv()
                self.path = None
                return rec
        except (EOFError, OSError):
            pass
        return None

    def close(self) -> None:
        self.conn.close()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()

    def stop(self) -> None:
        """Ask an idle worker to finish; kill one still checking (an interrupted scan)."""
        try:
            if self.path is None and self.process.is_alive():
                self.conn.send(None)
                self.process.join(timeout=5)
        except OSError:
            pass
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


def _worker_main(conn: Connection, claimed: str | None, memory_mb: int) -> None:
    """A worker: check the paths the scan sends, one at a time, until it sends None."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the scan's to handle, not each worker's
    _bound_memory(memory_mb)
    try:
        while (path := conn.recv()) is not None:
            conn.send(_check_one((path, claimed)))
    except (EOFError, OSError):  # the scan is gone (killed): nobody is left to report to
        return


def _bound_memory(memory_mb: int) -> None:
    """Bound this worker's memory (:func:`seamline.processes.bound_address_space`), remembering the bound
    for the message a MemoryError gets."""
    global _memory_mb
    if bound_address_space(memory_mb):
        _memory_mb = memory_mb
