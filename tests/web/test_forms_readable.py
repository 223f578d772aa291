"""Forms people can fix and results people can read (routes): questionnaire errors in its own words next
to each question and in a summary linking to them; duplicate-and-edit creating nothing until saved; the
score scale, numbered sources, the contract summary in plain words linked to its evidence, and removing a
contract check (confirm, CSRF, undo)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.web.helpers import form_of, token

from seamline.knowledge import load_knowledge
from seamline.situation import FIELDS, int_bounds

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = ROOT / "tests" / "contracts" / "fixtures" / "dedicated_team.txt"


def _decision(client: Any, situation: dict[str, Any]) -> int:
    r = client.post("/api/v1/decisions", json={"situation": situation})
    assert r.status_code == 201
    return int(r.json()["id"])


def test_errors_in_the_questionnaires_words_next_to_each_field(
    client: Any, situation: dict[str, Any]
) -> None:
    form = {**form_of(situation), "work.duration_months": "0", "work.engineers": "two"}
    del form["work.scope"]
    r = client.post("/decisions", data={**form, "csrf_token": token(client)})
    assert r.status_code == 400
    kb = load_knowledge()
    summary = re.search(r'<div class="error-summary".*?</div>', r.text, re.S)
    assert summary, "no error summary"
    text = summary.group(0)
    assert 'tabindex="-1"' in text and "autofocus" in text and 'role="alert"' in text
    low, high = int_bounds("work.duration_months")
    for path, words in (
        ("work.duration_months", f"Type a whole number from {low} to {high}; you typed “0”."),
        ("work.engineers", "you typed “two”"),
        ("work.scope", "Answer this question."),
    ):
        fid = "f-" + path.replace(".", "-").replace("_", "-")
        assert f'href="#{fid}"' in text, path
        assert kb.questions[path].label in text and words in text, path
        assert f'id="{fid}-error"' in r.text
        field = re.search(rf'<(?:input|fieldset)[^>]*id="{fid}"[^>]*>', r.text)
        assert field, path
        assert 'aria-invalid="true"' in field.group(0) and f"{fid}-error" in field.group(0), path
    for path in FIELDS:  # no field path is shown as the message's subject
        assert f"<code>{path}</code>" not in r.text
    assert "answers to fix before saving" in text
    assert client.get("/api/v1/decisions").json()["total"] == 0


def test_the_live_panel_words_problems_the_same_way(client: Any, situation: dict[str, Any]) -> None:
    form = {**form_of(situation), "work.engineers": "many"}
    r = client.post("/fragments/advise", data={**form, "csrf_token": token(client)})
    assert 'data-testid="live-problems"' in r.text
    assert load_knowledge().questions["work.engineers"].label in r.text and "you typed “many”" in r.text


def test_duplicate_and_edit_creates_the_copy_only_on_save(client: Any, situation: dict[str, Any]) -> None:
    did = _decision(client, {**situation, "weights": {"control": 3}})
    client.post(
        f"/api/v1/decisions/{did}/contract",
        files={"file": (CONTRACT.name, CONTRACT.read_bytes(), "text/plain")},
    )
    page = client.get(f"/decisions/{did}").text
    assert f'href="/decisions/{did}/copy"' in page and f'action="/decisions/{did}/duplicate"' not in page
    form = client.get(f"/decisions/{did}/copy")
    assert form.status_code == 200 and 'data-testid="copy-note"' in form.text
    assert client.get("/api/v1/decisions").json()["total"] == 1
    tok = token(client, f"/decisions/{did}/copy")
    # refused: still nothing, and the copy's page keeps what it copies from
    bad = client.post(
        "/decisions", data={**form_of(situation), "name": "", "copy_of": str(did), "csrf_token": tok}
    )
    assert bad.status_code == 400 and f'name="copy_of" value="{did}"' in bad.text
    assert client.get("/api/v1/decisions").json()["total"] == 1
    saved = client.post(
        "/decisions",
        data={**form_of(situation), "name": "The copy", "copy_of": str(did), "csrf_token": tok},
        follow_redirects=False,
    )
    copy_id = int(saved.headers["location"].rsplit("/", 1)[1])
    copy = client.get(f"/api/v1/decisions/{copy_id}").json()
    assert copy["name"] == "The copy" and copy["situation"]["weights"] == {"control": 3.0}
    assert copy["contract"] is not None
    assert client.get("/decisions/999/copy").status_code == 404


def test_scores_explained_and_sources_numbered(client: Any, situation: dict[str, Any]) -> None:
    did = _decision(client, situation)
    html = client.get(f"/decisions/{did}").text
    kb = load_knowledge()
    assert 'data-testid="score-scale"' in html
    share = round(kb.rules.scoring.viable_min_share.value * 100)
    assert f"under {share}% of the top score is not advised" in html
    listed = dict(re.findall(r'<li id="src-(\d+)">([^<]+)', html))
    assert listed, "no sources list"
    cited = set(re.findall(r'<cite><a href="#src-(\d+)"', html))
    assert cited and cited <= set(listed)  # every citation lands on an entry of the list
    for n, text in listed.items():
        assert any(s.title.replace("'", "&#39;") in text for s in kb.sources.values()), n


def test_contract_summary_in_plain_words_and_removed_with_undo(
    client: Any, situation: dict[str, Any]
) -> None:
    did = _decision(client, situation)
    r = client.post(
        f"/api/v1/decisions/{did}/contract",
        files={"file": (CONTRACT.name, CONTRACT.read_bytes(), "text/plain")},
    )
    assert r.status_code == 200
    report = r.json()["contract"]
    html = client.get(f"/decisions/{did}").text
    items = re.search(r'<ul class="contract-items".*?</ul>', html, re.S)
    assert items, "no contract items"
    links = re.findall(rf'<a href="/decisions/{did}/contract#(item-[a-z0-9-]+)">([^<]+)</a>', items.group(0))
    assert links
    for code in report["missing_for_detected_model"]:
        assert code not in re.sub(r'(href|data-item)="[^"]*"', "", items.group(0))  # names, not codes
    kept = client.get(f"/decisions/{did}/contract").text
    for anchor, _ in links:
        assert f'id="{anchor}"' in kept
    with_evidence = [f for f in report["findings"] if f["evidence"]]
    if with_evidence:
        first = with_evidence[0]["item"].replace("_", "-")
        assert f'id="ev-{first}-1"' in kept and "<mark" in kept
    # remove: a confirmation page, a POST with the token, then an undo
    assert "Remove the check" in client.get(f"/decisions/{did}/contract/remove").text
    assert client.post(f"/decisions/{did}/contract/remove").status_code == 403  # no token
    tok = token(client, f"/decisions/{did}/contract/remove")
    r = client.post(f"/decisions/{did}/contract/remove", data={"csrf_token": tok}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/decisions/{did}?contract=removed"
    assert client.get(f"/api/v1/decisions/{did}").json()["contract"] is None
    page = client.get(r.headers["location"]).text
    undo = re.search(r'action="(/decisions/\d+/history/(\d+)/restore)"', page)
    assert undo and 'data-testid="contract-summary"' not in page
    client.post(undo.group(1), data={"csrf_token": tok})
    assert client.get(f"/api/v1/decisions/{did}").json()["contract"] == report
    assert client.get(f"/decisions/{did}/contract").status_code == 200
