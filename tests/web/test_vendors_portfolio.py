"""Vendors and portfolios in the web app and the API (TestClient; SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from tests.web.helpers import token

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
FIELD_ERROR = re.compile(r'class="field-error" id="([^"]+)">([^<]*)<')
PROBLEM = re.compile(r"<li><code>(.*?)</code>: (.*?)</li>")


def _vendor(name: str) -> bytes:
    return (EXAMPLES / name).read_bytes()


def _upload_vendor(client: Any, csrf: str, filename: str, data: bytes, **form: str) -> Any:
    return client.post(
        "/vendors",
        data={"csrf_token": csrf, **form},
        files={"file": (filename, data)},
        follow_redirects=False,
    )


def test_vendor_upload_grade_and_errors_with_lines(client: Any) -> None:
    csrf = token(client, "/vendors")
    r = _upload_vendor(client, csrf, "northwind.yaml", _vendor("vendor_northwind_data_backed.yaml"))
    assert r.status_code == 303, r.text[:500]
    page = client.get(r.headers["location"]).text
    assert "Northwind Engineering" in page and 'data-testid="vendor-score"' in page
    assert page.count('class="graded-item"') == 8  # every cited question, graded with its reason
    assert "Why it matters" in page and "figure:" in page
    # a bad file: the problem named with its line, never a traceback, nothing saved
    bad = b"name: Broken\nrates:\n  hourly: {low: 90, high: 10}\nanswers:\n  references: three\n"
    r = _upload_vendor(client, csrf, "broken.yaml", bad)
    assert r.status_code == 400
    assert (
        "broken.yaml:3: rates.hourly",
        "low 90 is above high 10; expected low &lt;= high",
    ) in PROBLEM.findall(r.text)
    r = _upload_vendor(client, csrf, "syntax.yaml", b"name: [unclosed\n")
    assert r.status_code == 400 and "syntax.yaml:2" in r.text and "Traceback" not in r.text
    r = _upload_vendor(client, csrf, "v.txt", b"name: x")
    assert r.status_code == 400 and "expected a .yaml, .yml or .json file" in r.text
    assert [v["name"] for v in client.get("/api/v1/vendors").json()["vendors"]] == ["Northwind Engineering"]


def test_the_vendor_form_names_each_problem_next_to_its_field(client: Any) -> None:
    csrf = token(client, "/vendors")
    page = client.get("/vendors").text
    from seamline.vendors import load_vendor_knowledge

    for q in load_vendor_knowledge().questions:  # the form is drawn from the cited questions
        assert q.question in page
    r = client.post(
        "/vendors",
        data={"csrf_token": csrf, "name": "Formy", "hourly_low": "cheap", "monthly_high": "5000"},
    )
    assert r.status_code == 400
    errors = dict(FIELD_ERROR.findall(r.text))
    assert errors["v-rates-hourly-low-error"] == "got &#39;cheap&#39; ; expected a number".replace(" ;", ";")
    assert "low and the high end" in errors["v-rates-monthly-low-error"]
    assert 'href="#v-rates-hourly-low"' in r.text  # the summary links to the field
    assert 'value="Formy"' in r.text  # what was typed is kept
    r = client.post("/vendors", data={"csrf_token": csrf, "name": "Formy"})
    assert r.status_code == 400 and "answers none of the vendor questions" in r.text
    r = client.post(
        "/vendors",
        data={
            "csrf_token": csrf,
            "name": "Formy",
            "models": ["staff_augmentation", "dedicated_team"],
            "hourly_low": "40",
            "hourly_high": "60",
            "ref1_client": "Acme",
            "answer.references": "Three clients of 10 engineers each; we set up a reference call process",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    saved = client.get("/api/v1/vendors/" + r.headers["location"].split("/")[2].split("?")[0]).json()
    assert saved["profile"]["rates"] == {"currency": "USD", "hourly": {"low": 40.0, "high": 60.0}}
    assert saved["profile"]["models"] == ["staff_augmentation", "dedicated_team"]
    assert saved["scorecard"]["model"] is None


def test_compare_keep_with_a_decision_and_the_document(client: Any, situation: dict[str, Any]) -> None:
    api = client
    ids = []
    for name in ("vendor_northwind_data_backed.yaml", "vendor_quickstaff_claims.yaml"):
        profile = yaml.safe_load(_vendor(name))
        r = api.post("/api/v1/vendors", json={"profile": profile})
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    page = client.get(f"/vendors/compare?vendor={ids[0]}&vendor={ids[1]}&model=staff_augmentation")
    assert page.status_code == 200
    assert 'data-testid="best-vendor">Northwind Engineering<' in page.text
    assert 'data-testid="vendor-chart"' in page.text and 'class="chart chart-narrow"' in page.text
    decision = api.post("/api/v1/decisions", json={"situation": situation}).json()
    did, top = decision["id"], decision["top_model"]
    # opened from the decision: scored for the model it recommends
    page = client.get(f"/vendors/{ids[1]}?decision={did}").text
    assert f'<option value="{top}" selected>' in page
    csrf = token(client, f"/decisions/{did}/vendors")
    for vid in ids:
        r = client.post(
            f"/decisions/{did}/vendors",
            data={"csrf_token": csrf, "vendor": str(vid), "action": "keep"},
            follow_redirects=False,
        )
        assert r.status_code == 303
    kept = api.get(f"/api/v1/decisions/{did}/vendors").json()
    assert [v["id"] for v in kept["vendors"]] == ids and kept["model"] == top
    assert kept["comparison"]["best"] == "Northwind Engineering"
    md = client.get(f"/decisions/{did}/report.md").text
    assert "## Vendors" in md and "QuickStaff" in md and "Red flags of **QuickStaff**" in md
    html = client.get(f"/api/v1/decisions/{did}/report?format=html").text
    assert 'id="vendors"' in html
    r = api.delete(f"/api/v1/decisions/{did}/vendors/{ids[1]}")
    assert r.status_code == 200 and [v["id"] for v in r.json()["vendors"]] == [ids[0]]
    assert "QuickStaff" not in client.get(f"/decisions/{did}/report.md").text
    assert api.delete(f"/api/v1/decisions/{did}/vendors/{ids[1]}").status_code == 404


def test_vendor_api_score_and_compare(client: Any) -> None:
    north = yaml.safe_load(_vendor("vendor_northwind_data_backed.yaml"))
    quick = yaml.safe_load(_vendor("vendor_quickstaff_claims.yaml"))
    r = client.post("/api/v1/vendors/score", json={"profile": north, "model": "managed_services"})
    assert r.status_code == 200
    card = r.json()
    assert card["offers_model"] is False and card["red_flags"][0]["question"] is None
    equal = client.post("/api/v1/vendors/score", json={"profile": north}).json()
    assert equal["model"] is None and len(equal["red_flags"]) == len(card["red_flags"]) - 1
    r = client.post(
        "/api/v1/vendors/score", json={"profile": {**north, "rates": {"hourly": {"low": 9, "high": 1}}}}
    )
    assert r.status_code == 422 and r.json()["error"]["field"] == "profile.rates.hourly"
    r = client.post("/api/v1/vendors/score", json={"profile": north, "model": "nope"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "model"
    r = client.post(
        "/api/v1/vendors/compare", json={"profiles": [north, quick], "model": "staff_augmentation"}
    )
    assert r.status_code == 200 and r.json()["best"] == "Northwind Engineering"
    r = client.post("/api/v1/vendors/compare", json={"profiles": [north]})
    assert r.status_code == 422
    r = client.post("/api/v1/vendors/compare", json={"profiles": [north, north]})
    assert r.status_code == 422 and "names must differ" in r.json()["message"]
    r = client.post("/api/v1/vendors/compare", json={"profiles": [north], "vendor_ids": [99]})
    assert r.status_code == 404


PORTFOLIO_CSV = (
    "name,vendor,work.type,work.core,work.scope,work.duration_months,work.engineers,"
    "team.technical_leadership,team.product_manager,preferences.involvement,preferences.pricing,"
    "preferences.ip_in_house,preferences.share_business_context\n"
    "Core product,Northwind,product_development,true,evolving,12,5,strong,true,daily_direction,"
    "time_and_materials,true,true\n"
    "Cloud operations,OpsGuard,it_function,false,partly_defined,24,3,strong,true,service_levels,"
    "subscription,false,false\n"
)


def test_portfolio_csv_upload_plan_save_reopen_and_documents(client: Any) -> None:
    csrf = token(client, "/portfolios")
    r = client.post(
        "/portfolios",
        data={"csrf_token": csrf, "name": "Q3 plan", "stage": "scale_up"},
        files={"file": ("plan.csv", PORTFOLIO_CSV.encode())},
    )
    assert r.status_code == 200, r.text[-2000:]
    assert 'data-testid="plan-table"' in r.text and 'data-testid="portfolio-chart"' in r.text
    assert "Staff augmentation" in r.text and "Managed services" in r.text
    # a bad row: named by its row number and field; nothing planned
    bad = PORTFOLIO_CSV.replace(",24,3,", ",24,three,").replace("daily_direction", "weekly")
    r = client.post(
        "/portfolios",
        data={"csrf_token": csrf, "name": "Q3 plan", "stage": "scale_up"},
        files={"file": ("plan.csv", bad.encode())},
    )
    assert r.status_code == 400
    problems = PROBLEM.findall(r.text)
    assert ("row 3: work.engineers", "got &#39;three&#39;; expected a whole number") in problems
    assert any(where == "row 2: preferences.involvement" for where, _ in problems)
    # saved, reopened, listed, compared, documents in every format
    r = client.post(
        "/portfolios",
        data={"csrf_token": csrf, "name": "Q3 plan", "stage": "scale_up", "save": "1"},
        files={"file": ("plan.csv", PORTFOLIO_CSV.encode())},
        follow_redirects=False,
    )
    assert r.status_code == 303
    first = int(r.headers["location"].rsplit("/", 1)[1])
    r = client.post(
        "/portfolios",
        data={"csrf_token": csrf, "save": "1"},
        files={"file": ("enterprise.yaml", (EXAMPLES / "portfolio_enterprise.yaml").read_bytes())},
        follow_redirects=False,
    )
    assert r.status_code == 303
    second = int(r.headers["location"].rsplit("/", 1)[1])
    page = client.get(f"/portfolios/{first}").text
    assert "Q3 plan" in page and 'value="Cloud operations"' in page and "portfolio-chart" in page
    listed = client.get("/api/v1/portfolios").json()["portfolios"]
    assert [p["id"] for p in listed] == [second, first]
    compare = client.get(f"/portfolios/compare?a={first}&b={second}").text
    assert "Q3 plan" in compare and "Enterprise, three kinds of work" in compare
    for fmt, start in (("md", b"# Portfolio plan: Q3 plan"), ("html", b"<!DOCTYPE html>"), ("pdf", b"%PDF")):
        body = client.get(f"/portfolios/{first}/document.{fmt}").content
        assert body.startswith(start), fmt
    assert client.get(f"/api/v1/portfolios/{first}/document?format=docx").content[:2] == b"PK"
    assert client.get(f"/portfolios/{first}/document.txt").status_code == 400


def test_portfolio_form_rows_errors_and_save(client: Any) -> None:
    csrf = token(client, "/portfolios")
    row = {
        "ws-0-name": "Core",
        "ws-0-work.type": "product_development",
        "ws-0-work.core": "true",
        "ws-0-work.scope": "evolving",
        "ws-0-work.duration_months": "12",
        "ws-0-work.engineers": "0",
        "ws-0-team.technical_leadership": "strong",
        "ws-0-team.product_manager": "true",
        "ws-0-preferences.involvement": "daily_direction",
        "ws-0-preferences.pricing": "time_and_materials",
        "ws-0-preferences.ip_in_house": "true",
        "ws-0-preferences.share_business_context": "true",
    }
    form = {"csrf_token": csrf, "name": "Form plan", "stage": "scale_up", **row}
    r = client.post("/portfolios", data={**form, "action": "add"})
    assert r.status_code == 200 and r.text.count('data-testid="workstream"') == 2
    r = client.post("/portfolios", data={**form, "ws-1-name": "", "action": "remove-1"})
    assert r.text.count('data-testid="workstream"') == 1
    r = client.post("/portfolios", data={**form, "action": "plan"})
    assert r.status_code == 400
    errors = dict(FIELD_ERROR.findall(r.text))
    assert errors["ws-0-work-engineers-error"] == "got 0; expected a whole number from 1 to 1000"
    assert 'href="#ws-0-work-engineers"' in r.text
    form["ws-0-work.engineers"] = "4"
    r = client.post("/portfolios", data={**form, "action": "save"}, follow_redirects=False)
    assert r.status_code == 303
    pid = int(r.headers["location"].rsplit("/", 1)[1])
    saved = client.get(f"/api/v1/portfolios/{pid}").json()
    assert saved["name"] == "Form plan" and saved["plan"]["workstreams"][0]["engineers"] == 4
    # changed and saved again: the same portfolio
    form["ws-0-work.engineers"] = "6"
    r = client.post(f"/portfolios/{pid}", data={**form, "action": "save"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/portfolios/{pid}"
    assert client.get(f"/api/v1/portfolios/{pid}").json()["plan"]["totals"]["engineers"] == 6


def test_portfolio_api(client: Any) -> None:
    data = yaml.safe_load((EXAMPLES / "portfolio_one_vendor_everything.yaml").read_text())
    r = client.post("/api/v1/portfolios/plan", json={"portfolio": data})
    assert r.status_code == 200
    plan = r.json()
    assert {w["id"] for w in plan["warnings"]} >= {"vendor_concentration"}  # QuickStaff holds it all
    assert all(w["source"] for w in plan["warnings"])
    r = client.post("/api/v1/portfolios", json={"portfolio": data})
    assert r.status_code == 201 and r.headers["location"] == f"/api/v1/portfolios/{r.json()['id']}"
    pid = r.json()["id"]
    bad = {**data, "workstreams": [{**data["workstreams"][0], "model": "nope"}]}
    r = client.post("/api/v1/portfolios/plan", json={"portfolio": bad})
    assert r.status_code == 422 and r.json()["error"]["field"] == "portfolio.workstreams[0].model"
    assert client.post("/api/v1/portfolios/plan", json={"portfolio": []}).status_code == 422
    assert client.get("/api/v1/portfolios/999").status_code == 404
    assert client.delete(f"/api/v1/portfolios/{pid}").status_code == 204
    assert client.get(f"/api/v1/portfolios/{pid}").status_code == 404
