"""``seamline db backup|restore``: a copy of the SQLite database that is never half-written, and its
restore (checked, migrated to the current schema, atomic); for PostgreSQL, the ``pg_dump`` /
``pg_restore`` command to run (exit code 2). The work is :mod:`seamline.store.backup`'s."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from seamline.cli.app import app, console, plain

db_app = typer.Typer(
    help="Back up and restore the database (SQLite; PostgreSQL: the pg_dump / pg_restore to run).",
    no_args_is_help=True,
)
app.add_typer(db_app, name="db")

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar="SEAMLINE_DATABASE_URL",
        help="sqlite:///PATH or postgresql+psycopg://USER@HOST:PORT/DB "
        "(default: as seamline serve, seamline.db in the user's data folder).",
    ),
]


def _database(database_url: str | None, action: str, path: Path) -> str:
    """The URL ``serve`` would use; for PostgreSQL, the error that names the command to run instead."""
    from sqlalchemy.engine import make_url

    from seamline.settings import Settings
    from seamline.store.backup import UseServerTools, pg_command

    settings = Settings.from_env(None, database_url=database_url)
    url = settings.database_url
    if url.startswith("postgresql"):
        raise UseServerTools(pg_command(make_url(url), action, settings.database_schema, path))
    return url


@db_app.command("backup")
def backup(
    path: Annotated[Path, typer.Argument(help="The backup file to write.", show_default=False)],
    database_url: DatabaseUrl = None,
    force: Annotated[bool, typer.Option("--force", help="Replace PATH if it exists.")] = False,
) -> None:
    """Copy the database to PATH, safely while the server runs (SQLite's online backup; the file appears
    only once complete and checked)."""
    from seamline.store import backup as store_backup

    url = _database(database_url, "backup", path)
    written, contents = store_backup.backup(url, path, force=force)
    console.print(f"backed up {plain(store_backup.sqlite_path(url, 'backup'))} to {plain(written)}")
    console.print(f"it holds {plain(contents.describe())}")


@db_app.command("restore")
def restore(
    path: Annotated[
        Path, typer.Argument(help="A backup file written by seamline db backup.", show_default=False)
    ],
    database_url: DatabaseUrl = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the database if it exists (it says what it holds).")
    ] = False,
) -> None:
    """Replace the database by the backup at PATH: checked, migrated to the current schema, then put in
    place at once (an existing database only with --force)."""
    from seamline.store import backup as store_backup

    url = _database(database_url, "restore", path)
    target, restored, before = store_backup.restore(url, path, force=force)
    console.print(f"restored {plain(path)} into {plain(target)}")
    console.print(f"it holds {plain(restored.describe())}")
    if before is not None:
        console.print(f"replaced: {plain(before.describe())}")
