"""The vendor form: a vendor profile as form fields and back, and where each problem is shown.

The form is drawn from the same cited questions as ``seamline vendors`` (``VendorKnowledge.questions``):
one free answer per question, plus the profile's own fields (offered models, certifications, rates,
references, attrition, replacement, escalation). A problem :func:`seamline.vendors.parse_vendor` names
by its field path (``rates.hourly.low``) is shown next to that field (:func:`field_id`); in an uploaded
file, with its line (:func:`line_of`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from seamline.errors import InputFileError, Problem, SeamlineError

REFERENCES = 3  # reference rows in the form (the questions ask for three)
UPLOAD_MAX_BYTES = 1_000_000
_RANGE = {"hourly": "hourly", "monthly": "monthly_per_engineer"}
_PATH = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def field_id(path: str) -> str:
    """The id of the form field where a problem at ``path`` is shown (``rates.hourly.low`` ->
    ``v-rates-hourly-low``)."""
    path = path.rsplit(": ", 1)[-1].strip()
    if path.startswith("answers."):
        return "v-answer-" + path.split(".", 1)[1].replace("_", "-")
    if path.startswith("models"):
        return "v-models"
    if path.startswith("certifications"):
        return "v-certifications"
    m = re.match(r"references\[(\d+)\]\.?(\w+)?", path)
    if m:
        return f"v-ref{int(m.group(1)) + 1}-{m.group(2) or 'client'}"
    clean = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")
    clean = clean.replace("monthly-per-engineer", "monthly")
    return f"v-{clean}" if clean else "v-name"


def profile_to_values(profile: Mapping[str, Any]) -> dict[str, Any]:
    """A stored or uploaded profile as the form's values (field name -> text; ``models`` a list)."""
    values: dict[str, Any] = {
        "name": profile.get("name") or "",
        "models": list(profile.get("models") or []),
        "certifications": "\n".join(profile.get("certifications") or []),
        "replacement": profile.get("replacement") or "",
        "escalation": profile.get("escalation") or "",
    }
    rates = profile.get("rates") or {}
    values["currency"] = rates.get("currency") or "USD"
    for short, key in _RANGE.items():
        span = rates.get(key) or {}
        values[f"{short}_low"] = _num(span.get("low"))
        values[f"{short}_high"] = _num(span.get("high"))
    attrition = profile.get("attrition") or {}
    values["attrition_rate"] = _num(attrition.get("annual_rate_percent"))
    values["attrition_tenure"] = _num(attrition.get("average_tenure_years"))
    for i, ref in enumerate((profile.get("references") or [])[:REFERENCES], 1):
        for part in ("client", "scale", "contact"):
            values[f"ref{i}_{part}"] = ref.get(part) or ""
    for qid, text in (profile.get("answers") or {}).items():
        values[f"answer.{qid}"] = text or ""
    return values


def _num(value: Any) -> str:
    return "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def values_to_profile(form: Mapping[str, Any], models: list[str]) -> dict[str, Any]:
    """The profile (the file's shape) the form's values describe; a number that is not one is refused
    naming its field."""
    problems: list[Problem] = []

    def text(key: str) -> str:
        value = form.get(key)
        if not isinstance(value, str):
            return ""
        return " ".join(value.split()) if key == "name" else value.strip()

    def number(key: str, path: str) -> float | None:
        raw = text(key)
        if not raw:
            return None
        try:
            value = float(raw.replace(",", ""))
        except ValueError:
            problems.append(Problem(path, f"got {raw[:40]!r}; expected a number"))
            return None
        if value != value or value in (float("inf"), float("-inf")):
            problems.append(Problem(path, "expected a finite number"))
            return None
        return value

    profile: dict[str, Any] = {"name": text("name")}
    if models:
        profile["models"] = models
    certs = [line.strip() for line in text("certifications").splitlines() if line.strip()]
    if certs:
        profile["certifications"] = certs
    rates: dict[str, Any] = {}
    for short, key in _RANGE.items():
        low = number(f"{short}_low", f"rates.{key}.low")
        high = number(f"{short}_high", f"rates.{key}.high")
        if low is not None or high is not None:
            if low is None or high is None:
                missing = f"rates.{key}.{'low' if low is None else 'high'}"
                if all(p.where != missing for p in problems):  # not already named as no number
                    problems.append(Problem(missing, "expected both the low and the high end"))
            else:
                rates[key] = {"low": low, "high": high}
    if rates:
        rates["currency"] = text("currency") or "USD"
        profile["rates"] = rates
    refs: list[dict[str, str]] = []
    for i in range(1, REFERENCES + 1):
        ref = {part: text(f"ref{i}_{part}") for part in ("client", "scale", "contact")}
        if any(ref.values()):
            if not ref["client"]:
                problems.append(Problem(f"references[{len(refs)}].client", "expected the client's name"))
            refs.append({k: v for k, v in ref.items() if v})
    if refs:
        profile["references"] = refs
    rate = number("attrition_rate", "attrition.annual_rate_percent")
    tenure = number("attrition_tenure", "attrition.average_tenure_years")
    if rate is not None or tenure is not None:
        profile["attrition"] = {
            k: v
            for k, v in (("annual_rate_percent", rate), ("average_tenure_years", tenure))
            if v is not None
        }
    for key in ("replacement", "escalation"):
        if text(key):
            profile[key] = text(key)
    answers = {
        key.split(".", 1)[1]: text(key)
        for key in form
        if isinstance(key, str) and key.startswith("answer.") and text(key)
    }
    if answers:
        profile["answers"] = answers
    if problems:
        raise InputFileError("vendor: invalid vendor profile", problems)
    return profile


def read_upload(filename: str, data: bytes) -> tuple[Any, str]:
    """The data of an uploaded YAML or JSON profile, and its text (for :func:`line_of`)."""
    from seamline.yamlio import parse_text

    if len(data) > UPLOAD_MAX_BYTES:
        raise InputFileError(
            f"{filename}: over {UPLOAD_MAX_BYTES:,} bytes",
            [Problem("file", f"expected at most {UPLOAD_MAX_BYTES:,} bytes")],
        )
    if not filename.lower().endswith((".yaml", ".yml", ".json")):
        raise InputFileError(
            f"{filename}: expected a .yaml, .yml or .json file",
            [Problem("file", "expected a YAML or JSON vendor profile")],
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(
            f"{filename}: not UTF-8 text (byte {exc.start})", [Problem("file", "expected UTF-8 text")]
        ) from None
    return parse_text(text, filename, json_first=filename.lower().endswith(".json")), text


def line_of(text: str, path: str) -> int | None:
    """The line (1-based) of the value at ``path`` (``references[1].client``) in YAML/JSON ``text``; the
    nearest enclosing value's line when the field itself is missing; None when the text cannot be read."""
    import yaml

    try:
        node: Any = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    if node is None:
        return None
    line = node.start_mark.line + 1
    for key, index in _PATH.findall(path.rsplit(": ", 1)[-1]):
        found = None
        if key and isinstance(node, yaml.MappingNode):
            found = next((v for k, v in node.value if getattr(k, "value", None) == key), None)
            if found is None:
                found = next((k for k, _ in node.value if getattr(k, "value", None) == key), None)
        elif index and isinstance(node, yaml.SequenceNode) and int(index) < len(node.value):
            found = node.value[int(index)]
        if found is None:
            break
        node = found
        line = node.start_mark.line + 1
    return line


def with_lines(exc: SeamlineError, text: str, filename: str) -> SeamlineError:
    """``exc`` with each problem's line in the uploaded file (``vendor.yaml:12: rates.hourly.low``)."""
    problems = []
    for p in exc.problems:
        where = p.where.rsplit(": ", 1)[-1]
        if re.fullmatch(r".+:\d+", p.where) or where in ("", "(top level)"):
            problems.append(p)
            continue
        line = line_of(text, where)
        problems.append(Problem(f"{filename}:{line}: {where}" if line else where, p.message))
    return type(exc)(exc.message, problems)
