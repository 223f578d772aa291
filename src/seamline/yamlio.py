"""Strict, bounded YAML/JSON reading: every error names the file (or body), the line or field path.

Structured input from a user (situation, vendor, portfolio and rates files, the API's JSON bodies) and the
knowledge files pass the same checks *before* they are built into Python values, so a hostile file is a
clear refusal, never a crash, a hang or gigabytes of memory:

* nesting at most :data:`MAX_DEPTH` lists and mappings deep (libyaml's composer recurses in C: 25,000
  ``[`` crashed the process; JSON's decoder raises RecursionError);
* aliases may repeat at most :data:`ALIAS_NODES` values and :data:`ALIAS_CHARS` characters in all beyond
  what the file itself holds (the "billion laughs" of nested aliases), and never refer to themselves;
* mapping keys are text (a list, a mapping, a number, true/false or null as a key is refused);
* numbers are finite (no ``.nan``, ``.inf``, JSON's ``NaN``/``Infinity`` or ``1e999``) and within
  ±:data:`MAX_NUMBER` (a 5,000-digit integer used to fail in ``int()``);
* duplicate keys are refused (YAML and JSON silently keep the last one).

:func:`check_data` applies the same rules to values that arrive already built (a Python caller's dict), and
:func:`brief` shows a user's value in a message cut to a bounded length.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from seamline.errors import InputFileError, Problem

try:  # libyaml's parser is several times faster; the constructor (and so our checks) is the same
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

MAX_DEPTH = 50  # lists and mappings inside each other
ALIAS_NODES = 100_000  # values aliases may add beyond the file's own
ALIAS_CHARS = 1_000_000  # characters aliases may add beyond the file's own
MAX_NUMBER = 10**15  # the largest size of any number (a trillion dollars is 10^12)
NUMBER_BOUND = "±10^15"
SHOWN = 80  # characters of a user's value a message shows
# The value is not echoed: a message never carries "NaN" or "Infinity", even the user's own.
_FINITE = f"expected a finite number within {NUMBER_BOUND}"

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_MERGE = "tag:yaml.org,2002:merge"
_KEY_KIND = {
    "tag:yaml.org,2002:null": "null",
    "tag:yaml.org,2002:bool": "true/false",
    _INT: "a number",
    _FLOAT: "a number",
    "tag:yaml.org,2002:timestamp": "a date",
}


class StructureError(InputFileError):
    """Structured input beyond what seamline reads: too deep, aliases repeated too often, a key that is not
    text, or a number that is not finite or too large. The API answers 422 (unprocessable)."""

    status = 422
    code = "invalid_structure"


def brief(value: Any, limit: int = SHOWN) -> str:
    """``repr`` of a user's value cut to about ``limit`` characters (``…``), safe on deep or huge values."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 3 * limit:
        digits = int(value.bit_length() * math.log10(2)) + 1
        return f"{'-' if value < 0 else ''}<a whole number of about {digits} digits>"
    if isinstance(value, str):
        text = repr(value[: limit + 1])
        return text if len(text) <= limit else text[: limit - 1] + "…"
    import reprlib

    shown = reprlib.Repr()
    shown.maxlevel, shown.maxstring, shown.maxother, shown.maxlong = 3, limit, limit, limit
    shown.maxlist = shown.maxtuple = shown.maxdict = shown.maxset = 6
    try:
        text = shown.repr(value)
    except (ValueError, RecursionError):  # pragma: no cover - reprlib bounds depth and int size above
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def brief_key(key: Any, limit: int = SHOWN) -> str:
    """A key or field-path part as text, cut to ``limit`` characters."""
    text = key if isinstance(key, str) else brief(key, limit)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def field_path(parts: tuple[Any, ...] | list[Any]) -> str:
    """``("costs", "parameters", "x")`` to ``costs.parameters.x``; list indexes as ``[i]``; parts bounded."""
    out = ""
    for part in parts:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + brief_key(part)
    return out if len(out) <= 2 * SHOWN else out[:SHOWN] + "…" + out[-SHOWN // 2 :]


class _StrictLoader(_SafeLoader):
    """SafeLoader that refuses duplicate mapping keys (YAML silently keeps the last one)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            first = seen.get(key)
        except TypeError:  # unhashable; the event check refuses these first, this is a second guard
            raise yaml.constructor.ConstructorError(
                None, None, "a list or mapping used as a key; keys must be text", key_node.start_mark
            ) from None
        if first is not None:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {brief(key)} (first defined on line {first + 1})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


# ------------------------------------------------------------------------------------------ YAML events
class _Frame:
    """An open list or mapping while the events are walked."""

    __slots__ = ("anchor", "chars", "expect_key", "height", "index", "is_map", "key", "nodes")

    def __init__(self, is_map: bool, anchor: str | None) -> None:
        self.is_map = is_map
        self.anchor = anchor
        self.nodes = 1
        self.chars = 0
        self.height = 1
        self.expect_key = True
        self.key: Any = None
        self.index = 0

    def advance(self) -> None:
        if self.is_map:
            self.expect_key = not self.expect_key
        else:
            self.index += 1


def _path_of(stack: list[_Frame], levels: int = MAX_DEPTH) -> str:
    """The field path of the node the events are at; past ``levels`` the rest is ``…``."""
    parts: list[Any] = []
    for frame in stack[:levels]:
        if frame.is_map:
            if frame.expect_key:
                break  # the node is a key of this mapping: the path ends at the mapping
            parts.append(frame.key)
        else:
            parts.append(frame.index)
    shown = field_path(parts) or "(top level)"
    return shown + "…" if len(stack) > levels else shown


def _refuse(where: str, line: int, path: str, summary: str, detail: str) -> StructureError:
    return StructureError(
        f"{where}:{line}: {path}: {summary}", [Problem(f"{where}:{line}", f"{path}: {detail}")]
    )


_CONSTRUCTOR = yaml.constructor.SafeConstructor()  # builds one scalar at a time: no state kept between


def _scalar_number(tag: str, value: str) -> tuple[str, str] | None:
    """(summary, detail) when a scalar YAML reads as a number is not finite, too large or unreadable."""
    number: float
    if tag == _INT:
        digits = len(value.replace("_", "").lstrip("+-"))
        if digits > 30:
            return (
                "a whole number too large",
                f"a whole number of {digits} digits; expected a number within {NUMBER_BOUND}",
            )
        if value.isdigit() and (value[0] != "0" or len(value) == 1):  # plain decimal: YAML reads it as int()
            number = int(value)
        else:  # signs, 0x, 0o, 0b, YAML 1.1 octal 017, sexagesimal 1:30
            try:
                number = _CONSTRUCTOR.construct_yaml_int(yaml.ScalarNode(tag, value))
            except (ValueError, LookupError):  # IndexError: an empty `!!int`
                return "not a whole number", f"got {brief(value)}; expected a whole number"
    else:
        try:  # 1.5, -2.0e+3, 1_000.5: Python reads these as YAML does
            number = float(value)
        except ValueError:  # .inf, .nan, sexagesimal 1:30.5
            try:
                number = _CONSTRUCTOR.construct_yaml_float(yaml.ScalarNode(tag, value))
            except (ValueError, LookupError):
                return "not a number", f"got {brief(value)}; expected a number"
        if not math.isfinite(number):
            return "not a finite number", _FINITE
    if abs(number) > MAX_NUMBER:
        return "a number too large", f"got {brief(value)}; expected a number within {NUMBER_BOUND}"
    return None


def _line(event: yaml.Event) -> int:
    return event.start_mark.line + 1 if event.start_mark is not None else 0


def _check_yaml(text: str, where: str) -> None:
    """Walk the parser's events (libyaml's parser keeps its own stack; only the composer recurses) and refuse
    what would crash, hang or blow up composing or constructing the document."""
    resolver = yaml.resolver.Resolver()
    stack: list[_Frame] = []
    # anchor -> (values, characters, height, key kind or None for text, the scalar's value)
    anchors: dict[str, tuple[int, int, int, str | None, str]] = {}
    open_anchors: set[str] = set()
    extra_nodes = extra_chars = 0
    scalar_event = yaml.ScalarEvent
    parent: _Frame | None
    for event in yaml.parse(text, Loader=_SafeLoader):
        if type(event) is scalar_event and stack and not (stack[-1].is_map and stack[-1].expect_key):
            # the common case first: a value (not a key) inside a list or mapping
            value, parent = event.value, stack[-1]
            tag = event.tag
            if tag is None or tag == "!":
                tag = resolver.resolve(yaml.ScalarNode, value, event.implicit)
            if tag in (_INT, _FLOAT):
                bad = _scalar_number(tag, value)
                if bad is not None:
                    raise _refuse(where, _line(event), _path_of(stack), *bad)
            if event.anchor is not None:
                key_kind = None if tag in (_STR, _MERGE) else _KEY_KIND.get(tag, "not text")
                anchors[event.anchor] = (1, len(value), 0, key_kind, value)
            parent.nodes += 1
            parent.chars += len(value)
            parent.advance()
            continue
        if isinstance(event, yaml.CollectionEndEvent):
            frame = stack.pop()
            if frame.anchor is not None:
                anchors[frame.anchor] = (frame.nodes, frame.chars, frame.height, "a list or mapping", "")
                open_anchors.discard(frame.anchor)
            if stack:
                outer = stack[-1]
                outer.nodes += frame.nodes
                outer.chars += frame.chars
                outer.height = max(outer.height, frame.height + 1)
                outer.advance()
            continue
        if not isinstance(event, yaml.NodeEvent):
            if isinstance(event, yaml.DocumentStartEvent):
                anchors.clear()
            continue
        line = _line(event)
        parent = stack[-1] if stack else None
        is_key = parent is not None and parent.is_map and parent.expect_key
        if isinstance(event, yaml.CollectionStartEvent):
            if is_key:
                what = "a mapping" if isinstance(event, yaml.MappingStartEvent) else "a list"
                raise _refuse(
                    where,
                    line,
                    _path_of(stack),
                    f"{what} used as a key",
                    f"{what} used as a key; keys must be text",
                )
            if len(stack) >= MAX_DEPTH:
                raise _refuse(
                    where,
                    line,
                    _path_of(stack, 3),
                    f"nested more than {MAX_DEPTH} levels deep",
                    f"lists and mappings nested more than {MAX_DEPTH} levels deep",
                )
            stack.append(_Frame(isinstance(event, yaml.MappingStartEvent), event.anchor))
            if event.anchor is not None:
                open_anchors.add(event.anchor)
            continue
        if isinstance(event, yaml.AliasEvent):
            anchor = str(event.anchor)
            if anchor in open_anchors:
                raise _refuse(
                    where,
                    line,
                    _path_of(stack),
                    f"alias *{brief_key(anchor)} inside its own anchor",
                    f"the alias *{brief_key(anchor)} refers to the value that holds it",
                )
            nodes, chars, height, key_kind, value = anchors.get(anchor, (1, 0, 0, None, anchor))
            extra_nodes += nodes
            extra_chars += chars
            if extra_nodes > ALIAS_NODES or extra_chars > ALIAS_CHARS:
                raise _refuse(
                    where,
                    line,
                    _path_of(stack),
                    "aliases repeat too much",
                    f"aliases (*name) repeat more than {ALIAS_NODES:,} values or {ALIAS_CHARS:,} characters; "
                    "write the values out or use fewer aliases",
                )
            if len(stack) + height > MAX_DEPTH:
                raise _refuse(
                    where,
                    line,
                    _path_of(stack, 3),
                    f"nested more than {MAX_DEPTH} levels deep",
                    f"the alias *{brief_key(anchor)} nests lists and mappings over {MAX_DEPTH} levels deep",
                )
        else:
            assert isinstance(event, yaml.ScalarEvent)
            value = event.value
            tag = event.tag
            if tag is None or tag == "!":
                tag = resolver.resolve(yaml.ScalarNode, value, event.implicit)
            nodes, chars, height = 1, len(value), 0
            key_kind = None if tag in (_STR, _MERGE) else _KEY_KIND.get(tag, "not text")
            if not is_key and tag in (_INT, _FLOAT):
                bad = _scalar_number(tag, value)
                if bad is not None:
                    raise _refuse(where, line, _path_of(stack), *bad)
            if event.anchor is not None:
                anchors[event.anchor] = (1, chars, 0, key_kind, value)
        if parent is None:
            continue
        if is_key:
            if key_kind is not None:
                raise _refuse(
                    where,
                    line,
                    _path_of(stack),
                    "a key that is not text",
                    f"the key {brief(value)} reads as {key_kind}; keys must be text (quote it)",
                )
            parent.key = value
        parent.nodes += nodes
        parent.chars += chars
        parent.height = max(parent.height, height + 1)
        parent.advance()


# ------------------------------------------------------------------------------------------ JSON
class _Refused:
    """A JSON number the decoder must not build (NaN, Infinity, too many digits): refused with its path."""

    def __init__(self, text: str) -> None:
        self.text = text


def _json_int(text: str) -> int | _Refused:
    if len(text.lstrip("-")) > 30:
        return _Refused(text)
    return int(text)


def _json_float(text: str) -> float | _Refused:
    value = float(text)
    return value if math.isfinite(value) else _Refused(text)


def _json_whole_float(text: str) -> int | float | _Refused:
    """As :func:`_json_float`, but a number with no fraction (``25.0``, ``2.5e1``) is the whole number it
    is, as JSON Schema reads it (``{"type": "integer"}`` holds 25.0)."""
    value = _json_float(text)
    if isinstance(value, float) and value.is_integer() and abs(value) <= 2**53:
        return int(value)
    return value


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def parse_json(text: str | bytes, where: str, *, whole_floats: bool = False) -> Any:
    """Parse JSON with the same bounds as YAML (depth, duplicate keys, finite numbers within ±10^15).

    ``whole_floats``: a number written with a zero fraction (``25.0``) is read as a whole number, as JSON
    Schema reads it (the web API, whose schema says ``integer``); files keep the strict reading.

    Python's decoder guards its own recursion (RecursionError, refused here); :func:`check_data` then bounds
    the depth to :data:`MAX_DEPTH` and names the path. NaN, Infinity and numbers with too many digits are
    held as :class:`_Refused` while decoding, so the refusal can name their path too.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputFileError(
                f"{where}: not UTF-8 text (byte {exc.start})", [Problem(where, "expected UTF-8 JSON")]
            ) from None
    try:
        data = json.loads(
            text,
            parse_constant=_Refused,
            parse_int=_json_int,
            parse_float=_json_whole_float if whole_floats else _json_float,
            object_pairs_hook=_json_pairs,
        )
    except _DuplicateKey as exc:
        raise InputFileError(
            f"{where}: duplicate key {brief(exc.key)}", [Problem(where, f"duplicate key {brief(exc.key)}")]
        ) from None
    except json.JSONDecodeError as exc:
        raise InputFileError(
            f"{where}: invalid JSON",
            [Problem(f"{where}:{exc.lineno}", f"{exc.msg} (column {exc.colno})")],
        ) from None
    except RecursionError:  # the C decoder's guard (about 1,000 levels); check_data bounds the rest
        raise StructureError(
            f"{where}: nested more than {MAX_DEPTH} levels deep",
            [Problem(where, f"lists and objects nested more than {MAX_DEPTH} levels deep")],
        ) from None
    check_data(data, where)
    return data


# ------------------------------------------------------------------------------------------ built values
def check_data(data: Any, where: str) -> None:
    """Refuse built values that break the bounds: deeper than :data:`MAX_DEPTH`, a key that is not text,
    a number that is not finite or beyond ±:data:`MAX_NUMBER`. The message names ``where`` and the path.

    Iterative, and plain values in range are never pushed, so a flat list of a million numbers is cheap.
    """
    stack: list[tuple[Any, Any, int]] = [(data, None, 0)]  # (value, path as (parent, key) links, depth)
    problem: tuple[str, str] | None = None
    while stack and problem is None:
        value, link, depth = stack.pop()
        kind = type(value)
        is_map = kind is dict or (kind is not list and kind is not tuple and isinstance(value, Mapping))
        if not is_map and kind is not list and kind is not tuple and not isinstance(value, list | tuple):
            problem = _problem(value)
        elif depth >= MAX_DEPTH:
            problem = (
                f"nested more than {MAX_DEPTH} levels deep",
                f"lists and mappings nested more than {MAX_DEPTH} levels deep",
            )
        elif is_map:
            for key in reversed(list(value)):
                if type(key) is not str and not isinstance(key, str):
                    problem = (
                        "a key that is not text",
                        f"the key {brief(key)} is not text; keys must be text",
                    )
                    break
                item = value[key]
                if not _plain(item):
                    stack.append((item, (link, key), depth + 1))
        else:
            for i in range(len(value) - 1, -1, -1):
                item = value[i]
                if not _plain(item):
                    stack.append((item, (link, i), depth + 1))
    if problem is not None:
        parts: list[Any] = []
        while link is not None:
            link, part = link
            parts.append(part)
        parts.reverse()
        deep = problem[0].startswith("nested")  # the first levels say where; the rest is noise
        path = (field_path(parts[:3]) + ("…" if len(parts) > 3 else "")) if deep else field_path(parts)
        path = path or "(top level)"
        raise StructureError(f"{where}: {path}: {problem[0]}", [Problem(path, problem[1])])


def _plain(value: Any) -> bool:
    """Text, true/false, null or a number in range: nothing to check below it."""
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return True
    if kind is int or kind is float:
        return -MAX_NUMBER <= value <= MAX_NUMBER  # False for NaN
    return False


def _problem(value: Any) -> tuple[str, str] | None:
    """(summary, detail) when a value that is not a list or mapping breaks a bound."""
    if _plain(value):
        return None
    if isinstance(value, _Refused):
        if not value.text.lstrip("-")[:1].isdigit():
            return "not a finite number", _FINITE
        return "a number too large", f"got {brief(value.text)}; expected a number within {NUMBER_BOUND}"
    if isinstance(value, float):  # a float subclass too (NumPy's)
        if not math.isfinite(value):
            return "not a finite number", _FINITE
        if abs(value) > MAX_NUMBER:
            return "a number too large", f"got {value:g}; expected a number within {NUMBER_BOUND}"
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        if abs(value) > MAX_NUMBER:
            return "a number too large", f"got {brief(value)}; expected a number within {NUMBER_BOUND}"
        return None
    return None  # text subclasses, dates, bytes: the schema judges them


# ------------------------------------------------------------------------------------------ text and files
def parse_text(text: str, where: str, *, json_first: bool = False) -> Any:
    """Parse YAML (a superset of JSON) or JSON text; errors name ``where`` and the line or field path."""
    if json_first:
        return parse_json(text, where)
    try:
        _check_yaml(text, where)
        return yaml.load(text, Loader=_StrictLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = exc.problem or "invalid YAML"
        raise InputFileError(f"{where}: invalid YAML", [Problem(f"{where}{line}", problem)]) from None
    except yaml.YAMLError as exc:  # pragma: no cover - non-marked errors are rare
        raise InputFileError(f"{where}: invalid YAML", [Problem(where, brief_key(str(exc), 200))]) from None
    except (ValueError, TypeError, LookupError, AttributeError, OverflowError) as exc:  # a tag's bad value
        raise InputFileError(
            f"{where}: invalid YAML value",
            [Problem(where, f"{type(exc).__name__}: {brief_key(str(exc), 200)}")],
        ) from None


_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def read_data_file(path: str | Path, *, max_bytes: int = 5_000_000) -> Any:
    """Read a YAML or JSON file given by a user; every failure is an :class:`InputFileError`."""
    from seamline.files import read_regular_bytes

    p = Path(path)
    raw = read_regular_bytes(p, max_bytes, expected="a YAML or JSON file")
    encoding = next((enc for bom, enc in _BOMS if raw.startswith(bom)), "utf-8-sig")
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{p}: not UTF-8 text (byte {exc.start})") from None
    if encoding != "utf-8-sig":
        text = text.lstrip("\ufeff")
    return parse_text(text, str(p), json_first=p.suffix.lower() == ".json")
