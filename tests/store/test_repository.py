"""The decision repository on SQLite and PostgreSQL: CRUD, migrations, atomic writes, clear errors."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect, text

from seamline.errors import SeamlineError
from seamline.store import DecisionStore, NotFoundError, migrate, open_store
from seamline.store.db import StoreError, head_revision, make_engine


def _fields(name: str = "A decision", top: str | None = "staff_augmentation") -> dict[str, Any]:
    return {
        "name": name,
        "situation": {"name": name, "stage": "seed", "work": {"engineers": 3}},
        "knowledge_version": "abc123",
        "status": "recommended" if top else "undetermined",
        "top_model": top,
        "outputs": {"recommendation": {"recommended": top, "ranking": [{"model": top, "score": 0.71}]}},
    }


@pytest.fixture
def store(database: tuple[str, str | None]) -> DecisionStore:
    url, schema = database
    s = open_store(url, schema=schema)
    yield s
    s.engine.dispose()


def test_create_get_round_trip_keeps_inputs_version_and_outputs(store: DecisionStore) -> None:
    saved = store.create(**_fields("Payments MVP"))
    again = store.get(saved.id)
    assert again == saved
    assert again.situation["work"] == {"engineers": 3}
    assert again.outputs["recommendation"]["ranking"][0]["score"] == 0.71
    assert again.knowledge_version == "abc123"
    assert again.created_at.tzinfo is not None


def test_list_is_newest_first_and_counts(store: DecisionStore) -> None:
    ids = [store.create(**_fields(f"D{i}")).id for i in range(3)]
    assert [r.id for r in store.list()] == list(reversed(ids))
    assert store.count() == 3


def test_rename_changes_name_and_situation_name(store: DecisionStore) -> None:
    saved = store.create(**_fields("Old"))
    renamed = store.rename(saved.id, "  New   name ")
    assert renamed.name == "New name"
    assert store.get(saved.id).situation["name"] == "New name"
    assert renamed.updated_at >= saved.updated_at


def test_duplicate_copies_everything_under_a_new_id(store: DecisionStore) -> None:
    saved = store.create(**_fields("Original"))
    copy = store.duplicate(saved.id)
    assert copy.id != saved.id
    assert copy.name == "Copy of Original"
    assert copy.outputs == saved.outputs
    assert copy.situation == {**saved.situation, "name": "Copy of Original"}


def test_replace_updates_inputs_and_outputs(store: DecisionStore) -> None:
    saved = store.create(**_fields("X"))
    new = _fields("X2", top=None)
    replaced = store.replace(saved.id, **new)
    assert replaced.status == "undetermined" and replaced.top_model is None
    assert store.get(saved.id).outputs == new["outputs"]


def test_delete_removes_and_missing_ids_say_so(store: DecisionStore) -> None:
    saved = store.create(**_fields())
    store.delete(saved.id)
    assert store.count() == 0
    for call in (store.get, store.delete, lambda i: store.rename(i, "n"), store.duplicate):
        with pytest.raises(NotFoundError, match=f"decision {saved.id}"):
            call(saved.id)


@pytest.mark.parametrize("bad", ["", "   ", "x" * 201, None])
def test_bad_names_are_refused_and_nothing_is_written(store: DecisionStore, bad: Any) -> None:
    with pytest.raises(SeamlineError, match="name"):
        store.create(**{**_fields(), "name": bad})
    assert store.count() == 0


def test_a_failed_write_leaves_nothing_behind(store: DecisionStore) -> None:
    fields = _fields()
    fields["outputs"] = {"not json": object()}  # cannot be serialised: the insert fails
    with pytest.raises(Exception):  # noqa: B017 - the driver's error type differs by backend
        store.create(**fields)
    assert store.count() == 0
    assert store.create(**_fields()).id  # the store still works afterwards


def test_migrations_are_idempotent_and_create_the_tables(database: tuple[str, str | None]) -> None:
    url, schema = database
    engine = make_engine(url, schema=schema)
    migrate(engine)
    migrate(engine)
    names = set(inspect(engine).get_table_names())
    assert {"decisions", "app_meta", "alembic_version"} <= names
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
    engine.dispose()


def test_upgrading_an_older_database_keeps_its_decisions(database: tuple[str, str | None]) -> None:
    url, schema = database
    engine = make_engine(url, schema=schema)
    migrate(engine, "0001")
    assert "contract" not in {c["name"] for c in inspect(engine).get_columns("decisions")}
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO decisions (name, created_at, updated_at, knowledge_version, status, top_model,"
                " situation, outputs) VALUES ('Old one', :t, :t, 'v0', 'recommended', 'in_house', '{}', '{}')"
            ),
            {"t": "2025-01-01 00:00:00"},
        )
    migrate(engine)
    store = DecisionStore(engine)
    [old] = store.list()
    assert old.name == "Old one" and old.contract is None
    assert store.attach_contract(old.id, {"detected": {"model": "staff_augmentation"}}).contract
    engine.dispose()


def test_attach_contract_is_kept_and_copied(store: DecisionStore) -> None:
    saved = store.create(**_fields())
    report = {"claimed": None, "detected": {"model": "managed_services"}, "findings": []}
    attached = store.attach_contract(saved.id, report)
    assert store.get(saved.id).contract == report and attached.updated_at >= saved.updated_at
    assert store.duplicate(saved.id).contract == report
    assert store.attach_contract(saved.id, None).contract is None
    with pytest.raises(NotFoundError):
        store.attach_contract(9999, report)


def test_meta_values(store: DecisionStore) -> None:
    assert store.meta("examples_loaded") is None
    store.set_meta("examples_loaded", "3")
    store.set_meta("examples_loaded", "4")
    assert store.meta("examples_loaded") == "4"


@pytest.mark.parametrize(
    ("url", "needle"),
    [("mysql://x@y/z", "unsupported database"), ("not a url", "cannot parse")],
)
def test_bad_urls_name_the_problem(url: str, needle: str) -> None:
    with pytest.raises(StoreError, match=needle):
        open_store(url)


def test_unreachable_postgres_is_a_clear_error() -> None:
    with pytest.raises(StoreError, match="cannot open or migrate"):
        open_store("postgresql+psycopg://nobody@127.0.0.1:1/none")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(min_size=1, max_size=120).filter(lambda s: s.strip() and "\x00" not in s))
def test_any_reasonable_name_round_trips(tmp_path_factory: pytest.TempPathFactory, name: str) -> None:
    path = tmp_path_factory.mktemp("names") / "n.db"
    s = open_store(f"sqlite:///{path}")
    saved = s.create(**_fields(name))
    assert s.get(saved.id).name == " ".join(name.split())
    s.engine.dispose()
