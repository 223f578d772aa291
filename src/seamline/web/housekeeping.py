"""Background housekeeping of a running app: deleted decisions past their time in the trash are purged
when the app starts and then once an hour, in a background task (a thread for the database work), never
on a request's path.

Each server process runs its own task; purging is one indexed delete that finds nothing most of the
time, so several workers doing it costs nothing worth counting.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import State

from seamline.store import DecisionStore

PURGE_INTERVAL_S = 3600.0  # how often a running server purges the trash (at most hourly: a product choice)
log = logging.getLogger("seamline.web")


@dataclass
class PurgeRecord:
    """What the last purge did (``app.state.last_purge``): when it ran and how many decisions it removed."""

    at: datetime
    purged: int


async def purge_trash_forever(
    store: DecisionStore, state: State, interval_s: float = PURGE_INTERVAL_S
) -> None:
    """Purge the trash of every workspace now, then every ``interval_s`` seconds, until cancelled.

    A failure (the database briefly unreachable) is logged and retried at the next interval: the trash
    only keeps a decision a little longer than promised, and nothing a user does waits for it.
    """
    while True:
        try:
            purged = await run_in_threadpool(store.purge, all_workspaces=True)
        except Exception:  # housekeeping must never stop the server
            log.exception("purging the trash failed; retrying in %.0f s", interval_s)
        else:
            state.last_purge = PurgeRecord(datetime.now(UTC), purged)
            if purged:
                log.info("purged %d decision(s) deleted more than %d days ago", purged, store.trash_days)
        await asyncio.sleep(interval_s)


def start(store: DecisionStore, state: State) -> asyncio.Task[None]:
    """Start the purge task on the running event loop (the app's lifespan keeps and cancels it)."""
    return asyncio.get_running_loop().create_task(purge_trash_forever(store, state), name="seamline-purge")


async def stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
