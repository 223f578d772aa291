"""Back up and restore a SQLite database; for PostgreSQL, say which ``pg_dump`` / ``pg_restore`` to run.

Backup: SQLite's online backup API (``sqlite3.Connection.backup``) copies a consistent snapshot even while
a server is writing (WAL readers do not block writers). The copy is written to a temporary file next to
the destination, switched to a single file (``journal_mode=DELETE``), checked (``PRAGMA quick_check``),
flushed to disk and only then renamed into place: there is never a partial backup under the name asked
for, and a failure leaves nothing behind.

Restore: the file must be a SQLite database written by seamline (an ``alembic_version`` table holding a
revision this version knows) that passes ``quick_check``. It is copied to a temporary file next to the
database, migrated there to the current schema and checked again; then

- when there is no database yet, the copy is renamed into place (atomic);
- when there is one (only with ``force``: the refusal says what it holds), the copy is written into it
  with the backup API, in one write transaction of the live database: a crash leaves the old state,
  never a mix, and a running server sees the old database or the restored one. Renaming over a live
  database would not do: a running server would go on writing to the old, unlinked file (its changes
  silently lost), and a leftover ``-wal`` file beside the new one would be applied to it.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from seamline.store.db import MIGRATIONS, StoreError, make_engine, migrate

SQLITE_HEADER = b"SQLite format 3\x00"


class BackupError(StoreError):
    """A backup or restore cannot be done: a missing or foreign file, an unknown revision, a refusal."""


class UseServerTools(BackupError):
    """The database is PostgreSQL: its own tools (``pg_dump``, ``pg_restore``) back it up and restore it."""


@dataclass(frozen=True)
class Contents:
    """What a seamline database holds (to say what a backup holds, or what a restore would replace)."""

    revision: str
    decisions: int  # saved, not in the trash
    trashed: int
    versions: int  # earlier versions kept in the histories
    users: int  # accounts that can log in (the local user is not counted)
    size: int  # bytes on disk

    def describe(self) -> str:
        parts = [f"{self.decisions} decision{'' if self.decisions == 1 else 's'}"]
        if self.trashed:
            parts.append(f"{self.trashed} in the trash")
        parts.append(f"{self.versions} earlier version{'' if self.versions == 1 else 's'}")
        parts.append(f"{self.users} user account{'' if self.users == 1 else 's'}")
        return f"{', '.join(parts)}; schema revision {self.revision}; {_size(self.size)}"


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n / 1000:.0f} kB" if n >= 1000 else f"{n} bytes"


def known_revisions() -> list[str]:
    """Every migration's revision id, oldest first."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return [s.revision for s in reversed(list(ScriptDirectory.from_config(cfg).walk_revisions()))]


def _url(url: str) -> URL:
    try:
        return make_url(url)
    except ArgumentError:
        raise BackupError(
            f"database URL: cannot parse {url!r}; expected sqlite:///PATH or postgresql+psycopg://..."
        ) from None


def sqlite_path(url: str, action: str) -> Path:
    """The file of a SQLite URL; for PostgreSQL a :class:`UseServerTools` naming the command to run."""
    parsed = _url(url)
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        raise UseServerTools(pg_command(parsed, action))
    if backend != "sqlite":
        raise BackupError(f"database URL: unsupported database {backend!r}; expected sqlite or postgresql")
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("database URL: an in-memory SQLite database has nothing to back up or restore")
    return Path(parsed.database).expanduser().absolute()


def pg_command(url: URL, action: str, schema: str | None = None, path: Path | str = "PATH") -> str:
    """One line: the ``pg_dump -Fc`` (backup) or ``pg_restore`` (restore) command for this database, with
    its host, port, user and database name (the password is never shown: PGPASSWORD or ~/.pgpass)."""
    args = []
    if url.host:
        args += ["-h", url.host]
    if url.port:
        args += ["-p", str(url.port)]
    if url.username:
        args += ["-U", url.username]
    args += ["-d", url.database or "postgres"]
    if schema:
        args += ["-n", schema]
    conn = shlex.join(args)
    password = " (password: PGPASSWORD or ~/.pgpass)" if url.password else ""
    if action == "backup":
        return (
            "the database is PostgreSQL: back it up with its own tool, while the server runs: "
            f"pg_dump -Fc {conn} -f {shlex.quote(str(path))}{password}"
        )
    return (
        "the database is PostgreSQL: restore it with its own tool, the server stopped: "
        f"pg_restore --clean --if-exists {conn} {shlex.quote(str(path))}{password}; "
        "then start seamline serve (it migrates the restored database to the current schema)"
    )


@contextlib.contextmanager
def _connect(path: Path, *, readonly: bool = False) -> Iterator[sqlite3.Connection]:
    """A connection to an existing SQLite file (never creates one)."""
    mode = "ro" if readonly else "rw"
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode={mode}", uri=True, timeout=30)
    except sqlite3.Error as exc:
        raise BackupError(f"{path}: cannot open it as a SQLite database ({exc})") from None
    try:
        yield conn
    finally:
        conn.close()


def _contents(conn: sqlite3.Connection, path: Path, where: str) -> Contents:
    """What the seamline database on ``conn`` holds; a :class:`BackupError` when it is not one."""
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{where}: {path} is not a SQLite database ({exc})") from None
    if "alembic_version" not in tables or "decisions" not in tables:
        raise BackupError(
            f"{where}: {path} is a SQLite database but not a seamline one (it has no alembic_version "
            "and decisions tables)"
        )
    revisions = [r[0] for r in conn.execute("SELECT version_num FROM alembic_version")]
    known = known_revisions()
    if len(revisions) != 1 or revisions[0] not in known:
        raise BackupError(
            f"{where}: {path} has schema revision {', '.join(revisions) or '(none)'}, which this seamline "
            f"does not know (it knows {', '.join(known)}): it was written by another version of seamline"
        )

    def count(sql: str) -> int:
        return int(conn.execute(sql).fetchone()[0])

    trash = "deleted_at IS NOT NULL" if _has_column(conn, "decisions", "deleted_at") else "0"
    return Contents(
        revision=revisions[0],
        decisions=count(f"SELECT count(*) FROM decisions WHERE NOT ({trash})"),
        trashed=count(f"SELECT count(*) FROM decisions WHERE {trash}"),
        versions=count("SELECT count(*) FROM decision_versions") if "decision_versions" in tables else 0,
        users=count("SELECT count(*) FROM users WHERE password_hash IS NOT NULL") if "users" in tables else 0,
        size=path.stat().st_size,
    )


def _has_column(conn: sqlite3.Connection, table: str, column: str) -> bool:
    return any(r[1] == column for r in conn.execute(f"PRAGMA table_info({table})"))


def _check(conn: sqlite3.Connection, path: Path, where: str) -> None:
    try:
        result = [r[0] for r in conn.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{where}: {path} is damaged ({exc})") from None
    if result != ["ok"]:
        raise BackupError(f"{where}: {path} is damaged ({'; '.join(result[:3])})")


def _temporary(beside: Path) -> Path:
    """An empty private file next to ``beside`` (same file system: the rename is atomic)."""
    try:
        beside.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{beside.name}.", suffix=".partial", dir=beside.parent)
    except OSError as exc:
        raise BackupError(f"{beside.parent}: cannot write there ({exc.strerror or exc})") from None
    os.close(fd)
    return Path(name)


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _copy(source: sqlite3.Connection, target: Path) -> None:
    """The backup API: a consistent copy of ``source`` into the empty file ``target``, as one file."""
    with _connect(target) as out:
        source.backup(out)
        out.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        out.commit()


def backup(url: str, destination: Path, *, force: bool = False) -> tuple[Path, Contents]:
    """Copy the SQLite database of ``url`` to ``destination`` (a file; replaced only with ``force``)."""
    source = sqlite_path(url, "backup")
    destination = destination.expanduser().absolute()
    if not source.is_file():
        raise BackupError(f"database: there is no database at {source} to back up")
    if destination.is_dir():
        raise BackupError(f"PATH: {destination} is a folder; expected the name of the backup file to write")
    if destination.exists():
        if destination.samefile(source):
            raise BackupError(f"PATH: {destination} is the database itself; expected another file")
        if not force:
            raise BackupError(f"PATH: {destination} exists already; add --force to replace it")
    temporary = _temporary(destination)
    try:
        with _connect(source) as conn:
            _contents(conn, source, "database")
            _copy(conn, temporary)
        with _connect(temporary) as copy:
            _check(copy, temporary, "backup")
            contents = _contents(copy, temporary, "backup")
        _sync(temporary)
        os.replace(temporary, destination)
        _sync(destination.parent)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return destination, contents


def inspect(path: Path, where: str = "PATH") -> Contents:
    """What a backup file holds; a :class:`BackupError` when it is no seamline database or is damaged."""
    path = path.expanduser().absolute()
    if not path.is_file():
        raise BackupError(f"{where}: there is no file at {path}")
    with path.open("rb") as f:
        if f.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{where}: {path} is not a SQLite database (expected a seamline backup file)")
    with _connect(path, readonly=True) as conn:
        _check(conn, path, where)
        return _contents(conn, path, where)


def current(url: str) -> Contents | None:
    """What the SQLite database of ``url`` holds now, or None when there is none (or an empty file)."""
    target = sqlite_path(url, "restore")
    if not target.is_file() or target.stat().st_size == 0:
        return None
    with _connect(target) as conn:
        return _contents(conn, target, "database")


def restore(url: str, source: Path, *, force: bool = False) -> tuple[Path, Contents, Contents | None]:
    """Replace the SQLite database of ``url`` by the backup ``source``, migrated to the current schema.

    Returns the database's path, what it holds now, and what it held before (None: there was none).
    Without ``force`` an existing database is not touched: the error says what it holds.
    """
    target = sqlite_path(url, "restore")
    source = source.expanduser().absolute()
    given = inspect(source)
    if target.exists() and target.samefile(source):
        raise BackupError(f"PATH: {source} is the database itself; expected a backup file")
    before: Contents | None = None
    if target.is_file() and target.stat().st_size > 0:
        try:
            before = current(url)
        except BackupError as exc:
            if not force:
                raise BackupError(f"{exc.message}; add --force to replace it anyway") from None
        if not force:
            held = before.describe() if before else "data"
            raise BackupError(
                f"database: {target} holds {held}; restoring {source.name} ({given.describe()}) would "
                "replace all of it; add --force to replace it"
            )
    temporary = _temporary(target)
    try:
        with _connect(source, readonly=True) as conn:
            _copy(conn, temporary)
        engine = make_engine(f"sqlite:///{temporary}")
        try:
            migrate(engine)  # the restored copy reaches the current schema before it replaces anything
        finally:
            engine.dispose()
        with _connect(temporary) as copy:
            copy.execute("PRAGMA journal_mode=DELETE")
            _check(copy, temporary, "PATH")
            restored = _contents(copy, temporary, "PATH")
        _sync(temporary)
        if before is None:  # no seamline database there (none, empty, or a foreign file with --force)
            for leftover in ("-wal", "-shm", "-journal"):  # never applied to the restored file
                Path(f"{target}{leftover}").unlink(missing_ok=True)
            os.replace(temporary, target)
            _sync(target.parent)
        else:
            _write_into(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return target, restored, before


def _write_into(copy: Path, target: Path) -> None:
    """Copy the database file ``copy`` into the live database ``target`` in one write transaction (the
    backup API; a WAL database needs the same page size, so the copy takes the target's first)."""
    with _connect(target) as live:
        page_size = int(live.execute("PRAGMA page_size").fetchone()[0])
        with _connect(copy) as source:
            if int(source.execute("PRAGMA page_size").fetchone()[0]) != page_size:
                source.execute(f"PRAGMA page_size={page_size}")
                source.execute("VACUUM")
            try:
                source.backup(live)
            except sqlite3.Error as exc:
                raise BackupError(
                    f"database: {target} could not be replaced ({exc}); it is unchanged. Is another "
                    "program holding it (stop seamline serve and try again)?"
                ) from None
