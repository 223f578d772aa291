"""What an audit reads: a folder tree of documents, or a manifest (CSV or JSON Lines) naming them.

A manifest has one row per document. ``path`` (required) is relative to the manifest's folder; the optional
columns are ``vendor``, ``claimed_model`` (a model id), ``annual_value`` (a plain number), ``currency``
(three letters), ``start_date`` and ``end_date`` (ISO dates, YYYY-MM-DD) and ``owner``. Any other column is
kept as written and carried through to ``documents.jsonl`` under ``metadata.extra``.

Two kinds of fault, told apart on purpose:

- a row the manifest itself gets wrong (no path, a date or number that is not one, an unknown model, an end
  before the start, the same path twice) is an :class:`~seamline.errors.InputFileError` naming the
  manifest, the row and the field, raised by :func:`validate` before any document is checked, so a bad
  manifest writes nothing;
- a document that cannot be read (missing, unreadable, not a supported format) is the document's problem,
  not the manifest's: it gets a record with its reason (naming the manifest row) and the run goes on.

Everything here streams: rows are read one at a time, so a manifest of a million rows costs no more memory
than the set of its paths (kept to refuse a path listed twice).
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

from seamline.errors import InputFileError

KNOWN_COLUMNS = (
    "path",
    "vendor",
    "claimed_model",
    "annual_value",
    "currency",
    "start_date",
    "end_date",
    "owner",
)
MANIFEST_SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
_CURRENCY = re.compile(r"[A-Za-z]{3}")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


@dataclass(frozen=True)
class Item:
    """One document to audit: ``path`` as the output names it (relative to the manifest or the folder,
    ``/``-separated), ``file`` where to read it, ``row`` its manifest row (1-based; None for a folder) and
    ``metadata`` (the known columns, parsed, plus ``extra``: the unknown ones as written)."""

    path: str
    file: str
    row: int | None
    metadata: dict[str, Any]
    where: str  # "manifest.csv row 3" or the path: what a record's error message names


def empty_metadata() -> dict[str, Any]:
    return {name: None for name in KNOWN_COLUMNS[1:]} | {"extra": {}}


def kind_of(source: Path) -> str:
    """``folder``, ``csv`` or ``jsonl``; anything else is refused."""
    if source.is_dir():
        return "folder"
    if not source.exists():
        raise InputFileError(f"{source}: not found; expected a folder of documents or a manifest")
    kind = MANIFEST_SUFFIXES.get(source.suffix.lower())
    if kind is None:
        raise InputFileError(
            f"{source}: not a folder or a manifest; a manifest ends in .csv, .jsonl or .ndjson"
        )
    return kind


def items(source: Path) -> Iterator[Item]:
    """The documents of ``source`` (a folder or a manifest), in a stable order, parsed and validated."""
    kind = kind_of(source)
    if kind == "folder":
        yield from _folder_items(source)
        return
    seen: dict[str, int] = {}
    for row, line, raw in _rows(source, kind):
        item = _parse_row(source, row, line, raw)
        if item.path in seen:
            raise InputFileError(
                f"{_where(source, row, line)}: path: {item.path!r} is listed already "
                f"(row {seen[item.path]}); expected each document once"
            )
        seen[item.path] = row
        yield item


def validate(source: Path) -> int:
    """Read the whole of ``source`` once and return how many documents it names; a bad manifest raises
    :class:`InputFileError` naming the row and field before anything is written."""
    return sum(1 for _ in items(source))


def _folder_items(folder: Path) -> Iterator[Item]:
    from seamline.contracts.scan import documents_in

    for file in documents_in(folder):
        rel = file.relative_to(folder).as_posix()
        yield Item(path=rel, file=str(file.absolute()), row=None, metadata=empty_metadata(), where=rel)


def _where(source: Path, row: int, line: int) -> str:
    return f"{source.name} row {row} (line {line})"


def _rows(source: Path, kind: str) -> Iterator[tuple[int, int, dict[str, Any]]]:
    """(row number, line number, the row as a mapping) for every data row."""
    try:
        fh = source.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputFileError(f"{source}: cannot read the manifest ({exc.strerror or exc})") from None
    with fh:
        try:
            if kind == "csv":
                yield from _csv_rows(source, fh)
            else:
                yield from _jsonl_rows(source, fh)
        except UnicodeDecodeError as exc:
            raise InputFileError(f"{source}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def _csv_rows(source: Path, fh: Any) -> Iterator[tuple[int, int, dict[str, Any]]]:
    reader = csv.reader(fh)
    try:
        header = next(reader)
    except StopIteration:
        raise InputFileError(
            f"{source}: empty manifest; expected a header row naming a path column"
        ) from None
    except csv.Error as exc:
        raise InputFileError(f"{source} line 1: not valid CSV ({exc})") from None
    names = [h.strip() for h in header]
    if "path" not in names:
        raise InputFileError(
            f"{source} line 1: no path column; the header has: {', '.join(names) or '(none)'}"
        )
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InputFileError(f"{source} line 1: column {dupes[0]!r} appears twice; expected unique names")
    row = 0
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputFileError(f"{source} line {reader.line_num}: not valid CSV ({exc})") from None
        if not any(v.strip() for v in values):
            continue  # a blank line
        row += 1
        if len(values) > len(names):
            raise InputFileError(
                f"{_where(source, row, reader.line_num)}: {len(values)} fields where the header names "
                f"{len(names)}; expected one value per column (quote a value that holds a comma)"
            )
        yield row, reader.line_num, dict(zip(names, values, strict=False))


def _jsonl_rows(source: Path, fh: Any) -> Iterator[tuple[int, int, dict[str, Any]]]:
    row = 0
    for line_no, line in enumerate(fh, 1):
        if not line.strip():
            continue
        row += 1
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputFileError(f"{_where(source, row, line_no)}: not valid JSON ({exc.msg})") from None
        if not isinstance(value, dict):
            raise InputFileError(
                f"{_where(source, row, line_no)}: a {type(value).__name__}; expected a JSON object per line"
            )
        yield row, line_no, value


def _text(value: Any) -> str | None:
    """A cell as text: None for an empty cell or a JSON null."""
    if value is None:
        return None
    if isinstance(value, (dict, list, bool)):
        return None if value in ({}, []) else json.dumps(value)
    text = str(value).strip()
    return text or None


def _parse_row(source: Path, row: int, line: int, raw: dict[str, Any]) -> Item:
    from seamline.knowledge import MODEL_IDS

    where = _where(source, row, line)

    def bad(field: str, value: Any, expected: str) -> InputFileError:
        return InputFileError(f"{where}: {field}: {value!r} {expected}")

    path_value = raw.get("path")
    if not isinstance(path_value, str) or not path_value.strip():
        raise InputFileError(
            f"{where}: path: missing; expected the document's path, relative to the manifest"
        )
    rel = path_value.strip().replace("\\", "/")
    if "\x00" in rel:
        raise bad("path", rel, "holds a NUL character; expected a file path")
    meta = empty_metadata()
    for field in ("vendor", "owner"):
        meta[field] = _text(raw.get(field))
    claimed = _text(raw.get("claimed_model"))
    if claimed is not None and claimed not in MODEL_IDS:
        raise bad("claimed_model", claimed, f"is not a model id; expected one of: {', '.join(MODEL_IDS)}")
    meta["claimed_model"] = claimed
    meta["annual_value"] = _number(raw.get("annual_value"), lambda v, e: bad("annual_value", v, e))
    currency = _text(raw.get("currency"))
    if currency is not None and not _CURRENCY.fullmatch(currency):
        raise bad("currency", currency, "is not a currency code; expected three letters such as EUR or USD")
    meta["currency"] = currency.upper() if currency else None
    for field in ("start_date", "end_date"):
        meta[field] = _date(raw.get(field), lambda v, e, f=field: bad(f, v, e))
    if meta["start_date"] and meta["end_date"] and meta["end_date"] < meta["start_date"]:
        raise bad(
            "end_date", meta["end_date"], f"is before start_date {meta['start_date']}; expected a later date"
        )
    meta["extra"] = {k: v for k, v in raw.items() if k not in KNOWN_COLUMNS}
    posix = PurePosixPath(rel)
    file = Path(rel) if posix.is_absolute() else source.parent / Path(*posix.parts)
    return Item(path=rel, file=str(file.absolute()), row=row, metadata=meta, where=where)


def _number(value: Any, bad: Any) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise bad(value, "is not a number; expected a plain number such as 120000 or 120000.50")
    if isinstance(value, str):
        text = value.strip()
        if not _NUMBER.fullmatch(text):
            raise bad(value, "is not a number; expected a plain number such as 120000 or 120000.50")
        number = float(text)
    else:
        number = float(value)
    if not math.isfinite(number) or number < 0:
        raise bad(value, "is out of range; expected a finite amount, zero or more")
    return number


def _date(value: Any, bad: Any) -> str | None:
    text = _text(value)
    if text is None:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise bad(text, "is not a date; expected YYYY-MM-DD, such as 2026-03-31")
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise bad(text, "is not a calendar date; expected YYYY-MM-DD, such as 2026-03-31") from None
