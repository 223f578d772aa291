"""Web tests: a TestClient on a fresh database (the ``database`` fixture is in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def client(database: tuple[str, str | None]) -> Iterator[object]:
    """A TestClient on a fresh database, no examples, few Monte Carlo trials."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette's note about httpx versions
        from fastapi.testclient import TestClient

    from seamline.settings import Settings
    from seamline.web.app import create_app

    url, schema = database
    app = create_app(Settings(database_url=url, database_schema=schema, load_examples=False, cost_trials=500))
    with TestClient(app) as c:
        yield c
    app.state.store.engine.dispose()


@pytest.fixture
def situation() -> dict[str, object]:
    import yaml

    return dict(yaml.safe_load((ROOT / "examples" / "pre_seed_mvp.yaml").read_text()))
