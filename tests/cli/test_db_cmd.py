"""``seamline db backup|restore``: a round trip keeps every decision, version and account; a bad file is
refused with exit code 2 and the database untouched; a failure leaves no partial file; PostgreSQL gets the
pg_dump / pg_restore command to run."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, create_engine, select

from seamline.store import AccountStore, DecisionStore, head_revision, make_engine, migrate, open_store
from seamline.store.backup import BackupError

PASSWORD = "correct horse battery staple"


def _fields(name: str, top: str | None = "staff_augmentation") -> dict[str, Any]:
    return {
        "name": name,
        "situation": {"name": name, "stage": "seed", "notes": "ünïcode ✓"},
        "knowledge_version": "abc123",
        "status": "recommended" if top else "undetermined",
        "top_model": top,
        "outputs": {"recommendation": {"recommended": top}, "figures": [1.5, 2, None]},
    }


def _fill(store: DecisionStore) -> None:
    """Decisions with histories, one in the trash, accounts with a workspace, a membership and a token."""
    accounts = AccountStore(store.engine)
    alice = accounts.add_user("alice", PASSWORD)
    accounts.add_user("bob", PASSWORD)
    team = accounts.add_workspace("Alice's team", owner=alice.id)
    accounts.grant(team.id, "bob", "viewer")
    accounts.create_token("alice", "a script")
    first = store.create(**_fields("First"))
    store.rename(first.id, "First, renamed")
    store.replace(first.id, **_fields("First, edited", top=None))
    store.attach_contract(first.id, {"detected": {"model": "managed_services"}})
    second = store.create(**_fields("Second"))
    store.delete(second.id)
    store.scoped(team.id, user_id=alice.id, role="owner").create(**_fields("In Alice's team"))


def _snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (but alembic's), in key order."""
    engine = create_engine(url)
    try:
        meta = MetaData()
        meta.reflect(engine)
        with engine.connect() as conn:
            return {
                name: [tuple(r) for r in conn.execute(select(table).order_by(*table.primary_key.columns))]
                for name, table in sorted(meta.tables.items())
                if name != "alembic_version"
            }
    finally:
        engine.dispose()


@pytest.fixture
def live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Path]]:
    """(URL, file) of a filled SQLite database."""
    monkeypatch.delenv("SEAMLINE_SETTINGS", raising=False)
    monkeypatch.delenv("SEAMLINE_DATABASE_URL", raising=False)
    path = tmp_path / "live" / "seamline.db"
    store = open_store(f"sqlite:///{path}")
    _fill(store)
    store.engine.dispose()
    yield f"sqlite:///{path}", path


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_backup_then_restore_keeps_every_decision_version_and_account(
    cli: Callable[..., Any], live: tuple[str, Path], tmp_path: Path
) -> None:
    url, _ = live
    before = _snapshot(url)
    assert len(before["decisions"]) == 3 and len(before["decision_versions"]) == 3
    assert len(before["users"]) == 3 and len(before["api_tokens"]) == 1
    backup = tmp_path / "backups" / "monday.db"
    run = cli("db", "backup", str(backup), "--database-url", url)
    assert run.code == 0, run.err
    assert "2 decisions, 1 in the trash, 3 earlier versions, 2 user accounts" in run.out
    assert _files(backup.parent) == ["monday.db"]  # no temporary file left beside it

    # changes after the backup: a new decision, an edit, another delete
    store = open_store(url)
    store.create(**_fields("After the backup"))
    first = store.list()[-1]
    store.rename(first.id, "Changed later")
    store.engine.dispose()
    assert _snapshot(url) != before

    refused = cli("db", "restore", str(backup), "--database-url", url)
    assert refused.code == 2
    assert "holds 3 decisions, 1 in the trash" in refused.err and "--force" in refused.err
    run = cli("db", "restore", str(backup), "--database-url", url, "--force")
    assert run.code == 0, run.err
    assert "replaced: 3 decisions" in run.out
    assert _snapshot(url) == before
    assert AccountStore(make_engine(url)).authenticate("alice", PASSWORD) is not None

    fresh = tmp_path / "elsewhere" / "new.db"  # no database there yet: no --force needed
    run = cli("db", "restore", str(backup), "--database-url", f"sqlite:///{fresh}")
    assert run.code == 0, run.err
    assert _snapshot(f"sqlite:///{fresh}") == before
    assert _files(fresh.parent) == ["new.db"]


def test_an_existing_backup_file_is_replaced_only_with_force(
    cli: Callable[..., Any], live: tuple[str, Path], tmp_path: Path
) -> None:
    url, _ = live
    target = tmp_path / "backup.db"
    target.write_bytes(b"an older backup")
    run = cli("db", "backup", str(target), "--database-url", url)
    assert run.code == 2 and "exists already; add --force" in run.err
    assert target.read_bytes() == b"an older backup"
    assert cli("db", "backup", str(target), "--database-url", url, "--force").code == 0
    assert target.read_bytes().startswith(b"SQLite format 3\x00")


def _foreign(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    conn.close()


def _unknown_revision(path: Path, backup: Path) -> None:
    store = open_store(f"sqlite:///{path}")
    store.engine.dispose()
    with sqlite3.connect(backup) as out, sqlite3.connect(path) as src:
        src.backup(out)
        out.execute("UPDATE alembic_version SET version_num = '9999'")
    out.close()
    src.close()


def _damaged(path: Path, backup: Path) -> None:
    data = path.read_bytes()
    page = 4096
    # keep the header page, scramble the rest: SQLite still opens it but the b-trees are garbage
    backup.write_bytes(data[:page] + bytes((b * 7 + 3) % 256 for b in data[page:]))


BAD = {
    "text": (lambda path, f: f.write_text("not a database"), "is not a SQLite database"),
    "empty": (lambda path, f: f.write_bytes(b""), "is not a SQLite database"),
    "foreign": (lambda path, f: _foreign(f), "not a seamline one"),
    "unknown revision": (_unknown_revision, "schema revision 9999, which this seamline does not know"),
    "damaged": (_damaged, "damaged"),
    "missing": (lambda path, f: None, "there is no file at"),
}


@pytest.mark.parametrize("kind", list(BAD))
def test_a_bad_file_is_refused_and_the_database_untouched(
    cli: Callable[..., Any], live: tuple[str, Path], tmp_path: Path, kind: str
) -> None:
    url, path = live
    make, message = BAD[kind]
    bad = tmp_path / f"{kind.replace(' ', '-')}.db"
    make(path, bad)
    before = _snapshot(url)
    files = _files(path.parent)
    run = cli("db", "restore", str(bad), "--database-url", url, "--force")
    assert run.code == 2
    assert message in run.err
    assert run.err.count("\n") == 1, "one line"
    assert "Traceback" not in run.err
    assert _snapshot(url) == before
    assert _files(path.parent) == files  # nothing left beside the database


def test_a_failed_backup_leaves_no_file(
    cli: Callable[..., Any], live: tuple[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from seamline.store import backup as backup_module

    url, _ = live
    real_copy = backup_module._copy

    def copy_then_fail(source: sqlite3.Connection, target: Path) -> None:
        real_copy(source, target)  # the whole copy is written ...
        with target.open("r+b") as f:  # ... then the disk fails half-way through flushing it
            f.truncate(target.stat().st_size // 2)
        raise BackupError(f"backup: writing {target} failed (simulated)")

    monkeypatch.setattr(backup_module, "_copy", copy_then_fail)
    folder = tmp_path / "out"
    folder.mkdir()
    run = cli("db", "backup", str(folder / "b.db"), "--database-url", url)
    assert run.code == 2 and "simulated" in run.err
    assert _files(folder) == []

    monkeypatch.setattr(backup_module, "_copy", real_copy)

    def check_fails(conn: sqlite3.Connection, path: Path, where: str) -> None:
        raise BackupError(f"{where}: {path} is damaged (simulated)")

    monkeypatch.setattr(backup_module, "_check", check_fails)  # the copy is written, then fails its check
    run = cli("db", "backup", str(folder / "b.db"), "--database-url", url)
    assert run.code == 2 and "simulated" in run.err
    assert _files(folder) == []


def test_a_failed_restore_leaves_the_database_as_it_was(
    cli: Callable[..., Any], live: tuple[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from seamline.store import backup as backup_module

    url, path = live
    backup = tmp_path / "b.db"
    assert cli("db", "backup", str(backup), "--database-url", url).code == 0
    store = open_store(url)
    store.create(**_fields("Only in the live database"))
    store.engine.dispose()
    before = _snapshot(url)
    files = _files(path.parent)

    def migrate_fails(engine: Any, revision: str = "head") -> None:
        raise BackupError("database: cannot migrate (simulated)")

    monkeypatch.setattr(backup_module, "migrate", migrate_fails)
    run = cli("db", "restore", str(backup), "--database-url", url, "--force")
    assert run.code == 2 and "simulated" in run.err
    assert _snapshot(url) == before
    assert _files(path.parent) == files


def test_backup_while_the_database_is_being_written(
    cli: Callable[..., Any], live: tuple[str, Path], tmp_path: Path
) -> None:
    """The online backup takes a consistent snapshot while another connection keeps saving."""
    url, _ = live
    store = open_store(url)
    stop = threading.Event()
    saved: list[int] = []

    def keep_saving() -> None:
        while not stop.is_set():
            saved.append(store.create(**_fields(f"Saved during the backup {len(saved)}")).id)

    writer = threading.Thread(target=keep_saving)
    writer.start()
    try:
        while len(saved) < 5:  # the writer is running
            threading.Event().wait(0.01)
        runs = [cli("db", "backup", str(tmp_path / f"b{i}.db"), "--database-url", url) for i in range(3)]
    finally:
        stop.set()
        writer.join()
        store.engine.dispose()
    assert [r.code for r in runs] == [0, 0, 0], [r.err for r in runs]
    for i in range(3):
        with sqlite3.connect(tmp_path / f"b{i}.db") as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one file
            names = [r[0] for r in conn.execute("SELECT name FROM decisions ORDER BY id")]
        conn.close()
        # a prefix of what was saved: every decision up to some point, none half there
        during = [n for n in names if n.startswith("Saved during")]
        assert during == [f"Saved during the backup {k}" for k in range(len(during))]


def test_restore_into_a_database_a_server_has_open(
    cli: Callable[..., Any], live: tuple[str, Path], tmp_path: Path
) -> None:
    """The server's connections see the restored database (written into the live file, not beside it)."""
    url, _ = live
    backup = tmp_path / "b.db"
    assert cli("db", "backup", str(backup), "--database-url", url).code == 0
    server = open_store(url)
    try:
        extra = server.create(**_fields("Saved after the backup"))
        assert server.count() == 2  # in the local workspace: "First, edited" and this one
        run = cli("db", "restore", str(backup), "--database-url", url, "--force")
        assert run.code == 0, run.err
        assert server.count() == 1  # the same engine, now reading the restored data
        assert all(d.name != extra.name for d in server.list())
        server.create(**_fields("Saved after the restore"))  # and it can write to it
        assert server.count() == 2
    finally:
        server.engine.dispose()
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()


def test_an_older_backup_is_migrated_when_restored(cli: Callable[..., Any], tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    engine = make_engine(f"sqlite:///{old}")
    migrate(engine, "0003")  # the schema before workspaces and history
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO decisions (name, created_at, updated_at, knowledge_version, status, top_model, "
            "situation, outputs) VALUES ('From 0003', '2025-01-01', '2025-01-01', 'k', 'recommended', "
            "NULL, '{\"name\": \"From 0003\"}', '{}')"
        )
    engine.dispose()
    backup = tmp_path / "old-backup.db"
    run = cli("db", "backup", str(backup), "--database-url", f"sqlite:///{old}")
    assert run.code == 0, run.err
    assert "schema revision 0003" in run.out
    target = tmp_path / "restored.db"
    run = cli("db", "restore", str(backup), "--database-url", f"sqlite:///{target}")
    assert run.code == 0, run.err
    assert f"schema revision {head_revision()}" in run.out
    store = open_store(f"sqlite:///{target}")
    try:
        [decision] = store.list()
        assert decision.name == "From 0003" and decision.version == 1
    finally:
        store.engine.dispose()


@pytest.mark.parametrize("command", ["backup", "restore"])
def test_postgresql_gets_the_command_to_run(
    cli: Callable[..., Any], command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SEAMLINE_SETTINGS", raising=False)
    url = "postgresql+psycopg://seamline:s3cret-pw@db.internal:5433/decisions"
    run = cli("db", command, str(tmp_path / "team.dump"), "--database-url", url)
    assert run.code == 2
    assert run.err.count("\n") == 1, "one line"
    tool = "pg_dump -Fc" if command == "backup" else "pg_restore --clean --if-exists"
    assert f"{tool} -h db.internal -p 5433 -U seamline -d decisions" in run.err
    assert str(tmp_path / "team.dump") in run.err
    assert "s3cret-pw" not in run.err and "PGPASSWORD" in run.err


def test_backup_of_a_missing_database_is_refused(cli: Callable[..., Any], tmp_path: Path) -> None:
    run = cli("db", "backup", str(tmp_path / "b.db"), "--database-url", f"sqlite:///{tmp_path / 'none.db'}")
    assert run.code == 2 and "there is no database at" in run.err
    assert _files(tmp_path) == []  # no empty database created on the way
