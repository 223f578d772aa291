"""What the benchmarks share: the hostile-document corpus, a child process measured on its own, and a
``seamline serve`` started on a free port and stopped afterwards."""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import ModuleType

import httpx

ROOT = Path(__file__).resolve().parents[1]
HOSTILE_SCRIPT = ROOT / "scripts" / "make_hostile_documents.py"
SEAMLINE = str(Path(sys.executable).with_name("seamline"))


@lru_cache(maxsize=1)
def hostile_corpus() -> ModuleType:
    """``scripts/make_hostile_documents.py`` as a module (its ``CASES``, ``write`` and text builders)."""
    spec = importlib.util.spec_from_file_location("make_hostile_documents", HOSTILE_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class Measured:
    code: int
    seconds: float
    rss_mb: float  # the child's own peak resident memory (wait4), which starts from this process's size
    stdout: str
    stderr: str


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_measured(
    args: list[str],
    cwd: Path | None = None,
    *,
    watchdog_seconds: float | None = None,
    watchdog_mb: float | None = None,
) -> Measured:
    """Run one command; a watchdog (when given) kills it past ``watchdog_seconds`` or ``watchdog_mb``."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(args, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        stop = threading.Event()

        def watchdog() -> None:
            while not stop.wait(0.2):
                too_long = watchdog_seconds is not None and time.perf_counter() - start > watchdog_seconds
                too_big = watchdog_mb is not None and _rss_mb(proc.pid) > watchdog_mb
                if too_long or too_big:
                    proc.send_signal(signal.SIGKILL)
                    return

        thread = threading.Thread(target=watchdog, daemon=True)
        thread.start()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        stop.set()
        thread.join()
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        return Measured(
            code=proc.returncode,
            seconds=seconds,
            rss_mb=usage.ru_maxrss / 1024,  # kilobytes on Linux
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@contextmanager
def seamline_server(
    env: Mapping[str, str], serve_args: str = "", probe: str = "/"
) -> Iterator[tuple[str, int]]:
    """``seamline serve --no-examples`` on a free port with ``env``; yields (base URL, port) once ``probe``
    answers, and stops the server on leaving."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:  # a file, not a pipe: a full pipe would stall the server
        server = subprocess.Popen(
            [SEAMLINE, "serve", "--port", str(port), "--no-examples", *serve_args.split()],
            env=dict(env),
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    httpx.get(base + probe, timeout=2)
                    break
                except httpx.TransportError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        log.seek(0)
                        err = log.read().decode("utf-8", "replace")
                        raise SystemExit(f"the server did not start: {err}") from None
                    time.sleep(0.2)
            yield base, port
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
