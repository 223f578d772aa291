"""What the advisor derives from a knowledge base once: compiled conditions and other per-base tables.

A knowledge base is frozen, so anything computed from it holds as long as it lives. ``compiled`` keeps one
value per knowledge base and name; ``test_of`` gives a condition of that knowledge base as a compiled
function (``conditions.compile_condition``), the same result as ``conditions.holds`` at a fraction of the
cost, for the conditions every advice evaluates.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, TypeVar

from seamline.conditions import Test, compile_condition
from seamline.knowledge import KnowledgeBase

T = TypeVar("T")
_COMPILED: dict[tuple[int, str], tuple[KnowledgeBase, Any]] = {}
_COMPILED_MAX = 32  # a few knowledge bases at a time (tests load several); past it, start over


def compiled(kb: KnowledgeBase, name: str, build: Callable[[], T]) -> T:
    """``build()`` once per knowledge base and ``name`` (the entry keeps the knowledge base alive, so its id
    is not reused meanwhile)."""
    hit = _COMPILED.get((id(kb), name))
    if hit is not None and hit[0] is kb:
        return hit[1]
    if len(_COMPILED) >= _COMPILED_MAX:
        _COMPILED.clear()
    value = build()
    _COMPILED[(id(kb), name)] = (kb, value)
    return value


def test_of(kb: KnowledgeBase, when: Mapping[str, Any] | None) -> Test:
    """The condition ``when`` (one of ``kb``'s rules) compiled, once per condition object."""
    table: dict[int, tuple[Any, Test]] = compiled(kb, "tests", dict)
    hit = table.get(id(when))
    if hit is not None and hit[0] is when:
        return hit[1]
    test = compile_condition(when)
    table[id(when)] = (when, test)  # the entry keeps the condition alive, so its id is not reused
    return test


def holds(kb: KnowledgeBase, when: Mapping[str, Any] | None, answers: Mapping[str, Any]) -> bool:
    """``conditions.holds(when, answers)`` for a condition of ``kb``, compiled once."""
    return test_of(kb, when)(answers)


class _Rule(Protocol):
    @property
    def when(self) -> Any: ...


R = TypeVar("R", bound=_Rule)


def with_tests(kb: KnowledgeBase, rules: Sequence[R]) -> tuple[tuple[R, Test], ...]:
    """Each of ``kb``'s ``rules`` (a list the knowledge base holds: a model's fit rules, the mistakes...)
    with its condition compiled, once per list."""
    table: dict[int, tuple[Any, tuple[tuple[Any, Test], ...]]] = compiled(kb, "rule lists", dict)
    hit = table.get(id(rules))
    if hit is not None and hit[0] is rules:
        return hit[1]
    paired = tuple((rule, test_of(kb, rule.when)) for rule in rules)
    table[id(rules)] = (rules, paired)  # the entry keeps the list alive, so its id is not reused
    return paired
