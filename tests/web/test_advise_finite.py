"""/api/v1/advise: the strict JSON encoding is the finiteness guard (no second walk of the advice), and a
non-finite advice is still a 422 that nothing keeps."""

from __future__ import annotations

from typing import Any

import pytest

from seamline.web import service as service_module


def test_a_finite_advice_is_not_walked_twice(
    client: Any, situation: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = service_module.require_finite

    def counting(data: Any, what: str) -> Any:
        calls.append(what)
        return real(data, what)

    monkeypatch.setattr(service_module, "require_finite", counting)
    r = client.post("/api/v1/advise", json=situation)
    assert r.status_code == 200, r.text
    assert "advice" not in calls


def test_a_non_finite_advice_is_a_422_and_is_kept_nowhere(
    client: Any, situation: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import seamline.advisor

    real = seamline.advisor.advise

    class Poisoned:
        def __init__(self, advice: Any) -> None:
            self.advice = advice

        def to_json(self) -> dict[str, Any]:
            out = self.advice.to_json()
            out["ranking"][0]["score"] = float("nan")
            return dict(out)

    monkeypatch.setattr(seamline.advisor, "advise", lambda *a, **k: Poisoned(real(*a, **k)))
    for _ in range(2):  # the second time too: no cache kept the refused advice
        r = client.post("/api/v1/advise", json=situation)
        assert r.status_code == 422, r.text
        assert "not a finite number" in r.text and "ranking[0].score" in r.text
    saved = client.post("/api/v1/decisions", json={"situation": situation})
    assert saved.status_code == 422
    assert client.get("/api/v1/decisions").json()["decisions"] == []
