"""Server-rendered pages: questionnaire, live fragment, results, saved decisions, compare, contract check,
CSRF on every form post, escaping, no stack traces."""

from __future__ import annotations

import re
from typing import Any

import pytest
from tests.web.helpers import form_of, token

from seamline.advisor import advise
from seamline.knowledge import load_knowledge
from seamline.situation import FIELDS, parse_situation


def test_questionnaire_has_every_field_with_label_help_and_source(client: Any) -> None:
    html = client.get("/").text
    kb = load_knowledge()
    for path in FIELDS:
        assert f'name="{path}"' in html, path
        q = kb.questions[path]
        assert q.label.replace('"', "&#34;") in html or q.label in html
        assert kb.sources[q.source].publisher in html
    assert html.count("<legend") >= 8
    assert 'src="/static/htmx.min.js"' in html
    assert "https://" not in html  # nothing fetched from elsewhere


def test_static_assets_are_served(client: Any) -> None:
    for path in ("/static/htmx.min.js", "/static/app.css", "/static/app.js"):
        assert client.get(path).status_code == 200


def test_live_fragment_shows_the_recommendation(client: Any, situation: dict[str, Any]) -> None:
    tok = token(client)
    form = form_of(situation)
    r = client.post("/fragments/advise", data={**form, "csrf_token": tok})
    expected = advise(parse_situation(situation), load_knowledge()).recommended
    assert f'data-model="{expected}"' in r.text
    partial = {k: v for k, v in form.items() if k != "work.scope"}
    r = client.post("/fragments/advise", data={**partial, "csrf_token": tok})
    assert "1 question left" in r.text and "data-model" not in r.text


def test_live_panel_and_saving_share_one_definition_of_required(
    client: Any, situation: dict[str, Any]
) -> None:
    tok = token(client)
    form = form_of(situation)
    unnamed = {k: v for k, v in form.items() if k != "name"}
    both = {k: v for k, v in unnamed.items() if k != "work.scope"}
    live = client.post("/fragments/advise", data={**both, "csrf_token": tok})
    saved = client.post("/decisions", data={**both, "csrf_token": tok}, follow_redirects=False)
    assert saved.status_code == 400
    assert "2 questions not answered" in saved.text
    assert "2 questions left" in live.text and "Name of this decision" in live.text
    # only the name left: the recommendation is previewed, and the name is still asked for
    live = client.post("/fragments/advise", data={**unnamed, "csrf_token": tok})
    assert "data-model=" in live.text
    assert "1 question left before saving: Name of this decision" in live.text


def test_form_posts_without_the_token_are_refused(client: Any, situation: dict[str, Any]) -> None:
    form = form_of(situation)
    client.get("/")
    for url in ("/fragments/advise", "/decisions", "/results", "/contracts"):
        r = client.post(url, data=form)
        assert r.status_code == 403, url
        assert "security token" in r.text
    r = client.post("/decisions", data={**form, "csrf_token": "x" * 43})
    assert r.status_code == 403
    assert client.get("/api/v1/decisions").json()["decisions"] == []


def _save(client: Any, situation: dict[str, Any]) -> int:
    r = client.post(
        "/decisions", data={**form_of(situation), "csrf_token": token(client)}, follow_redirects=False
    )
    assert r.status_code == 303, r.text
    return int(r.headers["location"].rsplit("/", 1)[1])


def test_save_open_rename_duplicate_delete(client: Any, situation: dict[str, Any]) -> None:
    did = _save(client, situation)
    page = client.get(f"/decisions/{did}").text
    rec = advise(parse_situation(situation), load_knowledge())
    assert f'data-model="{rec.recommended}"' in page
    for heading in ("Ranking", "The models by criterion", "Cost over", "Cumulative cost", "Seams"):
        assert heading in page
    assert "<svg" in page
    tok = token(client)
    client.post(f"/decisions/{did}/rename", data={"name": "Renamed one", "csrf_token": tok})
    listing = client.get("/decisions").text
    assert "Renamed one" in listing
    # duplicate and edit: the questionnaire filled in from the original; nothing exists until it is saved
    r = client.post(f"/decisions/{did}/duplicate", data={"csrf_token": tok}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/decisions/{did}/copy"
    edit = client.get(r.headers["location"]).text
    assert 'value="Copy of Renamed one"' in edit and 'action="/decisions"' in edit
    assert f'name="copy_of" value="{did}"' in edit
    assert client.get("/api/v1/decisions").json()["total"] == 1  # abandoning it here leaves no copy
    changed = form_of({**situation, "name": "Edited copy"})
    changed["team.technical_leadership"] = "none"
    r = client.post(
        "/decisions", data={**changed, "copy_of": str(did), "csrf_token": tok}, follow_redirects=False
    )
    assert r.status_code == 303
    copy_id = int(r.headers["location"].split("/")[2])
    assert copy_id != did
    api = client.get(f"/api/v1/decisions/{copy_id}").json()
    assert api["name"] == "Edited copy" and api["situation"]["team"]["technical_leadership"] == "none"
    assert "Move to the trash" in client.get(f"/decisions/{did}/delete").text
    r = client.post(f"/decisions/{did}/delete", data={"csrf_token": tok}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get(f"/decisions/{did}").status_code == 404
    assert client.get(f"/api/v1/decisions/{copy_id}").status_code == 200


def test_incomplete_form_names_the_missing_questions(client: Any, situation: dict[str, Any]) -> None:
    form = {k: v for k, v in form_of(situation).items() if k != "preferences.pricing"}
    r = client.post("/decisions", data={**form, "csrf_token": token(client)})
    assert r.status_code == 400
    assert "preferences.pricing" in r.text and "not answered" in r.text
    assert 'value="monthly_retainer"' in r.text  # the answers are kept
    assert client.get("/api/v1/decisions").json()["decisions"] == []


def test_bad_number_is_named(client: Any, situation: dict[str, Any]) -> None:
    form = {**form_of(situation), "work.engineers": "lots"}
    r = client.post("/results", data={**form, "csrf_token": token(client)})
    assert r.status_code == 400 and "work.engineers" in r.text and "whole number" in r.text


def test_saved_decision_re_renders_from_stored_outputs(
    client: Any, situation: dict[str, Any], database: tuple[str, str | None]
) -> None:
    from fastapi.testclient import TestClient

    from seamline.settings import Settings
    from seamline.web.app import create_app

    did = _save(client, situation)
    first = client.get(f"/decisions/{did}").text
    url, schema = database
    other = create_app(
        Settings(database_url=url, database_schema=schema, load_examples=False, cost_trials=900, cost_seed=99)
    )
    with TestClient(other) as c2:
        second = c2.get(f"/decisions/{did}").text
    other.state.store.engine.dispose()
    strip = re.compile(r'name="csrf_token" value="[^"]+"')
    assert strip.sub("", first) == strip.sub("", second)
    assert "500 Monte Carlo trials" in second.replace(",", "")


def test_compare_two_decisions(client: Any, situation: dict[str, Any]) -> None:
    a = _save(client, situation)
    b = _save(
        client,
        {**situation, "name": "Other", "team": {"technical_leadership": "none", "product_manager": True}},
    )
    page = client.get(f"/compare?a={a}&b={b}").text
    assert page.count('data-testid="compare-recommended"') == 2
    assert "differs" in page and "Other" in page


def test_names_are_escaped(client: Any, situation: dict[str, Any]) -> None:
    did = _save(client, {**situation, "name": "<script>alert(1)</script>"})
    for url in (f"/decisions/{did}", "/decisions", f"/decisions/{did}/edit"):
        html = client.get(url).text
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_contract_upload_shows_evidence_escaped(client: Any) -> None:
    text = (
        "<script>alert('x')</script> PROJECT OUTSOURCING AGREEMENT\n\n"
        "1. Scope. The Vendor will deliver the software described in Schedule A for a fixed fee of $80,000, "
        "against the acceptance criteria in Schedule B. <script>document.cookie</script>\n\n"
        "2. Intellectual property. All deliverables are works made for hire and are assigned to the "
        "Client.\n\n"
        "3. Governing law. This Agreement is governed by the laws of England.\n"
    )
    r = client.post(
        "/contracts",
        data={"csrf_token": token(client, "/contracts"), "claimed": ""},
        files={"file": ("proposal.txt", text.encode(), "text/plain")},
    )
    assert r.status_code == 200, r.text
    assert "<script>alert" not in r.text and "<script>document" not in r.text
    assert "&lt;script&gt;" in r.text
    assert "<mark>" in r.text  # evidence highlighted in context
    assert 'data-testid="detected"' in r.text
    assert 'data-testid="document-type"' in r.text and "Engagement of services" in r.text
    assert r.text.count('<span class="bar"') == 6  # every model ranked, with its share
    assert '<mark class="d-' in r.text  # the decisive clauses highlighted by dimension


@pytest.mark.parametrize(("name", "data"), [("x.pdf", b"not a pdf"), ("x.exe", b"MZ")])
def test_contract_upload_refusals_are_pages_not_traces(client: Any, name: str, data: bytes) -> None:
    r = client.post(
        "/contracts",
        data={"csrf_token": token(client, "/contracts")},
        files={"file": (name, data, "application/octet-stream")},
    )
    assert r.status_code == 415
    assert "Traceback" not in r.text and "expected" in r.text


def test_unknown_pages_and_ids(client: Any) -> None:
    assert client.get("/decisions/999").status_code == 404
    assert client.get("/nowhere").status_code == 404
    assert "no saved decision" in client.get("/decisions/999").text


def test_internal_errors_show_no_trace(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_a: object, **_k: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(client.app.state.store, "_page", boom)  # every list read
    from fastapi.testclient import TestClient

    with TestClient(client.app, raise_server_exceptions=False) as c:
        r = c.get("/api/v1/decisions")
    assert r.status_code == 500
    assert "secret internals" not in r.text and "Traceback" not in r.text
    assert r.json()["error"] == {
        "code": "internal_error",
        "message": "internal error (RuntimeError); the details are in the server log",
        "field": None,
    }


def test_pages_send_safety_headers(client: Any) -> None:
    r = client.get("/")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]


def test_editing_keeps_weights_the_form_does_not_ask(client: Any, situation: dict[str, Any]) -> None:
    criterion = next(iter(load_knowledge().criteria))
    did = client.post(
        "/api/v1/decisions", json={"situation": {**situation, "weights": {criterion: 3.0}}}
    ).json()["id"]
    form = form_of(situation)
    form["work.engineers"] = "5"
    r = client.post(f"/decisions/{did}", data={**form, "csrf_token": token(client)}, follow_redirects=False)
    assert r.status_code == 303
    saved = client.get(f"/api/v1/decisions/{did}").json()["situation"]
    assert saved["weights"] == {criterion: 3.0} and saved["work"]["engineers"] == 5


def test_preview_results_then_save_from_the_preview(client: Any, situation: dict[str, Any]) -> None:
    r = client.post("/results", data={**form_of(situation), "csrf_token": token(client)})
    assert r.status_code == 200 and "Save this decision" in r.text
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', r.text))
    assert hidden["work.scope"] == situation["work"]["scope"]
    assert hidden["preferences.ip_in_house"] == "true"
    r = client.post("/decisions", data=hidden, follow_redirects=False)
    assert r.status_code == 303
    saved = client.get("/api/v1/decisions").json()["decisions"]
    assert [d["name"] for d in saved] == [situation["name"]]


def test_contract_upload_kept_with_a_decision(client: Any, situation: dict[str, Any]) -> None:
    did = _save(client, situation)
    text = "STAFF AUGMENTATION AGREEMENT\n\n1. The engineers work under the Client's daily direction.\n"
    r = client.post(
        "/contracts",
        data={"csrf_token": token(client, "/contracts"), "decision": str(did)},
        files={"file": ("sow.txt", text.encode(), "text/plain")},
    )
    assert r.status_code == 200 and "Kept with" in r.text
    assert client.get(f"/api/v1/decisions/{did}").json()["contract"]["path"] == "sow.txt"
    r = client.post(
        "/contracts",
        data={"csrf_token": token(client, "/contracts"), "decision": "999"},
        files={"file": ("sow.txt", text.encode(), "text/plain")},
    )
    assert r.status_code == 404 and "no saved decision" in r.text


def test_contract_page_upload_limit(client: Any) -> None:
    client.app.state.settings = client.app.state.settings.model_copy(update={"max_upload_bytes": 100})
    tok = token(client, "/contracts")
    small_limit_body = b"x" * 300
    r = client.post(
        "/contracts", data={"csrf_token": tok}, files={"file": ("a.txt", small_limit_body, "text/plain")}
    )
    assert r.status_code == 413 and "upload limit" in r.text
    big = b"y" * 200_000  # declared size alone is over the limit: refused before the body is read
    r = client.post("/contracts", data={"csrf_token": tok}, files={"file": ("b.txt", big, "text/plain")})
    assert r.status_code == 413 and "upload limit" in r.text
