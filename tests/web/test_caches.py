"""Repeated requests are answered from memory: the cost comparison is computed once per inputs (the
answers, the horizon, the trials and the seed), in the server and in the worker pool alike; the cache is
bounded."""

from __future__ import annotations

from typing import Any

import pytest

from seamline.web.service import _LRU


def _count_computations(monkeypatch: pytest.MonkeyPatch, service: Any) -> list[int]:
    calls: list[int] = []
    compute = service._compute_cost

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return compute(*args, **kwargs)

    monkeypatch.setattr(service, "_compute_cost", counted)
    return calls


def test_repeated_cost_requests_are_computed_once(
    client: Any, situation: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    service = client.app.state.service
    calls = _count_computations(monkeypatch, service)
    first = client.post("/api/v1/cost?trials=300&seed=7", json=situation)
    assert first.status_code == 200 and len(calls) == 1
    again = client.post("/api/v1/cost?trials=300&seed=7", json=situation)
    assert again.status_code == 200 and again.json() == first.json() and len(calls) == 1
    # the same answers in another key order, and the default horizon given as None: the same inputs
    reordered = dict(reversed(list(situation.items())))
    assert client.post("/api/v1/cost?seed=7&trials=300", json=reordered).json() == first.json()
    assert len(calls) == 1
    # another seed, trial count, horizon or answer is another comparison
    assert client.post("/api/v1/cost?trials=300&seed=8", json=situation).json()["seed"] == 8
    assert client.post("/api/v1/cost?trials=400&seed=7", json=situation).json()["trials"] == 400
    assert client.post("/api/v1/cost?trials=300&seed=7&horizon_months=12", json=situation).status_code == 200
    other = {**situation, "work": {**situation["work"], "engineers": situation["work"]["engineers"] + 1}}
    assert client.post("/api/v1/cost?trials=300&seed=7", json=other).status_code == 200
    assert len(calls) == 5


def test_the_defaults_are_part_of_the_key(
    client: Any, situation: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No seed or trials given means the settings' seed and trials: the same comparison as asking for them."""
    service = client.app.state.service
    calls = _count_computations(monkeypatch, service)
    settings = service.settings
    plain = client.post("/api/v1/cost", json=situation)
    explicit = client.post(
        f"/api/v1/cost?trials={settings.cost_trials}&seed={settings.cost_seed}", json=situation
    )
    assert plain.status_code == explicit.status_code == 200
    assert plain.json() == explicit.json() and len(calls) == 1


def test_a_cached_comparison_is_a_fresh_copy_for_the_library_callers(
    client: Any, situation: dict[str, Any]
) -> None:
    service = client.app.state.service
    parsed = service.parse(situation)
    first = service.cost(parsed, trials=300, seed=1)
    first["models"].clear()  # a caller changing its copy changes nothing remembered
    again = service.cost(parsed, trials=300, seed=1)
    assert again["models"] and again != first


def test_the_cost_cache_is_bounded(
    client: Any, situation: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    service = client.app.state.service
    monkeypatch.setattr(service, "_costs", _LRU(2))
    calls = _count_computations(monkeypatch, service)
    for seed in (1, 2, 3):
        assert client.post(f"/api/v1/cost?trials=100&seed={seed}", json=situation).status_code == 200
    assert len(service._costs.data) == 2 and len(calls) == 3
    client.post("/api/v1/cost?trials=100&seed=3", json=situation)  # still kept
    assert len(calls) == 3
    client.post("/api/v1/cost?trials=100&seed=1", json=situation)  # the oldest was let go
    assert len(calls) == 4


def test_a_large_run_from_the_worker_pool_is_remembered(
    database: tuple[str, str | None], situation: dict[str, Any]
) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from seamline.settings import Settings
    from seamline.web.app import create_app

    url, schema = database
    app = create_app(
        Settings(
            database_url=url,
            database_schema=schema,
            load_examples=False,
            cost_trials=200,
            pool_cost_trials=300,
        )
    )
    try:
        with TestClient(app) as client:
            before = app.state.jobs.started
            first = client.post("/api/v1/cost?trials=400&seed=3", json=situation)
            assert first.status_code == 200 and app.state.jobs.started == before + 1
            again = client.post("/api/v1/cost?trials=400&seed=3", json=situation)
            assert again.json() == first.json() and app.state.jobs.started == before + 1
    finally:
        app.state.jobs.shutdown()
        app.state.store.engine.dispose()
