"""A portfolio as a table (CSV or the web form's rows): columns, row-numbered problems, round trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from seamline.errors import InputFileError
from seamline.portfolio import parse_portfolio
from seamline.portfolio_table import COLUMNS, portfolio_to_rows, read_csv, rows_to_portfolio, to_csv
from seamline.yamlio import read_data_file

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("portfolio_*.yaml")), ids=lambda p: p.stem)
def test_every_example_goes_through_a_csv_and_back(example: Path) -> None:
    data = read_data_file(example)
    text = to_csv(portfolio_to_rows(data))
    assert text.splitlines()[0].split(",") == list(COLUMNS)
    back = rows_to_portfolio(data["name"], data["stage"], read_csv(text))
    before, after = parse_portfolio(data, "a"), parse_portfolio(back, "b")
    assert [(w.name, w.vendor, w.planned_model, w.situation.flat()) for w in before.workstreams] == [
        (w.name, w.vendor, w.planned_model, w.situation.flat()) for w in after.workstreams
    ]


def _problems(exc: pytest.ExceptionInfo[InputFileError]) -> dict[str, str]:
    return {p.where: p.message for p in exc.value.problems}


def test_the_header_is_checked() -> None:
    with pytest.raises(InputFileError) as exc:
        read_csv("name,work.type,colour,name\n")
    problems = _problems(exc)
    assert "unknown column" in problems["row 1: colour"]
    assert problems["row 1: name"] == "the column is given twice"
    assert "row 1" in problems and "missing column" in problems["row 1"]
    with pytest.raises(InputFileError):
        read_csv("")


def test_each_bad_cell_is_named_by_row_and_field() -> None:
    rows = portfolio_to_rows(read_data_file(EXAMPLES / "portfolio_scale_up.yaml"))
    rows[0]["work.core"] = "maybe"
    rows[1]["work.duration_months"] = "2.5"
    rows[1]["model"] = "outsourcing"
    rows[1]["name"] = rows[0]["name"]
    with pytest.raises(InputFileError) as exc:
        rows_to_portfolio("P", "scale_up", rows)
    problems = _problems(exc)
    assert problems["row 2: work.core"] == "got 'maybe'; expected true or false (yes or no)"
    assert problems["row 3: work.duration_months"] == "got '2.5'; expected a whole number"
    assert problems["row 3: model"].startswith("got 'outsourcing'; expected one of: ")
    assert problems["row 3: name"] == "'Core product' is also the name of row 2"
    with pytest.raises(InputFileError) as exc:
        rows_to_portfolio("", "series_z", rows)  # every problem at once, the stage said once
    assert {"name", "stage", "row 2: work.core", "row 3: model"} <= set(_problems(exc))
    assert not any(where.endswith(": stage") for where in _problems(exc))


def test_a_range_is_checked_as_in_a_situation() -> None:
    rows = portfolio_to_rows(read_data_file(EXAMPLES / "portfolio_scale_up.yaml"))
    rows[0]["work.engineers"] = "0"
    with pytest.raises(InputFileError) as exc:
        rows_to_portfolio("P", "scale_up", rows, label=lambda i: f"workstream {i + 1}")
    assert "workstream 1: work.engineers" in _problems(exc)
