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
    as ``holds(condition, answers)`` for any answers (tests/advisor/test_variations.py compares them), for hot
    loops that evaluate one condition against many answers."""
    if not condition:
        return _always
    tests = [_compile_key(key, expected) for key, expected in condition.items()]
    if len(tests) == 1:
        return tests[0]

    return lambda answers: all(test(answers) for test in tests)


def _always(answers: Mapping[str, Any]) -> bool:
    return True


def _compile_key(key: str, expected: Any) -> Test:
    if key == "any":
        subs = [compile_condition(c) for c in expected]
        return lambda answers: any(sub(answers) for sub in subs)
    if key == "not":
        sub = compile_condition(expected)
        return lambda answers: not sub(answers)
    if isinstance(expected, list):
        options = tuple(expected)
        return lambda answers: answers[key] in options
    if isinstance(expected, Mapping):
        ops = [_compile_op(op, arg) for op, arg in expected.items()]
        if len(ops) == 1:
            op = ops[0]
            return lambda answers: op(answers[key])
        return lambda answers: all(op(answers[key]) for op in ops)
    return lambda answers: bool(answers[key] == expected)


def _compile_op(op: str, arg: Any) -> Callable[[Any], bool]:
    """``_apply(op, value, arg)`` as a function of the value."""
    match op:
        case "lt":
            return lambda value: value is not None and bool(value < arg)
        case "lte":
            return lambda value: value is not None and bool(value <= arg)
        case "gt":
            return lambda value: value is not None and bool(value > arg)
        case "gte":
            return lambda value: value is not None and bool(value >= arg)
        case "eq":
            return lambda value: bool(value == arg)
        case "ne":
            return lambda value: bool(value != arg)
        case "in":
            return lambda value: value in arg
        case "not_in":
            return lambda value: value not in arg
    raise ValueError(f"unknown operator {op!r}")


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
