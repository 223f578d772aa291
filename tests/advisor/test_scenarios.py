"""Expert cases (tests/scenarios/*.yaml): each names the source that decides it.

Keys under ``expect``: recommended (a model id or null), status, not_advised / viable (lists of models
with that verdict), not_recommended (models that must not come out on top), warnings (mistake ids that
must be raised), no_warnings (true: none raised), absent_warnings (mistake ids that must not be raised),
contradictions (contradiction ids that must hold), hire_path (whether a hire-to-replace path is given),
remedies (remedy ids that "what would change the answer" must offer).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from seamline.advisor import advise
from seamline.situation import parse_situation
from seamline.yamlio import read_data_file

SCENARIOS = sorted((Path(__file__).parents[1] / "scenarios").glob("*.yaml"))
EXPECT_KEYS = {
    "recommended",
    "status",
    "not_advised",
    "viable",
    "not_recommended",
    "warnings",
    "no_warnings",
    "contradictions",
    "absent_warnings",
    "hire_path",
    "remedies",
}


def _load(path: Path) -> dict[str, Any]:
    case = read_data_file(path)
    assert set(case) == {"name", "source", "situation", "expect"}, f"{path.name}: unexpected keys {set(case)}"
    assert set(case["expect"]) <= EXPECT_KEYS, f"{path.name}: unknown expect keys"
    return case


def test_there_are_enough_expert_cases() -> None:
    assert len(SCENARIOS) >= 11


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_expert_case(path: Path, kb: Any) -> None:
    case = _load(path)
    assert case["source"] in kb.sources, f"{path.name}: cites unknown source {case['source']!r}"
    situation = parse_situation(case["situation"], path.name, kb.criterion_ids)
    result = advise(situation, kb)
    expect = case["expect"]
    verdicts = result.verdicts()
    ranking = [(r.model, r.score, r.verdict) for r in result.ranking]
    summary = f"{case['name']}: got {result.recommended} with {ranking}"
    if "recommended" in expect:
        assert result.recommended == expect["recommended"], summary
    if "status" in expect:
        assert result.status == expect["status"], summary
    for model in expect.get("not_advised", []):
        assert verdicts[model] == "not_advised", f"{model} should not be advised; {summary}"
    for model in expect.get("viable", []):
        assert verdicts[model] == "viable", f"{model} should be viable; {summary}"
    for model in expect.get("not_recommended", []):
        assert result.recommended != model, summary
    raised = {w.id for w in result.warnings}
    for warning in expect.get("warnings", []):
        assert warning in raised, f"{case['name']}: expected warning {warning}, got {sorted(raised)}"
    if expect.get("no_warnings"):
        assert not raised, f"{case['name']}: unexpected warnings {sorted(raised)}"
    for warning in expect.get("absent_warnings", []):
        assert warning not in raised, f"{case['name']}: warning {warning} should not be raised"
    if "hire_path" in expect:
        assert (result.hire_path is not None) == expect["hire_path"], summary
        if result.hire_path is not None:
            weeks = [step.week for step in result.hire_path.steps]
            assert weeks == sorted(weeks) and result.hire_path.augmentation_ends_week == weeks[-1] > 0
    offered = {r.id for r in kb.rules.remedies for c in result.would_change if c.remedy == r.text}
    for remedy in expect.get("remedies", []):
        assert remedy in offered, f"{case['name']}: expected remedy {remedy}, got {sorted(offered)}"
    held = {c.id for c in result.contradictions}
    for contradiction in expect.get("contradictions", []):
        assert contradiction in held, (
            f"{case['name']}: expected contradiction {contradiction}, got {sorted(held)}"
        )
