"""Strict YAML/JSON reading: duplicate keys are refused and every error names file and line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from seamline.errors import InputFileError, Problem

try:  # libyaml's parser is several times faster; the constructor (and so our checks) is the same
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


class _StrictLoader(_SafeLoader):
    """SafeLoader that refuses duplicate mapping keys (YAML silently keeps the last one)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {key!r} (first defined on line {seen[key] + 1})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse_text(text: str, where: str, *, json_first: bool = False) -> Any:
    """Parse YAML (a superset of JSON) or JSON text; errors name ``where`` and the line."""
    if json_first:
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputFileError(
                f"{where}: invalid JSON",
                [Problem(f"{where}:{exc.lineno}", f"{exc.msg} (column {exc.colno})")],
            ) from None
    try:
        return yaml.load(text, Loader=_StrictLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = exc.problem or "invalid YAML"
        raise InputFileError(f"{where}: invalid YAML", [Problem(f"{where}{line}", problem)]) from None
    except yaml.YAMLError as exc:  # pragma: no cover - non-marked errors are rare
        raise InputFileError(f"{where}: invalid YAML", [Problem(where, str(exc))]) from None


def read_data_file(path: str | Path, *, max_bytes: int = 5_000_000) -> Any:
    """Read a YAML or JSON file given by a user; every failure is an :class:`InputFileError`."""
    p = Path(path)
    if not p.exists():
        raise InputFileError(f"{p}: no such file")
    if p.is_dir():
        raise InputFileError(f"{p}: is a directory, expected a YAML or JSON file")
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise InputFileError(f"{p}: file is {size} bytes, larger than the {max_bytes}-byte limit")
        raw = p.read_bytes()
    except OSError as exc:
        raise InputFileError(f"{p}: cannot read ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{p}: not UTF-8 text (byte {exc.start})") from None
    return parse_text(text, str(p), json_first=p.suffix.lower() == ".json")
