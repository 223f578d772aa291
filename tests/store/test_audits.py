"""Stored audits (migration 0008) on SQLite and PostgreSQL: an audit and its documents belong to one
workspace, a viewer cannot write, ids are never given again, the documents are inserted in batches while
they are read and all in one transaction, and the filters and the cursor run in the database."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event, func, inspect, select, text

from seamline.store import AccountStore, ForbiddenError, NotFoundError, open_store
from seamline.store.audits import AuditFilterError, AuditInputError, AuditStore, document_row
from seamline.store.db import head_revision
from seamline.store.tables import AuditDocumentRow, AuditRow

PASSWORD = "correct horse battery staple"


def record(
    i: int,
    *,
    vendor: str | None = "Northwind",
    detected: str | None = "staff_augmentation",
    claimed: str | None = None,
    value: float | None = None,
    missing: tuple[str, ...] = (),
    mislabel: bool = False,
    unreadable: bool = False,
) -> dict[str, Any]:
    """A documents.jsonl record of the shape seamline audit writes (the check cut down to what the store
    reads; the store keeps the whole record as given)."""
    path = f"docs/{i:05d}.txt"
    return {
        "path": path,
        "row": i,
        "metadata": {
            "vendor": vendor,
            "annual_value": value,
            "currency": "EUR" if value is not None else None,
        },
        "error": f"row {i}: {path}: file not found" if unreadable else None,
        "check": None if unreadable else {"path": path, "detected": {"model": detected}, "findings": []},
        "summary": {
            "status": "unreadable" if unreadable else "checked",
            "document_type": None if unreadable else "engagement",
            "claimed": claimed,
            "detected": None if unreadable else detected,
            "confidence": None if unreadable else 0.9,
            "mislabel": {"kind": "model", "pattern": "p", "text": "t", "source": "s"} if mislabel else None,
            "missing": list(missing),
            "vendor": vendor,
            "vendor_from": "manifest" if vendor else None,
        },
    }


def audit_json(records: list[dict[str, Any]], review: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "version": 1,
        "source": "manifest.csv",
        "as_of": "2026-12-31",
        "documents": {
            "total": len(records),
            "mislabel_candidates": sum(1 for r in records if r["summary"]["mislabel"]),
            "review_flags": len(review),
        },
        "review_flags": [{"path": p} for p in review],
        "vendors": [],
    }


RECORDS = [
    record(1, value=480000, missing=("ip_assignment_each_contractor", "individual_nda"), mislabel=True),
    record(2, value=120000, detected="project_outsourcing", missing=("acceptance_criteria",)),
    record(3, value=None, missing=("ip_assignment_each_contractor",)),
    record(4, vendor="Kestrel", value=260000, mislabel=True, claimed="dedicated_team"),
    record(5, vendor="Kestrel", value=90000, detected=None),
    record(6, vendor=None, value=45000, missing=("ip_ownership_assignment",)),
    record(7, vendor="Kestrel", unreadable=True),
    record(8, value=120000),  # the same value as 2: ordered by id after it
]


@pytest.fixture
def setup(database: tuple[str, str | None]) -> Iterator[tuple[Any, dict[str, AuditStore]]]:
    url, schema = database
    store = open_store(url, schema=schema)
    accounts = AccountStore(store.engine)
    users = {n: accounts.add_user(n, PASSWORD) for n in ("alice", "bob", "vera")}
    alpha = accounts.add_workspace("Alpha", owner=users["alice"].id).id
    beta = accounts.add_workspace("Beta", owner=users["bob"].id).id
    accounts.grant(alpha, "vera", "viewer")
    scoped = {
        "alice": AuditStore.of(store.scoped(alpha, user_id=users["alice"].id, role="owner")),
        "bob": AuditStore.of(store.scoped(beta, user_id=users["bob"].id, role="owner")),
        "vera": AuditStore.of(store.scoped(alpha, user_id=users["vera"].id, role="viewer")),
    }
    yield store, scoped
    store.engine.dispose()


def _save(audits: AuditStore, records: list[dict[str, Any]] = RECORDS, **kw: Any) -> Any:
    return audits.save_audit(audit_json(records, review=("docs/00004.txt",)), iter(records), **kw)


def test_the_migration_makes_the_tables(setup: Any) -> None:
    store, _ = setup
    assert {"audits", "audit_documents"} <= set(inspect(store.engine).get_table_names())
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
    assert head_revision() >= "0008"


def test_an_audit_is_stored_and_read_back(setup: Any) -> None:
    _, s = setup
    saved = _save(s["alice"])
    assert saved.name == "manifest.csv as of 2026-12-31"  # the default name
    assert (saved.documents, saved.mislabels, saved.review_flags) == (8, 2, 1)
    again = s["alice"].audit(saved.id)
    assert again.audit == audit_json(RECORDS, review=("docs/00004.txt",))
    assert again.as_of.isoformat() == "2026-12-31"
    page = s["alice"].documents(saved.id, limit=200)
    assert page.total == 8 and page.next_cursor is None
    by_path = {d.path: d for d in page.documents}
    first = by_path["docs/00001.txt"]
    assert first.missing == ["ip_assignment_each_contractor", "individual_nda"]
    assert first.mislabel and first.mislabel_kind == "model" and not first.review
    assert by_path["docs/00004.txt"].review
    assert by_path["docs/00007.txt"].status == "unreadable" and "file not found" in str(
        by_path["docs/00007.txt"].error
    )
    assert by_path["docs/00006.txt"].vendor is None
    doc = s["alice"].document(saved.id, first.id)
    assert doc.record == RECORDS[0]  # the whole record, as given


def test_documents_are_ordered_by_value_with_unknown_values_last(setup: Any) -> None:
    _, s = setup
    saved = _save(s["alice"])
    values = [d.value for d in s["alice"].documents(saved.id).documents]
    known = [v for v in values if v is not None]
    assert known == sorted(known, reverse=True)
    assert values[: len(known)] == known and all(v is None for v in values[len(known) :])


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"vendor": "Northwind"}, {1, 2, 3, 8}),
        ({"vendor": "(unknown)"}, {6}),
        ({"vendor": "Nobody"}, set()),
        ({"vendor": "North\x00wind"}, {1, 2, 3, 8}),  # a NUL no stored text can hold: dropped
        ({"model": "staff_augmentation"}, {1, 3, 4, 6, 8}),
        ({"model": "none"}, {5}),  # checked, no model: the unreadable 7 was never checked
        ({"claimed": "dedicated_team"}, {4}),
        ({"claimed": "none", "model": "staff_augmentation"}, {1, 3, 6, 8}),
        ({"finding": "ip_assignment_each_contractor"}, {1, 3}),
        ({"finding": "ip_assignment"}, set()),  # a whole item, never a part of one
        ({"finding": "ip%"}, set()),  # LIKE wildcards are plain characters
        ({"finding": "mislabel"}, {1, 4}),
        ({"finding": "review"}, {4}),
        ({"finding": "unreadable"}, {7}),
        ({"min_value": 100000}, {1, 2, 4, 8}),
        ({"max_value": 100000}, {5, 6}),
        ({"min_value": 120000, "max_value": 260000}, {2, 4, 8}),
        ({"vendor": "Northwind", "model": "staff_augmentation", "min_value": 1}, {1, 8}),
    ],
)
def test_filters_run_in_the_database(setup: Any, filters: dict[str, Any], expected: set[int]) -> None:
    _, s = setup
    saved = _save(s["alice"])
    page = s["alice"].documents(saved.id, limit=200, **filters)
    assert {int(d.path[5:10]) for d in page.documents} == expected
    assert page.total == len(expected)


def test_the_cursor_walks_every_document_once(setup: Any) -> None:
    _, s = setup
    records = [record(i, value=float(i % 7) * 1000 if i % 5 else None) for i in range(1, 58)]
    saved = s["alice"].save_audit(audit_json(records), iter(records), batch=10)
    whole = s["alice"].documents(saved.id, limit=200).documents
    seen: list[int] = []
    cursor = None
    while True:
        page = s["alice"].documents(saved.id, limit=6, cursor=cursor)
        assert page.total == 57
        seen += [d.id for d in page.documents]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == [d.id for d in whole] and len(set(seen)) == 57
    # filtered pages too
    seen, cursor = [], None
    while True:
        page = s["alice"].documents(saved.id, limit=4, min_value=2000, cursor=cursor)
        seen += [d.id for d in page.documents]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == [d.id for d in whole if d.value is not None and d.value >= 2000]


@pytest.mark.parametrize("cursor", ["zzz", "W10", "WyJ4IiwxXQ", "x" * 500, "WzEuMCwtMV0"])
def test_a_foreign_cursor_is_refused_naming_it(setup: Any, cursor: str) -> None:
    _, s = setup
    saved = _save(s["alice"])
    with pytest.raises(AuditFilterError, match="cursor") as info:
        s["alice"].documents(saved.id, cursor=cursor)
    assert info.value.problems[0].where == "cursor"


@pytest.mark.parametrize(("field", "value"), [("min_value", "abc"), ("max_value", -1), ("min_value", "nan")])
def test_a_bad_value_bound_is_refused_naming_it(setup: Any, field: str, value: Any) -> None:
    _, s = setup
    saved = _save(s["alice"])
    with pytest.raises(AuditFilterError, match=field):
        s["alice"].documents(saved.id, **{field: value})


def test_audits_belong_to_their_workspace_and_viewers_only_read(setup: Any) -> None:
    _, s = setup
    alice, bob, vera = s["alice"], s["bob"], s["vera"]
    mine = _save(alice, name="Alpha's audit")
    doc = alice.documents(mine.id).documents[0]
    assert [a.name for a in vera.audits()] == ["Alpha's audit"]  # a viewer reads
    assert vera.document(mine.id, doc.id).path == doc.path
    assert vera.summary(mine.id) == mine
    assert bob.audits() == []
    for call in (
        lambda: bob.audit(mine.id),
        lambda: bob.summary(mine.id),
        lambda: bob.documents(mine.id),
        lambda: bob.document(mine.id, doc.id),
        lambda: bob.ids_of(mine.id, [doc.path]),
        lambda: bob.delete_audit(mine.id),
    ):
        with pytest.raises(NotFoundError):
            call()
    with pytest.raises(ForbiddenError):
        _save(vera)
    with pytest.raises(ForbiddenError):
        vera.delete_audit(mine.id)
    theirs = _save(bob)
    their_doc = bob.documents(theirs.id).documents[0]
    with pytest.raises(NotFoundError):  # a document of another audit, asked under one's own audit
        alice.document(mine.id, their_doc.id)
    assert alice.ids_of(mine.id, [doc.path, "not/there.txt"]) == {doc.path: doc.id}
    assert [a.id for a in alice.audits()] == [mine.id]


@pytest.mark.parametrize("bad", [0, -1, 2**31, 2**63, True])
def test_an_id_no_audit_can_have_is_not_found(setup: Any, bad: Any) -> None:
    _, s = setup
    saved = _save(s["alice"])
    with pytest.raises(NotFoundError):
        s["alice"].audit(bad)
    with pytest.raises(NotFoundError):
        s["alice"].document(saved.id, bad)


def test_ids_are_never_given_again(setup: Any) -> None:
    _, s = setup
    first = _save(s["alice"])
    last_doc = max(d.id for d in s["alice"].documents(first.id, limit=200).documents)
    s["alice"].delete_audit(first.id)
    assert s["alice"].audits() == []
    again = _save(s["alice"])
    assert again.id > first.id
    assert min(d.id for d in s["alice"].documents(again.id, limit=200).documents) > last_doc


def test_deleting_an_audit_removes_its_documents(setup: Any) -> None:
    store, s = setup
    keep, gone = _save(s["alice"]), _save(s["alice"])
    s["alice"].delete_audit(gone.id)
    with store.engine.connect() as conn:
        counts = dict(
            conn.execute(
                select(AuditDocumentRow.audit_id, func.count()).group_by(AuditDocumentRow.audit_id)
            ).all()
        )
    assert counts == {keep.id: len(RECORDS)}


def test_documents_are_inserted_in_batches_while_they_are_read(setup: Any) -> None:
    """The store never holds the whole repository: inserting starts after the first batch is read."""
    store, s = setup
    consumed = 0
    at_insert: list[int] = []

    def records() -> Iterator[dict[str, Any]]:
        nonlocal consumed
        for i in range(1, 1001):
            consumed += 1
            yield record(i, value=float(i))

    def watch(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO AUDIT_DOCUMENTS"):
            at_insert.append(consumed)

    event.listen(store.engine, "before_cursor_execute", watch)
    try:
        saved = s["alice"].save_audit(audit_json([]), records(), batch=100)
    finally:
        event.remove(store.engine, "before_cursor_execute", watch)
    assert saved.documents == 1000
    assert at_insert and at_insert[0] <= 100  # the first batch went in before the 101st record was read
    assert at_insert[-1] == 1000 and len(at_insert) >= 10


def test_a_bad_record_stores_nothing_and_names_its_line(setup: Any) -> None:
    store, s = setup
    records = [record(i) for i in range(1, 400)]
    records[249] = {"path": "docs/bad.txt", "metadata": {}}  # line 250: no summary
    with pytest.raises(AuditInputError, match=r"documents\.jsonl line 250: docs/bad\.txt"):
        s["alice"].save_audit(audit_json(records[:1]), iter(records), batch=50)
    with pytest.raises(AuditInputError, match="line 3: expected a record with a path"):
        s["alice"].save_audit(audit_json([]), iter([record(1), record(2), {"no": "path"}]))
    with pytest.raises(AuditInputError, match="not an audit"):
        s["alice"].save_audit({"documents": 3}, iter([]))
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(AuditRow)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(AuditDocumentRow)).scalar() == 0


def test_the_document_row_keeps_what_the_filters_read() -> None:
    row = document_row(record(3, value=7.5, missing=("a_b", "c")), 3, frozenset({"docs/00003.txt"}))
    assert row["missing"] == ",a_b,c," and row["missing_count"] == 2
    assert row["value"] == 7.5 == row["value_rank"] and row["review"] is True
    assert document_row(record(4, value=None), 4, frozenset())["value_rank"] == -1.0
