"""A portfolio as a table: one row per workstream (a CSV file, or the web form's rows).

The columns are the workstream's own fields and the situation's answers by their dotted path
(:data:`COLUMNS`); the portfolio's name and stage are given beside the table. Rows become the portfolio
file's shape (what :func:`seamline.portfolio.parse_portfolio` reads) and back::

    data = rows_to_portfolio("Q3 plan", "scale_up", read_csv(text))
    rows = portfolio_to_rows(data)

Every problem is named by its row (``row 3: work.engineers``, the header being row 1) and field, with
what was expected; nothing is half-read.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from seamline.errors import InputFileError, Problem, SeamlineError
from seamline.knowledge import MODEL_IDS, KnowledgeBase
from seamline.situation import FIELDS, parse_situation
from seamline.yamlio import brief

OWN = ("name", "vendor", "model")  # the workstream's own fields
REQUIRED_ANSWERS = (
    "work.type",
    "work.core",
    "work.scope",
    "work.duration_months",
    "work.engineers",
    "team.technical_leadership",
    "team.product_manager",
    "preferences.involvement",
    "preferences.pricing",
    "preferences.ip_in_house",
    "preferences.share_business_context",
)
OPTIONAL_ANSWERS = ("work.needed_within_weeks", "team.can_hire", "team.lead_hours_per_week")
ANSWERS = REQUIRED_ANSWERS + OPTIONAL_ANSWERS
COLUMNS = OWN + ANSWERS
REQUIRED = ("name", *REQUIRED_ANSWERS)
MAX_ROWS = 50  # workstreams planned at once from the web (each one runs its own Monte Carlo)
MAX_CSV_BYTES = 200_000
TRUE = ("true", "yes", "y", "1")
FALSE = ("false", "no", "n", "0")


def row_label(index: int) -> str:
    """A CSV row's name: the header is row 1, the first workstream row 2."""
    return f"row {index + 2}"


def read_csv(text: str, where: str = "csv") -> list[dict[str, str]]:
    """The rows of a CSV file with a header of :data:`COLUMNS` (any order; optional ones may be left out)."""
    if len(text.encode("utf-8")) > MAX_CSV_BYTES:
        raise InputFileError(
            f"{where}: over {MAX_CSV_BYTES:,} bytes",
            [Problem(where, f"expected at most {MAX_CSV_BYTES:,} bytes")],
        )
    try:
        reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
        table = [row for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise InputFileError(
            f"{where}: not a readable CSV file ({exc})", [Problem(where, "expected CSV")]
        ) from None
    if not table:
        raise InputFileError(
            f"{where}: empty; expected a header row and one row per workstream",
            [Problem("row 1", f"expected the columns: {', '.join(REQUIRED)}")],
        )
    header = [h.strip() for h in table[0]]
    problems = [
        Problem(f"row 1: {h or '(blank)'}", f"unknown column; expected some of: {', '.join(COLUMNS)}")
        for h in header
        if h not in COLUMNS
    ]
    problems += [
        Problem(f"row 1: {h}", "the column is given twice")
        for h in sorted({h for h in header if header.count(h) > 1})
    ]
    problems += [Problem("row 1", f"missing column {c}") for c in REQUIRED if c not in header]
    if problems:
        raise InputFileError(f"{where}: the header row is not a portfolio's", problems)
    rows = []
    for n, cells in enumerate(table[1:]):
        if len(cells) > len(header):
            raise InputFileError(
                f"{where}: {row_label(n)} has {len(cells)} cells; the header has {len(header)}",
                [Problem(row_label(n), f"expected at most {len(header)} cells")],
            )
        rows.append({h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)})
    return rows


def _value(path: str, raw: str) -> Any:
    kind, allowed = FIELDS[path]
    if kind == "bool":
        low = raw.lower()
        if low in TRUE:
            return True
        if low in FALSE:
            return False
        raise ValueError(f"got {brief(raw)}; expected true or false (yes or no)")
    if kind == "int":
        try:
            return int(raw)
        except ValueError:
            raise ValueError(f"got {brief(raw)}; expected a whole number") from None
    if kind == "choice" and allowed is not None and raw not in allowed:
        raise ValueError(f"got {brief(raw)}; expected one of: {', '.join(map(str, allowed))}")
    return raw


def rows_to_portfolio(
    name: str,
    stage: str,
    rows: Sequence[Mapping[str, Any]],
    *,
    label: Callable[[int], str] = row_label,
    kb: KnowledgeBase | None = None,
    where: str = "portfolio",
) -> dict[str, Any]:
    """The portfolio file's shape from rows of text cells; every problem named by its row and field."""
    from seamline.portfolio import parse_portfolio

    stages = FIELDS["stage"][1] or ()
    problems: list[Problem] = []
    if not isinstance(name, str) or not name.strip():
        problems.append(Problem("name", "required: the portfolio's name"))
    if stage not in stages:
        problems.append(Problem("stage", f"got {brief(stage)}; expected one of: {', '.join(stages)}"))
    if not rows:
        problems.append(Problem("workstreams", "expected at least one workstream"))
    if len(rows) > MAX_ROWS:
        problems.append(Problem("workstreams", f"{len(rows)} workstreams; expected at most {MAX_ROWS}"))
    if not rows or len(rows) > MAX_ROWS:
        raise InputFileError(f"{where}: invalid portfolio", problems)
    bad_stage = stage not in stages  # said once above, not again for every row
    streams: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for i, row in enumerate(rows):
        at = label(i)
        cells = {k: str(v if v is not None else "").strip() for k, v in row.items()}
        ws: dict[str, Any] = {}
        own = cells.get("name", "")
        if not own:
            problems.append(Problem(f"{at}: name", "required: the workstream's name"))
        elif own in seen:
            problems.append(Problem(f"{at}: name", f"{brief(own)} is also the name of {label(seen[own])}"))
        else:
            seen[own] = i
        ws["name"] = own
        if cells.get("vendor"):
            ws["vendor"] = cells["vendor"]
        if cells.get("model"):
            if cells["model"] not in MODEL_IDS:
                problems.append(
                    Problem(
                        f"{at}: model",
                        f"got {brief(cells['model'])}; expected one of: {', '.join(MODEL_IDS)}",
                    )
                )
            ws["model"] = cells["model"]
        answers: dict[str, Any] = {}
        for path in ANSWERS:
            raw = cells.get(path, "")
            if not raw:
                if path in REQUIRED_ANSWERS:
                    problems.append(Problem(f"{at}: {path}", "required: please fill it in"))
                continue
            try:
                answers[path] = _value(path, raw)
            except ValueError as exc:
                problems.append(Problem(f"{at}: {path}", str(exc)))
        for path, value in answers.items():
            group, leaf = path.split(".", 1)
            ws.setdefault(group, {})[leaf] = value
        if own and all(p in answers for p in REQUIRED_ANSWERS):
            try:
                parse_situation(
                    {
                        "name": own,
                        "stage": stage,
                        **{k: v for k, v in ws.items() if k in ("work", "team", "preferences")},
                    },
                    at,
                    kb.criterion_ids if kb else None,
                )
            except SeamlineError as exc:
                problems += [
                    Problem(f"{at}: {p.where.rsplit(': ', 1)[-1]}", p.message)
                    for p in exc.problems
                    if not (bad_stage and p.where.rsplit(": ", 1)[-1] == "stage")
                ]
        streams.append(ws)
    if problems:
        noun = "problem" if len(problems) == 1 else "problems"
        raise InputFileError(f"{where}: {len(problems)} {noun} in the workstreams", problems)
    data = {"name": " ".join(name.split()), "stage": stage, "workstreams": streams}
    parse_portfolio(data, where, kb)  # the same checks as a portfolio file
    return data


def portfolio_to_rows(data: Mapping[str, Any], kb: KnowledgeBase | None = None) -> list[dict[str, str]]:
    """One row of text cells per workstream (each workstream's answers merged over the defaults)."""
    from seamline.portfolio import parse_portfolio

    portfolio = parse_portfolio(data, "portfolio", kb)
    rows = []
    for ws in portfolio.workstreams:
        flat = ws.situation.flat()
        row = {"name": ws.name, "vendor": ws.vendor or "", "model": ws.planned_model or ""}
        for path in ANSWERS:
            value = flat.get(path)
            row[path] = "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
        rows.append(row)
    return rows


def to_csv(rows: Sequence[Mapping[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in COLUMNS})
    return out.getvalue()
