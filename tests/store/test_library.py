"""Vendors, portfolios and the vendors kept with a decision in the store (migration 0007), on SQLite and
PostgreSQL: each belongs to one workspace, a viewer cannot write, links go with what they link."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import inspect, text

from seamline.store import AccountStore, ForbiddenError, NotFoundError, open_store
from seamline.store.library import LibraryStore

PASSWORD = "correct horse battery staple"
PROFILE = {"name": "Northwind", "answers": {"references": "three clients of 10 engineers each"}}


def _decision(store: Any, name: str = "A decision") -> int:
    record = store.create(
        name=name,
        situation={"name": name},
        knowledge_version="k",
        status="recommended",
        top_model="staff_augmentation",
        outputs={},
    )
    return int(record.id)


@pytest.fixture
def setup(database: tuple[str, str | None]) -> Any:
    url, schema = database
    store = open_store(url, schema=schema)
    accounts = AccountStore(store.engine)
    users = {n: accounts.add_user(n, PASSWORD) for n in ("alice", "bob", "vera")}
    alpha = accounts.add_workspace("Alpha", owner=users["alice"].id).id
    beta = accounts.add_workspace("Beta", owner=users["bob"].id).id
    accounts.grant(alpha, "vera", "viewer")
    scoped = {
        "alice": store.scoped(alpha, user_id=users["alice"].id, role="owner"),
        "bob": store.scoped(beta, user_id=users["bob"].id, role="owner"),
        "vera": store.scoped(alpha, user_id=users["vera"].id, role="viewer"),
    }
    yield store, scoped
    store.engine.dispose()


def test_the_migration_makes_the_tables(setup: Any) -> None:
    store, _ = setup
    tables = set(inspect(store.engine).get_table_names())
    assert {"vendors", "decision_vendors", "portfolios"} <= tables
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() >= "0007"


def test_vendors_belong_to_their_workspace(setup: Any) -> None:
    _, s = setup
    alice, bob, vera = (LibraryStore.of(s[n]) for n in ("alice", "bob", "vera"))
    mine = alice.save_vendor("Northwind", PROFILE)
    assert [v.name for v in alice.vendors()] == ["Northwind"]
    assert [v.name for v in vera.vendors()] == ["Northwind"]  # a viewer reads
    assert bob.vendors() == []
    with pytest.raises(NotFoundError):
        bob.vendor(mine.id)
    with pytest.raises(NotFoundError):
        bob.delete_vendor(mine.id)
    with pytest.raises(ForbiddenError):
        vera.save_vendor("Other", PROFILE)
    with pytest.raises(ForbiddenError):
        vera.delete_vendor(mine.id)
    theirs = bob.save_vendor("Northwind", PROFILE)  # the same name in another workspace: its own vendor
    assert theirs.id != mine.id


def test_saving_a_name_again_replaces_the_answers(setup: Any) -> None:
    _, s = setup
    alice = LibraryStore.of(s["alice"])
    first = alice.save_vendor("Northwind", PROFILE)
    again = alice.save_vendor("  Northwind ", {**PROFILE, "models": ["staff_augmentation"]})
    assert again.id == first.id
    assert alice.vendor(first.id).profile["models"] == ["staff_augmentation"]
    assert len(alice.vendors()) == 1


def test_vendors_kept_with_a_decision(setup: Any) -> None:
    _, s = setup
    alice, bob, vera = (LibraryStore.of(s[n]) for n in ("alice", "bob", "vera"))
    decision = _decision(s["alice"])
    a = alice.save_vendor("A", {**PROFILE, "name": "A"})
    b = alice.save_vendor("B", {**PROFILE, "name": "B"})
    assert [v.name for v in alice.attach_vendor(decision, a.id)] == ["A"]
    assert [v.name for v in alice.attach_vendor(decision, b.id)] == ["A", "B"]
    assert [v.name for v in alice.attach_vendor(decision, a.id)] == ["A", "B"]  # again: nothing changes
    other = bob.save_vendor("C", {**PROFILE, "name": "C"})
    with pytest.raises(NotFoundError):
        alice.attach_vendor(decision, other.id)  # another workspace's vendor
    with pytest.raises(NotFoundError):
        bob.attach_vendor(decision, other.id)  # another workspace's decision
    with pytest.raises(NotFoundError):
        bob.decision_vendors(decision)
    with pytest.raises(ForbiddenError):
        vera.detach_vendor(decision, a.id)
    assert [v.name for v in alice.detach_vendor(decision, a.id)] == ["B"]
    with pytest.raises(NotFoundError):
        alice.detach_vendor(decision, a.id)  # not kept any more
    alice.delete_vendor(b.id)  # the link goes with the vendor
    assert alice.decision_vendors(decision) == []
    alice.attach_vendor(decision, a.id)
    s["alice"].delete(decision)  # a decision in the trash is no decision to keep vendors with
    with pytest.raises(NotFoundError):
        alice.decision_vendors(decision)


def test_portfolios_belong_to_their_workspace(setup: Any) -> None:
    _, s = setup
    alice, bob, vera = (LibraryStore.of(s[n]) for n in ("alice", "bob", "vera"))
    fields = {"stage": "scale_up", "knowledge_version": "k", "portfolio": {"name": "P"}, "plan": {"x": 1}}
    first = alice.save_portfolio(name="Q3 plan", **fields)
    second = alice.save_portfolio(name="Q4 plan", **fields)
    assert [p.name for p in alice.portfolios()] == ["Q4 plan", "Q3 plan"]  # newest first
    changed = alice.save_portfolio(name="Q3 plan v2", portfolio_id=first.id, **fields)
    assert changed.id == first.id and alice.portfolio(first.id).name == "Q3 plan v2"
    assert bob.portfolios() == []
    for call in (lambda: bob.portfolio(first.id), lambda: bob.delete_portfolio(first.id)):
        with pytest.raises(NotFoundError):
            call()
    with pytest.raises(NotFoundError):
        bob.save_portfolio(name="x", portfolio_id=first.id, **fields)
    with pytest.raises(ForbiddenError):
        vera.save_portfolio(name="x", **fields)
    with pytest.raises(ForbiddenError):
        vera.delete_portfolio(second.id)
    assert vera.portfolio(second.id).name == "Q4 plan"
    for bad in (0, -1, 2**63, True):
        with pytest.raises(NotFoundError):
            alice.portfolio(bad)
    alice.delete_portfolio(second.id)
    assert [p.id for p in alice.portfolios()] == [first.id]
