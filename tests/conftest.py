"""Shared fixtures: the knowledge base, the CLI through its real entry point, and the databases.

``database`` gives an empty database: always a fresh SQLite file, and PostgreSQL too when
SEAMLINE_TEST_DATABASE_URL is set (a fresh schema per test, dropped afterwards).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"
PG_URL = os.environ.get("SEAMLINE_TEST_DATABASE_URL")
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgres",
        id="postgres",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(not PG_URL, reason="SEAMLINE_TEST_DATABASE_URL is not set"),
        ],
    ),
]


@pytest.fixture(scope="session")
def kb():  # type: ignore[no-untyped-def]
    from seamline.knowledge import load_knowledge

    return load_knowledge()


@dataclass
class Run:
    """What a CLI run left: exit code, stdout, stderr."""

    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Run]:
    """Run the CLI in-process through its real entry point (errors become exit codes as users see them)."""
    from seamline.cli import main

    monkeypatch.setenv("COLUMNS", "200")

    def run(*args: str) -> Run:
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str | None]]:
    """(url, schema) of an empty database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}", None
        return
    from sqlalchemy import create_engine, text

    assert PG_URL
    schema = f"seamline_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield PG_URL, schema
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
