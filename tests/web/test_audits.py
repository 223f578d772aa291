"""Stored audits in the web app and the API, on SQLite and PostgreSQL: the list, the audit page with its
figures and charts, the documents filtered in the database (vendor, detected model, finding, value range) a
page at a time, each row linked to the document's check with its evidence highlighted, and the API's
documented shapes. A small real audit (tests/web/audit_kit.py) is stored in the local workspace."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from tests.web.audit_kit import audit_out, store_audit  # noqa: F401  (audit_out: a fixture)
from tests.web.helpers import token

ROW = re.compile(
    r'<tr data-vendor="([^"]*)" data-detected="([^"]*)">\s*<td><a href="(/audits/\d+/documents/\d+)'
)


@pytest.fixture
def stored(client: Any, audit_out: Path) -> tuple[Any, int, dict[str, Any]]:  # noqa: F811
    audit_id = store_audit(client.app, audit_out)
    audit = json.loads((audit_out / "audit.json").read_text())
    return client, audit_id, audit


def _api(client: Any, audit_id: int, **params: Any) -> dict[str, Any]:
    r = client.get(f"/api/v1/audits/{audit_id}/documents", params=params)
    assert r.status_code == 200, r.text
    return dict(r.json())


def _rows(html: str) -> list[tuple[str, str, str]]:
    return ROW.findall(html)


def test_the_list_shows_the_workspace_s_audits(client: Any, audit_out: Path) -> None:  # noqa: F811
    empty = client.get("/audits")
    assert empty.status_code == 200 and "No audit stored in this workspace yet" in empty.text
    assert "seamline audit contracts/" in empty.text  # how to store one
    audit_id = store_audit(client.app, audit_out, name="Engineering <vendors>")
    page = client.get("/audits").text
    assert f'href="/audits/{audit_id}"' in page and "Engineering &lt;vendors&gt;" in page
    assert '<a href="/audits">Audits</a>' in page  # the navigation link
    listed = client.get("/api/v1/audits").json()["audits"]
    assert [(a["id"], a["name"], a["documents"]) for a in listed] == [(audit_id, "Engineering <vendors>", 7)]


def test_the_audit_page_shows_every_figure_and_links_each_candidate(stored: Any) -> None:
    client, audit_id, audit = stored
    r = client.get(f"/audits/{audit_id}")
    assert r.status_code == 200
    html = r.text
    for testid in ("audit-summary", "by-type", "detected-vs-claimed", "mislabels", "missing", "vendors",
                   "ending-soon", "review-flags", "documents"):  # fmt: skip
        assert f'data-testid="{testid}"' in html, testid
    ids = {d["path"]: d["id"] for d in _api(client, audit_id, limit=200)["documents"]}
    for candidate in audit["mislabel_candidates"]:
        assert f'href="/audits/{audit_id}/documents/{ids[candidate["path"]]}">{candidate["path"]}</a>' in html
    first, second = audit["mislabel_candidates"][:2]  # ranked by value at risk
    assert html.index(first["path"]) < html.index(second["path"])
    assert "never a legal ruling" in html
    assert audit["review_flags"] and audit["review_flags"][0]["path"] in html
    # the report's charts drawn inline (seamline.charts' wide and narrow SVG), each with its PNG served
    assert html.count('<svg class="chart chart-wide"') >= 2
    assert html.count('<svg class="chart chart-wide"') == html.count('<svg class="chart chart-narrow"')
    assert "Documents by type" in html
    charts = re.findall(rf'<a href="(/audits/{audit_id}/charts/\d+)" download>PNG</a>', html)
    assert len(charts) == html.count('<svg class="chart chart-wide"')
    for src in charts:
        image = client.get(src)
        assert image.status_code == 200 and image.headers["content-type"] == "image/png"
        assert image.content.startswith(b"\x89PNG")
    assert client.get(f"/audits/{audit_id}/charts/{len(charts) + 1}").status_code == 404


@pytest.mark.parametrize(
    "filters",
    [
        {"vendor": "Northwind"},
        {"vendor": "Kestrel"},
        {"model": "staff_augmentation"},
        {"model": "none"},
        {"finding": "mislabel"},
        {"finding": "unreadable"},
        {"finding": "ip_assignment_each_contractor"},
        {"min_value": "100000"},
        {"min_value": "50000", "max_value": "260000"},
        {"vendor": "Northwind", "model": "staff_augmentation"},
        {"claimed": "none", "model": "staff_augmentation"},
    ],
)
def test_the_page_and_the_api_filter_alike(stored: Any, filters: dict[str, str]) -> None:
    client, audit_id, _ = stored
    everything = _api(client, audit_id, limit=200)["documents"]

    def keep(d: dict[str, Any]) -> bool:
        ok = True
        if "vendor" in filters:
            ok &= d["vendor"] == filters["vendor"]
        if "model" in filters:
            ok &= (d["detected"] or "none") == filters["model"] and d["status"] == "checked"
        if "claimed" in filters:
            ok &= (d["claimed"] or "none") == filters["claimed"]
        if filters.get("finding") == "mislabel":
            ok &= d["mislabel"]
        elif filters.get("finding") == "unreadable":
            ok &= d["status"] == "unreadable"
        elif "finding" in filters:
            ok &= filters["finding"] in d["missing"]
        if "min_value" in filters:
            ok &= d["value"] is not None and d["value"] >= float(filters["min_value"])
        if "max_value" in filters:
            ok &= d["value"] is not None and d["value"] <= float(filters["max_value"])
        return bool(ok)

    expected = [d for d in everything if keep(d)]
    answered = _api(client, audit_id, **filters)
    assert [d["id"] for d in answered["documents"]] == [d["id"] for d in expected]
    assert answered["total"] == len(expected)
    page = client.get(f"/audits/{audit_id}", params=filters)
    assert page.status_code == 200
    rows = _rows(page.text)
    assert [link.rsplit("/", 1)[1] for _v, _m, link in rows] == [str(d["id"]) for d in expected]
    if len(expected) < len(everything):
        assert "match the filters" in page.text or "matches the filters" in page.text


def test_a_bad_value_bound_is_named_next_to_its_field(stored: Any) -> None:
    client, audit_id, _ = stored
    r = client.get(f"/audits/{audit_id}", params={"min_value": "12 000"})
    assert r.status_code == 422
    assert "min_value: got &#39;12 000&#39;; expected a plain number" in r.text
    assert 'id="f-min_value" name="min_value" type="text" inputmode="decimal" value="12 000"' in r.text
    assert 'aria-invalid="true"' in r.text
    api = client.get(f"/api/v1/audits/{audit_id}/documents", params={"min_value": "-1"})
    assert api.status_code == 422 and api.json()["error"]["field"] == "min_value"
    api = client.get(f"/api/v1/audits/{audit_id}/documents", params={"cursor": "not-a-cursor"})
    assert api.status_code == 422 and api.json()["error"]["field"] == "cursor"


def test_pages_of_documents_follow_the_cursor(stored: Any) -> None:
    client, audit_id, _ = stored
    whole = [d["id"] for d in _api(client, audit_id, limit=200)["documents"]]
    seen: list[int] = []
    url: str | None = f"/api/v1/audits/{audit_id}/documents?limit=2"
    while url:
        body = client.get(url).json()
        seen += [d["id"] for d in body["documents"]]
        url = body["next"]
    assert seen == whole and len(whole) == 7


def test_a_document_shows_its_check_with_the_evidence_highlighted(stored: Any) -> None:
    client, audit_id, audit = stored
    candidate = audit["mislabel_candidates"][0]
    doc = next(d for d in _api(client, audit_id, limit=200)["documents"] if d["path"] == candidate["path"])
    r = client.get(f"/audits/{audit_id}/documents/{doc['id']}", params={"back": "vendor=Northwind"})
    assert r.status_code == 200
    html = r.text
    assert f"<h1>{candidate['path']}</h1>" in html
    assert "full text is not stored" in html
    assert 'data-testid="detected"' in html and "<mark" in html
    assert candidate["evidence"][0]["text"][:60].replace("'", "&#39;") in html
    assert f'href="/audits/{audit_id}?vendor=Northwind#documents"' in html  # back to the filtered list
    for item in doc["missing"]:  # each missing protection links to its finding on the page
        anchor = item.replace("_", "-")
        assert f'href="#item-{anchor}"' in html and f'id="item-{anchor}"' in html
    record = client.get(f"/api/v1/audits/{audit_id}/documents/{doc['id']}").json()
    assert record["path"] == candidate["path"] and record["record"]["check"]["mislabel"]


def test_an_unreadable_document_says_why(stored: Any) -> None:
    client, audit_id, _ = stored
    [gone] = _api(client, audit_id, finding="unreadable")["documents"]
    html = client.get(f"/audits/{audit_id}/documents/{gone['id']}").text
    assert 'data-testid="doc-error"' in html and "gone.txt" in html and "<mark" not in html


def test_the_api_gives_the_whole_audit(stored: Any) -> None:
    client, audit_id, audit = stored
    body = client.get(f"/api/v1/audits/{audit_id}").json()
    assert body["audit"] == audit and body["documents"] == 7
    assert client.get(f"/api/v1/audits/{audit_id + 1}").json()["error"]["code"] == "not_found"
    assert client.get(f"/api/v1/audits/{audit_id}/documents/999999").status_code == 404
    assert client.get(f"/audits/{audit_id}/documents/999999").status_code == 404
    spec = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/audits", "/api/v1/audits/{audit_id}", "/api/v1/audits/{audit_id}/documents"):
        get = spec["paths"][path]["get"]
        assert "200" in get["responses"] and "500" in get["responses"]
    params = {p["name"] for p in spec["paths"]["/api/v1/audits/{audit_id}/documents"]["get"]["parameters"]}
    assert {"vendor", "model", "finding", "min_value", "max_value", "cursor"} <= params


def test_deleting_an_audit_needs_the_form_s_token(stored: Any) -> None:
    client, audit_id, _ = stored
    r = client.post(f"/audits/{audit_id}/delete", data={}, follow_redirects=False)
    assert r.status_code == 403
    assert client.get(f"/api/v1/audits/{audit_id}").status_code == 200
    csrf = token(client, f"/audits/{audit_id}")
    r = client.post(f"/audits/{audit_id}/delete", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/audits?deleted=1"
    assert client.get(f"/api/v1/audits/{audit_id}").status_code == 404
    assert client.get(f"/audits/{audit_id}").status_code == 404


def test_the_page_goes_through_a_long_list_fifty_at_a_time(
    client: Any,
    audit_out: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    """An audit of 60 documents (the real records repeated under other paths): two pages, every document
    once; a filtered count over the whole audit, not the page."""
    big = tmp_path / "big"
    big.mkdir()
    records = [json.loads(line) for line in (audit_out / "documents.jsonl").read_text().splitlines() if line]
    with (big / "documents.jsonl").open("w", encoding="utf-8") as fh:
        for i in range(60):
            rec = dict(records[i % len(records)])
            rec["path"] = f"copy-{i:02d}/{rec['path']}"
            fh.write(json.dumps(rec) + "\n")
    (big / "audit.json").write_text((audit_out / "audit.json").read_text())
    audit_id = store_audit(client.app, big)
    first = client.get(f"/audits/{audit_id}")
    rows = _rows(first.text)
    assert len(rows) == 50
    following = re.search(r'<a rel="next" href="([^"]+)">Next page</a>', first.text)
    assert following
    second = client.get(following.group(1).replace("&amp;", "&"))
    more = _rows(second.text)
    assert len(more) == 10 and "Next page" not in second.text and "First page" in second.text
    assert len({link for _v, _m, link in rows + more}) == 60
    northwind = client.get(
        f"/audits/{audit_id}", params={"vendor": "Northwind", "model": "staff_augmentation"}
    )
    expected = _api(client, audit_id, vendor="Northwind", model="staff_augmentation")["total"]
    assert expected > 1  # of the 60, not of the first page's 50
    assert f"{expected} documents match the filters" in northwind.text


def test_each_count_of_claimed_against_detected_leads_to_its_documents(stored: Any) -> None:
    client, audit_id, audit = stored
    html = client.get(f"/audits/{audit_id}").text
    table = html[html.index('data-testid="detected-vs-claimed"') :]
    table = table[: table.index("</table>")]
    links = re.findall(r'<a href="([^"]+)" aria-label="(\d+) claimed', table)
    assert len(links) == sum(1 for row in audit["detected_vs_claimed"].values() for n in row.values() if n)
    for href, count in links:
        page = client.get(href.replace("&amp;", "&").split("#")[0])
        assert len(_rows(page.text)) == int(count), href
