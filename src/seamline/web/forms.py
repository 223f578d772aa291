"""Questionnaire errors in the questionnaire's own words: each problem under the question's text, with a
message a person can act on ("Type a whole number from 1 to 120; you typed 0"), not a field path and the
schema's wording ("work.duration_months: got 0; expected ...").

The form's checks themselves stay where they are (:meth:`seamline.web.service.Service.form_to_data` and the
situation's schema); this module only words what they found, for the error summary at the top of the form
and the message next to each field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from seamline.errors import Problem, SeamlineError
from seamline.situation import FIELDS, int_bounds


def field_id(path: str) -> str:
    """The HTML id of a question's field (as :meth:`Service.questionnaire` gives it)."""
    return "f-" + path.replace(".", "-").replace("_", "-")


def form_problems(
    service: Any, error: SeamlineError | None, values: Mapping[str, Any]
) -> list[dict[str, str | None]]:
    """The problems of a refused questionnaire, one per question (the first message wins), in the order
    of the form: ``{path, id, label, message}``; ``path`` and ``id`` are None for a problem that names no
    question (then ``label`` is empty)."""
    if error is None:
        return []
    order = {path: i for i, path in enumerate(FIELDS)}
    problems: list[Problem] = list(error.problems) or [Problem("", error.message)]
    out: dict[str, dict[str, str | None]] = {}
    loose: list[dict[str, str | None]] = []
    for p in problems:
        path = _path_of(p.where)
        if path is None:
            loose.append({"path": None, "id": None, "label": "", "message": _plain(p.message)})
            continue
        if path in out:
            continue
        question = service.kb.questions.get(path)
        label = question.label if question is not None else path
        out[path] = {
            "path": path,
            "id": field_id(path),
            "label": label,
            "message": _message(service, path, p.message, values.get(path)),
        }
    ordered = sorted(out.values(), key=lambda e: order.get(str(e["path"]), len(order)))
    return ordered + loose


def _path_of(where: str) -> str | None:
    """The question a problem's ``where`` names (``questionnaire: work.scope`` -> ``work.scope``)."""
    where = where.split(": ")[-1].strip()
    if where in FIELDS:
        return where
    for path in sorted(FIELDS, key=len, reverse=True):  # a deeper path: work.service_units.count.x
        if where.startswith(path + "."):
            return path
    return None


def _message(service: Any, path: str, message: str, raw: Any) -> str:
    kind, _ = FIELDS[path]
    typed = raw.strip() if isinstance(raw, str) else raw
    if "answer this too" in message:
        other = message.split("when ", 1)[-1].split(" is given", 1)[0]
        question = service.kb.questions.get(other)
        return f"Answer this too, since you answered “{question.label if question else other}”."
    if typed in (None, ""):
        return "Give this decision a name." if path == "name" else "Answer this question."
    if kind == "int":
        low, high = int_bounds(path)
        return f"Type a whole number from {low} to {high}; you typed “{str(typed)[:40]}”."
    if kind in ("choice", "bool"):
        return "Choose one of the options."
    if path == "name":
        return f"Give a name of 1 to 200 characters, without control characters ({_plain(message)})."
    return _plain(message)


def _plain(message: str) -> str:
    """A message without the field path in front (``work.x: got ...`` -> ``got ...``), capitalised."""
    text = message.split(": ", 1)[1] if ": " in message and "." in message.split(": ", 1)[0] else message
    return text[:1].upper() + text[1:]


def precheck(values: Mapping[str, Any], found: list[Problem]) -> list[Problem]:
    """What the form's conversion does not check but saving would refuse, so one summary names every
    problem: a whole number outside its question's bounds, and (when ``found`` holds the conversion's
    problems, which stop before the unanswered list) the questions left unanswered."""
    from seamline.situation import is_optional

    named = {p.where for p in found}
    out: list[Problem] = []
    for path, (kind, _) in FIELDS.items():
        raw = values.get(path)
        raw = raw.strip() if isinstance(raw, str) else raw
        if path in named:
            continue
        if raw in (None, ""):
            if found and not is_optional(path):
                out.append(Problem(path, "please answer this question"))
            continue
        if kind == "int":
            try:
                number = int(str(raw))
            except ValueError:
                continue
            low, high = int_bounds(path)
            if not low <= number <= high:
                out.append(Problem(path, f"got {number}; expected a whole number from {low} to {high}"))
    return out
