"""Engines and migrations: an engine per app (never at import time), Alembic run programmatically."""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from seamline.errors import SeamlineError

MIGRATIONS = Path(__file__).with_name("migrations")
MIGRATION_LOCK = 0x5EA1_0001  # the PostgreSQL advisory lock key that serialises seamline's migrations


class StoreError(SeamlineError):
    """The database cannot be opened or migrated (bad URL, unreachable server, unwritable file)."""


def make_engine(url: str, *, schema: str | None = None) -> Engine:
    """An engine for ``url``; SQLite files get their folder created, PostgreSQL an optional schema."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(
            f"database URL: cannot parse {url!r}; expected sqlite:///PATH or postgresql+psycopg://..."
        ) from None
    kwargs: dict[str, Any] = {"future": True}
    if parsed.get_backend_name() == "sqlite":
        db = parsed.database
        if db and db != ":memory:":
            try:
                Path(db).expanduser().parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"database URL: cannot create the folder for {db} ({exc.strerror})"
                ) from None
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    elif parsed.get_backend_name() == "postgresql":
        kwargs["pool_pre_ping"] = True
        kwargs["connect_args"] = {"options": f"-csearch_path={schema}"} if schema else {}
    else:
        raise StoreError(
            f"database URL: unsupported database {parsed.get_backend_name()!r}; expected sqlite or postgresql"
        )
    try:
        engine = create_engine(parsed, **kwargs)
    except (ArgumentError, ImportError) as exc:
        raise StoreError(f"database URL: {exc}") from None
    if parsed.get_backend_name() == "sqlite":

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

    else:
        _SERVER_ARGS[engine] = dict(kwargs["connect_args"])
    return engine


_SERVER_ARGS: weakref.WeakKeyDictionary[Engine, dict[str, Any]] = weakref.WeakKeyDictionary()


def server_connect_args(engine: Engine) -> dict[str, Any] | None:
    """``psycopg.connect`` keyword arguments for a connection of its own (outside the engine's pool) to
    the database, as the user and in the schema of a PostgreSQL ``engine`` made by :func:`make_engine`;
    None for any other engine."""
    extra = _SERVER_ARGS.get(engine)
    if extra is None:
        return None
    _args, params = engine.dialect.create_connect_args(engine.url)
    params.pop("context", None)  # the sync driver's adapters: an async connection makes its own
    return {**params, **extra}


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the database to the newest schema (Alembic ``upgrade head``): once, in one transaction, under
    a lock, so any number of processes (server workers) may start on a fresh database at the same time.

    SQLite: ``BEGIN IMMEDIATE`` takes the database's write lock before Alembic reads its version (the
    others wait, up to the connection's timeout, then find the schema current); the driver's own
    transaction handling is switched off for this connection so the DDL is inside that transaction.
    PostgreSQL: ``pg_advisory_xact_lock`` held until the migration's transaction ends.
    """
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                raw: Any = conn.connection.driver_connection
                legacy = raw.isolation_level
                raw.isolation_level = None  # no implicit BEGIN/COMMIT by the driver: ours only
                try:
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
                    _upgrade(cfg, conn, revision, command)
                    conn.commit()
                finally:
                    if raw.in_transaction:
                        raw.rollback()
                    raw.isolation_level = legacy
            else:
                with conn.begin():
                    if engine.dialect.name == "postgresql":
                        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
                    _upgrade(cfg, conn, revision, command)
    except SQLAlchemyError as exc:
        where = engine.url.render_as_string(hide_password=True)
        cause = getattr(exc, "orig", None) or exc
        first = (str(cause).strip().splitlines() or [""])[0]
        raise StoreError(
            f"database {where}: cannot open or migrate ({type(cause).__name__}: {first})"
        ) from None


def head_revision() -> str:
    """The newest migration's revision id (what a fully migrated database records)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head


def _upgrade(cfg: Any, conn: Connection, revision: str, command: Any) -> None:
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, revision)
