"""Helpers for the worker processes of ``seamline scan`` and of the web app's job pool."""

from __future__ import annotations

import os


def bound_address_space(memory_mb: int) -> bool:
    """Let this process add at most ``memory_mb`` MB of address space (RLIMIT_AS) to what it has now, so a
    runaway document raises MemoryError instead of drawing the kernel's out-of-memory killer.

    Returns whether the bound was set: not for ``memory_mb <= 0`` (no bound), where the process is already
    bounded tighter, or where the platform does not allow it (a killed worker is still survived).
    """
    if memory_mb <= 0:
        return False
    try:
        import resource

        with open("/proc/self/statm", encoding="ascii") as fh:
            size = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = size + memory_mb * 2**20
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        if soft != resource.RLIM_INFINITY and soft < limit:
            return False  # already bounded tighter
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, OSError, ValueError):
        return False  # not Linux, or not allowed
    return True
