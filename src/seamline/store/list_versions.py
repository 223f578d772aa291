"""Workspaces' list versions read from a database server by the event loop itself, with no thread.

A list page the store kept (``DecisionStore.summaries``) is answered again while its workspace's list
version (migration 0006: raised by the database's triggers with every change to the workspace's
decisions, by any process) is the one the page was read at. Reading that number through the
synchronous engine means a hop to the thread pool for every list request; under load the hand-over and
the contention for the GIL between the event loop and the pool's threads made most of a list request's
time (p99 of 110-250 ms with 50 clients on two CPUs, against 40-55 ms on SQLite, which reads inline).

Here each event loop (one per server worker process) has one psycopg ``AsyncConnection`` in autocommit
mode: the read is awaited, so the loop serves other requests meanwhile and never waits on the database.
Requests that ask while a read is under way wait for the next one, which then answers all of them
(``workspace_id = ANY(...)``, a prepared statement after a few uses): one round trip serves every list
request of that moment. A request is answered only by a read sent after it arrived, and each statement
in autocommit mode sees every transaction committed before it started, so a page is never older than
the latest change committed before the request (by any process), exactly as with the synchronous read.

Any failure (no connection, a lost one, a read taking longer than ``TIMEOUT``) raises
:class:`Unavailable`; the caller then reads in the thread pool as before, and this path is not tried
again for ``RETRY_AFTER`` seconds (it reconnects then).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Coroutine
from typing import Any

from sqlalchemy import Engine, event

from seamline.store.db import server_connect_args

QUERY = "SELECT workspace_id, version FROM decision_list_versions WHERE workspace_id = ANY(%s::integer[])"
TIMEOUT = 2.0  # seconds: a read (with connecting) taking longer is given up and the thread pool used
RETRY_AFTER = 1.0  # seconds after a failure before this path is tried again


class Unavailable(Exception):
    """The version could not be read without a thread (no server connection, a failed or slow read)."""


class ListVersions:
    """Reads a workspace's list version on the running event loop: one connection per loop."""

    def __init__(self, connect_args: dict[str, Any]) -> None:
        self.connect_args = connect_args
        self._readers: dict[asyncio.AbstractEventLoop, _Reader] = {}

    @classmethod
    def for_engine(cls, engine: Engine) -> ListVersions | None:
        """The reader for a PostgreSQL engine made by ``make_engine`` (same server, database, user and
        schema); None for any other engine (its callers read in the thread pool)."""
        args = server_connect_args(engine)
        if args is None:
            return None
        versions = cls(args)
        event.listen(engine, "engine_disposed", lambda _engine: versions.close())
        return versions

    async def read(self, workspace_id: int) -> int | None:
        """The workspace's list version as committed now (None when it has none yet)."""
        loop = asyncio.get_running_loop()
        reader = self._readers.get(loop)
        if reader is None:
            # a finished loop's connection (a test client's): closed before another loop opens one
            for old in [old for old in list(self._readers) if old.is_closed()]:
                self._readers.pop(old).close()
            reader = self._readers[loop] = _Reader(self.connect_args)
        return await reader.read(workspace_id)

    def close(self) -> None:
        """Close every loop's connection (the engine was disposed)."""
        readers, self._readers = self._readers, {}
        for reader in readers.values():
            reader.close()


class _Reader:
    """One event loop's connection and the requests waiting for the next read."""

    def __init__(self, connect_args: dict[str, Any]) -> None:
        self.connect_args = connect_args
        self.conn: Any = None  # psycopg.AsyncConnection, imported on first use
        self.wanted: dict[int, list[asyncio.Future[int | None]]] = {}
        self.task: asyncio.Task[None] | None = None
        self.failed_at = -math.inf

    async def read(self, workspace_id: int) -> int | None:
        if time.monotonic() - self.failed_at < RETRY_AFTER:
            raise Unavailable("the last read failed")
        loop = asyncio.get_running_loop()
        waiting: asyncio.Future[int | None] = loop.create_future()
        self.wanted.setdefault(workspace_id, []).append(waiting)
        if self.task is None:
            self.task = loop.create_task(self._run())
        return await waiting

    async def _run(self) -> None:
        """Read for everyone waiting, then for those who came meanwhile, until no one waits."""
        try:
            while self.wanted:
                batch, self.wanted = self.wanted, {}  # only requests that came before this read is sent
                try:
                    if time.monotonic() - self.failed_at < RETRY_AFTER:
                        raise Unavailable("the last read failed")
                    found = await asyncio.wait_for(self._query(list(batch)), TIMEOUT)
                except Exception as exc:  # any failure: the callers read in the thread pool
                    self.failed_at = time.monotonic()
                    self.close()
                    for futures in batch.values():
                        for waiting in futures:
                            if not waiting.done():
                                waiting.set_exception(Unavailable(f"{type(exc).__name__}: {exc}"))
                    continue
                for workspace_id, futures in batch.items():
                    for waiting in futures:
                        if not waiting.done():  # not a request cancelled meanwhile
                            waiting.set_result(found.get(workspace_id))
        finally:
            self.task = None

    async def _query(self, workspace_ids: list[int]) -> dict[int, int]:
        if self.conn is None or self.conn.closed:
            import psycopg

            self.conn = await psycopg.AsyncConnection.connect(**self.connect_args, autocommit=True)
        cursor = await self.conn.execute(QUERY, [workspace_ids])
        return {int(w): int(v) for w, v in await cursor.fetchall()}

    def close(self) -> None:
        conn, self.conn = self.conn, None
        if conn is not None and not conn.closed:
            _finish(conn.close())


def _finish(closing: Coroutine[Any, Any, None]) -> None:
    """Run ``AsyncConnection.close()`` from synchronous code: it awaits nothing for a connection outside
    a pool (it only ends the libpq connection), so one step completes it."""
    try:
        closing.send(None)
    except StopIteration:
        return
    closing.close()  # pragma: no cover - it would have waited: the garbage collector closes the socket
