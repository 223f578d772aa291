"""Ids are never reused and never overflow; migrations run once under a lock, from any number of processes."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text

from seamline.store import DecisionStore, NotFoundError, migrate, open_store
from seamline.store.db import head_revision, make_engine

ROOT = Path(__file__).resolve().parents[2]
OUT_OF_RANGE = [0, -1, 2**31, 2**63 - 1, 2**63, 2**64, 10**30]


def _fields(name: str = "A decision") -> dict[str, Any]:
    return {
        "name": name,
        "situation": {"name": name, "stage": "seed"},
        "knowledge_version": "abc123",
        "status": "recommended",
        "top_model": "staff_augmentation",
        "outputs": {"recommendation": {"recommended": "staff_augmentation"}},
    }


@pytest.fixture
def store(database: tuple[str, str | None]) -> Any:
    url, schema = database
    s = open_store(url, schema=schema)
    yield s
    s.engine.dispose()


@pytest.mark.parametrize("bad", OUT_OF_RANGE)
def test_an_out_of_range_id_is_not_found_by_every_method(store: DecisionStore, bad: int) -> None:
    store.create(**_fields())
    calls = [
        lambda: store.get(bad),
        lambda: store.updated_at(bad),
        lambda: store.rename(bad, "x"),
        lambda: store.replace(bad, **{k: v for k, v in _fields().items()}),
        lambda: store.duplicate(bad),
        lambda: store.attach_contract(bad, None),
        lambda: store.delete(bad),
    ]
    for call in calls:
        with pytest.raises(NotFoundError, match=f"decision {bad}: no saved decision"):
            call()
    assert store.count() == 1


def test_a_deleted_id_is_never_given_again(store: DecisionStore) -> None:
    first = store.create(**_fields("first"))
    last = store.create(**_fields("last"))
    store.delete(last.id)
    again = store.create(**_fields("new"))
    assert again.id > last.id
    store.delete(again.id)
    store.delete(first.id)
    url = store.engine.url
    assert url  # a fresh store on the same database does not reuse them either
    assert store.create(**_fields("newer")).id > again.id


def test_an_existing_sqlite_database_is_migrated_to_ids_never_reused(tmp_path: Path) -> None:
    """A database made by an older version (revision 0002, plain INTEGER PRIMARY KEY) keeps its rows and
    from then on never reuses an id, even the highest one deleted after the upgrade."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    migrate(engine, "0002")
    with engine.begin() as conn:
        for i in (1, 2, 3):
            conn.execute(
                text(
                    "INSERT INTO decisions (id, name, created_at, updated_at, knowledge_version, status, "
                    "situation, outputs) VALUES (:i, :n, '2024-01-01', '2024-01-01', 'v', 'recommended', "
                    "'{}', '{}')"
                ),
                {"i": i, "n": f"old {i}"},
            )
    engine.dispose()
    store = open_store(url)
    try:
        assert [r.name for r in sorted(store.list(), key=lambda r: r.id)] == ["old 1", "old 2", "old 3"]
        store.delete(3)
        assert store.create(**_fields("new")).id == 4
        indexes = [ix["name"] for ix in inspect(store.engine).get_indexes("decisions")]
        assert "ix_decisions_updated_at" in indexes
        with store.engine.connect() as conn:
            sql = conn.execute(text("SELECT sql FROM sqlite_master WHERE name='decisions'")).scalar()
            assert "AUTOINCREMENT" in str(sql)
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
    finally:
        store.engine.dispose()


MIGRATE_ONE = """
import sys, time
from pathlib import Path
from seamline.store import open_store
go = Path(sys.argv[3])
while not go.exists():
    time.sleep(0.005)
store = open_store(sys.argv[1], schema=sys.argv[2] or None)
store.engine.dispose()
print("ok")
"""


@pytest.mark.parametrize("processes", [6])
def test_many_processes_migrate_a_fresh_database_at_once(
    database: tuple[str, str | None], tmp_path: Path, processes: int
) -> None:
    url, schema = database
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", MIGRATE_ONE, url, schema or "", str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for _ in range(processes)
    ]
    time.sleep(1.5)  # let every process import before they all start migrating together
    go.touch()
    results = [p.communicate(timeout=120) for p in procs]
    failures = [err for p, (_, err) in zip(procs, results, strict=True) if p.returncode != 0]
    assert failures == []
    store = open_store(url, schema=schema)
    try:
        with store.engine.connect() as conn:
            versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
            assert versions == [head_revision()]
        assert store.create(**_fields()).id == 1
    finally:
        store.engine.dispose()
