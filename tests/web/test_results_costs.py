"""The results page shows each model's verdict next to its cost, and never calls a not-advised model the
cheapest without saying so; seams from the real team; the cost API carries the verdicts."""

from __future__ import annotations

import html
import re
from typing import Any

from tests.web.helpers import form_of, token

from seamline.advisor import advise
from seamline.knowledge import load_knowledge
from seamline.situation import parse_situation


def test_the_cost_table_has_a_verdict_per_model_and_the_cheapest_is_qualified(
    client: Any, situation: dict[str, Any]
) -> None:
    r = client.post("/results", data={**form_of(situation), "csrf_token": token(client)})
    assert r.status_code == 200
    text = html.unescape(r.text)
    cost = text[text.index('id="cost-h"') : text.index('id="seams-h"')]
    assert '<th scope="col">Verdict</th>' in cost and "Cash (P50)" in cost and "Opportunity (mean)" in cost
    rec = advise(parse_situation(situation), load_knowledge())
    verdicts = {r.name: r.verdict for r in rec.ranking}
    for name, verdict in verdicts.items():
        row = re.search(
            rf'<th scope="row">{re.escape(name)}</th><td class="verdict-[a-z_]*">([a-z ]+)</td>', cost
        )
        assert row, name
        assert row.group(1) == verdict.replace("_", " ")
    cheapest = re.search(r"Cheapest on average: ([^,(.]+)", cost)
    assert cheapest
    name = cheapest.group(1).strip()
    if verdicts[name] == "not_advised":
        assert "not advised</strong> for this situation" in cost
    assert "In-house staff priced in United States" in cost


def test_a_team_without_a_product_manager_shows_none_in_house(client: Any, situation: dict[str, Any]) -> None:
    data = {**situation, "team": {**situation["team"], "product_manager": False}}
    r = client.post("/results", data={**form_of(data), "csrf_token": token(client)})
    assert r.status_code == 200
    seams = html.unescape(r.text)[html.unescape(r.text).index('id="seams-h"') :]
    assert "not in your team: Product manager" in seams


def test_the_cost_api_carries_verdicts_and_cash(client: Any, situation: dict[str, Any]) -> None:
    r = client.post("/api/v1/cost", json=situation)
    assert r.status_code == 200, r.text
    data = r.json()
    assert all(m["verdict"] in ("recommended", "viable", "not_advised") for m in data["models"].values())
    assert all(set(m["cash"]) == {"mean", "p10", "p50", "p90"} for m in data["models"].values())
    advised = [mid for mid, m in data["models"].items() if m["verdict"] != "not_advised"]
    assert data["cheapest_advised"] in advised
