"""Heavy work off the event loop: a pool of worker processes with a time limit and a memory bound per job.

Contract checks, report rendering and large cost runs are sent here by the routes (``await
jobs.run(fn, *args, what=...)``), so a slow or hostile upload costs one worker process, never the server's
event loop: every other request is answered as usual meanwhile.

- The pool (``concurrent.futures.ProcessPoolExecutor``, *forkserver* start: workers are forked from a
  clean single-threaded server process, never from the threaded web server) is created on the first job
  and shut down with the app.
- A job runs only when a worker is free (a semaphore of the pool's size), so its time counts from its
  start, not from a queue.
- Time: each job has ``time_limit_s``. The worker interrupts itself at the limit (SIGALRM: a clear 422);
  a job stuck where it cannot be interrupted is ended from outside a little later: the pool's processes are
  killed and a fresh pool is made (jobs of other requests that were running in it are run once more).
- Memory: each worker may add ``memory_mb`` of address space (RLIMIT_AS) to what it has when it starts,
  so a runaway document raises MemoryError in the worker (a clear 413) instead of growing the server.
- A worker that dies (the kernel's out-of-memory killer) breaks the pool: the pool is replaced and the
  job is tried once more, then answered with a clear 422.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from seamline.errors import Problem, SeamlineError
from seamline.processes import bound_address_space

T = TypeVar("T")
PRELOAD = ["seamline.web.tasks"]  # imported once by the fork server; each worker starts with them loaded
GRACE_S = 5.0  # how long after its own limit a job that ignores it is ended from outside

_memory_mb = 0  # this process's bound when it is a pool worker
_time_limit_s = 0.0


class JobError(SeamlineError):
    """Heavy work could not be finished (a worker died); nothing was saved."""

    status = 422
    code = "job_failed"


class JobTimeout(JobError):
    """A job ran past the per-job time limit."""

    status = 422
    code = "job_time_limit"


class JobTooLarge(JobError):
    """A job needed more memory than a job may use."""

    status = 413
    code = "job_memory_limit"


def _init_worker(memory_mb: int, time_limit_s: float, server_pid: int) -> None:
    """Runs once in each worker process: ignore Ctrl-C (the server's), bound the memory, note the limits,
    and end with the server (a worker waiting for jobs would otherwise outlive a killed server)."""
    import signal
    import threading

    global _time_limit_s
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _time_limit_s = time_limit_s
    _bound_memory(memory_mb)
    threading.Thread(target=_end_with, args=(server_pid,), name="seamline-server-watch", daemon=True).start()


def _end_with(server_pid: int) -> None:
    """Exit this worker as soon as the server process is gone (killed, or ended without shutting us down)."""
    import time

    while True:
        time.sleep(0.5)
        try:
            os.kill(server_pid, 0)
            with open(f"/proc/{server_pid}/stat", encoding="ascii", errors="replace") as fh:
                state = fh.read().rsplit(")", 1)[-1].split()[0]
        except ProcessLookupError:
            os._exit(0)
        except (OSError, IndexError):
            continue  # no /proc (not Linux): the signal probe alone decides
        if state in ("Z", "X"):  # a dead server not yet reaped by its own parent
            os._exit(0)


def _bound_memory(memory_mb: int) -> None:
    """Bound this worker's memory (:func:`seamline.processes.bound_address_space`), remembering the bound
    for the message a MemoryError gets."""
    global _memory_mb
    if bound_address_space(memory_mb):
        _memory_mb = memory_mb


def _timed_out(what: str) -> JobTimeout:
    return JobTimeout(
        f"{what}: took longer than the {_time_limit_s:g} s a job may run; nothing was saved "
        "(a smaller or simpler document is checked faster)",
        [Problem("time", f"expected at most {_time_limit_s:g} s of work")],
    )


def _call(fn: Callable[..., T], args: tuple[Any, ...], what: str) -> T:
    """Run ``fn(*args)`` in a worker under the job's time limit; MemoryError becomes :class:`JobTooLarge`."""
    import signal

    def alarm(_signum: int, _frame: Any) -> None:
        raise _timed_out(what)

    previous = signal.signal(signal.SIGALRM, alarm) if _time_limit_s else None
    if _time_limit_s:
        signal.setitimer(signal.ITIMER_REAL, _time_limit_s)
    try:
        return fn(*args)
    except MemoryError:
        raise JobTooLarge(
            f"{what}: needed more than the {_memory_mb} MB of memory a job may use; nothing was saved",
            [Problem("memory", f"expected at most {_memory_mb} MB")],
        ) from None
    finally:
        if _time_limit_s:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous or signal.SIG_DFL)


class JobPool:
    """The app's worker processes (one pool per server process; created on the first job)."""

    def __init__(self, workers: int, time_limit_s: float, memory_mb: int) -> None:
        self.workers = workers
        self.time_limit_s = time_limit_s
        self.memory_mb = memory_mb
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self._generation = 0
        self._semaphores: dict[int, asyncio.Semaphore] = {}  # one per event loop (tests run several)
        self.grace_s = GRACE_S
        self.started = 0  # jobs handed to a worker so far (tests wait on it)

    def _current(self) -> tuple[int, ProcessPoolExecutor]:
        with self._lock:
            if self._executor is None:
                import multiprocessing as mp

                methods = mp.get_all_start_methods()
                ctx = mp.get_context("forkserver" if "forkserver" in methods else "spawn")
                if "forkserver" in methods:
                    ctx.set_forkserver_preload(PRELOAD)
                self._executor = ProcessPoolExecutor(
                    self.workers,
                    mp_context=ctx,
                    initializer=_init_worker,
                    initargs=(self.memory_mb, self.time_limit_s, os.getpid()),
                )
            return self._generation, self._executor

    def _retire(self, generation: int, executor: ProcessPoolExecutor) -> None:
        """Kill the processes of a pool with a stuck job or a dead worker; the next job makes a new pool."""
        with self._lock:
            if self._generation != generation:
                return  # already replaced by another request
            self._generation += 1
            self._executor = None
        for process in list((getattr(executor, "_processes", None) or {}).values()):
            with contextlib.suppress(OSError, ValueError):
                process.kill()
        executor.shutdown(wait=False, cancel_futures=True)

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        sem = self._semaphores.get(id(loop))
        if sem is None:
            self._semaphores = {id(loop): (sem := asyncio.Semaphore(self.workers))}
        return sem

    async def run(self, fn: Callable[..., T], *args: Any, what: str) -> T:
        """``fn(*args)`` in a worker process, awaited without blocking the event loop.

        ``fn`` must be a module-level function whose arguments and result can be pickled. Raises the
        job's own :class:`SeamlineError`, or :class:`JobTimeout` / :class:`JobTooLarge` / :class:`JobError`.
        """
        async with self._semaphore():
            for attempt in (1, 2):
                generation, executor = self._current()
                try:
                    future = executor.submit(_call, fn, args, what)
                except (BrokenProcessPool, RuntimeError):  # broken, or shut down by another request
                    self._retire(generation, executor)
                    continue
                self.started += 1
                limit = self.time_limit_s + self.grace_s
                try:
                    return await asyncio.wait_for(asyncio.wrap_future(future), limit)
                except TimeoutError:
                    self._retire(generation, executor)  # the job ignored its own limit: end it from outside
                    raise _with_limit(what, self.time_limit_s) from None
                except BrokenProcessPool:
                    self._retire(generation, executor)
                    if attempt == 1:
                        continue  # perhaps another job's worker died, or the pool was ended for one
        raise JobError(
            f"{what}: the worker process doing it stopped (killed, perhaps out of memory); nothing was saved",
            [Problem("worker", "the job's process ended before it answered")],
        )

    def shutdown(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
            self._generation += 1
        if executor is not None:
            processes = list((getattr(executor, "_processes", None) or {}).values())
            executor.shutdown(wait=False, cancel_futures=True)
            for process in processes:
                process.join(timeout=2)
                if process.is_alive():
                    process.kill()


def _with_limit(what: str, limit: float) -> JobTimeout:
    return JobTimeout(
        f"{what}: took longer than the {limit:g} s a job may run; nothing was saved",
        [Problem("time", f"expected at most {limit:g} s of work")],
    )
