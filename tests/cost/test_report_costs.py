"""The decision document shows each model's verdict beside its cost, the markets used, and never calls a
not-advised model the cheapest without saying it is not advised."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from seamline.advisor import advise
from seamline.cost import build_plan, compare_costs
from seamline.knowledge import load_knowledge
from seamline.report.document import _cost_section, _summary
from seamline.report.fmt import COST_HEADER, cost_note
from seamline.situation import Situation


def test_the_summary_and_cost_section_qualify_a_not_advised_cheapest_model(
    make_situation: Callable[..., Situation],
) -> None:
    kb = load_knowledge()
    situation = make_situation()
    rec = advise(situation, kb, explain_changes=False)
    cost = compare_costs(build_plan(situation), trials=2_000, seed=3, sensitivity=False)
    verdicts = {r.model: r.verdict for r in rec.ranking}
    cheapest = cost.cheapest()
    assert verdicts[cheapest] == "not_advised", "the test needs a situation whose cheapest model is ruled out"
    summary = _summary(rec, cost, kb, situation.name)
    name = cost.models[cheapest].name.lower()
    assert name in summary and "not advised" in summary[summary.index(name) :]
    assert "the cheapest model on average is" not in summary
    section = _cost_section(cost, 3, rec)
    assert {r.model: r.verdict for r in section.rows} == verdicts
    assert section.cheapest == cheapest and verdicts[section.cheapest_advised or ""] != "not_advised"
    assert "Verdict" in COST_HEADER and "Cash P50" in COST_HEADER
    assert section.markets.startswith("In-house staff priced in United States")
    assert all(r.cash_mean + r.opportunity_mean == pytest.approx(r.mean, rel=1e-4) for r in section.rows)


def test_the_cost_note_names_the_cheapest_advised_model(make_situation: Callable[..., Situation]) -> None:
    from seamline.report import build_document

    doc = build_document(make_situation(work__engineers=2), trials=300, seed=2)
    note = cost_note(doc)
    names = dict(doc.models)
    if doc.cost.cheapest_advised != doc.cost.cheapest:
        assert f"{names[doc.cost.cheapest]} costs least on average but is not advised" in note
        assert names[doc.cost.cheapest_advised or ""] in note
    assert "Cash is the money paid" in note
