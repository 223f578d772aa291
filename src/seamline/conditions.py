"""The one condition language shared by fit, misfit, weights, mistakes and the five-question test.

A condition is plain data::

    {"work.core": true, "work.scope": ["evolving", "partly_defined"], "work.duration_months": {"lt": 3}}

Every key is a situation field path; all keys must hold. A scalar means "equals", a list means "one of",
a mapping applies operators (``lt lte gt gte eq ne in not_in``). ``any: [cond, ...]`` holds when one of the
conditions does and ``not: cond`` negates. The same evaluator is used everywhere, so a rule is added by
editing YAML.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

Test = Callable[[Mapping[str, Any]], bool]

OPERATORS = ("lt", "lte", "gt", "gte", "eq", "ne", "in", "not_in")
COMBINATORS = ("any", "not")


def holds(condition: Mapping[str, Any] | None, answers: Mapping[str, Any]) -> bool:
    """Whether ``condition`` holds for flat ``answers`` (``{"work.scope": "evolving", ...}``)."""
    if not condition:
        return True
    for key, expected in condition.items():
        if key == "any":
            if not any(holds(c, answers) for c in expected):
                return False
        elif key == "not":
            if holds(expected, answers):
                return False
        elif not _matches(answers[key], expected):
            return False
    return True


def _matches(value: Any, expected: Any) -> bool:
    if isinstance(expected, list):
        return value in expected
    if isinstance(expected, Mapping):
        return all(_apply(op, value, arg) for op, arg in expected.items())
    return bool(value == expected)


def _apply(op: str, value: Any, arg: Any) -> bool:
    if value is None and op in ("lt", "lte", "gt", "gte"):
        return False  # an optional answer left out is neither below nor above any number
    match op:
        case "lt":
            return bool(value < arg)
        case "lte":
            return bool(value <= arg)
        case "gt":
            return bool(value > arg)
        case "gte":
            return bool(value >= arg)
        case "eq":
            return bool(value == arg)
        case "ne":
            return bool(value != arg)
        case "in":
            return value in arg
        case "not_in":
            return value not in arg
    raise ValueError(f"unknown operator {op!r}")


def compile_condition(condition: Mapping[str, Any] | None) -> Test:
    """``holds`` for one condition as a function of the answers, the condition read once: the same result
    as ``holds(condition, answers)`` for any answers (tests/advisor/test_variations.py compares them), for
    hot loops that evaluate one condition against many answers.

    The condition becomes one Python expression over the answers, in the order ``holds`` reads it
    (``and``/``or`` short-circuit as ``all``/``any`` do). Field names and values never enter the source
    text: they are bound as constants (``k0``, ``c0``, ...), so the text holds only names and operators.
    """
    constants: dict[str, Any] = {}

    def const(value: Any, prefix: str = "c") -> str:
        name = f"{prefix}{len(constants)}"
        constants[name] = value
        return name

    def conjunction(cond: Mapping[str, Any] | None) -> str:
        if not cond:
            return "True"
        return "(" + " and ".join(term(key, expected) for key, expected in cond.items()) + ")"

    def term(key: str, expected: Any) -> str:
        if key == "any":
            return "(" + " or ".join(conjunction(c) for c in expected) + ")" if expected else "False"
        if key == "not":
            return f"(not {conjunction(expected)})"
        value = f"a[{const(key, 'k')}]"
        if isinstance(expected, list):
            return f"({value} in {const(tuple(expected))})"
        if isinstance(expected, Mapping):
            return "(" + " and ".join(_op_text(op, value, const(arg)) for op, arg in expected.items()) + ")"
        return f"({value} == {const(expected)})"

    source = f"lambda a: bool({conjunction(condition)})"
    namespace = {"__builtins__": {"bool": bool}, **constants}  # the lambda's globals: its constants
    test: Test = eval(source, namespace)
    return test


def _op_text(op: str, value: str, arg: str) -> str:
    """``_apply(op, value, arg)`` as an expression."""
    if op in _COMPARE:  # an optional answer left out is neither below nor above any number
        return f"({value} is not None and {value} {_COMPARE[op]} {arg})"
    if op in _TEST:
        return f"({value} {_TEST[op]} {arg})"
    raise ValueError(f"unknown operator {op!r}")


_COMPARE = {"lt": "<", "lte": "<=", "gt": ">", "gte": ">="}
_TEST = {"eq": "==", "ne": "!=", "in": "in", "not_in": "not in"}


def check(condition: Any, fields: Mapping[str, tuple[str, tuple[Any, ...] | None]]) -> list[str]:
    """Problems with a condition against the situation field table (empty when valid)."""
    if condition is None:
        return []
    if not isinstance(condition, Mapping):
        return [f"expected a mapping of field: value, got {type(condition).__name__}"]
    problems: list[str] = []
    for key, expected in condition.items():
        if key == "any":
            if not isinstance(expected, list) or not expected:
                problems.append("any: expected a non-empty list of conditions")
            else:
                for i, sub in enumerate(expected):
                    problems += [f"any[{i}].{p}" for p in check(sub, fields)]
        elif key == "not":
            problems += [f"not.{p}" for p in check(expected, fields)]
        elif key not in fields:
            problems.append(f"{key}: unknown situation field; expected one of: {', '.join(fields)}")
        else:
            problems += [f"{key}: {p}" for p in _check_value(expected, fields[key])]
    return problems


def _check_value(expected: Any, spec: tuple[str, tuple[Any, ...] | None]) -> list[str]:
    typ, allowed = spec
    values: list[Any]
    if isinstance(expected, Mapping):
        bad = [op for op in expected if op not in OPERATORS]
        if bad:
            return [f"unknown operator {bad[0]!r}; expected one of: {', '.join(OPERATORS)}"]
        values = []
        for op, arg in expected.items():
            if op in ("in", "not_in"):
                values += list(arg) if isinstance(arg, list) else [arg]
            else:
                values.append(arg)
    elif isinstance(expected, list):
        values = expected
    else:
        values = [expected]
    problems = []
    for v in values:
        if v is None:
            continue  # null: the optional answer was left out
        if allowed is not None and v not in allowed:
            problems.append(f"{v!r} is not an allowed value; expected one of: {', '.join(map(str, allowed))}")
        elif typ == "int" and (isinstance(v, bool) or not isinstance(v, int)):
            problems.append(f"{v!r} is not a whole number")
    return problems


def fields(condition: Mapping[str, Any] | None) -> Iterator[str]:
    """Every situation field a condition reads."""
    if not condition:
        return
    for key, expected in condition.items():
        if key == "any":
            for sub in expected:
                yield from fields(sub)
        elif key == "not":
            yield from fields(expected)
        else:
            yield key


def predicates(condition: Mapping[str, Any] | None) -> Iterator[tuple[str, str, Any]]:
    """(field, operator, argument) for every test a condition makes on an answer: a scalar is ``eq``, a
    list is ``in`` (as a tuple). ``holds`` reads an answer only through these, so two values of a field that
    give the same result on every one of a knowledge base's predicates are alike to every rule."""
    if not condition:
        return
    for key, expected in condition.items():
        if key == "any":
            for sub in expected:
                yield from predicates(sub)
        elif key == "not":
            yield from predicates(expected)
        elif isinstance(expected, list):
            yield key, "in", tuple(expected)
        elif isinstance(expected, Mapping):
            for op, arg in expected.items():
                yield key, op, tuple(arg) if isinstance(arg, list) else arg
        else:
            yield key, "eq", expected


def outcome(op: str, value: Any, arg: Any) -> bool:
    """One predicate (see :func:`predicates`) applied to an answer, as ``holds`` applies it."""
    return _apply(op, value, arg)


def numeric_thresholds(condition: Mapping[str, Any] | None) -> Iterator[tuple[str, int]]:
    """(field, number) pairs that a condition compares against: the edges where answers flip."""
    if not condition:
        return
    for key, expected in condition.items():
        if key == "any":
            for sub in expected:
                yield from numeric_thresholds(sub)
        elif key == "not":
            yield from numeric_thresholds(expected)
        elif isinstance(expected, Mapping):
            for op, arg in expected.items():
                if op in ("lt", "lte", "gt", "gte", "eq", "ne") and isinstance(arg, int):
                    yield key, arg
