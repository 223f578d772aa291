"""List pages for a caller on an event loop (``summaries_async``): a kept page answered after a version
read awaited on the loop (PostgreSQL), never older than the latest committed change of any process, and
the thread pool whenever that read cannot be made."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from seamline.store import DecisionStore, open_store
from seamline.store import list_versions as lv
from seamline.store.list_versions import ListVersions, Unavailable
from seamline.store.repository import _UNREAD


def _fields(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "situation": {"name": name, "stage": "seed"},
        "knowledge_version": "abc123",
        "status": "recommended",
        "top_model": "staff_augmentation",
        "outputs": {"recommendation": {}},
    }


@pytest.fixture
def store(database: tuple[str, str | None]) -> Iterator[DecisionStore]:
    url, schema = database
    s = open_store(url, schema=schema)
    yield s
    s.engine.dispose()


def _threaded(store: DecisionStore, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The calls of the synchronous page read ``_page`` (what runs in the thread pool on a server)."""
    calls: list[dict[str, Any]] = []
    synchronous = store._page

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs)
        return synchronous(*args, **kwargs)

    monkeypatch.setattr(store, "_page", counted)
    return calls


def test_a_kept_page_is_answered_after_a_version_read_on_the_loop_and_every_change_shows(
    store: DecisionStore, database: tuple[str, str | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, schema = database
    server = not store.local
    assert (store._versions is not None) == server
    ids = [store.create(**_fields(f"D{i}")).id for i in range(3)]
    other = open_store(url, schema=schema)  # another server process's store on the same database
    threaded = _threaded(store, monkeypatch)

    async def scenario() -> None:
        first = await store.summaries_async(limit=2)
        assert [d.name for d in first.decisions] == ["D2", "D1"] and first.total == 3
        again = await store.summaries_async(limit=2)
        assert again.summaries_json() == first.summaries_json()
        if server:  # the second from memory: no thread, one read of the list version on the loop
            assert again is first and len(threaded) == 1
            # the page not kept was read in the thread at the version the loop read: one read, not two
            assert isinstance(threaded[0]["version"], int)
        other.rename(ids[2], "renamed elsewhere")  # committed before the next request: it must show
        renamed = await store.summaries_async(limit=2)
        assert [d.name for d in renamed.decisions] == ["renamed elsewhere", "D1"]
        other.delete(ids[1])
        assert (await store.summaries_async(limit=2)).total == 2
        assert [d.name for d in (await store.summaries_async(q="d0")).decisions] == ["D0"]
        theirs = store.scoped(7, user_id=None, role="viewer")  # another workspace: its own version
        assert (await theirs.summaries_async()).total == 0

    try:
        asyncio.run(scenario())
    finally:
        other.engine.dispose()


def test_a_bad_request_is_refused_before_any_read(store: DecisionStore) -> None:
    from seamline.errors import SeamlineError

    for bad in ({"limit": 0}, {"offset": -1}, {"cursor": "nope"}, {"q": "a\x00b"}):
        with pytest.raises(SeamlineError):
            asyncio.run(store.summaries_async(**bad))


def test_when_the_version_cannot_be_read_on_the_loop_the_thread_pool_answers(
    store: DecisionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    if store.local:
        pytest.skip("a local file is read inline")
    assert store._versions is not None
    store.create(**_fields("kept"))
    store.summaries()  # the page is kept: only the version read decides
    store._versions.connect_args = {**store._versions.connect_args, "dbname": "no_such_database_here"}
    threaded = _threaded(store, monkeypatch)

    async def scenario() -> None:
        page = await store.summaries_async()
        assert [d.name for d in page.decisions] == ["kept"] and len(threaded) == 1
        assert threaded[0]["version"] is _UNREAD  # the thread reads the version itself, then the page
        store.create(**_fields("new"))
        page = await store.summaries_async()  # within RETRY_AFTER: straight to the thread pool
        assert [d.name for d in page.decisions] == ["new", "kept"] and len(threaded) == 2

    asyncio.run(scenario())


def test_disposing_the_engine_closes_the_loops_connections(store: DecisionStore) -> None:
    if store.local:
        pytest.skip("no connection of its own on a local file")
    versions = store._versions
    assert versions is not None

    async def read() -> Any:
        await store.summaries_async()
        return versions._readers[asyncio.get_running_loop()].conn

    conn = asyncio.run(read())
    assert conn is not None and not conn.closed
    store.engine.dispose()
    assert conn.closed and not versions._readers


def _fake(monkeypatch: pytest.MonkeyPatch, gates: list[asyncio.Event], batches: list[list[int]]) -> set[int]:
    """Reads that record which workspaces they were asked for and wait for their gate; each answers
    every workspace with its own number (1 for the first read, 2 for the second, ...), or fails when
    its number is in the set returned."""

    async def query(self: Any, workspace_ids: list[int]) -> dict[int, int]:
        batches.append(sorted(workspace_ids))
        number = len(batches)
        await gates[number - 1].wait()
        if number in failing:
            raise OSError("connection lost")
        return dict.fromkeys(workspace_ids, number)

    failing: set[int] = set()
    monkeypatch.setattr(lv._Reader, "_query", query)
    return failing


def test_requests_that_come_during_a_read_wait_for_the_next_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """A read sent before a request came could miss a change committed just before it: such a request
    waits for the next read, which answers all the requests that came meanwhile at once."""
    batches: list[list[int]] = []

    async def scenario() -> None:
        gates = [asyncio.Event() for _ in range(3)]
        _fake(monkeypatch, gates, batches)
        versions = ListVersions({})
        first = asyncio.create_task(versions.read(1))
        for _ in range(50):  # until the first read is sent (it then waits for its answer)
            if batches:
                break
            await asyncio.sleep(0)
        assert batches == [[1]]
        later = [asyncio.create_task(versions.read(w)) for w in (1, 2, 1, 3)]
        await asyncio.sleep(0)
        gates[0].set()
        assert await first == 1
        gates[1].set()
        assert [await t for t in later] == [2, 2, 2, 2]
        assert batches == [[1], [1, 2, 3]]  # one read for the four requests that came meanwhile
        gates[2].set()
        assert await versions.read(4) == 3

    asyncio.run(scenario())


def test_a_failed_read_fails_its_requests_and_is_not_retried_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    batches: list[list[int]] = []

    async def scenario() -> None:
        gates = [asyncio.Event() for _ in range(3)]
        for gate in gates:
            gate.set()
        _fake(monkeypatch, gates, batches).add(1)
        versions = ListVersions({})
        with pytest.raises(Unavailable):
            await versions.read(1)
        with pytest.raises(Unavailable):  # within RETRY_AFTER: no new read is sent
            await versions.read(1)
        assert batches == [[1]]
        monkeypatch.setattr(lv, "RETRY_AFTER", 0.0)
        assert await versions.read(1) == 2

    asyncio.run(scenario())


def test_a_read_that_takes_too_long_is_given_up(monkeypatch: pytest.MonkeyPatch) -> None:
    batches: list[list[int]] = []

    async def scenario() -> None:
        _fake(monkeypatch, [asyncio.Event()], batches)  # never answers
        monkeypatch.setattr(lv, "TIMEOUT", 0.05)
        with pytest.raises(Unavailable):
            await ListVersions({}).read(1)

    asyncio.run(scenario())


def test_other_engines_have_no_reader_on_the_loop(tmp_path: Any) -> None:
    from sqlalchemy import create_engine

    assert ListVersions.for_engine(create_engine(f"sqlite:///{tmp_path / 'x.db'}")) is None
    assert ListVersions.for_engine(create_engine("postgresql+psycopg://u@127.0.0.1:1/x")) is None
