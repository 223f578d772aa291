"""Lists read summaries only, a page at a time, with a name search: on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event

from seamline.errors import SeamlineError
from seamline.store import DecisionStore, DecisionSummary, open_store


def _fields(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "situation": {"name": name, "stage": "seed"},
        "knowledge_version": "abc123",
        "status": "recommended",
        "top_model": "staff_augmentation",
        "outputs": {"recommendation": {"big": "x" * 1000}},
        "contract": {"findings": []},
    }


@pytest.fixture
def store(database: tuple[str, str | None]) -> Iterator[DecisionStore]:
    url, schema = database
    s = open_store(url, schema=schema)
    yield s
    s.engine.dispose()


def statements(store: DecisionStore) -> list[str]:
    """Every SQL statement the store's engine runs from now on (lower case)."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement.lower())

    event.listen(store.engine, "before_cursor_execute", record)
    return seen


def test_the_list_query_reads_no_inputs_outputs_or_contract(store: DecisionStore) -> None:
    store.create(**_fields("Payments"))
    seen = statements(store)
    page = store.summaries(q="pay")
    assert [d.name for d in page.decisions] == ["Payments"]
    assert isinstance(page.decisions[0], DecisionSummary)
    assert not hasattr(page.decisions[0], "outputs")
    selects = [s for s in seen if s.lstrip().startswith("select")]
    assert selects, seen
    for sql in selects:
        for column in ("outputs", "situation", "contract"):
            assert column not in sql, sql


def test_pages_are_newest_first_and_cover_every_decision_once(store: DecisionStore) -> None:
    ids = [store.create(**_fields(f"D{i}")).id for i in range(7)]
    first = store.summaries(limit=3)
    assert [d.id for d in first.decisions] == list(reversed(ids))[:3]
    assert (first.total, first.next_offset, first.previous_offset) == (7, 3, None)
    seen, offset = [], 0
    while offset is not None:
        page = store.summaries(limit=3, offset=offset)
        seen += [d.id for d in page.decisions]
        offset = page.next_offset
    assert seen == list(reversed(ids))
    last = store.summaries(limit=3, offset=6)
    assert (len(last.decisions), last.next_offset, last.previous_offset) == (1, None, 3)
    past = store.summaries(limit=3, offset=2**31 - 1)
    assert (past.decisions, past.total, past.next_offset) == ([], 7, None)
    assert store.summaries().limit == 50


def test_search_matches_any_case_and_takes_wildcards_literally(store: DecisionStore) -> None:
    for name in ("Payments MVP", "payroll", "Data platform", "100% rewrite", "a_b", "axb", "back\\slash"):
        store.create(**_fields(name))
    assert {d.name for d in store.summaries(q="PAY").decisions} == {"Payments MVP", "payroll"}
    assert store.summaries(q="  pay  ").q == "pay"
    assert [d.name for d in store.summaries(q="%").decisions] == ["100% rewrite"]
    assert [d.name for d in store.summaries(q="a_b").decisions] == ["a_b"]
    assert [d.name for d in store.summaries(q="\\").decisions] == ["back\\slash"]
    assert store.summaries(q="nothing like it").total == 0
    assert store.summaries(q="").total == 7 and store.summaries(q="   ").q is None


@pytest.mark.parametrize(
    ("kwargs", "where"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"limit": True}, "limit"),
        ({"offset": -1}, "offset"),
        ({"offset": 2**31}, "offset"),
        ({"q": "a\x00b"}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"q": 3}, "q"),
    ],
)
def test_a_bad_window_or_search_is_a_clear_error(
    store: DecisionStore, kwargs: dict[str, Any], where: str
) -> None:
    with pytest.raises(SeamlineError) as caught:
        store.summaries(**kwargs)
    assert caught.value.problems[0].where == where


def test_cursor_pages_cover_every_decision_once_and_carry_their_offset(store: DecisionStore) -> None:
    ids = [store.create(**_fields(f"D{i}")).id for i in range(7)]
    page = store.summaries(limit=3)
    seen = [d.id for d in page.decisions]
    offsets = [page.offset]
    while page.next_cursor is not None:
        page = store.summaries(limit=3, cursor=page.next_cursor)
        seen += [d.id for d in page.decisions]
        offsets.append(page.offset)
        assert page.total == 7
    assert seen == list(reversed(ids))
    assert offsets == [0, 3, 6] and page.next_offset is None
    # the same rows as the offset pages
    middle = store.summaries(limit=3, cursor=store.summaries(limit=3).next_cursor)
    assert middle.decisions == store.summaries(limit=3, offset=3).decisions


def test_a_cursor_is_stable_while_decisions_are_saved(store: DecisionStore) -> None:
    """An offset shifts when a decision is saved meanwhile (the page repeats a row); a cursor does not."""
    ids = [store.create(**_fields(f"D{i}")).id for i in range(6)]
    first = store.summaries(limit=3)
    store.create(**_fields("newest"))
    by_cursor = store.summaries(limit=3, cursor=first.next_cursor)
    assert [d.id for d in by_cursor.decisions] == list(reversed(ids))[3:]
    by_offset = store.summaries(limit=3, offset=3)
    assert by_offset.decisions[0].id == first.decisions[-1].id  # the repeat a cursor avoids


def test_a_cursor_keeps_its_search(store: DecisionStore) -> None:
    for name in ("pay 1", "other", "pay 2", "pay 3"):
        store.create(**_fields(name))
    page = store.summaries(q="PAY", limit=2)
    rest = store.summaries(q="PAY", limit=2, cursor=page.next_cursor)
    assert [d.name for d in page.decisions + rest.decisions] == ["pay 3", "pay 2", "pay 1"]
    assert (rest.offset, rest.total, rest.next_cursor) == (2, 3, None)
    with pytest.raises(SeamlineError) as caught:
        store.summaries(q="other", cursor=page.next_cursor)
    assert caught.value.problems[0].where == "cursor"


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "not a cursor",
        "x" * 201,
        "WzEsMiwzXQ",  # [1,2,3]
        "WyIyMDI2LTAxLTAxVDAwOjAwOjAwKzAwOjAwIiwwLDAsbnVsbF0",  # id 0
        "WyIyMDI2LTAxLTAxVDAwOjAwOjAwIiwxLDAsbnVsbF0",  # a time without its zone
        "WyJ5ZXN0ZXJkYXkiLDEsMCxudWxsXQ",  # not a time
        "WyIyMDI2LTAxLTAxVDAwOjAwOjAwKzAwOjAwIix0cnVlLDAsbnVsbF0",  # id true
        "WyIyMDI2LTAxLTAxVDAwOjAwOjAwKzAwOjAwIiwxLC0xLG51bGxd",  # offset -1
        "WyIyMDI2LTAxLTAxVDAwOjAwOjAwKzAwOjAwIiw5OTk5OTk5OTk5OTk5OTk5OTk5OTk5LDAsbnVsbF0",  # id too large
    ],
)
def test_a_cursor_that_no_page_gave_is_a_clear_error(store: DecisionStore, cursor: str) -> None:
    store.create(**_fields("one"))
    with pytest.raises(SeamlineError) as caught:
        store.summaries(cursor=cursor)
    assert caught.value.problems[0].where == "cursor"


NAMES = ("Payments MVP", "PAYROLL", "Ärger", "ärger", "Émile", "straße", "İstanbul", "50% off", "a_b", "axb")


@pytest.mark.parametrize(
    "q", ["pay", "PAY", "ärg", "Ä", "émile", "É", "STRASSE", "ß", "i̇", "%", "_", "a_b", "x"]
)
def test_the_search_finds_what_ilike_finds(store: DecisionStore, q: str) -> None:
    """The list's name search matches exactly the names ``ILIKE '%q%'`` matches on this database (on
    SQLite it runs as ``LIKE``, which ignores case as SQLite's ``lower()`` does: ASCII letters only)."""
    from sqlalchemy import select

    from seamline.store.tables import DecisionRow

    for name in NAMES:
        store.create(**_fields(name))
    pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    with store.engine.connect() as conn:
        expected = set(
            conn.scalars(select(DecisionRow.name).where(DecisionRow.name.ilike(pattern, escape="\\")))
        )
    page = store.summaries(q=q)
    assert {d.name for d in page.decisions} == expected and page.total == len(expected)


def test_lists_read_one_index_and_never_the_rows(store: DecisionStore) -> None:
    """SQLite: the page, a search and the count are served by the covering index (the rows hold tens of
    kilobytes each); PostgreSQL: the name search has its trigram index when the database offers pg_trgm."""
    from sqlalchemy import text

    from seamline.store.repository import _list_statements

    store.create(**_fields("Payments"))
    with store.engine.connect() as conn:
        if store.engine.dialect.name == "sqlite":
            raw = conn.connection.driver_connection
            assert raw is not None
            values = {"workspace_id": 1, "limit": 50, "offset": 0, "pattern": "%pay%", "after_id": 1}
            values["after_updated_at"] = "2026-01-01 00:00:00.000000"
            for shape in ((False, False), (True, False), (False, True), (True, True)):
                for statement in _list_statements("sqlite", *shape):
                    compiled = statement.compile(dialect=store.engine.dialect)
                    args = [values.get(k, compiled.params.get(k)) for k in compiled.positiontup or ()]
                    plan = " ".join(str(r[-1]) for r in raw.execute(f"EXPLAIN QUERY PLAN {compiled}", args))
                    assert "USING COVERING INDEX ix_decisions_list" in plan, (shape, plan)
        else:
            available = conn.scalar(
                text("SELECT count(*) FROM pg_available_extensions WHERE name = 'pg_trgm'")
            )
            indexes = set(
                conn.scalars(
                    text(
                        "SELECT indexname FROM pg_indexes "
                        "WHERE tablename = 'decisions' AND schemaname = current_schema()"
                    )
                )
            )
            assert {"ix_decisions_workspace_list", "ix_decisions_live_list"} <= indexes
            assert ("ix_decisions_name_trgm" in indexes) == bool(available)
            # a page, however deep, is read in list order from the live rows' index: never a sort of
            # every entry (the planner is kept off the table scan it would take for three rows)
            conn.execute(text("SET LOCAL enable_seqscan = off"))  # this transaction only
            values = {"workspace_id": 1, "limit": 50, "offset": 9000, "after_id": 1}
            values["after_updated_at"] = "2026-01-01 00:00:00+00"
            for after in (False, True):
                statement = _list_statements("postgresql", False, after)[0]
                compiled = statement.compile(dialect=store.engine.dialect)
                args = {k: values.get(k, v) for k, v in compiled.params.items()}
                plan = "\n".join(conn.exec_driver_sql(f"EXPLAIN {compiled}", args).scalars())
                assert "ix_decisions_live_list" in plan and "Sort" not in plan, plan
            conn.rollback()


def test_a_page_not_read_before_costs_its_rows_alone(store: DecisionStore) -> None:
    """The count of a list is kept at the list's version: another page of the same list (another offset,
    length or cursor) reads its rows and not the count again, until a decision changes."""
    for i in range(5):
        store.create(**_fields(f"Payments {i}"))
    first = store.summaries(limit=2)
    seen = statements(store)
    second = store.summaries(limit=2, offset=2)
    following = store.summaries(limit=3, cursor=first.next_cursor)
    assert second.total == following.total == 5
    assert [d.name for d in second.decisions] == ["Payments 2", "Payments 1"]
    assert [d.name for d in following.decisions] == ["Payments 2", "Payments 1", "Payments 0"]
    assert not any("count(" in s for s in seen), seen
    assert store.summaries(q="payments 1").total == 1  # a search is another list, counted apart
    store.create(**_fields("Payments 5"))
    seen.clear()
    assert store.summaries(limit=2, offset=4).total == 6
    assert any("count(" in s for s in seen), seen


def _list_version(store: DecisionStore) -> int | None:
    from sqlalchemy import text

    with store.engine.connect() as conn:
        value = conn.scalar(
            text("SELECT version FROM decision_list_versions WHERE workspace_id = :w"),
            {"w": store.workspace_id},
        )
    return None if value is None else int(value)


def test_a_page_read_before_is_answered_with_one_primary_key_read(store: DecisionStore) -> None:
    for i in range(3):
        store.create(**_fields(f"D{i}"))
    first = store.summaries(limit=2)
    seen = statements(store)
    again = store.summaries(limit=2)
    assert again is first and again.summaries_json() == first.summaries_json()
    assert len(seen) == 1 and "decision_list_versions" in seen[0], seen
    assert "count(" not in seen[0]


def test_every_change_by_any_process_is_seen_at_once(store: DecisionStore, database: Any) -> None:
    """The list version is raised by the database itself (triggers), so a change made through another
    engine (another server process), by a plain SQL statement, or by the trash purge shows on the very
    next list; a rolled-back change raises nothing."""
    from sqlalchemy import text

    url, schema = database
    ids = [store.create(**_fields(f"D{i}")).id for i in range(3)]
    names = lambda: [d.name for d in store.summaries().decisions]  # noqa: E731
    assert names() == ["D2", "D1", "D0"]
    other = open_store(url, schema=schema)  # another process's store on the same database
    try:
        other.rename(ids[0], "renamed elsewhere")
        assert names() == ["renamed elsewhere", "D2", "D1"]
        other.delete(ids[1])
        assert names() == ["renamed elsewhere", "D2"] and store.summaries(q="d1").total == 0
        other.undelete(ids[1])
        assert "D1" in names() and store.summaries().total == 3
        before = _list_version(store)
        with other.engine.connect() as conn:
            conn.execute(text("UPDATE decisions SET name = 'by hand' WHERE id = :i"), {"i": ids[2]})
            conn.rollback()
        assert _list_version(store) == before and "by hand" not in names()
        with other.engine.begin() as conn:
            conn.execute(text("UPDATE decisions SET name = 'by hand' WHERE id = :i"), {"i": ids[2]})
        assert _list_version(store) != before and "by hand" in names()
        with other.engine.begin() as conn:
            conn.execute(text("DELETE FROM decisions WHERE id = :i"), {"i": ids[2]})
        assert "by hand" not in names() and store.summaries().total == 2
    finally:
        other.engine.dispose()


def test_list_versions_are_per_workspace(store: DecisionStore) -> None:
    from seamline.store.accounts import AccountStore

    accounts = AccountStore(store.engine)
    user = accounts.add_user("alice", "correct horse battery staple")
    space = accounts.add_workspace("Procurement", owner=user.id)
    theirs = store.scoped(space.id, user_id=user.id, role="owner")
    store.create(**_fields("local one"))
    local_page = store.summaries()
    local_version = _list_version(store)
    theirs.create(**_fields("theirs"))
    assert _list_version(store) == local_version and store.summaries() is local_page
    assert [d.name for d in theirs.summaries().decisions] == ["theirs"]
