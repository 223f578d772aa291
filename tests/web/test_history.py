"""History and the trash through the API and the pages: view and restore an earlier version, delete and
undo, the trash page with purge dates, old trash purged when the app starts; on SQLite and PostgreSQL."""

from __future__ import annotations

import time
import warnings
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from tests.web.helpers import token

from seamline.store.tables import DecisionRow, DecisionVersionRow

SCRIPT = "<script>alert(1)</script>"


def _leaderless(situation: dict[str, Any]) -> dict[str, Any]:
    """The same situation with no technical leadership and a product manager: another answer."""
    return {**situation, "team": {"technical_leadership": "none", "product_manager": True}}


def _edited(client: Any, situation: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, Any]]:
    """A decision saved, renamed, then re-answered: (id, version 1 as saved, version 3 as now)."""
    first = client.post("/api/v1/decisions", json={"situation": situation})
    assert first.status_code == 201
    did = first.json()["id"]
    assert client.patch(f"/api/v1/decisions/{did}", json={"name": "Renamed"}).status_code == 200
    now = client.patch(f"/api/v1/decisions/{did}", json={"situation": _leaderless(situation)})
    assert now.status_code == 200
    return did, first.json(), now.json()


def test_history_lists_earlier_versions_and_any_can_be_restored(
    client: Any, situation: dict[str, Any]
) -> None:
    did, original, now = _edited(client, situation)
    assert now["version"] == 3 and now["top_model"] != original["top_model"]
    history = client.get(f"/api/v1/decisions/{did}/history")
    assert history.status_code == 200
    body = history.json()
    assert body["version"] == 3
    assert [(v["version"], v["change"], v["name"]) for v in body["versions"]] == [
        (2, "edited", "Renamed"),
        (1, "renamed", original["name"]),
    ]
    one = client.get(f"/api/v1/decisions/{did}/history/1").json()
    assert one["situation"] == original["situation"] and one["outputs"] == original["outputs"]
    assert one["top_model"] == original["top_model"]

    restored = client.post(f"/api/v1/decisions/{did}/history/1/restore")
    assert restored.status_code == 200, restored.text
    back = restored.json()
    assert back["version"] == 4
    for key in ("name", "situation", "outputs", "top_model", "status", "knowledge_version"):
        assert back[key] == original[key], key
    assert client.get(f"/api/v1/decisions/{did}").json() == back
    # the state the restore replaced is kept: the restore itself can be undone
    latest = client.get(f"/api/v1/decisions/{did}/history").json()["versions"][0]
    assert (latest["version"], latest["change"], latest["top_model"]) == (
        3,
        "restored version 1",
        now["top_model"],
    )
    undo = client.post(f"/api/v1/decisions/{did}/history/3/restore").json()
    assert undo["situation"] == now["situation"] and undo["version"] == 5


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/decisions/{id}/history/99", 404),
        ("/api/v1/decisions/{id}/history/0", 404),
        ("/api/v1/decisions/{id}/history/-1", 404),
        ("/api/v1/decisions/{id}/history/99999999999999999999999", 404),
        ("/api/v1/decisions/{id}/history/three", 422),
        ("/api/v1/decisions/9223372036854775808/history", 404),
        ("/api/v1/decisions/12345/history/1", 404),
        ("/api/v1/decisions/x/history", 422),
    ],
)
def test_unknown_versions_and_ids_are_404_never_500(
    client: Any, situation: dict[str, Any], path: str, status: int
) -> None:
    did = client.post("/api/v1/decisions", json={"situation": situation}).json()["id"]
    for method, suffix in (("GET", ""), ("POST", "/restore")):
        if path.endswith("/history") and suffix:
            continue
        r = client.request(method, path.format(id=did) + suffix)
        assert r.status_code == status, (method, r.text)
        assert r.headers["content-type"].startswith("application/json")


def test_delete_goes_to_the_trash_and_comes_back(client: Any, situation: dict[str, Any]) -> None:
    did, _, now = _edited(client, situation)
    assert client.delete(f"/api/v1/decisions/{did}").status_code == 204
    assert client.get(f"/api/v1/decisions/{did}").status_code == 404
    assert client.get(f"/api/v1/decisions/{did}/history").status_code == 404
    assert all(d["id"] != did for d in client.get("/api/v1/decisions").json()["decisions"])
    trash = client.get("/api/v1/trash").json()
    assert trash["trash_days"] == 30
    [item] = trash["decisions"]
    assert item["id"] == did and item["name"] == now["name"]
    deleted = datetime.fromisoformat(item["deleted_at"])
    assert datetime.fromisoformat(item["purge_after"]) - deleted == timedelta(days=30)

    back = client.post(f"/api/v1/trash/{did}/restore")
    assert back.status_code == 200
    assert back.json() == now  # exactly as it was, history included
    assert len(client.get(f"/api/v1/decisions/{did}/history").json()["versions"]) == 2
    assert client.get("/api/v1/trash").json()["decisions"] == []
    again = client.post(f"/api/v1/trash/{did}/restore")
    assert again.status_code == 404
    assert client.post("/api/v1/trash/9223372036854775808/restore").status_code == 404


def test_the_openapi_spec_documents_every_history_status(client: Any) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    expected = {
        ("/api/v1/decisions/{decision_id}/history", "get"): {"200", "404", "422"},
        ("/api/v1/decisions/{decision_id}/history/{version}", "get"): {"200", "404", "422"},
        ("/api/v1/decisions/{decision_id}/history/{version}/restore", "post"): {"200", "404", "422", "403"},
        ("/api/v1/trash", "get"): {"200", "422"},
        ("/api/v1/trash/{decision_id}/restore", "post"): {"200", "404", "422", "403"},
    }
    for (path, method), statuses in expected.items():
        documented = set(paths[path][method]["responses"])
        assert statuses <= documented, (path, statuses - documented)
    assert "trash" in paths["/api/v1/decisions/{decision_id}"]["delete"]["summary"]


# ------------------------------------------------------------------------------------------ pages
def test_history_page_view_and_restore_an_earlier_version(client: Any, situation: dict[str, Any]) -> None:
    did, original, now = _edited(client, situation)
    page = client.get(f"/decisions/{did}/history")
    assert page.status_code == 200
    text = page.text
    for fragment in ('data-version="3" class="current"', "renamed", "edited", "Renamed", "View version 1"):
        assert fragment in text
    assert text.index('data-version="3"') < text.index('data-version="2"') < text.index('data-version="1"')

    old = client.get(f"/decisions/{did}/history/1")
    assert old.status_code == 200
    assert f'data-model="{original["top_model"]}"' in old.text  # drawn from version 1's outputs
    assert "Restore this version" in old.text and "read only" in old.text
    current = client.get(f"/decisions/{did}/history/3", follow_redirects=False)
    assert current.status_code == 303 and current.headers["location"] == f"/decisions/{did}"
    assert client.get(f"/decisions/{did}/history/7").status_code == 404

    forged = client.post(f"/decisions/{did}/history/1/restore", data={})
    assert forged.status_code == 403
    assert client.get(f"/api/v1/decisions/{did}").json()["version"] == 3
    done = client.post(
        f"/decisions/{did}/history/1/restore",
        data={"csrf_token": token(client, f"/decisions/{did}/history")},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == f"/decisions/{did}"
    results = client.get(f"/decisions/{did}")
    assert f'data-model="{original["top_model"]}"' in results.text
    assert "version 4" in results.text and f'href="/decisions/{did}/history"' in results.text
    assert client.get(f"/api/v1/decisions/{did}").json()["situation"] == original["situation"]
    assert now["top_model"] != original["top_model"]


def test_delete_from_the_page_then_undo(client: Any, situation: dict[str, Any]) -> None:
    did = client.post("/api/v1/decisions", json={"situation": situation, "name": SCRIPT}).json()["id"]
    confirm = client.get(f"/decisions/{did}/delete")
    assert "Move to the trash" in confirm.text and "30 days" in confirm.text
    gone = client.post(
        f"/decisions/{did}/delete",
        data={"csrf_token": token(client, f"/decisions/{did}/delete")},
        follow_redirects=False,
    )
    assert gone.status_code == 303 and gone.headers["location"] == f"/decisions?deleted={did}"
    listing = client.get(gone.headers["location"]).text
    assert "Deleted “&lt;script&gt;alert(1)&lt;/script&gt;”." in listing and SCRIPT not in listing
    assert f'action="/trash/{did}/restore"' in listing and ">Undo</button>" in listing
    assert client.post(f"/trash/{did}/restore", data={}).status_code == 403  # CSRF
    back = client.post(
        f"/trash/{did}/restore", data={"csrf_token": token(client, "/trash")}, follow_redirects=False
    )
    assert back.status_code == 303 and back.headers["location"] == f"/decisions?restored={did}"
    listing = client.get(back.headers["location"]).text
    assert "is back" in listing and f'href="/decisions/{did}"' in listing
    assert client.get(f"/decisions?deleted={did}").text.count("Undo") == 0  # not in the trash any more
    for junk in ("abc", "-1", "²", "99999999999999999999999", str(did + 1000)):
        assert client.get(f"/decisions?deleted={junk}&restored={junk}").status_code == 200


def test_trash_page_lists_deleted_decisions_with_their_purge_date(
    client: Any, situation: dict[str, Any]
) -> None:
    assert "The trash is empty" in client.get("/trash").text
    ids = [
        client.post("/api/v1/decisions", json={"situation": situation, "name": f"Old {n}"}).json()["id"]
        for n in range(3)
    ]
    for did in ids[:2]:
        assert client.delete(f"/api/v1/decisions/{did}").status_code == 204
    page = client.get("/trash").text
    assert "Old 0" in page and "Old 1" in page and "Old 2" not in page
    purge = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%d")
    assert purge in page
    assert page.index("Old 1") < page.index("Old 0")  # most recently deleted first
    done = client.post(
        f"/trash/{ids[0]}/restore", data={"csrf_token": token(client, "/trash")}, follow_redirects=False
    )
    assert done.status_code == 303
    page = client.get("/trash").text
    assert "Old 0" not in page and "Old 1" in page


def _app(database: tuple[str, str | None], **settings: Any) -> Any:
    from seamline.settings import Settings
    from seamline.web.app import create_app

    url, schema = database
    return create_app(
        Settings(database_url=url, database_schema=schema, load_examples=False, cost_trials=500, **settings)
    )


def test_old_trash_is_purged_when_the_app_starts(
    database: tuple[str, str | None], situation: dict[str, Any]
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    app = _app(database)
    with TestClient(app) as client:
        old, recent, kept = (
            client.post("/api/v1/decisions", json={"situation": situation, "name": n}).json()["id"]
            for n in ("Deleted long ago", "Deleted yesterday", "Not deleted")
        )
        client.patch(f"/api/v1/decisions/{old}", json={"name": "Deleted long ago, renamed"})
        for did in (old, recent):
            assert client.delete(f"/api/v1/decisions/{did}").status_code == 204
    store = app.state.store
    with store.engine.begin() as conn:
        now = datetime.now(UTC)
        conn.execute(
            update(DecisionRow).where(DecisionRow.id == old).values(deleted_at=now - timedelta(days=31))
        )
        conn.execute(
            update(DecisionRow).where(DecisionRow.id == recent).values(deleted_at=now - timedelta(days=1))
        )
    store.engine.dispose()

    app = _app(database)
    with TestClient(app):
        deadline = time.monotonic() + 60  # a watchdog for the background task, not a timing assertion
        while getattr(app.state, "last_purge", None) is None:
            assert time.monotonic() < deadline, "the trash was not purged on start"
            time.sleep(0.02)
        assert app.state.last_purge.purged == 1
    with app.state.store.engine.connect() as conn:
        assert sorted(conn.scalars(select(DecisionRow.id))) == sorted([recent, kept])
        assert (
            list(conn.scalars(select(DecisionVersionRow.id).where(DecisionVersionRow.decision_id == old)))
            == []
        )
    app.state.store.engine.dispose()


def test_trash_days_is_a_setting(database: tuple[str, str | None], situation: dict[str, Any]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    app = _app(database, trash_days=7)
    with TestClient(app) as client:
        did = client.post("/api/v1/decisions", json={"situation": situation}).json()["id"]
        client.delete(f"/api/v1/decisions/{did}")
        trash = client.get("/api/v1/trash").json()
        assert trash["trash_days"] == 7
        [item] = trash["decisions"]
        gap = datetime.fromisoformat(item["purge_after"]) - datetime.fromisoformat(item["deleted_at"])
        assert gap == timedelta(days=7)
        assert "7 days" in client.get("/trash").text
    app.state.store.engine.dispose()
