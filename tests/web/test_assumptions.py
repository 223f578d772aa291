"""Your own assumptions on a saved decision: the panel (cited defaults and sources), the live preview,
saving, resetting, errors next to their field, and the same through /api/v1."""

from __future__ import annotations

import re
from typing import Any

import pytest
from tests.web.helpers import token

from seamline.assumptions import apply_edits, assumptions, parse_number, scaled
from seamline.knowledge import load_knowledge
from seamline.situation import MAX_WEIGHT, parse_situation

RATE = "rates.developer_mid.month"  # the vendor's monthly seat: what staff augmentation pays here
HTML_ID = "a-rates-developer-mid-month"


def _decision(client: Any, situation: dict[str, Any]) -> int:
    r = client.post("/api/v1/decisions", json={"situation": situation})
    assert r.status_code == 201
    return int(r.json()["id"])


def _mean(html: str, model: str) -> int:
    m = re.search(rf'data-testid="outcome-mean-{model}" data-value="(\d+)"', html)
    assert m, f"no mean cost of {model} in the outcome"
    return int(m.group(1))


# ------------------------------------------------------------------------------------------ the library
def test_every_figure_has_its_cited_default_and_source(situation: dict[str, Any]) -> None:
    kb = load_knowledge()
    figures = assumptions(parse_situation(situation, criteria=kb.criterion_ids), kb)
    groups = {a.group for a in figures}
    assert groups == {"rate", "parameter", "pricing", "fixed_bid", "weight"}
    keys = {a.key for a in figures}
    for key in (
        RATE,
        "parameters.hiring_lead_days",
        "parameters.coordination_hours_per_seam",
        f"parameters.scope_growth_{situation['work']['scope']}",
        "parameters.commodity_churn",
        "parameters.dedicated_team_markup",
        "pricing.staff_augmentation",
        "fixed_bid",
        "weights.control",
    ):
        assert key in keys, key
    for a in figures:
        assert a.source in kb.sources or a.source == "user", a.key
        assert not a.overridden
    assert len([a for a in figures if a.group == "weight"]) == len(kb.criteria)


def test_a_typed_figure_keeps_the_cited_spread_and_an_untouched_one_its_range(
    situation: dict[str, Any],
) -> None:
    kb = load_knowledge()
    s = parse_situation(situation, criteria=kb.criterion_ids)
    figures = assumptions(s, kb)
    rate = next(a for a in figures if a.key == RATE)
    assert rate.default_range is not None
    costs, weights, problems = apply_edits(s, {RATE: "$12,000", "weights.control": "3"}, figures)
    assert problems == []
    low, likely, high = (costs or {})["rates"]["developer_mid"]["month"].values()
    assert likely == 12000
    factor = 12000 / rate.default_range[1]
    assert low == pytest.approx(rate.default_range[0] * factor)
    assert high == pytest.approx(rate.default_range[2] * factor)
    assert weights == {"control": 3.0}
    # saved with its own range (as a YAML file may give it): sent back unchanged, the range is kept
    own = {
        **situation,
        "costs": {"rates": {"developer_mid": {"month": {"low": 1, "likely": 9000, "high": 9500}}}},
    }
    s2 = parse_situation(own, criteria=kb.criterion_ids)
    figures2 = assumptions(s2, kb)
    costs2, _, _ = apply_edits(s2, {RATE: "9000"}, figures2)
    assert (costs2 or {})["rates"]["developer_mid"]["month"] == {"low": 1, "likely": 9000, "high": 9500}
    # the default typed back, or a blank: no override at all
    costs3, weights3, _ = apply_edits(s2, {RATE: rate.shown(rate.default)}, figures2)
    assert costs3 is None or "rates" not in costs3
    assert weights3 is None


def test_shares_are_typed_as_percentages_and_bounds_are_worded() -> None:
    kb = load_knowledge()
    import yaml
    from tests.web.conftest import ROOT

    s = parse_situation(yaml.safe_load((ROOT / "examples" / "pre_seed_mvp.yaml").read_text()))
    figures = {a.key: a for a in assumptions(s, kb)}
    markup = figures["parameters.dedicated_team_markup"]
    assert markup.percent and parse_number("25%", markup) == pytest.approx(0.25)
    assert parse_number(0.25, markup) == pytest.approx(0.25)  # the API sends the model's unit
    with pytest.raises(ValueError, match="at most 100%"):
        parse_number("140", markup)
    with pytest.raises(ValueError, match="not a number"):
        parse_number("lots", figures[RATE])
    with pytest.raises(ValueError, match="cannot be negative"):
        parse_number("-3", figures["parameters.hiring_lead_days"])
    with pytest.raises(ValueError, match=f"from 0 to {MAX_WEIGHT}"):
        parse_number("5000", figures["weights.control"])
    assert scaled(0.9, (0.6, 0.8, 1.0), share=True)["high"] == 1.0  # a share stays at most 100%


# ------------------------------------------------------------------------------------------ the page
def test_the_panel_shows_defaults_with_their_sources(client: Any, situation: dict[str, Any]) -> None:
    did = _decision(client, situation)
    html = client.get(f"/decisions/{did}").text
    assert 'id="assumptions-form"' in html and f'hx-post="/decisions/{did}/assumptions/preview"' in html
    kb = load_knowledge()
    figures = assumptions(parse_situation(situation, criteria=kb.criterion_ids), kb)
    for a in figures:
        assert f'id="{a.field_id}"' in html and f'name="{a.key}"' in html
        assert f'aria-describedby="{a.field_id}-d {a.field_id}-e"' in html
    rate = next(a for a in figures if a.key == RATE)
    title = kb.sources[rate.source].title.replace("'", "&#39;")
    assert title in html and "Cited default: $7,200 per month" in html


def test_the_preview_recomputes_without_saving(client: Any, situation: dict[str, Any]) -> None:
    did = _decision(client, situation)
    tok = token(client, f"/decisions/{did}")
    before = client.get(f"/api/v1/decisions/{did}").json()
    cheap = client.post(f"/decisions/{did}/assumptions/preview", data={RATE: "3000", "csrf_token": tok})
    dear = client.post(f"/decisions/{did}/assumptions/preview", data={RATE: "30000", "csrf_token": tok})
    assert cheap.status_code == dear.status_code == 200
    assert _mean(cheap.text, "staff_augmentation") < _mean(dear.text, "staff_augmentation")
    assert _mean(cheap.text, "in_house") == _mean(dear.text, "in_house")  # in-house pays salaries
    assert 'id="results-live" hx-swap-oob="innerHTML"' in dear.text  # the results below are redrawn
    assert 'data-testid="sensitivity"' in dear.text
    assert client.get(f"/api/v1/decisions/{did}").json() == before  # nothing saved


def test_a_bad_figure_is_named_next_to_its_field(client: Any, situation: dict[str, Any]) -> None:
    did = _decision(client, situation)
    tok = token(client, f"/decisions/{did}")
    r = client.post(f"/decisions/{did}/assumptions/preview", data={RATE: "ten", "csrf_token": tok})
    assert f'<p class="field-error" id="{HTML_ID}-e" hx-swap-oob="true">“ten” is not a number' in r.text
    assert "results-live" not in r.text
    saved = client.post(f"/decisions/{did}/assumptions", data={RATE: "-5", "csrf_token": tok})
    assert saved.status_code == 400
    assert 'data-testid="error-summary"' in saved.text and f'href="#{HTML_ID}"' in saved.text
    assert re.search(rf'id="{HTML_ID}"[^>]*aria-invalid="true"', saved.text)
    assert 'value="-5"' in saved.text  # what was typed is kept
    assert client.get(f"/api/v1/decisions/{did}").json()["version"] == 1


def test_save_show_in_the_document_and_reset(client: Any, situation: dict[str, Any]) -> None:
    did = _decision(client, situation)
    tok = token(client, f"/decisions/{did}")
    first = client.get(f"/api/v1/decisions/{did}").json()
    r = client.post(
        f"/decisions/{did}/assumptions",
        data={
            RATE: "12000",
            "weights.control": "2",
            "pricing.staff_augmentation": "time_and_materials",
            "csrf_token": tok,
        },
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"].startswith(f"/decisions/{did}?assumptions=saved")
    saved = client.get(f"/api/v1/decisions/{did}").json()
    assert saved["version"] == 2
    assert saved["situation"]["costs"]["rates"]["developer_mid"]["month"]["likely"] == 12000
    assert saved["situation"]["costs"]["pricing"] == {"staff_augmentation": "time_and_materials"}
    assert saved["situation"]["weights"] == {"control": 2.0}
    assert saved["outputs"]["cost"]["models"] != first["outputs"]["cost"]["models"]
    page = client.get(r.headers["location"]).text
    assert 'data-testid="notice"' in page and "/history/1/restore" in page  # undo
    assert "Yours: $12,000 per month" in page and 'data-testid="assumption-count">3 of your own' in page
    assert f'name="reset" value="{RATE}"' in page
    # one figure back to its default
    r = client.post(f"/decisions/{did}/assumptions", data={"reset": RATE, "csrf_token": tok})
    after = client.get(f"/api/v1/decisions/{did}").json()["situation"]
    assert "rates" not in (after.get("costs") or {}) or not after["costs"]["rates"]
    assert after["weights"] == {"control": 2.0}
    # all of them
    client.post(f"/decisions/{did}/assumptions", data={"reset": "all", "csrf_token": tok})
    after = client.get(f"/api/v1/decisions/{did}").json()["situation"]
    assert not after.get("weights") and not (after.get("costs") or {}).get("pricing")


def test_the_api_lists_sets_and_resets(client: Any, situation: dict[str, Any]) -> None:
    did = _decision(client, situation)
    listed = client.get(f"/api/v1/decisions/{did}/assumptions").json()
    assert listed["decision_id"] == did
    rate = next(a for a in listed["assumptions"] if a["key"] == RATE)
    assert rate["value"] is None and rate["default"] == 7200 and rate["source_title"]
    r = client.patch(
        f"/api/v1/decisions/{did}/assumptions",
        json={"values": {RATE: 9000, "parameters.dedicated_team_markup": 0.3, "weights.control": 4}},
    )
    assert r.status_code == 200
    costs = r.json()["situation"]["costs"]
    assert costs["rates"]["developer_mid"]["month"]["likely"] == 9000
    assert costs["parameters"]["dedicated_team_markup"]["likely"] == pytest.approx(0.3)
    listed = client.get(f"/api/v1/decisions/{did}/assumptions").json()
    assert next(a for a in listed["assumptions"] if a["key"] == RATE)["value"] == 9000
    # null: back to the default; a bad value or an unknown key: 422 naming it, nothing saved
    version = client.get(f"/api/v1/decisions/{did}").json()["version"]
    bad = client.patch(f"/api/v1/decisions/{did}/assumptions", json={"values": {RATE: -1}})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == f"values.{RATE}"
    unknown = client.patch(f"/api/v1/decisions/{did}/assumptions", json={"values": {"rates.nobody.hour": 1}})
    assert unknown.status_code == 422 and "not a figure" in unknown.json()["error"]["message"]
    shape = client.patch(f"/api/v1/decisions/{did}/assumptions", json={"rates": 1})
    assert shape.status_code == 422
    assert client.get(f"/api/v1/decisions/{did}").json()["version"] == version
    r = client.patch(f"/api/v1/decisions/{did}/assumptions", json={"values": {RATE: None}})
    assert "rates" not in r.json()["situation"]["costs"] or not r.json()["situation"]["costs"]["rates"]
    r = client.delete(f"/api/v1/decisions/{did}/assumptions")
    assert r.status_code == 200 and not r.json()["situation"].get("weights")
    assert client.get("/api/v1/decisions/999/assumptions").status_code == 404


def test_the_document_shows_your_assumptions_against_the_defaults(
    client: Any, situation: dict[str, Any]
) -> None:
    pytest.importorskip("seamline.report")
    did = _decision(client, situation)
    client.patch(f"/api/v1/decisions/{did}/assumptions", json={"values": {RATE: 9000, "weights.control": 4}})
    md = client.get(f"/api/v1/decisions/{did}/report?format=md")
    assert md.status_code == 200
    text = md.text
    assert "Your assumptions" in text
    assert "$9,000 per month" in text and "$7,200 per month" in text
    html = client.get(f"/api/v1/decisions/{did}/report?format=html").text
    assert "Your assumptions" in html and "$9,000 per month" in html


def test_the_api_previews_figures_without_saving(client: Any, situation: dict[str, Any]) -> None:
    did = _decision(client, situation)
    before = client.get(f"/api/v1/decisions/{did}").json()
    cheap = client.post(f"/api/v1/decisions/{did}/assumptions/preview", json={"values": {RATE: 3000}})
    dear = client.post(f"/api/v1/decisions/{did}/assumptions/preview", json={"values": {RATE: 30000}})
    assert cheap.status_code == dear.status_code == 200
    mean = {
        r: x.json()["outputs"]["cost"]["models"]["staff_augmentation"]["mean"]
        for r, x in (("c", cheap), ("d", dear))
    }
    assert mean["c"] < mean["d"]
    assert dear.json()["situation"]["costs"]["rates"]["developer_mid"]["month"]["likely"] == 30000
    assert client.get(f"/api/v1/decisions/{did}").json() == before
    bad = client.post(
        f"/api/v1/decisions/{did}/assumptions/preview", json={"values": {"weights.control": -2}}
    )
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "values.weights.control"
