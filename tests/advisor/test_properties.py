"""Properties of the advisor over every valid situation (hypothesis)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from seamline.advisor import advise
from seamline.knowledge import MODEL_IDS, load_knowledge
from seamline.situation import FIELDS, Situation, int_bounds, parse_situation

KB = load_knowledge()


def _strategy_for(path: str) -> st.SearchStrategy[Any]:
    typ, allowed = FIELDS[path]
    if typ == "int":
        lo, hi = int_bounds(path)
        return st.integers(lo, hi)
    if allowed is not None:
        return st.sampled_from(allowed)
    return st.text(min_size=1, max_size=20).filter(str.strip)


@st.composite
def situations(draw: st.DrawFn) -> Situation:
    data: dict[str, Any] = {}
    for path in FIELDS:
        node = data
        *parents, leaf = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = draw(_strategy_for(path))
    return parse_situation(data)


@settings(max_examples=150, deadline=None)
@given(situations())
def test_every_situation_gets_a_complete_deterministic_ranking(situation: Situation) -> None:
    first = advise(situation, KB)
    second = advise(situation, KB)
    assert first == second
    assert sorted(r.model for r in first.ranking) == sorted(MODEL_IDS)
    recommended = [r.model for r in first.ranking if r.verdict == "recommended"]
    if first.status == "recommended":
        assert recommended == [first.recommended]
        assert first.ranking[0].model == first.recommended
        assert not first.contradictions
    else:
        assert first.recommended is None and recommended == []
    for r in first.ranking:
        assert r.reasons, f"{r.model} has no reason"
        for reason in r.reasons:
            assert reason.source in KB.sources
        if r.verdict == "not_advised":
            assert any(x.effect == "gate" for x in r.reasons), f"{r.model} not advised without a gate reason"
    for w in first.warnings:
        assert w.source in KB.sources


@settings(max_examples=150, deadline=None)
@given(situations())
def test_managed_services_is_never_recommended_for_differentiating_product_work(situation: Situation) -> None:
    product = situation.model_copy(
        update={"work": situation.work.model_copy(update={"type": "product_development", "core": True})}
    )
    result = advise(product, KB, explain_changes=False)
    assert result.recommended != "managed_services"
    assert result.ranked("managed_services").verdict == "not_advised"


@settings(max_examples=40, deadline=None)
@given(situations())
def test_what_would_change_the_answer_really_changes_it(situation: Situation) -> None:
    result = advise(situation, KB)
    for change in result.would_change:
        assert change.value != change.current
        other = advise(situation.with_answer(change.field, change.value), KB, explain_changes=False)
        assert other.recommended == change.recommended != result.recommended
