"""First-run example loading is idempotent: a server killed while loading the examples leaves nothing
behind, and the next start saves each example exactly once (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from seamline.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


class Killed(Exception):
    """Stands for the server being killed in the middle of loading."""


def example_names() -> list[str]:
    files = [p for p in EXAMPLES.glob("*.yaml") if "portfolio" not in p.name and "vendor" not in p.name]
    return sorted(yaml.safe_load(p.read_text(encoding="utf-8"))["name"] for p in files)


@pytest.fixture
def settings(database: tuple[str, str | None]) -> Settings:
    url, schema = database
    return Settings(database_url=url, database_schema=schema, examples_dir=EXAMPLES, cost_trials=200)


def saved_names(settings: Settings) -> list[str]:
    from seamline.store import open_store

    store = open_store(settings.database_url, schema=settings.database_schema)
    try:
        return sorted(r.name for r in store.list())
    finally:
        store.engine.dispose()


def test_each_example_once_after_a_kill_while_writing(settings: Settings) -> None:
    from sqlalchemy import event

    from seamline.store.tables import DecisionRow
    from seamline.web.app import create_app

    written: list[str] = []

    def kill(mapper: Any, connection: Any, target: DecisionRow) -> None:
        written.append(target.name)
        if len(written) == 3:
            raise Killed("killed while loading the examples")

    event.listen(DecisionRow, "before_insert", kill)
    try:
        with pytest.raises(Killed):
            create_app(settings)
    finally:
        event.remove(DecisionRow, "before_insert", kill)
    assert len(written) == 3 and saved_names(settings) == []  # one transaction: nothing half-done is left
    app = create_app(settings)  # the next, normal start
    app.state.store.engine.dispose()
    assert saved_names(settings) == example_names()
    create_app(settings).state.store.engine.dispose()  # and a third start adds nothing
    assert saved_names(settings) == example_names()


def test_each_example_once_after_a_kill_while_computing(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from seamline.web.app import create_app
    from seamline.web.service import Service

    real = Service.outputs
    calls: list[int] = []

    def outputs(self: Service, situation: Any) -> Any:
        calls.append(1)
        if len(calls) == 3:
            raise Killed("killed while computing the third example")
        return real(self, situation)

    monkeypatch.setattr(Service, "outputs", outputs)
    with pytest.raises(Killed):
        create_app(settings)
    monkeypatch.setattr(Service, "outputs", real)
    create_app(settings).state.store.engine.dispose()
    assert saved_names(settings) == example_names()


def test_a_database_half_filled_by_an_older_version_is_completed(settings: Settings) -> None:
    from seamline.store import open_store
    from seamline.web.app import create_app
    from seamline.web.service import Service
    from seamline.yamlio import read_data_file

    service = Service(settings)
    store = open_store(settings.database_url, schema=settings.database_schema)
    first = sorted(
        p for p in EXAMPLES.glob("*.yaml") if "portfolio" not in p.name and "vendor" not in p.name
    )[0]
    situation = service.parse(read_data_file(first), str(first))
    outputs = service.outputs(situation)
    store.create(  # what an interrupted older version left: one example, and no "loaded" flag
        name=situation.name,
        situation=situation.model_dump(mode="json", exclude_none=True),
        knowledge_version=service.kb.version,
        status=outputs["recommendation"]["status"],
        top_model=outputs["recommendation"]["recommended"],
        outputs=outputs,
    )
    store.engine.dispose()
    create_app(settings).state.store.engine.dispose()
    assert saved_names(settings) == example_names()


def test_two_starts_at_once_save_each_example_once(settings: Settings) -> None:
    import threading

    from seamline.store import open_store

    decisions = [
        {
            "name": f"Example {i}",
            "situation": {"name": f"Example {i}"},
            "knowledge_version": "v",
            "status": "recommended",
            "top_model": "staff_augmentation",
            "outputs": {},
        }
        for i in range(5)
    ]
    stores = [open_store(settings.database_url, schema=settings.database_schema) for _ in range(2)]
    start = threading.Barrier(2)
    results: list[int | None] = []

    def load(store: Any) -> None:
        start.wait()
        results.append(store.create_once("examples_loaded", decisions))

    threads = [threading.Thread(target=load, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(results, key=str) == [5, None]  # one start saved them, the other saw the flag
    assert stores[0].count() == 5 and stores[0].meta("examples_loaded") == "5"
    for s in stores:
        s.engine.dispose()
