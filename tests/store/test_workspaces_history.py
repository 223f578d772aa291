"""Workspaces, roles, history, the trash and accounts in the store, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text, update

from seamline.store import (
    LOCAL_WORKSPACE_ID,
    AccountError,
    AccountStore,
    DecisionStore,
    ForbiddenError,
    NotFoundError,
    open_store,
)
from seamline.store.tables import DecisionRow

PASSWORD = "correct horse battery staple"


def _fields(name: str = "A decision", top: str | None = "staff_augmentation") -> dict[str, Any]:
    return {
        "name": name,
        "situation": {"name": name, "stage": "seed"},
        "knowledge_version": "abc123",
        "status": "recommended" if top else "undetermined",
        "top_model": top,
        "outputs": {"recommendation": {"recommended": top}},
    }


@pytest.fixture
def stores(database: tuple[str, str | None]) -> Any:
    url, schema = database
    store = open_store(url, schema=schema)
    yield store, AccountStore(store.engine)
    store.engine.dispose()


def test_a_fresh_database_has_the_local_user_and_workspace(stores: Any) -> None:
    store, accounts = stores
    assert store.workspace_id == LOCAL_WORKSPACE_ID
    local = accounts.user("local")
    assert not local.can_log_in
    assert not accounts.has_accounts()
    assert [(w.name, w.role) for w in accounts.workspaces(local.id)] == [("Local", "owner")]
    assert accounts.authenticate("local", "") is None


def test_each_workspace_sees_only_its_own_decisions(stores: Any) -> None:
    store, accounts = stores
    alice = accounts.add_user("alice", PASSWORD)
    bob = accounts.add_user("bob", PASSWORD)
    a_ws = accounts.add_workspace("Alice's team", owner=alice.id)
    b_ws = accounts.add_workspace("Bob's team", owner=bob.id)
    a = store.scoped(a_ws.id, user_id=alice.id, role="owner")
    b = store.scoped(b_ws.id, user_id=bob.id, role="owner")
    mine = a.create(**_fields("alice's"))
    theirs = b.create(**_fields("bob's"))
    assert [d.name for d in a.summaries().decisions] == ["alice's"]
    assert [d.name for d in b.summaries().decisions] == ["bob's"]
    assert a.count() == 1 and b.count() == 1
    for call in (
        b.get,
        b.updated_at,
        b.history,
        b.delete,
        b.duplicate,
        lambda i: b.rename(i, "taken"),
        lambda i: b.attach_contract(i, {"x": 1}),
        lambda i: b.restore_version(i, 1),
    ):
        with pytest.raises(NotFoundError):
            call(mine.id)
    assert a.get(mine.id).name == "alice's"  # untouched by every refused call
    assert a.get(mine.id).version == 1
    assert b.get(theirs.id).workspace_id == b_ws.id


def test_a_viewer_reads_but_cannot_change(stores: Any) -> None:
    store, accounts = stores
    saved = store.create(**_fields())
    viewer = accounts.add_user("vera", PASSWORD)
    accounts.grant(LOCAL_WORKSPACE_ID, "vera", "viewer")
    seen = store.scoped(LOCAL_WORKSPACE_ID, user_id=viewer.id, role="viewer")
    assert seen.get(saved.id).name == "A decision"
    assert not seen.can_edit
    for call in (
        lambda: seen.create(**_fields("new")),
        lambda: seen.rename(saved.id, "renamed"),
        lambda: seen.delete(saved.id),
        lambda: seen.duplicate(saved.id),
        lambda: seen.attach_contract(saved.id, {"x": 1}),
        lambda: seen.replace(saved.id, **_fields("edited")),
        lambda: seen.restore_version(saved.id, 1),
        lambda: seen.undelete(saved.id),
    ):
        with pytest.raises(ForbiddenError):
            call()
    assert store.count() == 1 and store.get(saved.id).name == "A decision"


def test_every_edit_keeps_the_previous_version_and_restore_brings_it_back(stores: Any) -> None:
    store, _ = stores
    saved = store.create(**_fields("first"))
    store.rename(saved.id, "second")
    store.replace(saved.id, **_fields("third", top="managed_services"))
    store.attach_contract(saved.id, {"document_type": "sow"})
    store.attach_contract(saved.id, None)
    current = store.get(saved.id)
    assert current.version == 5 and current.name == "third" and current.contract is None
    history = store.history(saved.id)
    assert [(v.version, v.name, v.change) for v in history] == [
        (4, "third", "contract removed"),
        (3, "third", "contract attached"),
        (2, "second", "edited"),
        (1, "first", "renamed"),
    ]
    assert store.version(saved.id, 4).contract == {"document_type": "sow"}
    restored = store.restore_version(saved.id, 1)
    assert restored.name == "first" and restored.top_model == "staff_augmentation"
    assert restored.version == 6
    assert store.history(saved.id)[0].change == "restored version 1"
    assert store.history(saved.id)[0].name == "third"  # what the restore replaced is kept too
    with pytest.raises(NotFoundError):
        store.version(saved.id, 99)
    with pytest.raises(NotFoundError):
        store.restore_version(saved.id, 2**40)


def test_renaming_to_the_same_name_adds_no_version(stores: Any) -> None:
    store, _ = stores
    saved = store.create(**_fields("same"))
    assert store.rename(saved.id, "  same ").version == 1
    assert store.history(saved.id) == []


def test_delete_moves_to_the_trash_and_can_be_undone(stores: Any) -> None:
    store, _ = stores
    saved = store.create(**_fields("keep me"))
    other = store.create(**_fields("other"))
    store.delete(saved.id)
    assert store.count() == 1
    assert [d.id for d in store.summaries().decisions] == [other.id]
    with pytest.raises(NotFoundError):
        store.get(saved.id)
    with pytest.raises(NotFoundError):
        store.delete(saved.id)  # already in the trash
    trashed = store.trash()
    assert [t.id for t in trashed] == [saved.id]
    assert trashed[0].purge_after - trashed[0].deleted_at == timedelta(days=store.trash_days)
    back = store.undelete(saved.id)
    assert back.name == "keep me" and store.count() == 2 and store.trash() == []
    with pytest.raises(NotFoundError):
        store.undelete(saved.id)  # not in the trash any more


def test_purge_removes_only_what_stayed_in_the_trash_too_long(stores: Any) -> None:
    store, _ = stores
    old = store.create(**_fields("old"))
    recent = store.create(**_fields("recent"))
    store.rename(old.id, "old, renamed")
    store.delete(old.id)
    store.delete(recent.id)
    long_ago = datetime.now(UTC) - timedelta(days=store.trash_days + 1)
    with store.engine.begin() as conn:
        conn.execute(update(DecisionRow).where(DecisionRow.id == old.id).values(deleted_at=long_ago))
    assert [t.id for t in store.trash()] == [recent.id]  # past its time: no longer offered
    assert store.purge() == 1
    with store.engine.connect() as conn:
        ids = conn.execute(text("SELECT id FROM decisions ORDER BY id")).scalars().all()
        versions = conn.execute(text("SELECT count(*) FROM decision_versions")).scalar()
    assert ids == [recent.id] and versions == 0
    assert store.create(**_fields("new")).id > recent.id  # ids are still never reused


def test_users_passwords_and_disabling(stores: Any) -> None:
    _, accounts = stores
    alice = accounts.add_user("alice", PASSWORD, "Alice Liddell")
    assert accounts.has_accounts()
    assert accounts.authenticate("alice", PASSWORD) == alice
    assert accounts.authenticate("ALICE", PASSWORD) == alice  # usernames are case-insensitive
    assert accounts.authenticate("alice", PASSWORD + "x") is None
    assert accounts.authenticate("nobody", PASSWORD) is None
    with pytest.raises(AccountError, match="taken"):
        accounts.add_user("Alice", PASSWORD)
    with pytest.raises(AccountError, match="password"):
        accounts.add_user("carol", "short")
    with pytest.raises(AccountError, match="username"):
        accounts.add_user("bad name", PASSWORD)
    disabled = accounts.set_disabled("alice", True)
    assert disabled.session_version == alice.session_version + 1
    assert accounts.authenticate("alice", PASSWORD) is None
    assert not accounts.has_accounts()
    accounts.set_disabled("alice", False)
    changed = accounts.set_password("alice", "another long passphrase")
    assert accounts.authenticate("alice", PASSWORD) is None
    assert accounts.authenticate("alice", "another long passphrase") == changed
    stored = accounts.users()[1]
    assert stored.username == "alice"
    with accounts.engine.connect() as conn:
        digest = conn.execute(text("SELECT password_hash FROM users WHERE username = 'alice'")).scalar()
    assert digest.startswith("$argon2id$") and PASSWORD not in digest


def test_memberships_keep_an_owner(stores: Any) -> None:
    _, accounts = stores
    alice = accounts.add_user("alice", PASSWORD)
    accounts.add_user("bob", PASSWORD)
    ws = accounts.add_workspace("Team", owner=alice.id)
    accounts.grant("Team", "bob", "editor")
    assert {(m.username, m.role) for m in accounts.members(ws.id)} == {("alice", "owner"), ("bob", "editor")}
    with pytest.raises(ForbiddenError):
        accounts.revoke("Team", "alice")
    with pytest.raises(ForbiddenError):
        accounts.grant("Team", "alice", "viewer")
    accounts.grant("Team", "bob", "owner")
    accounts.grant("Team", "alice", "viewer")
    assert accounts.role_of(alice.id, ws.id) == "viewer"
    accounts.revoke(ws.id, "alice")
    assert accounts.role_of(alice.id, ws.id) is None
    with pytest.raises(AccountError, match="role"):
        accounts.grant("Team", "alice", "admin")
    with pytest.raises(AccountError, match="exists"):
        accounts.add_workspace("Team")
    with pytest.raises(NotFoundError):
        accounts.grant("No such team", "alice", "viewer")


def test_api_tokens_are_stored_hashed_and_can_be_revoked(stores: Any) -> None:
    _, accounts = stores
    alice = accounts.add_user("alice", PASSWORD)
    token, secret = accounts.create_token("alice", "nightly export")
    assert secret.startswith("sl_") and len(secret) > 40
    assert accounts.user_for_token(secret) == alice
    assert accounts.user_for_token(secret + "x") is None
    assert accounts.user_for_token("not a token") is None
    with accounts.engine.connect() as conn:
        stored = conn.execute(text("SELECT token_hash FROM api_tokens")).scalar()
    assert secret not in stored and len(stored) == 64
    assert accounts.tokens("alice")[0].last_used_at is not None
    accounts.revoke_token(token.id)
    assert accounts.user_for_token(secret) is None
    _, second = accounts.create_token("alice", "ci")
    accounts.set_disabled("alice", True)
    assert accounts.user_for_token(second) is None
    with pytest.raises(AccountError):
        accounts.create_token("local", "x")
    with pytest.raises(AccountError, match="name"):
        accounts.create_token("alice", "  ")
    with pytest.raises(NotFoundError):
        accounts.revoke_token(2**40)


def test_the_default_store_is_the_local_workspace_owner(stores: Any) -> None:
    store, _ = stores
    assert isinstance(store, DecisionStore)
    assert (store.workspace_id, store.role, store.can_edit) == (LOCAL_WORKSPACE_ID, "owner", True)
    with pytest.raises(ValueError):
        store.scoped(1, user_id=1, role="admin")
