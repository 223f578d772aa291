"""The decision document agrees with advise, cost, seams and the checklist it is built from."""

from __future__ import annotations

from typing import Any

import pytest
from tests.report.conftest import EXAMPLES, FIXTURES, SITUATIONS, TEST_TRIALS

from seamline.advisor import advise
from seamline.report import build_document
from seamline.situation import load_situation


def test_every_example_situation_is_covered() -> None:
    assert len(SITUATIONS) >= 5
    assert all("portfolio" not in p.stem and "vendor" not in p.stem for p in SITUATIONS)


@pytest.mark.parametrize("path", SITUATIONS, ids=[p.stem for p in SITUATIONS])
def test_document_agrees_with_the_advisor(kb: Any, documents: dict[str, Any], path: Any) -> None:
    doc = documents[path.stem]
    rec = advise(load_situation(path, kb.criterion_ids), kb)
    assert doc.recommended == rec.recommended
    assert [r.model for r in doc.ranking] == [r.model for r in rec.ranking]
    assert [r.verdict for r in doc.ranking] == [r.verdict for r in rec.ranking]
    assert len(doc.warnings) == len(rec.warnings)
    assert len(doc.would_change) == len(rec.would_change)
    assert doc.recommended_name is not None
    assert doc.recommended_name.lower() in doc.summary.lower()
    top = next(r for r in doc.ranking if r.model == doc.recommended)
    assert len(top.reasons) == len(rec.ranked(rec.recommended).reasons)


@pytest.mark.parametrize("path", SITUATIONS, ids=[p.stem for p in SITUATIONS])
def test_document_sections_are_consistent(kb: Any, documents: dict[str, Any], path: Any) -> None:
    from seamline.contracts.catalogue import load_checklist

    doc = documents[path.stem]
    # the comparison has one row per criterion and one cell per model
    assert [r.criterion for r in doc.comparison] == list(kb.criteria)
    assert all(len(r.cells) == len(kb.models) for r in doc.comparison)
    # costs: every model, sorted by mean, percentiles ordered
    assert {r.model for r in doc.cost.rows} == set(kb.models)
    means = [r.mean for r in doc.cost.rows]
    assert means == sorted(means)
    assert all(r.p10 <= r.p50 <= r.p90 for r in doc.cost.rows)
    assert doc.cost.trials == TEST_TRIALS and doc.cost.seed == 7
    assert doc.cost.cheapest == doc.cost.rows[0].model
    # seams: every model
    assert {r.model for r in doc.seams} == set(kb.models)
    # checklist: exactly the items the recommended model requires
    wanted = {i.id for i in load_checklist().items if doc.recommended in i.required_for}
    assert {r.id for r in doc.checklist} == wanted
    # the brief names the recommended model
    assert doc.brief is not None and doc.brief.model == doc.recommended
    # sources: every citation in the document resolves, and only cited sources are listed
    listed = {s.id for s in doc.sources}
    cited = {x.source for r in doc.ranking for x in r.reasons} | {
        c.source for r in doc.comparison for c in r.cells
    }
    cited |= {r.source for r in doc.checklist} | set(doc.brief.sources) | {w.source for w in doc.warnings}
    assert cited <= listed <= set(kb.sources)
    # three real charts
    assert [c.id for c in doc.charts] == ["cost_range", "cost_components", "seams"]
    assert all(c.png.startswith(b"\x89PNG\r\n\x1a\n") and len(c.png) > 5000 for c in doc.charts)


def test_same_seed_same_document_other_seed_other_costs(kb: Any) -> None:
    situation = load_situation(EXAMPLES / "kubernetes_specialist.yaml", kb.criterion_ids)
    a = build_document(situation, kb, trials=500, seed=3)
    b = build_document(situation, kb, trials=500, seed=3)
    c = build_document(situation, kb, trials=500, seed=4)
    assert a == b
    assert [r.mean for r in a.cost.rows] != [r.mean for r in c.cost.rows]


def test_default_trials_and_seed_come_from_the_knowledge_base(kb: Any) -> None:
    from seamline.report.brief import load_brief_knowledge

    defaults = load_brief_knowledge().document
    situation = load_situation(EXAMPLES / "kubernetes_specialist.yaml", kb.criterion_ids)
    doc = build_document(situation, kb)
    assert doc.cost.trials == defaults.trials.value
    assert doc.cost.seed == defaults.seed.value


def test_horizon_override_reaches_the_costs(kb: Any) -> None:
    situation = load_situation(EXAMPLES / "pre_seed_mvp.yaml", kb.criterion_ids)
    doc = build_document(situation, kb, horizon_months=18, trials=300, seed=1)
    assert doc.cost.horizon_months == 18
    assert "18 months" in doc.summary


def test_undetermined_situation_gives_a_document_without_a_brief(kb: Any) -> None:
    situation = load_situation(EXAMPLES / "pre_seed_mvp.yaml", kb.criterion_ids)
    contradictory = situation.with_answer("team.technical_leadership", "none")
    assert advise(contradictory, kb).recommended is None
    doc = build_document(contradictory, kb, trials=300, seed=1)
    assert doc.recommended is None and doc.brief is None and doc.checklist == ()
    assert doc.contradictions
    assert doc.summary.startswith("No engagement model can be recommended")


def test_contract_findings_are_quoted(kb: Any) -> None:
    from seamline.contracts.catalogue import load_checklist
    from seamline.contracts.check import check_contract

    report = check_contract(FIXTURES / "mislabelled_managed_services.txt")
    situation = load_situation(EXAMPLES / "pre_seed_mvp.yaml", kb.criterion_ids)
    doc = build_document(situation, kb, trials=300, seed=1, contract_report=report)
    k = doc.contract
    assert k is not None
    assert k.claimed == report.claimed and k.detected == report.detected.model
    assert k.detected_name == kb.models[report.detected.model].name
    assert (k.mislabel is None) == (report.mislabel is None)
    present = [f for f in k.findings if f.status == "present"]
    assert present and all(f.quotes for f in present)
    text = (FIXTURES / "mislabelled_managed_services.txt").read_text(encoding="utf-8")
    flat = " ".join(text.split())
    for f in present:
        for q in f.quotes:
            assert q.rstrip("…") in flat, "a quote must be the contract's own words"
    names = {i.id: i.name for i in load_checklist().items}
    assert set(k.missing) == {names[i] for i in report.missing_for_detected_model}
