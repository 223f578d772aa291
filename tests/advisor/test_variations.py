"""The fast "what would change the answer" (advisor.variations) gives exactly what the full path gives.

The reference is the path used before: every tried value re-runs the whole advisor on the situation with
that one answer changed (``would_change(..., evaluate=engine._evaluate)``). The whole ``advise().to_json()``
is compared over examples, a seeded random sample of the full answer space (optional answers, markets,
service units and the user's own weights included, zero weights too) and hypothesis-drawn situations.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seamline import conditions
from seamline.advisor import advise, engine, explain, variations
from seamline.advisor.explain import _thresholds, _whens, would_change
from seamline.knowledge import load_knowledge
from seamline.situation import FIELDS, Situation, int_bounds, load_situation, nest_answers, parse_situation

KB = load_knowledge()
ROOT = Path(__file__).resolve().parents[2]
THRESHOLDS = _thresholds(KB)
OPTIONAL_ANSWERS = ("team.can_hire", "work.needed_within_weeks", "team.lead_hours_per_week")


def reference(situation: Situation) -> dict[str, Any]:
    """The full, slow path: the whole advisor once per tried value."""
    current = engine._evaluate(situation, KB)
    changes = would_change(situation, KB, current, evaluate=engine._evaluate)
    return current.model_copy(update={"would_change": changes}).to_json()


def _int(rng: random.Random, path: str) -> int:
    lo, hi = int_bounds(path)
    edges = sorted(THRESHOLDS.get(path, ()))
    if edges and rng.random() < 0.6:  # on and beside the thresholds the rules compare with
        return min(hi, max(lo, rng.choice(edges) + rng.choice((-1, 0, 1))))
    return rng.randint(lo, min(hi, 40)) if rng.random() < 0.7 else rng.randint(lo, hi)


def random_situation(rng: random.Random) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for path, (typ, allowed) in FIELDS.items():
        if path == "name" or path.startswith(("market.", "work.service_units.")):
            continue
        if path in OPTIONAL_ANSWERS and rng.random() < 0.4:
            continue
        flat[path] = _int(rng, path) if typ == "int" else rng.choice(allowed or ())
    if rng.random() < 0.3:
        flat["work.service_units.kind"] = rng.choice(FIELDS["work.service_units.kind"][1] or ())
        flat["work.service_units.count"] = rng.randint(1, 5000)
    if rng.random() < 0.3:
        flat["market.in_house"] = rng.choice(FIELDS["market.in_house"][1] or ())
        flat["market.vendor"] = rng.choice(FIELDS["market.vendor"][1] or ())
    data: dict[str, Any] = {"name": "variation", **nest_answers(flat)}
    if rng.random() < 0.25:
        criteria = list(KB.criteria)
        chosen = rng.sample(criteria, rng.randint(1, len(criteria)))
        if rng.random() < 0.2:
            data["weights"] = dict.fromkeys(criteria, 0)  # every weight zero: scores are the bonuses alone
        else:
            data["weights"] = {c: rng.choice((0, 1, 2.5, round(rng.uniform(0, 10), 3))) for c in chosen}
    return data


EXAMPLES = [
    p
    for p in sorted((ROOT / "examples").glob("*.yaml"))
    if not any(k in p.name for k in ("vendor", "portfolio"))
]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_examples_advice_is_identical_to_the_full_path(path: Path) -> None:
    situation = load_situation(path, KB.criterion_ids)
    assert advise(situation, KB).to_json() == reference(situation)


@pytest.mark.parametrize("seed", range(6))
def test_random_situations_advice_is_identical_to_the_full_path(seed: int) -> None:
    rng = random.Random(1400 + seed)
    changed = 0
    for _ in range(50):
        situation = parse_situation(random_situation(rng), criteria=KB.criterion_ids)
        fast = advise(situation, KB).to_json()
        assert fast == reference(situation), situation.model_dump()
        changed += bool(fast["would_change"])
    assert changed > 25  # the sample really exercises the search


def _strategy_for(path: str) -> st.SearchStrategy[Any]:
    typ, allowed = FIELDS[path]
    if typ == "int":
        lo, hi = int_bounds(path)
        edges = sorted({v for t in THRESHOLDS.get(path, ()) for v in (t - 1, t, t + 1) if lo <= v <= hi})
        return st.sampled_from(edges) | st.integers(lo, hi) if edges else st.integers(lo, hi)
    return st.sampled_from(allowed or ())


@st.composite
def situations(draw: st.DrawFn) -> Situation:
    flat = {
        p: draw(_strategy_for(p))
        for p in FIELDS
        if p != "name" and not p.startswith(("market.", "work.service_units."))
    }
    for path in OPTIONAL_ANSWERS:
        if draw(st.booleans()):
            flat[path] = None
    weights = draw(
        st.none() | st.dictionaries(st.sampled_from(list(KB.criteria)), st.sampled_from((0, 1, 3, 7.5)))
    )
    data = {"name": "drawn", **nest_answers(flat)}
    if weights:
        data["weights"] = weights
    return parse_situation(data, criteria=KB.criterion_ids)


@settings(max_examples=80, deadline=None)
@given(situations())
def test_drawn_situations_advice_is_identical_to_the_full_path(situation: Situation) -> None:
    assert advise(situation, KB).to_json() == reference(situation)


def test_the_full_advisor_runs_once_per_situation(monkeypatch: pytest.MonkeyPatch) -> None:
    """The speed of issue 14: "what would change" no longer re-runs the advisor per tried value (about forty
    of them, 13 ms a situation); it runs once and the variations re-evaluate only what the change reads."""
    calls = 0
    full = engine._evaluate

    def counted(situation: Situation, kb: Any) -> Any:
        nonlocal calls
        calls += 1
        return full(situation, kb)

    monkeypatch.setattr(engine, "_evaluate", counted)
    situation = load_situation(EXAMPLES[0], KB.criterion_ids)
    result = advise(situation, KB)
    assert result.would_change and calls == 1


def _answers_samples() -> list[dict[str, Any]]:
    rng = random.Random(14)
    out = [parse_situation(random_situation(rng), criteria=KB.criterion_ids).flat() for _ in range(200)]
    for flat in out[:40]:  # optional answers left out, and numbers on the thresholds
        for path in OPTIONAL_ANSWERS:
            flat[path] = None
    return out


def test_compiled_conditions_agree_with_holds() -> None:
    samples = _answers_samples()
    whens = [w for w in _whens(KB) if w] + [
        {"work.duration_months": {"lt": 6, "gte": 2}, "team.lead_hours_per_week": {"lte": 10}},
        {"team.can_hire": None, "work.needed_within_weeks": {"gt": 4}},
        {"work.engineers": {"eq": 4}, "stage": {"ne": "seed"}, "work.scope": {"in": ["evolving"]}},
        {"team.technical_leadership": {"not_in": ["none", "limited"]}},
        {"any": [{"work.core": True}, {"not": {"stage": ["seed", "pre_seed"]}}]},
        {"any": []},
        {"not": {}},
    ]
    held = 0
    for when in whens:
        test = conditions.compile_condition(when)
        for answers in samples:
            expected = conditions.holds(when, answers)
            assert test(answers) is expected, (when, answers)
            held += expected
    assert 0 < held < len(whens) * len(samples)


def test_values_the_rules_cannot_tell_apart_are_tried_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rules read a whole number only through thresholds: with 12 months, 7 to 17 are alike to it (no
    threshold between them), so none is tried; of 4 and 5 (both between 3 and 6) at most one is tried."""
    tried: list[tuple[str, Any]] = []
    fast_top = variations.Variations.top

    def counted(self: variations.Variations, field: str, value: Any) -> Any:
        tried.append((field, value))
        return fast_top(self, field, value)

    monkeypatch.setattr(variations.Variations, "top", counted)
    data = {
        "name": "alike",
        "stage": "seed",
        "work": {
            "type": "product_development",
            "core": True,
            "scope": "evolving",
            "duration_months": 12,
            "engineers": 4,
        },
        "team": {"technical_leadership": "strong", "product_manager": True},
        "preferences": {
            "involvement": "sprint_priorities",
            "pricing": "time_and_materials",
            "ip_in_house": True,
            "share_business_context": True,
        },
    }
    situation = parse_situation(data, criteria=KB.criterion_ids)
    assert {3, 6, 18} <= THRESHOLDS["work.duration_months"]
    fast = advise(situation, KB).to_json()
    months = [v for f, v in tried if f == "work.duration_months"]
    assert months and not any(7 <= v <= 17 for v in months), months
    assert not (4 in months and 5 in months), months
    assert fast == reference(situation)  # the reference tries every value


def test_predicates_name_every_value_a_rule_reads() -> None:
    """Each answer's signature (what every predicate says of a value) tells apart any two values that some
    rule's condition tells apart, over every condition of the knowledge base."""
    facts = explain._read_by_rules(KB)
    samples = _answers_samples()
    for when in _whens(KB):
        for field in set(conditions.fields(when)):
            assert facts.predicates[field], field
        for answers in samples[:60]:
            for field in set(conditions.fields(when)):
                typ, allowed = FIELDS[field]
                values = facts.candidates[field] if typ == "int" else allowed or ()
                by_signature: dict[Any, bool] = {}
                for value in values:
                    held = conditions.holds(when, {**answers, field: value})
                    sig = facts.signature(field, value)
                    assert by_signature.setdefault(sig, held) == held, (when, field, value)
