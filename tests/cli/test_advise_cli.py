"""`seamline advise | interview | models | knowledge`: outputs; one clear message and exit 2 on bad input."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from rich.console import Console

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
SITUATIONS = [p for p in EXAMPLE_FILES if not any(k in p.name for k in ("portfolio", "vendor"))]
GOOD = yaml.safe_load((EXAMPLES / "pre_seed_mvp.yaml").read_text())


def write(tmp_path: Path, data: Any, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data))
    return path


def changed(path: str, value: Any) -> dict[str, Any]:
    data = json.loads(json.dumps(GOOD))
    node = data
    *parents, leaf = path.split(".")
    for part in parents:
        node = node[part]
    if value is KeyError:
        del node[leaf]
    else:
        node[leaf] = value
    return data


def test_there_are_at_least_eight_example_situations() -> None:
    assert len(SITUATIONS) >= 8


@pytest.mark.parametrize("path", SITUATIONS, ids=[p.stem for p in SITUATIONS])
def test_advise_runs_on_every_example(cli: Callable[..., Any], path: Path) -> None:
    text = cli("advise", str(path))
    assert text.code == 0, text.err
    assert "recommended" in text.out and "Sources" in text.out
    data = json.loads(cli("advise", str(path), "--json").out)
    assert data["recommended"] == data["ranking"][0]["model"]
    assert data["ranking"][0]["verdict"] == "recommended"


def test_json_file_is_accepted(cli: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps(GOOD))
    assert json.loads(cli("advise", str(path), "--json").out)["recommended"] == "staff_augmentation"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("name: [unclosed\n", "invalid YAML"),
        (changed("work.colour", "blue"), "work.colour: unknown field; allowed here: type, core, scope"),
        (
            changed("work.duration_months", 0),
            "work.duration_months: got 0; expected a whole number from 1 to 120",
        ),
        (changed("work.engineers", 5000), "expected a whole number from 1 to 1000"),
        (changed("work.engineers", "five"), "work.engineers: got 'five'; expected a whole number"),
        (changed("work.core", "yes"), "work.core: got 'yes'; expected one of: true, false"),
        (
            changed("stage", "series_b"),
            "stage: got 'series_b'; expected one of: pre_seed, seed, series_a_to_c",
        ),
        (changed("team.product_manager", KeyError), "team.product_manager: required field is missing"),
        (dict(GOOD, weights={"speed": 2}), "weights.speed: unknown criterion; expected one of: control"),
        (dict(GOOD, weights={"control": -1}), "weights.control: got -1"),
        ("- just\n- a list\n", "expected a mapping with the fields"),
        ("", "expected a mapping with the fields"),
    ],
    ids=[
        "invalid-yaml",
        "unknown-field",
        "out-of-range",
        "too-many",
        "wrong-type",
        "bool-as-string",
        "unknown-stage",
        "missing-field",
        "unknown-weight",
        "negative-weight",
        "not-a-mapping",
        "empty",
    ],
)
def test_bad_situation_gives_one_clear_message_and_exit_2(
    cli: Callable[..., Any], tmp_path: Path, content: Any, expected: str
) -> None:
    path = write(tmp_path, content)
    result = cli("advise", str(path))
    assert result.code == 2
    assert expected in result.err
    assert str(path) in result.err
    assert "Traceback" not in result.err + result.out
    assert result.err.startswith("error:")


def test_missing_file(cli: Callable[..., Any], tmp_path: Path) -> None:
    result = cli("advise", str(tmp_path / "nope.yaml"))
    assert result.code == 2 and "nope.yaml: no such file" in result.err


def test_duplicate_key_names_the_line(cli: Callable[..., Any], tmp_path: Path) -> None:
    path = write(tmp_path, "name: a\nname: b\n")
    result = cli("advise", str(path))
    assert result.code == 2 and f"{path}:2" in result.err and "duplicate key 'name'" in result.err


def test_contradictory_answers_exit_2_with_the_contradiction(cli: Callable[..., Any], tmp_path: Path) -> None:
    path = write(tmp_path, changed("team.technical_leadership", "none"))
    result = cli("advise", str(path))
    assert result.code == 2
    assert "contradict" in result.err and "daily_direction_without_leadership" in result.err
    as_json = cli("advise", str(path), "--json")
    assert as_json.code == 2 and json.loads(as_json.out)["recommended"] is None


def test_models_compares_every_model_with_sources(
    cli: Callable[..., Any], kb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for width in ("200", "80"):  # side by side, and one block per model on a narrow terminal
        monkeypatch.setattr("seamline.cli.advise_cmd.console", Console(width=int(width), soft_wrap=True))
        text = cli("models")
        assert text.code == 0
        for model in kb.models.values():
            assert model.short_name in text.out
            assert f"{model.profile['control'].value:g} [" in text.out
        for crit in kb.criteria:
            assert crit in text.out
        assert "…" not in text.out
    data = json.loads(cli("models", "--json").out)
    assert set(data["models"]) == set(kb.models)
    assert (
        data["models"]["managed_services"]["profile"]["management_overhead"]["source"]
        == "acquaint-it-software-staff"
    )


def test_knowledge_validate_and_show(cli: Callable[..., Any], tmp_path: Path) -> None:
    assert cli("knowledge", "validate").code == 0
    shown = cli("knowledge", "show", "aug_no_technical_leadership")
    assert shown.code == 0 and "acquaint-it-software-staff" in shown.out
    missing = cli("knowledge", "show", "no_such_rule")
    assert missing.code == 2 and "no knowledge entry" in missing.err
    broken = tmp_path / "kb"
    broken.mkdir()
    result = cli("knowledge", "validate", "--knowledge", str(broken))
    assert result.code == 2 and "sources.yaml" in result.err


# name, stage, work.type, work.core, work.scope, duration, engineers, (needed within: skipped), leadership,
# PM, (can hire: skipped), (lead hours: skipped), involvement, pricing, IP in-house, share context,
# (market: skipped); by option number, by value or by yes/no.
ANSWERS = [
    "Payments MVP", "1", "product_development", "yes", "3", "6", "2", "", "strong", "n", "", "", "1", "3",
    "1", "2", "",
]  # fmt: skip


def test_interview_writes_the_situation_and_advises(
    cli: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "mine.yaml"
    typed = ["", ANSWERS[0], "series_z", *ANSWERS[1:5], "0", *ANSWERS[5:]]  # blank, bad stage, bad duration
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(typed) + "\n"))
    result = cli("interview", "--out", str(out), "--json")
    assert result.code == 0, result.err
    written = yaml.safe_load(out.read_text())
    assert written["name"] == "Payments MVP" and written["stage"] == "pre_seed"
    assert written["work"]["duration_months"] == 6 and written["team"]["technical_leadership"] == "strong"
    assert "an answer is required" in result.err and "expected 1-5 or one of: pre_seed" in result.err
    assert written["preferences"]["pricing"] == "monthly_retainer"
    assert "expected a whole number from 1 to 120" in result.err  # the "0" was refused and asked again
    assert json.loads(result.out)["recommended"] == "staff_augmentation"
    assert written["work"]["core"] is True and written["team"]["product_manager"] is False
    assert "market" not in written and "can_hire" not in written["team"]  # skipped optional answers


def test_interview_asks_service_units_for_an_it_function_and_takes_yes_no(
    cli: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "ops.yaml"
    typed = [
        "Helpdesk", "scale_up", "it_function", "no", "fully_defined", "24", "3", "",
        "maybe", "devices", "800",  # "maybe" is refused, then devices, 800 of them
        "limited", "yes", "y", "10", "service_levels", "subscription", "n", "no", "us", "india",
    ]  # fmt: skip
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(typed) + "\n"))
    result = cli("interview", "--out", str(out), "--json")
    assert result.code == 0, result.err
    written = yaml.safe_load(out.read_text())
    assert written["work"]["service_units"] == {"kind": "devices", "count": 800}
    team = {"technical_leadership": "limited", "product_manager": True, "can_hire": True}
    assert written["team"] == {**team, "lead_hours_per_week": 10}
    assert written["market"] == {"in_house": "us", "vendor": "india"}
    assert "expected 1-5 or one of: users" in result.err


def test_interview_cut_short_writes_nothing(
    cli: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "mine.yaml"
    monkeypatch.setattr("sys.stdin", io.StringIO("Payments\n1\n"))
    result = cli("interview", "--out", str(out))
    assert result.code == 2 and "nothing was written" in result.err
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_interview_refuses_to_overwrite(cli: Callable[..., Any], tmp_path: Path) -> None:
    out = write(tmp_path, "keep me")
    result = cli("interview", "--out", str(out))
    assert result.code == 2 and "already exists" in result.err
    assert out.read_text() == "keep me"


def test_usage_errors_exit_2(cli: Callable[..., Any]) -> None:
    assert cli("advise").code == 2
    assert cli("no-such-command").code == 2
