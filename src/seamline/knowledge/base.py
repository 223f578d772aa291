"""What every knowledge file shares: the entry base class, strict YAML reading, validation whose errors name
the file and the key, source checks, duplicate-id checks and the knowledge-base version hash.

This module is the leaf of :mod:`seamline.knowledge`: the per-file modules import it, never the reverse.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from seamline import conditions
from seamline.errors import InputFileError, KnowledgeError, Problem
from seamline.situation import FIELDS
from seamline.yamlio import parse_text

BUNDLED = Path(__file__).parent
"""The bundled knowledge base: the folder holding the YAML files (this package's folder)."""


class Entry(BaseModel):
    """Base of every knowledge entry: frozen, no unknown keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)


Condition = dict[str, Any]


def valid_condition(value: Condition | None) -> Condition | None:
    """Field validator for ``when:`` conditions: only known situation fields and values."""
    problems = conditions.check(value, FIELDS)
    if problems:
        raise ValueError("; ".join(problems))
    return value


class Cited(Entry):
    """A value with its source."""

    value: Any
    source: str
    note: str | None = None


M = TypeVar("M", bound=BaseModel)


def read_yaml(path: Path, root: Path) -> Any:
    """Strict YAML read of a knowledge file; errors name the file relative to ``root``."""
    where = rel(path, root)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise KnowledgeError(f"{where}: cannot read ({exc.strerror})") from None
    try:
        return parse_text(text, where)
    except InputFileError as exc:
        raise KnowledgeError(exc.message, exc.problems) from None


def rel(path: Path, root: Path) -> str:
    """How errors name a knowledge file: ``knowledge/<path under root>``, or the path itself outside it."""
    try:
        return f"knowledge/{path.relative_to(root)}"
    except ValueError:
        return str(path)


def validate(data: Any, model: type[M], where: str) -> M:
    """Validate ``data`` into ``model``; errors name ``where`` and each key path."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            key = ".".join(str(p) for p in err["loc"]) or "(top level)"
            if err["type"] == "extra_forbidden":
                msg = "unknown key"
            elif err["type"] == "missing":
                msg = "required key is missing"
            else:
                msg = str(err["msg"]).removeprefix("Value error, ")
            problems.append(Problem(f"{where}: {key}", msg))
        raise KnowledgeError(f"{where}: invalid knowledge entry", problems) from None


def cited_sources(data: Any, path: str = "") -> Iterable[tuple[str, str]]:
    """Every (key path, source id) under ``data``: ``source`` values and ``sources`` lists."""
    if isinstance(data, Mapping):
        for key, value in data.items():
            sub = f"{path}.{key}" if path else str(key)
            if key == "source" and isinstance(value, str):
                yield sub, value
            elif key == "sources" and isinstance(value, list):
                for i, v in enumerate(value):
                    yield f"{sub}[{i}]", str(v)
            else:
                yield from cited_sources(value, sub)
    elif isinstance(data, list):
        for i, item in enumerate(data):
            yield from cited_sources(item, f"{path}[{i}]")


def check_sources(data: Any, where: str, registry: Mapping[str, Any]) -> None:
    """Refuse any source id that is not in the registry."""
    problems = [
        Problem(f"{where}: {key}", f"unknown source {sid!r}; known: {', '.join(registry)}")
        for key, sid in cited_sources(data)
        if sid not in registry
    ]
    if problems:
        raise KnowledgeError(f"{where}: cites unknown sources", problems)


def require_sources(data: Any, where: str, needs: Iterable[str]) -> None:
    """Refuse entries of the given list keys that cite no source at all."""
    if not isinstance(data, Mapping):
        return
    problems = []
    for key in needs:
        for i, item in enumerate(data.get(key) or []):
            if isinstance(item, Mapping) and "source" not in item:
                problems.append(Problem(f"{where}: {key}[{i}]", "cites no source"))
    if problems:
        raise KnowledgeError(f"{where}: entries without a source", problems)


def check_unique(ids: Iterable[tuple[str, str]], what: str) -> None:
    """Refuse duplicate ids; ``ids`` yields (where, id)."""
    seen: dict[str, str] = {}
    problems = []
    for where, entry_id in ids:
        if entry_id in seen:
            problems.append(
                Problem(f"{where}: id", f"duplicate {what} id {entry_id!r} (also in {seen[entry_id]})")
            )
        else:
            seen[entry_id] = where
    if problems:
        raise KnowledgeError(f"duplicate {what} ids", problems)


def load_list(root: Path, name: str, model: type[M], sources: Mapping[str, Any]) -> list[M]:
    """A knowledge file holding a list of ``model`` entries, its sources checked."""
    path = root / name
    data = read_yaml(path, root)
    where = rel(path, root)
    if not isinstance(data, list):
        raise KnowledgeError(f"{where}: expected a list")
    check_sources(data, where, sources)
    return [validate(d, model, f"{where}[{i}]") for i, d in enumerate(data)]


def knowledge_version(root: Path) -> str:
    """A short hash of every YAML file under ``root`` (names and bytes): the knowledge-base version."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.yaml")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
