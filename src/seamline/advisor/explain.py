"""What would change the answer: for each answer, the value that would change the top model.

Choice and yes/no answers try every other allowed value. Whole-number answers try the values on either side
of every threshold the knowledge base compares them with (so a new rule with a new threshold is picked up
without code), and report the nearest value below and above the current one that changes the top model.

Each tried value is answered by ``variations.Variations`` (only the rules that read the changed answer are
re-evaluated); passing ``evaluate`` instead runs that whole evaluation per value (the reference the tests
compare the fast path with).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from seamline import conditions
from seamline.advisor.result import Change, Recommendation
from seamline.advisor.variations import Variations, compiled
from seamline.knowledge import KnowledgeBase
from seamline.situation import ANSWER_FIELDS, FIELDS, OPTIONAL_FIELDS, Situation, int_bounds

Evaluate = Callable[[Situation, KnowledgeBase], Recommendation]
Top = Callable[[str, Any], tuple[str | None, float | None]]  # (field, value) -> (top model, margin)


def would_change(
    situation: Situation, kb: KnowledgeBase, current: Recommendation, evaluate: Evaluate | None = None
) -> tuple[Change, ...]:
    answers = situation.flat()
    thresholds, referenced = _read_by_rules(kb)
    top: Top
    if evaluate is None:
        top = Variations(kb, answers, situation.weights).top
    else:

        def top(path: str, value: Any) -> tuple[str | None, float | None]:
            other = evaluate(situation.with_answer(path, value), kb)
            return other.recommended, other.margin

    changes: list[Change] = []
    for path in ANSWER_FIELDS:
        if path not in referenced:
            continue  # no rule reads this answer, so no value of it can change the ranking
        if "." in path and answers.get(path) is None and path.rsplit(".", 1)[0] in OPTIONAL_FIELDS:
            continue  # an optional group left out (service units): one part alone is not an answer
        typ, allowed = FIELDS[path]
        now = answers[path]
        if typ == "int":
            changes += _int_changes(kb, current, top, path, now, thresholds.get(path, set()))
            continue
        for value in allowed or ():
            if value == now:
                continue
            change = _try(kb, current, top, path, value, now)
            if change is not None:
                changes.append(change)
    return tuple(changes)


def _int_changes(
    kb: KnowledgeBase,
    current: Recommendation,
    top: Top,
    path: str,
    now: int | None,
    edges: set[int],
) -> list[Change]:
    lo, hi = int_bounds(path)
    candidates = sorted({v for t in edges for v in (t - 1, t, t + 1) if lo <= v <= hi and v != now})
    if now is None:  # an optional number not given: the least extreme value that changes the answer
        for value in candidates[::-1]:
            change = _try(kb, current, top, path, value, now)
            if change is not None:
                return [change]
        return []
    below = [v for v in candidates if v < now][::-1]  # nearest first
    above = [v for v in candidates if v > now]
    found = []
    for side in (below, above):
        for value in side:
            change = _try(kb, current, top, path, value, now)
            if change is not None:
                found.append(change)
                break
    return found


def _try(
    kb: KnowledgeBase, current: Recommendation, top: Top, path: str, value: Any, now: Any
) -> Change | None:
    recommended, margin = top(path, value)
    if recommended == current.recommended:
        return None
    question = kb.questions[path]
    answer = f'If "{question.label}" were "{_show(kb, path, value)}" instead of "{_show(kb, path, now)}"'
    if recommended is None:
        text = f"{answer}, the answers would contradict each other and no model would fit."
    else:
        lead = f" (ahead by {margin:.2f})" if margin is not None else ""
        text = f"{answer}, the top model would be {kb.models[recommended].name}{lead}."
    remedy = next((r for r in kb.rules.remedies if r.field == path and now in r.current), None)
    return Change(
        field=path,
        value=value,
        recommended=recommended,
        current=now,
        text=text,
        margin=margin,
        remedy=remedy.text if remedy else None,
        remedy_source=remedy.source if remedy else None,
    )


def _show(kb: KnowledgeBase, path: str, value: Any) -> str:
    """An answer as the questionnaire words it (the option's label), else the value itself."""
    if value is None:
        return "not answered"
    for option in kb.questions[path].options:
        if option.value == value:
            return option.label
    return str(value).lower() if isinstance(value, bool) else str(value)


def _read_by_rules(kb: KnowledgeBase) -> tuple[dict[str, set[int]], set[str]]:
    """(the thresholds each whole-number answer is compared with, every answer some rule reads), per
    knowledge base (the knowledge base is frozen, so they are computed once)."""
    return compiled(kb, "explain", lambda: (_thresholds(kb), _referenced(kb)))


def _referenced(kb: KnowledgeBase) -> set[str]:
    """Every answer field that some rule's condition reads."""
    return {field for when in _whens(kb) for field in conditions.fields(when)}


def _thresholds(kb: KnowledgeBase) -> dict[str, set[int]]:
    out: dict[str, set[int]] = {}
    for field, number in _all_thresholds(kb):
        out.setdefault(field, set()).add(number)
    return out


def _all_thresholds(kb: KnowledgeBase) -> Iterator[tuple[str, int]]:
    for when in _whens(kb):
        yield from conditions.numeric_thresholds(when)


def _whens(kb: KnowledgeBase) -> list[Any]:
    rules = kb.rules
    whens: list[Any] = [r.when for r in rules.weights]
    whens += [q.when for q in rules.five_question_test]
    whens += [r.when for r in rules.stage_table]
    whens += [m.when for m in rules.mistakes]
    whens += [c.when for c in rules.contradictions]
    for model in kb.models.values():
        whens += [r.when for r in model.fit] + [r.when for r in model.misfit]
        whens += [v.when for v in model.pricing_variants]
    return whens
