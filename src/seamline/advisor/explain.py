"""What would change the answer: for each answer, the value that would change the top model.

Choice and yes/no answers try every other allowed value. Whole-number answers try the values on either side
of every threshold the knowledge base compares them with (so a new rule with a new threshold is picked up
without code), and report the nearest value below and above the current one that changes the top model.

Each tried value is answered by ``variations.Variations`` (only the rules that read the changed answer are
re-evaluated); passing ``evaluate`` instead runs that whole evaluation per value (the reference the tests
compare the fast path with).

The fast path also skips values the rules cannot tell apart: the rules read an answer only through their
predicates (``work.duration_months < 6``, ``stage == seed``, ...), so a value that gives the same result on
every predicate as the current answer leaves the top model where it is, and one alike to a value already
tried gives that value's top model. The reference path tries every value, so the tests check this too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from seamline import conditions
from seamline.advisor.derived import compiled
from seamline.advisor.result import Change, Recommendation
from seamline.advisor.variations import Variations
from seamline.knowledge import KnowledgeBase
from seamline.situation import ANSWER_FIELDS, FIELDS, OPTIONAL_FIELDS, Situation, int_bounds

Evaluate = Callable[[Situation, KnowledgeBase], Recommendation]
Top = Callable[[str, Any], tuple[str | None, float | None]]  # (field, value) -> (top model, margin)


def would_change(
    situation: Situation, kb: KnowledgeBase, current: Recommendation, evaluate: Evaluate | None = None
) -> tuple[Change, ...]:
    answers = situation.flat()
    facts = _read_by_rules(kb)
    top: Top
    if evaluate is None:
        fast = Variations(kb, answers, situation.weights).top
        top = _alike(fast, facts, answers, (current.recommended, current.margin))
    else:

        def top(path: str, value: Any) -> tuple[str | None, float | None]:
            other = evaluate(situation.with_answer(path, value), kb)
            return other.recommended, other.margin

    changes: list[Change] = []
    for path in ANSWER_FIELDS:
        if path not in facts.referenced:
            continue  # no rule reads this answer, so no value of it can change the ranking
        if "." in path and answers.get(path) is None and path.rsplit(".", 1)[0] in OPTIONAL_FIELDS:
            continue  # an optional group left out (service units): one part alone is not an answer
        typ, allowed = FIELDS[path]
        now = answers[path]
        if typ == "int":
            changes += _int_changes(kb, current, top, path, now, facts.candidates[path])
            continue
        for value in allowed or ():
            if value == now:
                continue
            change = _try(kb, current, top, path, value, now)
            if change is not None:
                changes.append(change)
    return tuple(changes)


def _alike(
    top: Top,
    facts: _Facts,
    answers: Mapping[str, Any],
    current: tuple[str | None, float | None],
) -> Top:
    """``top``, skipping the values the rules cannot tell apart (see the module docstring): a value alike to
    the current answer keeps the ``current`` (top model, margin), one alike to a value tried before gets
    that value's."""
    known: dict[tuple[str, tuple[bool, ...]], tuple[str | None, float | None]] = {}

    def alike(path: str, value: Any) -> tuple[str | None, float | None]:
        key = (path, facts.signature(path, value))
        hit = known.get(key)
        if hit is None:
            now = (path, facts.signature(path, answers[path]))
            known[now] = current
            hit = current if key == now else known.setdefault(key, top(path, value))
        return hit

    return alike


def _int_changes(
    kb: KnowledgeBase,
    current: Recommendation,
    top: Top,
    path: str,
    now: int | None,
    candidates: tuple[int, ...],
) -> list[Change]:
    candidates = tuple(v for v in candidates if v != now)
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


@dataclass(frozen=True)
class _Facts:
    """What the rules read, per knowledge base: every answer some rule reads, the whole numbers worth trying
    for each number answer (either side of every threshold, within its bounds), and each answer's
    predicates, with their results for the values tried (an answer's "signature")."""

    referenced: frozenset[str]
    candidates: Mapping[str, tuple[int, ...]]
    predicates: Mapping[str, tuple[tuple[str, Any], ...]]
    signatures: Mapping[str, Mapping[Any, tuple[bool, ...]]]

    def signature(self, path: str, value: Any) -> tuple[bool, ...]:
        """What every predicate on ``path`` says of ``value``: values with the same signature are alike."""
        known = self.signatures.get(path, {}).get(value)  # an answer's values are all of one type
        if known is not None:
            return known
        return tuple(conditions.outcome(op, value, arg) for op, arg in self.predicates.get(path, ()))


def _read_by_rules(kb: KnowledgeBase) -> _Facts:
    """The rules' :class:`_Facts`, computed once per knowledge base (the knowledge base is frozen)."""
    return compiled(kb, "explain", lambda: _facts(kb))


def _facts(kb: KnowledgeBase) -> _Facts:
    thresholds = _thresholds(kb)
    candidates = {}
    for path, (typ, _) in FIELDS.items():
        if typ == "int":
            lo, hi = int_bounds(path)
            edges = thresholds.get(path, set())
            candidates[path] = tuple(sorted({v for t in edges for v in (t - 1, t, t + 1) if lo <= v <= hi}))
    found: dict[str, dict[tuple[str, Any], None]] = {}
    for when in _whens(kb):
        for path, op, arg in conditions.predicates(when):
            found.setdefault(path, {})[(op, arg)] = None
    for row in kb.rules.stage_table:  # a stage row also reads the stage itself
        found.setdefault("stage", {})[("eq", row.stage)] = None
    predicates = {path: tuple(preds) for path, preds in found.items()}
    signatures = {
        path: {
            value: tuple(conditions.outcome(op, value, arg) for op, arg in predicates.get(path, ()))
            for value in (candidates[path] if typ == "int" else allowed or ())
        }
        for path, (typ, allowed) in FIELDS.items()
    }
    return _Facts(
        referenced=frozenset(_referenced(kb)),
        candidates=candidates,
        predicates=predicates,
        signatures=signatures,
    )


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
