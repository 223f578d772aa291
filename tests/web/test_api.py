"""The JSON API under /api/v1: same answers as the library, JSON 4xx errors naming the field, CRUD."""

from __future__ import annotations

from typing import Any

import pytest

from seamline.advisor import advise
from seamline.knowledge import load_knowledge
from seamline.situation import parse_situation


def test_advise_matches_the_library(client: Any, situation: dict[str, Any]) -> None:
    r = client.post("/api/v1/advise", json=situation)
    assert r.status_code == 200
    kb = load_knowledge()
    expected = advise(parse_situation(situation), kb).to_json()
    assert r.json() == expected
    assert {"recommended", "ranking", "warnings", "would_change"} <= set(r.json())


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"stage": "series_z"}, "stage"),
        ({"work": {"type": "product_development"}}, "work.core"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_advise_errors_are_json_and_name_the_field(
    client: Any, situation: dict[str, Any], change: dict[str, Any], field: str
) -> None:
    r = client.post("/api/v1/advise", json={**situation, **change})
    assert r.status_code == 422
    body = r.json()
    assert body["error"]["code"] == "invalid_situation" and body["error"]["field"] == field
    assert body["message"] == body["error"]["message"]
    assert field in [p["where"] for p in body["problems"]]


def test_non_json_body_is_a_json_error(client: Any) -> None:
    r = client.post("/api/v1/advise", content=b"stage: seed", headers={"content-type": "text/yaml"})
    assert r.status_code == 415 and r.json()["error"]["code"] == "unsupported_media_type"
    assert "problems" in r.json() and "Traceback" not in r.text
    r = client.post("/api/v1/advise", content=b"stage: seed", headers={"content-type": "application/json"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "malformed_json"


def test_cost_and_seams(client: Any, situation: dict[str, Any]) -> None:
    r = client.post("/api/v1/cost?trials=300&seed=7&horizon_months=12", json=situation)
    assert r.status_code == 200
    body = r.json()
    assert body["trials"] == 300 and body["seed"] == 7 and body["horizon_months"] == 12
    for m in body["models"].values():
        assert m["p10"] <= m["p50"] <= m["p90"]
        assert len(body["cumulative"][next(iter(body["models"]))]) == 12
    r = client.post("/api/v1/cost?trials=5", json=situation)
    assert r.status_code == 422 and r.json()["problems"][0]["where"].endswith("trials")
    assert r.json()["error"]["field"] == "trials"
    r = client.post("/api/v1/seams", json=situation)
    assert r.status_code == 200
    assert set(r.json()["models"]) == set(body["models"])


def test_decisions_crud(client: Any, situation: dict[str, Any]) -> None:
    r = client.post("/api/v1/decisions", json={"situation": situation})
    assert r.status_code == 201, r.text
    saved = r.json()
    did = saved["id"]
    assert saved["name"] == situation["name"]
    assert saved["outputs"]["recommendation"]["recommended"] == saved["top_model"]
    assert saved["knowledge_version"] == load_knowledge().version
    assert client.get("/api/v1/decisions").json()["decisions"][0]["id"] == did
    assert client.get(f"/api/v1/decisions/{did}").json() == saved
    r = client.patch(f"/api/v1/decisions/{did}", json={"name": "Renamed"})
    assert r.status_code == 200 and r.json()["name"] == "Renamed"
    changed = {**situation, "team": {"technical_leadership": "none", "product_manager": False}}
    r = client.patch(f"/api/v1/decisions/{did}", json={"situation": changed})
    assert r.json()["situation"]["team"]["technical_leadership"] == "none"
    assert r.json()["outputs"]["recommendation"] == client.post("/api/v1/advise", json=changed).json()
    r = client.post(f"/api/v1/decisions/{did}/duplicate", json={"name": "Copy"})
    assert r.status_code == 201 and r.json()["id"] != did
    assert client.delete(f"/api/v1/decisions/{did}").status_code == 204
    r = client.get(f"/api/v1/decisions/{did}")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert r.json()["error"]["field"] == "decision_id"


def test_decision_writes_need_json(client: Any, situation: dict[str, Any]) -> None:
    r = client.post("/api/v1/decisions", data={"situation": "x"})
    assert r.status_code == 415
    assert client.get("/api/v1/decisions").json()["decisions"] == []


def test_decision_errors_name_the_field(client: Any, situation: dict[str, Any]) -> None:
    r = client.post("/api/v1/decisions", json={"situation": {**situation, "stage": 3}})
    assert r.status_code == 422 and r.json()["problems"][0]["where"] == "situation.stage"
    assert r.json()["error"]["field"] == "situation.stage"
    r = client.post("/api/v1/decisions", json={"name": "x"})
    assert r.status_code == 422 and r.json()["problems"][0]["where"] == "situation"
    did = client.post("/api/v1/decisions", json={"situation": situation}).json()["id"]
    r = client.patch(f"/api/v1/decisions/{did}", json={"colour": "red"})
    assert r.status_code == 422 and r.json()["problems"][0]["where"] == "colour"
    r = client.patch(f"/api/v1/decisions/{did}", json={"name": ""})
    assert r.status_code == 422 and client.get(f"/api/v1/decisions/{did}").json()["name"] == situation["name"]


CONTRACT = (
    "STAFF AUGMENTATION AGREEMENT\n\n1. Services. The Supplier provides two engineers who work under the "
    "Client's day-to-day direction, billed monthly on time and materials.\n\n2. Intellectual property. "
    "All work product and inventions are assigned to the Client upon creation.\n\n3. Confidentiality. "
    "Each party keeps the other's confidential information secret.\n"
)


def test_check_accepts_json_text_and_multipart(client: Any) -> None:
    r = client.post("/api/v1/check", json={"text": CONTRACT})
    assert r.status_code == 200, r.text
    body = r.json()
    assert {"claimed", "detected", "mislabel", "findings"} <= set(body)
    r2 = client.post("/api/v1/check", files={"file": ("c.txt", CONTRACT.encode(), "text/plain")})
    assert r2.status_code == 200
    assert r2.json()["detected"] == body["detected"]


@pytest.mark.parametrize(
    ("name", "data", "status"),
    [
        ("c.exe", b"MZ\x90\x00", 415),
        ("c.pdf", b"hello, not a pdf", 415),
        ("c.docx", b"PK\x03\x04garbage", 415),
        ("c.txt", b"%PDF-1.7 binary", 415),
        ("c.txt", b"", 415),
    ],
)
def test_check_sniffs_uploads(client: Any, name: str, data: bytes, status: int) -> None:
    r = client.post("/api/v1/check", files={"file": (name, data, "application/octet-stream")})
    assert r.status_code == status
    assert r.json()["problems"][0]["where"] == "file"


def test_check_upload_limit(client: Any) -> None:
    client.app.state.settings = client.app.state.settings.model_copy(update={"max_upload_bytes": 200})
    r = client.post("/api/v1/check", files={"file": ("c.txt", CONTRACT.encode() * 3, "text/plain")})
    assert r.status_code == 413
    assert "limit" in r.json()["message"]


def test_openapi_and_docs_are_served_offline(client: Any) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/advise" in spec["paths"] and "/api/v1/decisions/{decision_id}" in spec["paths"]
    page = client.get("/docs").text
    assert "/api/v1/advise" in page
    assert "cdn" not in page.lower() and "https://" not in page


def test_contract_kept_with_a_decision(client: Any, situation: dict[str, Any]) -> None:
    did = client.post("/api/v1/decisions", json={"situation": situation}).json()["id"]
    r = client.post(f"/api/v1/decisions/{did}/contract", json={"text": CONTRACT})
    assert r.status_code == 200, r.text
    kept = r.json()["contract"]
    assert kept == client.post("/api/v1/check", json={"text": CONTRACT}).json()
    assert client.get(f"/api/v1/decisions/{did}").json()["contract"] == kept
    page = client.get(f"/decisions/{did}").text
    assert 'data-testid="contract-summary"' in page
    assert client.delete(f"/api/v1/decisions/{did}/contract").json()["contract"] is None
    assert 'data-testid="contract-summary"' not in client.get(f"/decisions/{did}").text
    assert client.post("/api/v1/decisions/999/contract", json={"text": CONTRACT}).status_code == 404
