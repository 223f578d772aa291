"""``seamline users|workspaces|tokens``: on SQLite and PostgreSQL, through the real entry point."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from seamline.store import LOCAL_WORKSPACE_ID, AccountStore, open_store

PASSWORD = "correct horse battery staple"


@pytest.fixture
def db(database: tuple[str, str | None], monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The database URL (a PostgreSQL schema travels in SEAMLINE_SETTINGS, as serve hands it on)."""
    url, schema = database
    monkeypatch.delenv("SEAMLINE_DATABASE_URL", raising=False)
    monkeypatch.setenv("SEAMLINE_SETTINGS", json.dumps({"database_schema": schema} if schema else {}))
    yield url


@pytest.fixture
def run(cli: Callable[..., Any], db: str, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    """The CLI with ``--database-url`` added and ``stdin`` as given."""

    def go(*args: str, stdin: str | None = None) -> Any:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin if stdin is not None else ""))
        return cli(*args, "--database-url", db)

    return go


@pytest.fixture
def accounts(database: tuple[str, str | None]) -> Iterator[AccountStore]:
    url, schema = database
    store = open_store(url, schema=schema)
    yield AccountStore(store.engine)
    store.engine.dispose()


def add(run: Callable[..., Any], username: str, *extra: str) -> Any:
    r = run("users", "add", username, "--password-stdin", *extra, stdin=PASSWORD + "\n")
    assert r.code == 0, r.err
    return r


def test_the_first_user_joins_local_as_owner_and_the_next_does_not(run: Any, accounts: AccountStore) -> None:
    r = run("users", "list", "--json")
    assert [u["username"] for u in json.loads(r.out)] == ["local"]
    r = add(run, "alice", "--display-name", "Alice Liddell")
    assert "alice is owner of workspace 'Local'" in r.out and "asks for a login" in r.out
    assert accounts.has_accounts()
    assert accounts.authenticate("alice", PASSWORD) is not None
    assert accounts.user("alice").display_name == "Alice Liddell"
    r = add(run, "bob")
    assert "no workspace yet" in r.out
    add(run, "vera", "--join-local", "viewer")
    members = {m.username: m.role for m in accounts.members(LOCAL_WORKSPACE_ID)}
    assert members == {"local": "owner", "alice": "owner", "vera": "viewer"}
    users = json.loads(run("users", "list", "--json").out)
    assert [(u["username"], u["can_log_in"]) for u in users] == [
        ("local", False),
        ("alice", True),
        ("bob", True),
        ("vera", True),
    ]
    assert "Alice Liddell" in run("users", "list").out


def test_join_local_none_keeps_the_first_user_out(run: Any, accounts: AccountStore) -> None:
    add(run, "alice", "--join-local", "none")
    assert accounts.workspaces(accounts.user("alice").id) == []


def test_disable_enable_and_a_new_password(run: Any, accounts: AccountStore) -> None:
    add(run, "alice")
    version = accounts.user("alice").session_version
    r = run("users", "disable", "alice")
    assert r.code == 0 and "disabled alice" in r.out
    assert "nobody can log in now" in r.err
    assert accounts.authenticate("alice", PASSWORD) is None
    assert accounts.user("alice").session_version > version
    assert run("users", "enable", "alice").code == 0
    assert accounts.authenticate("alice", PASSWORD) is not None
    r = run("users", "passwd", "alice", "--password-stdin", stdin="another long passphrase\n")
    assert r.code == 0, r.err
    assert accounts.authenticate("alice", PASSWORD) is None
    assert accounts.authenticate("alice", "another long passphrase") is not None


def test_workspaces_add_grant_revoke_members(run: Any, accounts: AccountStore) -> None:
    add(run, "alice")
    add(run, "bob")
    r = run("workspaces", "add", "Platform team", "--owner", "bob")
    assert r.code == 0 and "owned by bob" in r.out
    assert run("workspaces", "grant", "Platform team", "alice", "--role", "viewer").code == 0
    members = json.loads(run("workspaces", "members", "Platform team", "--json").out)
    assert [(m["username"], m["role"]) for m in members] == [("alice", "viewer"), ("bob", "owner")]
    listed = json.loads(run("workspaces", "list", "--json").out)
    assert {w["name"]: w["members"] for w in listed} == {"Local": 2, "Platform team": 2}
    team = next(w for w in listed if w["name"] == "Platform team")
    assert run("workspaces", "grant", str(team["id"]), "alice", "--role", "editor").code == 0
    assert accounts.role_of(accounts.user("alice").id, team["id"]) == "editor"
    assert run("workspaces", "revoke", "Platform team", "alice").code == 0
    assert accounts.role_of(accounts.user("alice").id, team["id"]) is None
    assert "bob" in run("workspaces", "members", str(team["id"])).out


def test_tokens_add_list_revoke(run: Any, accounts: AccountStore) -> None:
    add(run, "alice")
    r = run("tokens", "add", "alice", "--name", "nightly report")
    assert r.code == 0
    secret = r.out.strip()
    assert secret.startswith("sl_") and "shown this once" in r.err
    user = accounts.user_for_token(secret)
    assert user is not None and user.username == "alice"
    listed = json.loads(run("tokens", "list", "--json").out)
    assert [(t["username"], t["name"], t["revoked"]) for t in listed] == [("alice", "nightly report", False)]
    assert secret not in run("tokens", "list").out and secret not in json.dumps(listed)
    assert run("tokens", "list", "--user", "alice", "--json").out.count('"id"') == 1
    assert run("tokens", "revoke", str(listed[0]["id"])).code == 0
    assert accounts.user_for_token(secret) is None


@pytest.mark.parametrize(
    ("args", "stdin", "expected"),
    [
        (("users", "add", "alice", "--password-stdin"), "short\n", "expected 12 to 1024 characters"),
        (("users", "add", "al ice", "--password-stdin"), PASSWORD + "\n", "USERNAME: got 'al ice'"),
        (("users", "add", "bob"), "", "pipe the password in with --password-stdin"),
        (("users", "add", "bob", "--password-stdin", "--join-local", "boss"), PASSWORD, "--join-local"),
        (("users", "add", "alice", "--password-stdin"), PASSWORD + "\n", "'alice' is taken"),
        (("users", "disable", "nobody"), "", "no such user"),
        (("users", "disable", "local"), "", "the local user has no password"),
        (("users", "passwd", "nobody", "--password-stdin"), PASSWORD, "no such user"),
        (("workspaces", "add", "Team", "--owner", "nobody"), "", "no such user"),
        (("workspaces", "grant", "Local", "alice", "--role", "boss"), "", "expected one of owner, editor"),
        (("workspaces", "grant", "Nowhere", "alice"), "", "no such workspace"),
        (("workspaces", "revoke", "Local", "local"), "", "keeps at least one owner"),
        (("workspaces", "members", "99"), "", "no such workspace"),
        (("tokens", "add", "local", "--name", "x"), "", "tokens are for users who can log in"),
        (("tokens", "add", "alice", "--name", " "), "", "expected a token name"),
        (("tokens", "revoke", "99"), "", "no such token"),
    ],
)
def test_errors_are_one_line_and_exit_2(run: Any, args: tuple[str, ...], stdin: str, expected: str) -> None:
    add(run, "alice", "--join-local", "none")  # "local" stays the only owner of Local
    r = run(*args, stdin=stdin)
    assert r.code == 2, (r.out, r.err)
    assert r.err.startswith("error: ") and r.err.count("\n") == 1, r.err
    assert expected in r.err


def test_the_cli_roles_are_the_store_s() -> None:
    from seamline.cli.accounts_cmd import ROLES
    from seamline.store import ROLES as STORE_ROLES

    assert ROLES == STORE_ROLES


def test_the_database_url_comes_from_the_environment_as_for_serve(
    cli: Callable[..., Any], db: str, monkeypatch: pytest.MonkeyPatch, accounts: AccountStore
) -> None:
    monkeypatch.setenv("SEAMLINE_DATABASE_URL", db)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert cli("users", "add", "alice", "--password-stdin").code == 0
    assert accounts.user("alice").can_log_in
