"""The API's errors: one shape on every route and every status, the same status for the same fault, the
API's own words (issue 14: "the OpenAPI spec does not describe the API")."""

from __future__ import annotations

import re
from typing import Any

import pytest

CONTRACT = (
    "STAFF AUGMENTATION AGREEMENT\n\n1. Services. The Supplier provides two engineers under the Client."
)


def assert_error(r: Any, status: int, code: str, field: str | None = None) -> dict[str, Any]:
    """The one error shape: {error: {code, message, field}, message, problems[{where, message}]}."""
    assert r.status_code == status, (r.status_code, r.text[:500])
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"error", "message", "problems"}, body
    assert set(body["error"]) == {"code", "message", "field"}, body
    assert body["error"]["code"] == code, body
    assert body["error"]["field"] == field, body
    assert body["message"] == body["error"]["message"] and body["message"].strip()
    assert all(set(p) == {"where", "message"} for p in body["problems"]), body
    assert "Traceback" not in r.text
    return dict(body)


@pytest.fixture
def saved(client: Any, situation: dict[str, Any]) -> int:
    r = client.post("/api/v1/decisions", json={"situation": situation})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _json_operations(client: Any, decision_id: int, *, optional: bool = True) -> list[tuple[str, str]]:
    """(method, url) of every operation whose spec declares a JSON request body (``optional``: also
    those whose body may be left out), ids filled in."""
    spec = client.get("/api/v1/openapi.json").json()
    out = []
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            body = op.get("requestBody", {})
            if "application/json" in body.get("content", {}) and (optional or body.get("required")):
                url = re.sub(r"\{[a-z_]*id\}", str(decision_id), path)
                assert "{" not in url, f"fill in {url} here"
                out.append((method.upper(), url))
    return out


def test_every_json_route_is_in_the_spec(client: Any, saved: int) -> None:
    routes = {f"{m} {re.sub(rf'/{saved}(?=/|$)', '/{id}', u)}" for m, u in _json_operations(client, saved)}
    assert {
        "POST /api/v1/advise",
        "POST /api/v1/cost",
        "POST /api/v1/seams",
        "POST /api/v1/check",
        "POST /api/v1/decisions",
        "PATCH /api/v1/decisions/{id}",
        "POST /api/v1/decisions/{id}/duplicate",
        "POST /api/v1/decisions/{id}/contract",
    } <= routes


def test_malformed_json_is_400_on_every_json_route(client: Any, saved: int) -> None:
    """It was 422 on one route and 400 on another."""
    for method, url in _json_operations(client, saved):
        for raw in (b'{"name": ', b"\xff\xfe{", b'{"a": 1, "a": 2}'):
            r = client.request(method, url, content=raw, headers={"content-type": "application/json"})
            assert_error(r, 400, "malformed_json")
    for method, url in _json_operations(client, saved, optional=False):  # nothing, where a body is needed
        r = client.request(method, url, content=b"", headers={"content-type": "application/json"})
        assert_error(r, 400, "malformed_json")


def test_another_body_type_is_415_on_every_json_route(client: Any, saved: int) -> None:
    """text/plain to /check was 400 where the docs said 415; /advise read a YAML body as JSON."""
    for method, url in _json_operations(client, saved):
        r = client.request(method, url, content=b'{"text": "x"}', headers={"content-type": "text/plain"})
        assert_error(r, 415, "unsupported_media_type")
    r = client.post("/api/v1/check", content=CONTRACT.encode(), headers={"content-type": "text/plain"})
    assert_error(r, 415, "unsupported_media_type")
    r = client.post("/api/v1/advise", content=b"stage: seed", headers={"content-type": "text/yaml"})
    assert_error(r, 415, "unsupported_media_type")


def test_a_body_that_is_no_object_is_422_naming_nothing(client: Any, saved: int) -> None:
    for method, url in _json_operations(client, saved):
        r = client.request(method, url, content=b"[1, 2]", headers={"content-type": "application/json"})
        assert_error(r, 422, "invalid_value")


def test_name_123_is_refused_alike_on_create_and_update(
    client: Any, situation: dict[str, Any], saved: int
) -> None:
    """It was silently dropped on create and refused on update."""
    created = client.post("/api/v1/decisions", json={"situation": situation, "name": 123})
    updated = client.patch(f"/api/v1/decisions/{saved}", json={"name": 123})
    copied = client.post(f"/api/v1/decisions/{saved}/duplicate", json={"name": 123})
    for r in (created, updated, copied):
        body = assert_error(r, 422, "invalid_value", "name")
        assert body["problems"] == [{"where": "name", "message": "got a whole number; expected a string"}]
    assert client.get("/api/v1/decisions").json()["total"] == 1  # nothing was saved
    for blank in ("", "   ", None):
        assert_error(
            client.post("/api/v1/decisions", json={"situation": situation, "name": blank}),
            422,
            "invalid_value",
            "name",
        )
        assert_error(
            client.patch(f"/api/v1/decisions/{saved}", json={"name": blank}), 422, "invalid_value", "name"
        )


def test_a_name_given_in_the_body_is_the_decisions_name(client: Any, situation: dict[str, Any]) -> None:
    answers = {k: v for k, v in situation.items() if k != "name"}
    r = client.post("/api/v1/decisions", json={"situation": answers, "name": "  Two   words "})
    assert r.status_code == 201, r.text
    assert r.json()["name"] == r.json()["situation"]["name"] == "Two words"
    assert_error(
        client.post("/api/v1/decisions", json={"situation": answers}),
        422,
        "invalid_situation",
        "situation.name",
    )


def test_unknown_fields_and_wrong_types_name_the_field(
    client: Any, situation: dict[str, Any], saved: int
) -> None:
    assert_error(
        client.patch(f"/api/v1/decisions/{saved}", json={"colour": "red"}), 422, "invalid_value", "colour"
    )
    assert_error(client.patch(f"/api/v1/decisions/{saved}", json={}), 422, "invalid_value")
    assert_error(client.post("/api/v1/decisions", json={"situation": [1]}), 422, "invalid_value", "situation")
    r = client.post("/api/v1/decisions", json={"situation": {**situation, "stage": "series_z"}})
    assert_error(r, 422, "invalid_situation", "situation.stage")
    assert_error(
        client.post("/api/v1/advise", json={**situation, "stage": 3}), 422, "invalid_situation", "stage"
    )
    assert_error(client.post("/api/v1/check", json={"text": " "}), 422, "invalid_value", "text")
    assert_error(
        client.post("/api/v1/check", json={"text": CONTRACT, "claimed": "outsourcing_ish"}),
        422,
        "invalid_value",
        "claimed",
    )
    r = client.post("/api/v1/check", files={"file": ("c.txt", CONTRACT.encode())}, data={"claimed": "x"})
    assert_error(r, 422, "invalid_value", "claimed")


def test_whole_numbers_written_with_a_fraction_are_whole(client: Any, situation: dict[str, Any]) -> None:
    """JSON Schema's integer holds 6.0: the API reads it as 6 (situation files keep the strict reading)."""
    work = {**situation["work"], "duration_months": 6.0, "engineers": 2.0}
    r = client.post("/api/v1/advise", json={**situation, "work": work})
    assert r.status_code == 200, r.text
    assert r.json() == client.post("/api/v1/advise", json=situation).json()
    assert_error(
        client.post("/api/v1/advise", json={**situation, "work": {**work, "engineers": 2.5}}),
        422,
        "invalid_situation",
        "work.engineers",
    )


def test_query_errors_speak_of_api_fields_not_cli_flags(client: Any, situation: dict[str, Any]) -> None:
    """A negative seed was refused as '--seed: ...'."""
    for query, field in (
        ("seed=-1", "seed"),
        ("trials=5", "trials"),
        ("horizon_months=0", "horizon_months"),
        ("seed=x", "seed"),
    ):
        body = assert_error(client.post(f"/api/v1/cost?{query}", json=situation), 422, "invalid_value", field)
        assert "--" not in str(body), body
    r = client.post("/api/v1/check", json={"text": CONTRACT, "claimed": "nope"})
    assert "--" not in r.text


def test_unknown_ids_and_paths_are_404(client: Any, saved: int) -> None:
    for url in ("/api/v1/decisions/999", "/api/v1/decisions/9223372036854775808", "/api/v1/decisions/-1"):
        assert_error(client.get(url), 404, "not_found", "decision_id")
    assert_error(client.post("/api/v1/decisions/999/duplicate"), 404, "not_found", "decision_id")
    assert_error(client.get("/api/v1/nothing-here"), 404, "not_found")
    assert_error(client.get("/api/v1/decisions/abc"), 422, "invalid_value", "decision_id")


def test_405_lists_every_method_of_the_path_in_allow(client: Any, saved: int) -> None:
    """A 405 had no Allow header, then one naming only the first route of the path. HEAD is allowed
    wherever GET is (seamline.web.head)."""
    for method, url, allowed in (
        ("PUT", "/api/v1/decisions", "GET, HEAD, POST"),
        ("TRACE", f"/api/v1/decisions/{saved}", "DELETE, GET, HEAD, PATCH"),
        ("GET", f"/api/v1/decisions/{saved}/contract", "DELETE, POST"),
        ("GET", "/api/v1/advise", "POST"),
    ):
        r = client.request(method, url)
        assert_error(r, 405, "method_not_allowed")
        assert r.headers["allow"] == allowed, (method, url, r.headers.get("allow"))


def test_too_large_is_413(client: Any, situation: dict[str, Any]) -> None:
    big = b'{"name": "' + b"x" * 1_100_000 + b'"}'
    r = client.post("/api/v1/advise", content=big, headers={"content-type": "application/json"})
    assert_error(r, 413, "too_large", None)
    client.app.state.settings = client.app.state.settings.model_copy(update={"max_upload_bytes": 100})
    r = client.post("/api/v1/check", files={"file": ("c.txt", CONTRACT.encode() * 3, "text/plain")})
    assert_error(r, 413, "too_large", "file")


def test_an_upload_of_another_type_is_415(client: Any) -> None:
    r = client.post("/api/v1/check", files={"file": ("c.pdf", b"not a pdf", "application/pdf")})
    assert_error(r, 415, "unsupported_upload", "file")
    r = client.post("/api/v1/check", files={"file": ("c.txt", CONTRACT.encode())}, data={"colour": "red"})
    assert_error(r, 422, "invalid_value", "colour")
    r = client.post(
        "/api/v1/check",
        content=b"--x\r\nnot multipart",
        headers={"content-type": "multipart/form-data; boundary=y"},
    )
    assert r.status_code in (400, 422)
    assert set(r.json()) == {"error", "message", "problems"}


def test_an_internal_error_has_the_shape_too(client: Any) -> None:
    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret internals")

    client.app.state.store._page = boom  # every list read from the database
    from fastapi.testclient import TestClient

    with TestClient(client.app, raise_server_exceptions=False) as c:
        body = assert_error(c.get("/api/v1/decisions"), 500, "internal_error")
    assert "secret" not in str(body)


def test_the_report_is_declared_with_its_media_types(client: Any) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    ok = spec["paths"]["/api/v1/decisions/{decision_id}/report"]["get"]["responses"]["200"]
    assert set(ok["content"]) == {
        "text/html",
        "text/markdown",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/pdf",
    }


def test_every_api_operation_documents_its_errors_with_the_error_model(client: Any) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    error = {"$ref": "#/components/schemas/ErrorBody"}
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            statuses = {s for s in op["responses"] if s[0] in "45"}
            assert "500" in statuses and statuses - {"500"}, (method, path)
            for status in statuses:
                assert op["responses"][status]["content"]["application/json"]["schema"] == error
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            assert body != {"type": "object"} and body != {}, (method, path, "a body declared as nothing")
            if "{decision_id}" in path:
                assert {"404", "422"} <= statuses, (method, path)
    situation = spec["components"]["schemas"]["Situation"]
    assert {"name", "stage", "work", "team", "preferences"} <= set(situation["required"])
    assert situation["additionalProperties"] is False


def test_a_nul_in_a_name_is_refused_not_a_database_error(
    client: Any, situation: dict[str, Any], saved: int
) -> None:
    """PostgreSQL cannot store a NUL: a name holding one was a 500 there (found by schemathesis)."""
    bad = "a\x00b"
    assert_error(
        client.post("/api/v1/decisions", json={"situation": situation, "name": bad}),
        422,
        "invalid_value",
        "name",
    )
    assert_error(
        client.post("/api/v1/decisions", json={"situation": {**situation, "name": bad}}),
        422,
        "invalid_value",
        "situation.name",
    )
    assert_error(client.patch(f"/api/v1/decisions/{saved}", json={"name": bad}), 422, "invalid_value", "name")
    assert_error(
        client.post(f"/api/v1/decisions/{saved}/duplicate", json={"name": bad}), 422, "invalid_value", "name"
    )
    r = client.post("/api/v1/decisions", json={"situation": {**situation, "name": bad}, "name": "Fine"})
    assert_error(r, 422, "invalid_value", "situation.name")
    assert client.get("/api/v1/decisions").json()["total"] == 1


def test_contract_text_that_is_no_text_is_422_naming_text(client: Any) -> None:
    assert_error(
        client.post("/api/v1/check", json={"text": "%PDF-1.7 not text"}), 422, "invalid_value", "text"
    )


def test_a_decision_named_in_any_script_downloads(client: Any, situation: dict[str, Any]) -> None:
    """A report of a decision whose name is not Latin-1 was a 500 (the Content-Disposition header)."""
    from seamline.web.views import report_available

    if not report_available():
        pytest.skip("decision documents are not available in this installation")
    did = client.post("/api/v1/decisions", json={"situation": situation, "name": "Ăn Phở 決定"}).json()["id"]
    r = client.get(f"/api/v1/decisions/{did}/report?format=md")
    assert r.status_code == 200, r.text[:300]
    assert r.headers["content-type"].startswith("text/markdown")
    from urllib.parse import unquote

    disposition = r.headers["content-disposition"]
    assert disposition.isascii() and 'filename="-n-Ph----.md"' in disposition
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "Ăn Phở 決定.md"
