"""The list endpoint and page: summaries only, pages, a name search; the old JSON keys kept."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from seamline.store import DecisionStore

SUMMARY_KEYS = {"id", "name", "created_at", "updated_at", "knowledge_version", "status", "top_model"}


def _fill(store: DecisionStore, names: list[str]) -> list[int]:
    return [
        store.create(
            name=name,
            situation={"name": name},
            knowledge_version="k",
            status="recommended",
            top_model="staff_augmentation",
            outputs={"recommendation": {"ranking": []}, "padding": "x" * 5000},
        ).id
        for name in names
    ]


def test_api_list_pages_with_next_and_total_and_reads_no_outputs(client: Any) -> None:
    store: DecisionStore = client.app.state.store
    ids = _fill(store, [f"Decision {i}" for i in range(5)])
    seen: list[str] = []
    event.listen(store.engine, "before_cursor_execute", lambda c, cur, sql, *a: seen.append(sql.lower()))
    body = client.get("/api/v1/decisions", params={"limit": 2}).json()
    assert [d["id"] for d in body["decisions"]] == [ids[4], ids[3]]
    assert set(body["decisions"][0]) == SUMMARY_KEYS
    assert (body["total"], body["limit"], body["offset"]) == (5, 2, 0)
    got = [d["id"] for d in body["decisions"]]
    while body["next"]:
        body = client.get(body["next"]).json()
        got += [d["id"] for d in body["decisions"]]
    assert got == list(reversed(ids))
    assert not any(column in sql for sql in seen for column in ("outputs", "situation", "contract"))


def test_api_list_default_and_search(client: Any) -> None:
    _fill(client.app.state.store, ["Payments MVP", "Data platform", "payroll"])
    body = client.get("/api/v1/decisions").json()
    assert (body["limit"], body["total"], body["next"]) == (50, 3, None)
    found = client.get("/api/v1/decisions", params={"q": "PAY", "limit": 1}).json()
    assert found["total"] == 2 and found["decisions"][0]["name"] == "payroll"
    assert found["next"] == "/api/v1/decisions?limit=1&offset=1&q=PAY"
    assert client.get(found["next"]).json()["decisions"][0]["name"] == "Payments MVP"


def test_api_list_refuses_a_bad_window_as_a_4xx_not_a_500(client: Any) -> None:
    for params in (
        {"limit": 0},
        {"limit": 201},
        {"limit": "x"},
        {"offset": -1},
        {"offset": 2**63},
        {"q": "x" * 201},
        {"q": "a\x00b"},
    ):
        r = client.get("/api/v1/decisions", params=params)
        assert 400 <= r.status_code < 500, (params, r.status_code, r.text)
        assert r.json()["message"]


def test_the_decisions_page_pages_and_searches(client: Any) -> None:
    _fill(client.app.state.store, [f"Old {i}" for i in range(3)] + ["Payments MVP"])
    page = client.get("/decisions", params={"limit": 2})
    assert page.status_code == 200
    assert "Payments MVP" in page.text and "Old 0" not in page.text
    assert 'rel="next" href="/decisions?offset=2&amp;limit=2"' in page.text
    older = client.get("/decisions", params={"limit": 2, "offset": 2}).text
    assert "Old 0" in older and 'rel="prev"' in older and 'rel="next"' not in older
    found = client.get("/decisions", params={"q": "paym"}).text
    assert "Payments MVP" in found and "Old 1" not in found and "1–1 of 1" in found
    assert "No saved decision has a name containing" in client.get("/decisions", params={"q": "zzz"}).text
    assert client.get("/decisions", params={"limit": 999}).status_code == 422


def test_compare_and_contract_pickers_list_summaries(client: Any) -> None:
    _fill(client.app.state.store, ["First", "Second"])
    for path in ("/compare", "/contracts"):
        r = client.get(path)
        assert r.status_code == 200 and ">First</option>" in r.text and ">Second</option>" in r.text


def test_api_list_pages_by_cursor_too(client: Any) -> None:
    """``next_cursor`` on every page; asked by cursor, a page's ``next`` continues by cursor; the old keys
    and the offset links stay as they were."""
    ids = _fill(client.app.state.store, [f"Decision {i}" for i in range(5)])
    first = client.get("/api/v1/decisions", params={"limit": 2}).json()
    assert set(first) == {"decisions", "total", "limit", "offset", "next", "next_cursor"}
    assert first["next"] == "/api/v1/decisions?limit=2&offset=2" and first["next_cursor"]
    body = client.get("/api/v1/decisions", params={"limit": 2, "cursor": first["next_cursor"]}).json()
    assert (body["offset"], body["total"]) == (2, 5)
    got = [d["id"] for d in first["decisions"] + body["decisions"]]
    while body["next"]:
        assert "cursor=" in body["next"] and "offset=" not in body["next"]
        body = client.get(body["next"]).json()
        got += [d["id"] for d in body["decisions"]]
    assert got == list(reversed(ids)) and body["next_cursor"] is None
    found = client.get("/api/v1/decisions", params={"q": "decision 1"}).json()
    assert found["next_cursor"] is None and [d["id"] for d in found["decisions"]] == [ids[1]]


def test_api_list_refuses_a_cursor_it_did_not_give(client: Any) -> None:
    _fill(client.app.state.store, ["Payments", "Payroll", "Data"])
    for params in ({"cursor": "garbage"}, {"cursor": "x" * 500}):
        r = client.get("/api/v1/decisions", params=params)
        assert r.status_code == 422, (params, r.text)
        assert r.json()["error"]["field"] == "cursor"
    cursor = client.get("/api/v1/decisions", params={"q": "pay", "limit": 1}).json()["next_cursor"]
    r = client.get("/api/v1/decisions", params={"q": "data", "cursor": cursor})
    assert r.status_code == 422 and r.json()["error"]["field"] == "cursor"


def test_the_list_rows_are_drawn_once_per_page_and_carry_each_sessions_token(client: Any) -> None:
    """The rows are drawn once while the page is unchanged (``_decision_rows.html``), each session's own
    CSRF token put in; a rename draws them again."""
    import re

    ids = _fill(client.app.state.store, ["First", "Second"])
    env = client.app.state.templates.env
    template = env.get_template("_decision_rows.html")
    drawn: list[int] = []
    original = template.render

    def counted(*args: Any, **kwargs: Any) -> str:
        drawn.append(1)
        return original(*args, **kwargs)

    template.render = counted  # type: ignore[method-assign]
    pages = {}
    for token in ("A" * 43, "b-_" * 15):
        client.cookies.set("seamline_csrf", token)
        pages[token] = client.get("/decisions").text
    assert len(drawn) == 1
    for token, html in pages.items():
        assert set(re.findall(r'name="csrf_token" value="([^"]+)"', html)) == {token}
    assert pages["A" * 43].replace("A" * 43, "b-_" * 15) == pages["b-_" * 15]
    client.app.state.store.rename(ids[0], "First, renamed")
    assert "First, renamed" in client.get("/decisions").text and len(drawn) == 2
