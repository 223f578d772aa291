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
