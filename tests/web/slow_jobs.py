"""Jobs for the pool tests: module-level so the worker processes can import them by name."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any


def pid() -> int:
    return os.getpid()


def sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "slept"


def sleep_ignoring_the_alarm(seconds: float) -> str:
    """A job stuck where its own time limit cannot interrupt it."""
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    time.sleep(seconds)
    return "slept"


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def grab(megabytes: int) -> int:
    return len(bytearray(megabytes * 2**20))


def gated_check(settings: Any, filename: str, data: bytes, claimed: Any, view: bool) -> dict[str, Any]:
    """A contract check that waits until the file named by the upload's text exists (at most 60 s)."""
    gate = Path(data.decode().strip())
    deadline = time.monotonic() + 60
    while not gate.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    return {"report": {"gated": gate.exists(), "filename": filename}, "view": None}


def slow_check(settings: Any, filename: str, data: bytes, claimed: Any, view: bool) -> dict[str, Any]:
    time.sleep(60)
    return {"report": {}, "view": None}


def quick_check(settings: Any, filename: str, data: bytes, claimed: Any, view: bool) -> dict[str, Any]:
    """A check that answers at once: shows the pool still serves after a job was stopped."""
    return {"report": {"file": filename, "pid": os.getpid()}, "view": None}


def greedy_check(settings: Any, filename: str, data: bytes, claimed: Any, view: bool) -> dict[str, Any]:
    return {"report": {"size": len(bytearray(4096 * 2**20))}, "view": None}
