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

import itertools
import json
import os
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from seamline.contracts.ingest import SUPPORTED
from seamline.errors import InputFileError, SeamlineError
from seamline.processes import bound_address_space

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.context import ForkContext, ForkProcess

DEFAULT_WORKER_MEMORY_MB = 4096  # memory a scan worker may add while checking one file; 0 = no bound
WORKER_DIED = "the worker checking it died (killed, perhaps out of memory)"
TRIES = 2  # a file whose worker dies is checked once more in a fresh worker, then recorded as failed

T = TypeVar("T")
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


def _done_paths(out: Path, key: Callable[[str], str] = canonical) -> set[str]:
    """Keys (``key`` of each record's path; canonical paths by default) already in the output. A line cut
    short by an interrupted run is dropped: the file is then rewritten, atomically, without it. Both passes
    stream the file, so resuming a large output takes no memory beyond the set of keys."""
    if not out.exists():
        return set()
    done: set[str] = set()
    dropped = False
    with out.open(encoding="utf-8") as fh:
        for line in fh:
            path = _record_path(line)
            if path is None:
                dropped = True
            else:
                done.add(key(path))
    if dropped:
        tmp = out.with_name(out.name + ".tmp")
        with out.open(encoding="utf-8") as src, tmp.open("w", encoding="utf-8") as dst:
            for line in src:
                if _record_path(line) is not None:
                    dst.write(line if line.endswith("\n") else line + "\n")
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(tmp, out)
    return done


def _record_path(line: str) -> str | None:
    """The ``path`` of one output line, or None when the line is no complete record."""
    try:
        return str(json.loads(line)["path"])
    except (json.JSONDecodeError, KeyError, TypeError, ValueError):
        return None


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

    def work(path: str) -> dict[str, Any]:
        return _check_one((path, claimed))  # looked up when called: tests replace it

    def died(path: str) -> dict[str, Any]:
        return {"path": path, "error": f"{path}: {WORKER_DIED}"}

    run_in_workers(paths, work, died, workers, memory_mb, record)


def run_in_workers(
    items: Iterable[T],
    work: Callable[[T], dict[str, Any]],
    died: Callable[[T], dict[str, Any]],
    workers: int,
    memory_mb: int,
    record: Callable[[dict[str, Any]], None],
) -> None:
    """Run ``work`` on every item in ``workers`` forked processes, one item at a time each, and give
    ``record`` one record per item, whatever happens to the workers: an item whose worker dies is tried
    once more in a fresh worker, then recorded as ``died(item)``.

    ``items`` is read lazily (a generator keeps memory flat however many there are); each item is sent to
    a worker through a pipe (so it must pickle), ``work`` is inherited by the fork (any callable will do)
    and each worker may add at most ``memory_mb`` MB of address space (0: no bound). Shared by
    ``seamline scan`` and ``seamline audit``."""
    import multiprocessing as mp
    from multiprocessing.connection import wait

    ctx = mp.get_context("fork")
    source = iter(items)
    queue: deque[tuple[int, T]] = deque()  # items taken from ``source`` but not yet given, retries first
    numbers = itertools.count()
    tries: dict[int, int] = {}
    pool: list[_Worker[T]] = []
    lost_starts = 0  # workers that died before taking their first item, one after another

    def head() -> tuple[int, T] | None:
        if not queue:
            for item in source:
                queue.append((next(numbers), item))
                break
        return queue[0] if queue else None

    try:
        while True:
            for worker in [w for w in pool if w.item is None]:  # idle workers take the next items
                nxt = head()
                if nxt is None:
                    break
                if worker.give(nxt):
                    queue.popleft()
                else:  # it died between two items: the item never reached it
                    pool.remove(worker)
                    worker.close()
            while len(pool) < workers and (nxt := head()) is not None:
                worker = _Worker(ctx, work, memory_mb)
                if not worker.give(nxt):
                    worker.close()
                    lost_starts += 1
                    if lost_starts > 3 * workers:
                        raise SeamlineError("scan: the worker processes die as soon as they start")
                    continue
                lost_starts = 0
                pool.append(worker)
                queue.popleft()
            busy = [w for w in pool if w.item is not None]
            if not busy:
                return  # the queue is empty too: every item has its record
            ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy]))
            for worker in busy:
                if worker.conn not in ready and worker.process.sentinel not in ready:
                    continue
                given = worker.item
                rec = worker.take()
                if rec is not None:
                    record(rec)
                    continue
                pool.remove(worker)
                worker.close()
                assert given is not None
                number, item = given
                tries[number] = tries.get(number, 0) + 1
                if tries[number] >= TRIES:
                    record(died(item))
                else:
                    queue.appendleft(given)  # once more, in a fresh worker
    finally:
        for worker in pool:
            worker.stop()


class _Worker(Generic[T]):
    """One worker process and the pipe to it; ``item`` is the (number, item) it is working on (None when
    idle)."""

    def __init__(self, ctx: ForkContext, work: Callable[[T], dict[str, Any]], memory_mb: int) -> None:
        self.conn, child = ctx.Pipe()
        self.process: ForkProcess = ctx.Process(
            target=_worker_main, args=(child, work, memory_mb), daemon=True
        )
        self.process.start()
        child.close()
        self.item: tuple[int, T] | None = None

    def give(self, item: tuple[int, T]) -> bool:
        try:
            self.conn.send(item[1])
        except OSError:  # the worker is gone (a broken pipe)
            return False
        self.item = item
        return True

    def take(self) -> dict[str, Any] | None:
        """The record for the item in flight, or None when the worker died before sending it."""
        try:
            if self.conn.poll():
                rec: dict[str, Any] = self.conn.recv()
                self.item = None
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
        """Ask an idle worker to finish; kill one still working (an interrupted run)."""
        try:
            if self.item is None and self.process.is_alive():
                self.conn.send(None)
                self.process.join(timeout=5)
        except OSError:
            pass
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


def _worker_main(conn: Connection, work: Callable[[Any], dict[str, Any]], memory_mb: int) -> None:
    """A worker: run ``work`` on the items the parent sends, one at a time, until it sends None."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle, not each worker's
    _bound_memory(memory_mb)
    try:
        while (item := conn.recv()) is not None:
            conn.send(work(item))
    except (EOFError, OSError):  # the parent is gone (killed): nobody is left to report to
        return


def _bound_memory(memory_mb: int) -> None:
    """Bound this worker's memory (:func:`seamline.processes.bound_address_space`), remembering the bound
    for the message a MemoryError gets."""
    global _memory_mb
    if bound_address_space(memory_mb):
        _memory_mb = memory_mb
