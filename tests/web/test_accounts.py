"""Accounts, workspaces and roles in the web app, and request safety, on SQLite and PostgreSQL.

Three users: alice owns the workspace "Alpha", bob owns "Beta", vera is a viewer in "Alpha". Every route
that takes a decision id (read from ``app.routes``, so a new route is covered without a change here) is
tried as bob on alice's decision (404, nothing changed) and, for writes, as vera (403, nothing changed).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from tests.web.audit_kit import audit_out  # noqa: F401  (a fixture)
from tests.web.helpers import token

from seamline.settings import Settings
from seamline.store import AccountStore
from seamline.web.app import create_app
from seamline.web.auth import CACHE_SECONDS, safe_next

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's note about httpx versions
    from fastapi.testclient import TestClient

PASSWORD = "correct horse battery staple"
FOREIGN = "http://evil.example"
CONTRACT = (
    "STAFF AUGMENTATION AGREEMENT\n\n1. Services. The Supplier provides two engineers who work under the "
    "Client's day-to-day direction, billed monthly on time and materials.\n\n2. Intellectual property. "
    "All work product and inventions are assigned to the Client upon creation.\n"
)
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class Clock:
    """A hand-moved clock for the auth caches (no test waits for real time)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Team:
    app: Any
    accounts: AccountStore
    tokens: dict[str, str]
    alpha: int
    beta: int
    clock: Clock

    def client(self) -> Any:
        return TestClient(self.app)

    def api(self, who: str) -> Any:
        c = TestClient(self.app)
        c.headers["Authorization"] = f"Bearer {self.tokens[who]}"
        return c


def _app(database: tuple[str, str | None], **settings: Any) -> Any:
    url, schema = database
    return create_app(
        Settings(database_url=url, database_schema=schema, load_examples=False, cost_trials=500, **settings)
    )


@pytest.fixture
def team(database: tuple[str, str | None]) -> Iterator[Team]:
    app = _app(database)
    clock = Clock()
    app.state.auth.clock = clock
    app.state.auth.limiter.clock = clock
    accounts = AccountStore(app.state.store.engine)
    users = {name: accounts.add_user(name, PASSWORD) for name in ("alice", "bob", "vera")}
    alpha = accounts.add_workspace("Alpha", owner=users["alice"].id).id
    beta = accounts.add_workspace("Beta", owner=users["bob"].id).id
    accounts.grant(alpha, "vera", "viewer")
    tokens = {name: accounts.create_token(name, "tests")[1] for name in users}
    app.state.auth.forget()
    with TestClient(app):  # the app's lifespan (its job pool) for every client below
        yield Team(app, accounts, tokens, alpha, beta, clock)
    app.state.store.engine.dispose()


def login(client: Any, username: str, password: str = PASSWORD, next_: str = "/") -> Any:
    return client.post(
        "/login",
        data={
            "csrf_token": token(client, "/login"),
            "username": username,
            "password": password,
            "next": next_,
        },
        follow_redirects=False,
    )


def session_of(team: Team, username: str) -> Any:
    c = team.client()
    r = login(c, username)
    assert r.status_code == 303, r.text
    return c


def save(team: Team, who: str, situation: dict[str, Any], name: str) -> int:
    r = team.api(who).post("/api/v1/decisions", json={"situation": situation, "name": name})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def snapshot(team: Team, who: str, decision_id: int) -> dict[str, Any]:
    api = team.api(who)
    record = api.get(f"/api/v1/decisions/{decision_id}")
    assert record.status_code == 200, record.text
    return {
        "record": record.json(),
        "history": api.get(f"/api/v1/decisions/{decision_id}/history").json(),
        "list": api.get("/api/v1/decisions").json()["decisions"],
        "trash": api.get("/api/v1/trash").json(),
    }


def decision_routes(app: Any) -> list[tuple[str, str]]:
    """(method, path template) of every route whose path takes a decision id."""
    from fastapi.routing import iter_route_contexts  # included routers' routes, with their prefixes

    found = set()
    for route in iter_route_contexts(app.routes):
        path = route.path or ""
        if "{decision_id" in path:
            for method in getattr(route, "methods", None) or ():
                if method != "HEAD":
                    found.add((method, path))
    return sorted(found)


def fill(path: str, decision_id: int) -> str:
    values = {"decision_id": str(decision_id), "fmt": "md", "version": "1"}
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: values.get(m.group(1), "1"), path)


def send(client: Any, method: str, path: str, csrf: str) -> Any:
    """A plausible request of the route's kind: JSON under /api, a form with the CSRF token elsewhere;
    same-origin, as a browser would send it."""
    headers = {"Origin": "http://testserver", "X-CSRF-Token": csrf}
    if path.startswith("/api/"):
        body = {"json": {"name": "hijacked"}} if method in UNSAFE else {}
        return client.request(method, path, headers=headers, **body)
    data = {"csrf_token": csrf, "name": "hijacked"} if method in UNSAFE else None
    return client.request(method, path, headers=headers, data=data, follow_redirects=False)


# ------------------------------------------------------------------------------ workspace separation
def test_every_decision_route_is_404_for_another_workspace(team: Team, situation: dict[str, Any]) -> None:
    mine = save(team, "alice", situation, "Alice's plan")
    assert team.api("alice").patch(f"/api/v1/decisions/{mine}", json={"name": "Alice's plan v2"}).is_success
    theirs = save(team, "bob", situation, "Bob's plan")
    routes = decision_routes(team.app)
    assert len(routes) >= 15, routes  # pages, API, history, trash: all found
    before_alice = snapshot(team, "alice", mine)
    before_bob = snapshot(team, "bob", theirs)
    alice, bob = session_of(team, "alice"), session_of(team, "bob")
    bob_csrf = token(bob, "/")
    for method, template in routes:
        r = send(bob, method, fill(template, mine), bob_csrf)
        assert r.status_code == 404, (method, template, r.status_code, r.text[:300])
        if template.startswith("/api/"):
            assert r.json()["error"]["code"] == "not_found"
        # the token path too, on the API
        if template.startswith("/api/"):
            r = send(team.api("bob"), method, fill(template, mine), "")
            assert r.status_code == 404, (method, template, "token", r.text[:300])
    for method, template in routes:  # the owner reads every one of them (the 404s above are not blanket)
        if method == "GET" and "/trash/" not in template:
            r = alice.get(fill(template, mine), follow_redirects=False)
            assert r.status_code in (200, 303), (template, r.status_code, r.text[:300])
    assert snapshot(team, "alice", mine) == before_alice
    assert snapshot(team, "bob", theirs) == before_bob


def test_lists_show_only_the_workspace_s_decisions(team: Team, situation: dict[str, Any]) -> None:
    save(team, "alice", situation, "Alpha plan")
    save(team, "bob", situation, "Beta plan")
    assert [d["name"] for d in team.api("alice").get("/api/v1/decisions").json()["decisions"]] == [
        "Alpha plan"
    ]
    assert [d["name"] for d in team.api("vera").get("/api/v1/decisions").json()["decisions"]] == [
        "Alpha plan"
    ]
    assert [d["name"] for d in team.api("bob").get("/api/v1/decisions").json()["decisions"]] == ["Beta plan"]
    page = session_of(team, "bob").get("/decisions").text
    assert "Beta plan" in page and "Alpha plan" not in page
    compare = session_of(team, "bob").get("/compare").text
    assert "Alpha plan" not in compare
    contracts = session_of(team, "bob").get("/contracts").text
    assert "Alpha plan" not in contracts


def test_viewers_get_403_on_every_write_and_see_no_edit_buttons(
    team: Team, situation: dict[str, Any]
) -> None:
    mine = save(team, "alice", situation, "Alice's plan")
    team.api("alice").patch(f"/api/v1/decisions/{mine}", json={"name": "Alice's plan v2"})
    figures = {"values": {"weights.control": 3}}
    assert team.api("alice").patch(f"/api/v1/decisions/{mine}/assumptions", json=figures).is_success
    before = snapshot(team, "alice", mine)
    vera = session_of(team, "vera")
    csrf = token(vera, "/")
    writes = [(m, t) for m, t in decision_routes(team.app) if m in UNSAFE]
    assert len(writes) >= 8, writes
    for method, template in writes:
        r = send(vera, method, fill(template, mine), csrf)
        assert r.status_code == 403, (method, template, r.status_code, r.text[:300])
        if template.startswith("/api/"):
            r = send(team.api("vera"), method, fill(template, mine), "")
            assert r.status_code == 403, (method, template, "token", r.text[:300])
            assert r.json()["error"]["code"] == "forbidden"
    r = team.api("vera").post("/api/v1/decisions", json={"situation": situation})
    assert r.status_code == 403
    r = vera.post("/decisions", data={"csrf_token": csrf, "name": "x"}, follow_redirects=False)
    assert r.status_code == 403
    assert snapshot(team, "alice", mine) == before
    # reading is allowed, without the buttons that would change the decision
    alice_page = session_of(team, "alice").get(f"/decisions/{mine}").text  # cached first, as the owner's
    vera_page = vera.get(f"/decisions/{mine}").text
    buttons = ("Edit answers", "Duplicate and edit", f"/decisions/{mine}/delete", 'id="assumptions-form"')
    for button in buttons:
        assert button in alice_page
        assert button not in vera_page
    assert 'data-testid="assumptions-in-use"' in vera_page  # the figures in use, read only
    listing = vera.get("/decisions").text
    assert "Alice&#39;s plan v2" in listing or "Alice's plan v2" in listing
    assert "Rename" not in listing and "view only" in listing
    assert "Save decision" not in vera.get("/").text
    me = team.api("vera").get("/api/v1/me").json()
    assert me["role"] == "viewer" and me["can_edit"] is False


def library_routes(app: Any) -> list[tuple[str, str]]:
    """(method, path template) of every route whose path takes a vendor or portfolio id (those that take a
    decision id too are tried above)."""
    from fastapi.routing import iter_route_contexts

    found = set()
    for route in iter_route_contexts(app.routes):
        path = route.path or ""
        if ("{vendor_id" in path or "{portfolio_id" in path) and "{decision_id" not in path:
            for method in getattr(route, "methods", None) or ():
                if method != "HEAD":
                    found.add((method, path))
    return sorted(found)


def fill_library(path: str, vendor_id: int, portfolio_id: int) -> str:
    values = {"vendor_id": str(vendor_id), "portfolio_id": str(portfolio_id), "fmt": "md"}
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: values.get(m.group(1), "1"), path)


def library_snapshot(team: Team, vendor_id: int, portfolio_id: int) -> dict[str, Any]:
    api = team.api("alice")
    return {
        "vendor": api.get(f"/api/v1/vendors/{vendor_id}").json(),
        "vendors": api.get("/api/v1/vendors").json(),
        "portfolio": api.get(f"/api/v1/portfolios/{portfolio_id}").json(),
        "portfolios": api.get("/api/v1/portfolios").json(),
    }


def test_every_vendor_and_portfolio_route_is_404_for_another_workspace_and_403_for_a_viewer(
    team: Team, situation: dict[str, Any]
) -> None:
    from pathlib import Path

    import yaml

    examples = Path(__file__).resolve().parents[2] / "examples"
    alice = team.api("alice")
    profile = yaml.safe_load((examples / "vendor_northwind_data_backed.yaml").read_text())
    vendor = alice.post("/api/v1/vendors", json={"profile": profile})
    assert vendor.status_code == 201, vendor.text
    portfolio = yaml.safe_load((examples / "portfolio_scale_up.yaml").read_text())
    saved = alice.post("/api/v1/portfolios", json={"portfolio": portfolio})
    assert saved.status_code == 201, saved.text
    vid, pid = vendor.json()["id"], saved.json()["id"]
    decision = save(team, "alice", situation, "Alice's plan")
    assert alice.put(f"/api/v1/decisions/{decision}/vendors/{vid}").status_code == 200
    routes = library_routes(team.app)
    assert len(routes) >= 10, routes  # pages and API of both: all found
    before = library_snapshot(team, vid, pid)
    bob, vera = session_of(team, "bob"), session_of(team, "vera")
    bob_csrf, vera_csrf = token(bob, "/"), token(vera, "/")
    for method, template in routes:
        path = fill_library(template, vid, pid)
        r = send(bob, method, path, bob_csrf)
        assert r.status_code == 404, (method, template, r.status_code, r.text[:300])
        if template.startswith("/api/"):
            assert r.json()["error"]["code"] == "not_found"
            r = send(team.api("bob"), method, path, "")
            assert r.status_code == 404, (method, template, "token", r.text[:300])
        if method in UNSAFE:
            r = send(vera, method, path, vera_csrf)
            assert r.status_code == 403, (method, template, "viewer", r.status_code, r.text[:300])
            if template.startswith("/api/"):
                r = send(team.api("vera"), method, path, "")
                assert r.status_code == 403, (method, template, "viewer token", r.text[:300])
        elif "/document" not in template:
            r = send(vera, method, path, vera_csrf)  # a viewer reads
            assert r.status_code == 200, (method, template, "viewer", r.status_code, r.text[:300])
    # the lists and the decision's vendors show nothing of another workspace
    assert team.api("bob").get("/api/v1/vendors").json() == {"vendors": []}
    assert team.api("bob").get("/api/v1/portfolios").json() == {"portfolios": []}
    for page in ("/vendors", "/portfolios"):
        text = bob.get(page).text
        assert "Northwind" not in text and "Scale-up, product and operations" not in text
    r = team.api("vera").post("/api/v1/vendors", json={"profile": profile})
    assert r.status_code == 403
    r = team.api("vera").post("/api/v1/portfolios", json={"portfolio": portfolio})
    assert r.status_code == 403
    assert library_snapshot(team, vid, pid) == before


def audit_routes(app: Any) -> list[tuple[str, str]]:
    """(method, path template) of every route whose path takes an audit id."""
    from fastapi.routing import iter_route_contexts

    found = set()
    for route in iter_route_contexts(app.routes):
        path = route.path or ""
        if "{audit_id" in path:
            for method in getattr(route, "methods", None) or ():
                if method != "HEAD":
                    found.add((method, path))
    return sorted(found)


def test_every_audit_route_is_404_for_another_workspace_and_403_for_a_viewer(
    team: Team,
    audit_out: Any,  # noqa: F811
) -> None:
    from tests.web.audit_kit import store_audit

    audit_id = store_audit(team.app, audit_out, team.alpha, name="Alpha's audit")
    alice = team.api("alice")
    before = {
        "audit": alice.get(f"/api/v1/audits/{audit_id}").json(),
        "documents": alice.get(f"/api/v1/audits/{audit_id}/documents").json(),
    }
    doc_id = before["documents"]["documents"][0]["id"]
    values = {"audit_id": str(audit_id), "doc_id": str(doc_id), "number": "1"}
    routes = audit_routes(team.app)
    assert len(routes) >= 8, routes  # pages, charts, document, delete and the API: all found
    bob, vera = session_of(team, "bob"), session_of(team, "vera")
    bob_csrf, vera_csrf = token(bob, "/"), token(vera, "/")
    for method, template in routes:
        path = re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: values.get(m.group(1), "1"), template)
        r = send(bob, method, path, bob_csrf)
        assert r.status_code == 404, (method, template, r.status_code, r.text[:300])
        if template.startswith("/api/"):
            assert r.json()["error"]["code"] == "not_found"
            r = send(team.api("bob"), method, path, "")
            assert r.status_code == 404, (method, template, "token", r.text[:300])
        r = send(vera, method, path, vera_csrf)
        if method in UNSAFE:
            assert r.status_code == 403, (method, template, "viewer", r.status_code, r.text[:300])
            if template.startswith("/api/"):
                assert send(team.api("vera"), method, path, "").status_code == 403
        else:  # a viewer reads
            assert r.status_code == 200, (method, template, "viewer", r.status_code, r.text[:300])
    assert team.api("bob").get("/api/v1/audits").json() == {"audits": []}
    assert "Alpha&#39;s audit" not in bob.get("/audits").text
    assert "Alpha&#39;s audit" in vera.get("/audits").text
    assert "Delete this audit" not in vera.get(f"/audits/{audit_id}").text
    after = {
        "audit": alice.get(f"/api/v1/audits/{audit_id}").json(),
        "documents": alice.get(f"/api/v1/audits/{audit_id}/documents").json(),
    }
    assert after == before


# ------------------------------------------------------------------------------------- log in and out
def test_pages_ask_for_a_login_and_the_api_for_a_token(team: Team) -> None:
    c = team.client()
    r = c.get("/decisions?q=plan", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=%2Fdecisions%3Fq%3Dplan"
    r = c.get("/api/v1/decisions")
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith("Bearer")
    body = r.json()
    assert body["error"]["code"] == "unauthorized" and "Authorization" in body["error"]["message"]
    assert c.get("/api/v1/openapi.json").status_code == 401  # nothing but the login page is open
    r = c.post("/fragments/advise", headers={"HX-Request": "true"})
    assert r.status_code == 401 and r.headers["hx-redirect"] == "/login"
    assert c.get("/static/app.css").status_code == 200
    assert c.get("/login").status_code == 200


def test_login_logout_and_the_next_page(team: Team) -> None:
    c = team.client()
    r = login(c, "alice", next_="/decisions?q=x")
    assert r.status_code == 303 and r.headers["location"] == "/decisions?q=x"
    cookies = r.headers.get_list("set-cookie")
    session = next(v for v in cookies if v.startswith("seamline_session="))
    assert "httponly" in session.lower() and "samesite=lax" in session.lower()
    assert any(v.startswith("seamline_csrf=") for v in cookies)  # a new CSRF token with the login
    assert c.get("/decisions").status_code == 200
    me = c.get("/api/v1/me").json()
    assert me["user"]["username"] == "alice" and me["via"] == "session" and me["workspace"]["name"] == "Alpha"
    page = c.get("/account").text
    assert "Alpha" in page and "Log out" in page
    r = c.post("/logout", data={"csrf_token": token(c, "/account")}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert c.get("/decisions", follow_redirects=False).status_code == 303
    assert c.get("/api/v1/me").status_code == 401


def test_a_login_is_a_new_session(team: Team) -> None:
    c = team.client()
    first = login(c, "alice").cookies.get("seamline_session")
    second = login(c, "alice").cookies.get("seamline_session")
    assert first and second and first != second


def test_wrong_password_and_unknown_user_say_the_same(team: Team) -> None:
    c = team.client()
    wrong = login(c, "alice", "not the password at all")
    nobody = login(c, "nobody", "not the password at all")
    local = login(c, "local", "")
    for r in (wrong, nobody, local):
        assert r.status_code == 400
        assert "wrong username or password" in r.text
    assert c.get("/api/v1/me").status_code == 401


def test_failed_logins_are_limited(team: Team) -> None:
    auth = team.app.state.auth
    auth.limiter.attempts = 3
    c = team.client()
    for _ in range(3):
        assert login(c, "alice", "not the password at all").status_code == 400
    r = login(c, "alice")  # even the right password waits now
    assert r.status_code == 429 and "too many failed attempts" in r.text
    assert int(r.headers["retry-after"]) > 0
    assert login(c, "bob").status_code == 303  # another name from the same address is not held up
    team.clock.now += auth.limiter.window_s + 1
    assert login(c, "alice").status_code == 303


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "", "/\x00x"],
)
def test_next_stays_on_this_site(target: str) -> None:
    assert safe_next(target) == "/"
    assert safe_next("/decisions/3?x=1") == "/decisions/3?x=1"


def test_a_disabled_user_s_session_and_token_die(team: Team) -> None:
    c = session_of(team, "alice")
    api = team.api("alice")
    assert c.get("/api/v1/me").status_code == 200 and api.get("/api/v1/me").status_code == 200
    team.accounts.set_disabled("alice", True)
    assert c.get("/api/v1/me").status_code == 200  # read again at most every CACHE_SECONDS...
    team.clock.now += CACHE_SECONDS
    assert c.get("/api/v1/me").status_code == 401  # ...then the session is void
    assert c.get("/decisions", follow_redirects=False).status_code == 303
    assert api.get("/api/v1/me").status_code == 401
    team.accounts.set_disabled("alice", False)
    team.clock.now += CACHE_SECONDS
    assert c.get("/api/v1/me").status_code == 401  # a new login is needed
    assert login(c, "alice").status_code == 303
    assert c.get("/api/v1/me").status_code == 200


def test_a_new_password_ends_earlier_sessions(team: Team) -> None:
    c = session_of(team, "alice")
    team.accounts.set_password("alice", "another long passphrase")
    team.clock.now += CACHE_SECONDS
    assert c.get("/api/v1/me").status_code == 401
    assert login(c, "alice").status_code == 400
    assert login(c, "alice", "another long passphrase").status_code == 303


def test_a_session_ends_after_session_hours(team: Team) -> None:
    c = session_of(team, "alice")
    auth = team.app.state.auth
    real = auth.now
    auth.now = lambda: real() + auth.session_seconds + 1
    try:
        r = c.get("/decisions", follow_redirects=False)
        assert r.status_code == 303
        assert any("seamline_session=null" in v for v in r.headers.get_list("set-cookie"))
    finally:
        auth.now = real


def test_a_user_in_no_workspace_is_told_so(team: Team) -> None:
    team.accounts.add_user("nora", PASSWORD)
    c = session_of(team, "nora")
    assert c.get("/").status_code == 200
    r = c.get("/decisions")
    assert r.status_code == 403 and "not a member of any workspace" in r.text
    assert c.get("/api/v1/me").json()["workspace"] is None


# ------------------------------------------------------------------------------------------- tokens
def test_token_auth_and_its_401s(team: Team, situation: dict[str, Any]) -> None:
    api = team.api("alice")
    me = api.get("/api/v1/me").json()
    assert me["via"] == "token" and me["mode"] == "accounts"
    assert [w["name"] for w in me["workspaces"]] == ["Alpha"]
    assert api.post("/api/v1/decisions", json={"situation": situation}).status_code == 201
    c = team.client()
    for value in ("Bearer sl_not-a-token", "Bearer", "Basic YWxpY2U6eA==", f"Token {team.tokens['alice']}"):
        r = c.get("/api/v1/me", headers={"Authorization": value})
        assert r.status_code == 401, value
        assert r.headers["www-authenticate"].startswith("Bearer")
        assert r.json()["error"]["code"] == "unauthorized"
    token_id = team.accounts.tokens("alice")[0].id
    team.accounts.revoke_token(token_id)
    team.clock.now += CACHE_SECONDS
    assert api.get("/api/v1/me").status_code == 401


def test_a_token_wins_over_a_session_cookie(team: Team) -> None:
    c = session_of(team, "alice")
    r = c.get("/api/v1/me", headers={"Authorization": f"Bearer {team.tokens['bob']}"})
    assert r.json()["user"]["username"] == "bob"


def test_the_workspace_header(team: Team, situation: dict[str, Any]) -> None:
    team.accounts.grant(team.beta, "alice", "editor")
    team.clock.now += CACHE_SECONDS
    api = team.api("alice")
    save(team, "bob", situation, "Beta plan")
    names = api.get("/api/v1/decisions", headers={"X-Seamline-Workspace": str(team.beta)}).json()
    assert [d["name"] for d in names["decisions"]] == ["Beta plan"]
    r = api.post(
        "/api/v1/decisions",
        json={"situation": situation, "name": "Made in Beta"},
        headers={"X-Seamline-Workspace": str(team.beta)},
    )
    assert r.status_code == 201 and r.json()["workspace_id"] == team.beta
    assert api.get("/api/v1/decisions").json()["decisions"] == []  # Alpha, the first by name
    for other in ("999", "abc", "1"):  # 1: the local workspace, not alice's
        r = api.get("/api/v1/decisions", headers={"X-Seamline-Workspace": other})
        assert r.status_code == 404, other
        assert "X-Seamline-Workspace" in r.json()["error"]["message"]


def test_switching_workspace_in_the_header(team: Team, situation: dict[str, Any]) -> None:
    team.accounts.grant(team.beta, "alice", "viewer")
    save(team, "alice", situation, "Alpha plan")
    save(team, "bob", situation, "Beta plan")
    c = session_of(team, "alice")
    page = c.get("/decisions").text
    assert "Alpha plan" in page and "Beta plan" not in page
    assert 'id="workspace-switch"' in page
    csrf = token(c, "/decisions")
    r = c.post(
        "/account/workspace", data={"csrf_token": csrf, "workspace": str(team.beta)}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"] == "/decisions"
    page = c.get("/decisions").text
    assert "Beta plan" in page and "Alpha plan" not in page and "view only" in page
    r = c.post("/account/workspace", data={"csrf_token": csrf, "workspace": "1"})
    assert r.status_code == 404


# ---------------------------------------------------------------------------------------- members
def test_owners_manage_members(team: Team) -> None:
    alice = session_of(team, "alice")
    page = alice.get(f"/workspaces/{team.alpha}/members")
    assert page.status_code == 200 and "vera" in page.text
    assert session_of(team, "vera").get(f"/workspaces/{team.alpha}/members").status_code == 403
    assert session_of(team, "bob").get(f"/workspaces/{team.alpha}/members").status_code == 404
    assert alice.get("/workspaces/99999999999999999999/members").status_code == 404
    csrf = token(alice, f"/workspaces/{team.alpha}/members")
    url = f"/workspaces/{team.alpha}/members"
    r = alice.post(
        url, data={"csrf_token": csrf, "username": "bob", "role": "editor"}, follow_redirects=False
    )
    assert r.status_code == 303
    assert team.accounts.role_of(team.accounts.user("bob").id, team.alpha) == "editor"
    r = alice.post(
        url, data={"csrf_token": csrf, "username": "vera", "role": "editor"}, follow_redirects=False
    )
    assert team.accounts.role_of(team.accounts.user("vera").id, team.alpha) == "editor"
    r = alice.post(url, data={"csrf_token": csrf, "username": "nobody", "role": "editor"})
    assert r.status_code == 404 and "no such user" in r.text
    r = alice.post(url, data={"csrf_token": csrf, "username": "bob", "role": "boss"})
    assert r.status_code == 422 and "expected one of owner, editor, viewer" in r.text
    r = alice.post(url + "/remove", data={"csrf_token": csrf, "username": "alice"})
    assert r.status_code == 403 and "at least one owner" in r.text
    r = alice.post(url + "/remove", data={"csrf_token": csrf, "username": "bob"}, follow_redirects=False)
    assert r.status_code == 303
    assert team.accounts.role_of(team.accounts.user("bob").id, team.alpha) is None
    assert alice.post(url, data={"username": "bob", "role": "owner"}).status_code == 403  # no CSRF token


# ---------------------------------------------------------------------------------------- local mode
def test_local_mode_is_unchanged_and_ends_when_a_user_appears(client: Any) -> None:
    me = client.get("/api/v1/me").json()
    assert me["mode"] == "local" and me["user"]["username"] == "local" and me["role"] == "owner"
    assert client.get("/decisions").status_code == 200
    assert "Log out" not in client.get("/").text
    assert client.get("/login", follow_redirects=False).headers["location"] == "/"
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer sl_x"}).status_code == 401
    assert client.get("/api/v1/me", headers={"X-Seamline-Workspace": "2"}).status_code == 404
    auth = client.app.state.auth
    clock = Clock()
    auth.clock = clock
    auth.forget()
    assert client.get("/api/v1/me").status_code == 200
    AccountStore(client.app.state.store.engine).add_user("alice", PASSWORD)
    assert client.get("/api/v1/me").status_code == 200  # the cached answer, for CACHE_SECONDS at most
    clock.now += CACHE_SECONDS
    assert client.get("/api/v1/me").status_code == 401  # accounts now: no restart needed
    assert client.get("/decisions", follow_redirects=False).status_code == 303


def test_no_accounts_on_a_network_address_answers_nobody(database: tuple[str, str | None]) -> None:
    app = _app(database, host="0.0.0.0", allowed_hosts=("testserver",))
    with TestClient(app) as c:
        r = c.get("/api/v1/decisions")
        assert r.status_code == 503 and "seamline users add" in r.json()["error"]["message"]
        assert c.get("/").status_code == 503
    app.state.store.engine.dispose()


def _free_port() -> str:
    import socket

    with socket.socket() as s:
        s.bind(("0.0.0.0", 0))
        return str(s.getsockname()[1])


def test_serve_refuses_a_network_address_without_accounts(cli: Any, tmp_path: Any) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    r = cli("serve", "--host", "0.0.0.0", "--port", _free_port(), "--database-url", url, "--no-examples")
    assert r.code == 2
    assert r.err.count("\n") == 1 and "seamline users add" in r.err and "0.0.0.0" in r.err


def test_serve_on_a_network_address_with_accounts_starts(
    cli: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    from seamline.store import open_store

    url = f"sqlite:///{tmp_path / 's.db'}"
    store = open_store(url)
    AccountStore(store.engine).add_user("alice", PASSWORD)
    store.engine.dispose()
    started: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.append((app, kw)))
    r = cli("serve", "--host", "0.0.0.0", "--port", _free_port(), "--database-url", url, "--no-examples")
    assert r.code == 0, r.err
    [(app, kw)] = started
    assert kw["host"] == "0.0.0.0" and app.state.settings.host == "0.0.0.0"
    app.state.store.engine.dispose()


# ----------------------------------------------------------------------------------- request safety
def test_the_host_header_is_checked(client: Any, database: tuple[str, str | None]) -> None:
    for path in ("/", "/api/v1/decisions", "/static/app.css"):
        r = client.get(path, headers={"Host": "attacker.example"})
        assert r.status_code == 400, path
    assert client.get("/api/v1/decisions", headers={"Host": "attacker.example"}).json()["error"]["code"] == (
        "bad_host"
    )
    for host in ("localhost:8000", "127.0.0.1", "[::1]:8000", "testserver"):
        assert client.get("/api/v1/decisions", headers={"Host": host}).status_code == 200, host
    app = _app(database, host="0.0.0.0", allowed_hosts=("seamline.example",))
    AccountStore(app.state.store.engine).add_user("alice", PASSWORD)
    with TestClient(app) as c:
        assert c.get("/login", headers={"Host": "seamline.example"}).status_code == 200
        assert c.get("/login", headers={"Host": "localhost"}).status_code == 400  # not a loopback server
        assert c.get("/login").status_code == 200  # the address the connection came in on
    app.state.store.engine.dispose()


def test_forged_cross_origin_writes_are_refused(client: Any, situation: dict[str, Any]) -> None:
    """The issue's two attacks: another site's page posting a contract to a decision (multipart) and an
    empty POST duplicating one; both refused, nothing changed."""
    created = client.post("/api/v1/decisions", json={"situation": situation}).json()
    did = created["id"]
    forged = client.post(
        f"/api/v1/decisions/{did}/contract",
        files={"file": ("forged.txt", CONTRACT.encode(), "text/plain")},
        headers={"Origin": FOREIGN},
    )
    assert forged.status_code == 403
    assert forged.json()["error"]["code"] == "cross_origin"
    duplicate = client.post(f"/api/v1/decisions/{did}/duplicate", headers={"Origin": FOREIGN})
    assert duplicate.status_code == 403
    after = client.get(f"/api/v1/decisions/{did}").json()
    assert after["contract"] is None and after == created
    assert client.get("/api/v1/decisions").json()["total"] == 1
    # the other signals a browser sends
    for headers in (
        {"Origin": "null"},
        {"Origin": "http://testserver.evil.example"},
        {"Origin": "https://testserver"},  # another scheme is another origin
        {"Referer": FOREIGN + "/page"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
    ):
        assert client.post(f"/api/v1/decisions/{did}/duplicate", headers=headers).status_code == 403, headers
        assert client.delete(f"/api/v1/decisions/{did}", headers=headers).status_code == 403, headers
    page = client.post("/fragments/advise", headers={"Origin": FOREIGN})
    assert page.status_code == 403 and "another site" in page.text
    assert client.get("/api/v1/decisions").json()["total"] == 1
    # this site's own pages, and tools that send none of these headers, may write
    for headers in (
        {"Origin": "http://testserver"},
        {"Referer": "http://testserver/decisions"},
        {"Sec-Fetch-Site": "same-origin", "Origin": "https://proxy-facing.example"},
        {},
    ):
        assert client.post(f"/api/v1/decisions/{did}/duplicate", headers=headers).status_code == 201, headers
    assert client.get("/api/v1/decisions", headers={"Origin": FOREIGN}).status_code == 200  # reads are fine


def test_a_bearer_token_is_exempt_from_the_origin_check(team: Team) -> None:
    r = team.api("alice").post("/api/v1/advise", json={}, headers={"Origin": FOREIGN})
    assert r.status_code != 403
    c = session_of(team, "alice")
    assert c.post("/api/v1/advise", json={}, headers={"Origin": FOREIGN}).status_code == 403


def test_no_store_and_permissions_policy(client: Any, situation: dict[str, Any]) -> None:
    did = client.post("/api/v1/decisions", json={"situation": situation}).json()["id"]
    for path in (
        "/",
        f"/decisions/{did}",
        "/decisions",
        f"/api/v1/decisions/{did}",
        "/api/v1/me",
        "/nowhere",
    ):
        r = client.get(path)
        assert r.headers["cache-control"] == "no-store", path
        assert "camera=()" in r.headers["permissions-policy"], path
    static = client.get("/static/app.css")
    assert "no-store" not in static.headers.get("cache-control", "")
    assert "geolocation=()" in static.headers["permissions-policy"]
