"""Decision documents from saved decisions (the report package's build_document + render)."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("seamline.report")


@pytest.fixture
def saved(client: Any, situation: dict[str, Any]) -> int:
    return int(client.post("/api/v1/decisions", json={"situation": situation}).json()["id"])


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_report_downloads(client: Any, situation: dict[str, Any], saved: int, fmt: str) -> None:
    r = client.get(f"/decisions/{saved}/report.{fmt}")
    assert r.status_code == 200, r.text[:500]
    assert "attachment" in r.headers["content-disposition"]
    assert situation["name"].split()[0] in r.text
    api = client.get(f"/api/v1/decisions/{saved}/report?format={fmt}")
    assert api.status_code == 200 and api.content == r.content  # the same document gives the same bytes


def test_report_links_on_the_results_page(client: Any, saved: int) -> None:
    page = client.get(f"/decisions/{saved}").text
    for fmt in ("md", "html", "docx", "pdf"):
        assert f"/decisions/{saved}/report.{fmt}" in page


def test_report_errors(client: Any, saved: int) -> None:
    r = client.get(f"/api/v1/decisions/{saved}/report?format=odt")
    assert r.status_code == 422 and r.json()["error"]["field"] == "format"
    assert client.get("/api/v1/decisions/999/report?format=md").status_code == 404


def test_report_includes_the_kept_contract_check(client: Any, saved: int) -> None:
    text = "MANAGED SERVICES AGREEMENT FOR PAYMENTS OPS\n\n1. The Provider runs the support desk under SLA.\n"
    before = client.get(f"/decisions/{saved}/report.md").text
    assert client.post(f"/api/v1/decisions/{saved}/contract", json={"text": text}).status_code == 200
    after = client.get(f"/decisions/{saved}/report.md").text
    assert "MANAGED SERVICES AGREEMENT FOR PAYMENTS OPS" in after
    assert "MANAGED SERVICES AGREEMENT FOR PAYMENTS OPS" not in before
