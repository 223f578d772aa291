"""Terminal safety: names, titles and document text are printed as text in every command.

Rich markup in a user's or a document's text (``[/]``, ``[bold]``, ``[link=...]``) is shown as written,
never obeyed and never a crash; escape and control sequences (hyperlinks, clear screen, carriage return,
BEL, C1 controls, bidi overrides) never reach the terminal raw; JSON output is strict and terminal-safe.
"""

from __future__ import annotations

import io
import json
import math
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
FIXTURES = ROOT / "tests" / "contracts" / "fixtures"

MARKUP = "Acme [/] [bold]bold[/bold] [link=http://evil.example]click[/link] [red]"
CONTROLS = "\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\ \x1b[2J\x1b[31m\r\x07 \x9b1m \u202eevil"
HOSTILE = MARKUP + " " + CONTROLS
# What must never appear in the output: C0 controls other than tab and newline, DEL, C1, bidi controls.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
LITERAL = ("[/]", "[bold]", "[link=http://evil.example]")  # markup shown as written

Cli = Callable[..., Any]


def assert_safe(result: Any, *, shown: tuple[str, ...] = LITERAL, codes: tuple[int, ...] = (0,)) -> None:
    text = result.out + result.err
    assert result.code in codes, text
    assert "Traceback" not in text and "internal error" not in text, text
    assert not RAW.search(text), repr(RAW.search(text))
    for part in shown:
        assert part in text, f"{part!r} not shown as written in:\n{text}"


def refused_or_safe(result: Any) -> None:
    """A name with control characters may be refused by the input's validation (exit 2 with a message)
    or accepted; either way nothing raw reaches the terminal."""
    assert_safe(result, shown=(), codes=(0, 2))
    if result.code == 2:
        assert result.err.strip()


def situation(tmp_path: Path, name: str, file: str = "s.yaml") -> Path:
    data = yaml.safe_load((EXAMPLES / "pre_seed_mvp.yaml").read_text(encoding="utf-8"))
    data["name"] = name
    path = tmp_path / file
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def contract(tmp_path: Path, title: str) -> Path:
    body = (FIXTURES / "mislabel_sow_staff_aug.txt").read_text(encoding="utf-8").split("\n", 1)[1]
    evidence = f"\n9. Personnel note {MARKUP} {CONTROLS}. Supplier shall provide three developers.\n"
    path = tmp_path / "contract.txt"
    path.write_text(f"{title}\n{body}{evidence}", encoding="utf-8", newline="")
    return path


# --- the helpers -----------------------------------------------------------------------------------


def test_neutralise_keeps_text_and_layout_and_shows_controls() -> None:
    from seamline.cli.app import neutralise

    assert neutralise("plain text, café, 東京\tcol\nnext") == "plain text, café, 東京\tcol\nnext"
    out = neutralise("a\x1b[2Jb\r\x07c\x9bd\u202ee\r\nf\x7f\udcff")
    assert out == "a\\x1b[2Jb\\x0d\\x07c\\x9bd\\u202ee\nf\\x7f\\xff"
    assert not RAW.search(out)


def test_plain_escapes_markup() -> None:
    from rich.console import Console

    from seamline.cli.app import plain

    console = Console(file=io.StringIO(), width=200, color_system=None)
    console.print(f"[bold]{plain(MARKUP)}[/]: {plain('x[/]y')} [italic]{plain('trailing' + chr(92))}[/]")
    printed = console.file.getvalue()  # type: ignore[attr-defined]
    assert MARKUP in printed and "x[/]y" in printed


def test_dump_json_is_strict_and_terminal_safe() -> None:
    from seamline.cli.app import dump_json

    text = dump_json({"title": HOSTILE, "n": 1.5})
    assert not RAW.search(text)
    assert json.loads(text) == {"title": HOSTILE, "n": 1.5}  # same data, escaped as \\uXXXX
    for bad in (math.nan, math.inf, -math.inf):
        with pytest.raises(ValueError):
            dump_json({"x": bad})


# --- every command -------------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [[], ["--all"], ["--json"]])
def test_advise_prints_a_markup_name_as_text(cli: Cli, tmp_path: Path, extra: list[str]) -> None:
    result = cli("advise", str(situation(tmp_path, MARKUP)), *extra)
    assert_safe(result)
    if extra == ["--json"]:
        assert json.loads(result.out)["situation"] == MARKUP


def test_advise_with_control_characters_in_the_name(cli: Cli, tmp_path: Path) -> None:
    refused_or_safe(cli("advise", str(situation(tmp_path, HOSTILE))))
    refused_or_safe(cli("advise", str(situation(tmp_path, HOSTILE)), "--json"))


def test_cost_and_seams_print_a_markup_name_as_text(cli: Cli, tmp_path: Path) -> None:
    path = str(situation(tmp_path, MARKUP))
    assert_safe(cli("cost", path, "--trials", "200", "--seed", "1"))
    refused_or_safe(cli("cost", str(situation(tmp_path, HOSTILE)), "--trials", "200", "--seed", "1"))
    as_json = cli("cost", path, "--trials", "200", "--seed", "1", "--json")
    assert_safe(as_json, shown=())
    json.loads(as_json.out)
    assert_safe(cli("seams", path), shown=())


def test_report_and_brief(cli: Cli, tmp_path: Path) -> None:
    path = str(situation(tmp_path, MARKUP))
    out = tmp_path / "[bold]report[red].md"
    assert_safe(
        cli(
            "report", path, "-o", str(out), "--trials", "200", "--contract", str(contract(tmp_path, HOSTILE))
        ),
        shown=("[bold]report[red]",),
    )
    refused_or_safe(cli("brief", str(situation(tmp_path, HOSTILE))))
    assert_safe(cli("brief", path))


def test_interview_name_with_markup(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    answers = [
        MARKUP, "1", "product_development", "yes", "3", "6", "2", "", "strong", "n", "", "", "1", "3",
        "1", "2", "",
    ]  # fmt: skip
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(answers) + "\n"))
    result = cli("interview", "--out", str(tmp_path / "mine.yaml"))
    assert_safe(result)


def _vendor(tmp_path: Path, name: str, file: str) -> Path:
    data = yaml.safe_load((EXAMPLES / "vendor_quickstaff_claims.yaml").read_text(encoding="utf-8"))
    data["name"] = name
    data["answers"]["attrition"] = f"Attrition was 9% in 2024 {MARKUP}"
    data["answers"]["replacement"] = f"A replacement within 10 days {CONTROLS}"
    path = tmp_path / file
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_vendors_print_names_and_answers_as_text(cli: Cli, tmp_path: Path) -> None:
    first = _vendor(tmp_path, MARKUP, "a.yaml")
    second = _vendor(tmp_path, "Other [/] vendor", "b.yaml")
    assert_safe(cli("vendors", "score", str(first)))
    assert_safe(cli("vendors", "score", str(first), "--json"), shown=())
    assert_safe(cli("vendors", "compare", str(first), str(second)))
    refused_or_safe(cli("vendors", "score", str(_vendor(tmp_path, HOSTILE, "c.yaml"))))


def test_portfolio_prints_workstream_names_as_text(cli: Cli, tmp_path: Path) -> None:
    data = yaml.safe_load((EXAMPLES / "portfolio_scale_up.yaml").read_text(encoding="utf-8"))
    data["name"] = MARKUP
    data["workstreams"][0]["name"] = "Core [/] product [bold]"
    data["workstreams"][1]["name"] = "Ops [link=http://evil.example]"
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = cli("portfolio", str(path), "--trials", "200", "--seed", "1")
    assert_safe(result, shown=(*LITERAL, "Core [/] product [bold]", "Ops [link=http://evil.example]"))
    assert_safe(cli("portfolio", str(path), "--trials", "200", "--seed", "1", "--json"), shown=())
    data["workstreams"][0]["name"] = "Core " + CONTROLS
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    refused_or_safe(cli("portfolio", str(path), "--trials", "200", "--seed", "1"))


@pytest.mark.parametrize("extra", [[], ["--all"]])
def test_check_prints_a_hostile_title_and_evidence_as_text(
    cli: Cli, tmp_path: Path, extra: list[str]
) -> None:
    path = contract(tmp_path, "STATEMENT OF WORK " + HOSTILE)
    result = cli("check", str(path), *extra)
    assert_safe(result)
    assert "\\x1b]8;;http://evil.example" in result.out  # shown, visibly, not obeyed


def test_check_json_is_terminal_safe_and_keeps_the_text(cli: Cli, tmp_path: Path) -> None:
    path = contract(tmp_path, "STATEMENT OF WORK " + HOSTILE)
    result = cli("check", str(path), "--json")
    assert_safe(result, shown=())
    data = json.loads(result.out)
    assert "\x1b]8;;http://evil.example" in data["title"]  # the data itself is unchanged


def test_scan_and_error_messages(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    contract(folder, "STATEMENT OF WORK " + HOSTILE)
    out = tmp_path / "[bold]results[red].jsonl"
    assert_safe(cli("scan", str(folder), "--out", str(out), "--workers", "1"), shown=("[bold]results[red]",))
    missing = cli("advise", str(tmp_path / f"{HOSTILE}.yaml"))
    assert_safe(missing, shown=("[/]", "[bold]"), codes=(2,))
    assert "\\x1b[2J" in missing.err


def test_knowledge_commands_print_knowledge_text_as_text(cli: Cli, tmp_path: Path) -> None:
    from seamline.knowledge import BUNDLED

    folder = tmp_path / "kb [/] [bold]"
    shutil.copytree(BUNDLED, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    sources = folder / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    first_title = re.search(r"^(\s+title:\s*)(.+)$", text, flags=re.M)
    assert first_title is not None
    text = text.replace(first_title.group(0), f"{first_title.group(1)}'{MARKUP}'", 1)
    sources.write_text(text, encoding="utf-8")
    source_id = yaml.safe_load(text)[0]["id"]
    kb = ["--knowledge", str(folder)]
    assert_safe(cli("knowledge", "validate", *kb), shown=("kb [/] [bold]",))
    assert_safe(cli("knowledge", "show", source_id, *kb))
    assert_safe(cli("models", *kb), shown=())


def test_eval_engagements_prints_source_names_as_text(cli: Cli, tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    (root / "texts").mkdir(parents=True)
    slug = "[bold]src[red]-doc"
    shutil.copy(FIXTURES / "staff_augmentation.md", root / "texts" / f"{slug}.txt")
    entry = {"slug": slug, "labels": ["staff_augmentation"]}
    (root / "labels.yaml").write_text(yaml.safe_dump([entry]), encoding="utf-8")
    assert_safe(cli("eval-engagements", str(root)), shown=("[bold]src[red]",))
