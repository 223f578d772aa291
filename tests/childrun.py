"""Run ``seamline`` in a fresh child process and measure it on its own: exit code, output, peak resident
memory (the child's ``ru_maxrss`` from ``os.wait4``), processor time, and whether a watchdog ended it.

The watchdog kills the child past ``watchdog_s`` of wall-clock time or, when given, past
``kill_above_rss_mb`` of resident memory, so a regression fails the test instead of the machine. An
``address_space_bytes`` cap (RLIMIT_AS) is set by a small wrapper that then becomes the command
(``preexec_fn`` is not safe beside threads).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

_CAPPED = (
    "import os, resource, sys; cap = int(sys.argv[1]); "
    "resource.setrlimit(resource.RLIMIT_AS, (cap, cap)); os.execv(sys.argv[2], sys.argv[2:])"
)


@dataclass(frozen=True)
class ChildRun:
    code: int
    out: str
    err: str
    peak_rss: int  # bytes
    cpu_seconds: float
    timed_out: bool

    @property
    def peak_rss_mb(self) -> float:
        return self.peak_rss / 2**20


def seamline_command(address_space_bytes: int | None = None) -> list[str]:
    """The installed ``seamline`` entry point (or the module through this Python), optionally capped."""
    entry = shutil.which("seamline", path=str(Path(sys.executable).parent))
    argv = (
        [entry]
        if entry
        else [sys.executable, "-c", "import sys; from seamline.cli import main; sys.exit(main())"]
    )
    if address_space_bytes is None:
        return argv
    return [sys.executable, "-c", _CAPPED, str(address_space_bytes), *argv]


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            return next((int(line.split()[1]) / 1024 for line in fh if line.startswith("VmRSS:")), 0.0)
    except OSError:
        return 0.0


def run_seamline(
    args: list[str],
    *,
    watchdog_s: float,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    kill_above_rss_mb: float | None = None,
    address_space_bytes: int | None = None,
) -> ChildRun:
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen(
            [*seamline_command(address_space_bytes), *args],
            cwd=cwd,
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            env=dict(env) if env is not None else None,
        )
        stop = threading.Event()
        timed_out = threading.Event()

        def watchdog() -> None:
            while not stop.wait(0.1):
                if time.monotonic() - start > watchdog_s:
                    timed_out.set()
                elif kill_above_rss_mb is None or _rss_mb(proc.pid) <= kill_above_rss_mb:
                    continue
                proc.send_signal(signal.SIGKILL)
                return

        thread = threading.Thread(target=watchdog, daemon=True)
        thread.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            stop.set()
            thread.join()
        out.seek(0)
        err.seek(0)
        return ChildRun(
            code=os.waitstatus_to_exitcode(status),
            out=out.read().decode("utf-8", "replace"),
            err=err.read().decode("utf-8", "replace"),
            peak_rss=usage.ru_maxrss * 1024,  # kilobytes on Linux
            cpu_seconds=usage.ru_utime + usage.ru_stime,
            timed_out=timed_out.is_set(),
        )
