"""Docs are tested: every CLI command has help and is documented; the knowledge reference is current."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
import typer

from seamline.cli import app

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _commands(group: Any, prefix: str) -> list[tuple[str, Any]]:
    """(``seamline sub command``, command) for every command and sub-command (Typer vendors click)."""
    out = []
    for name, cmd in sorted(getattr(group, "commands", {}).items()):
        path = f"{prefix} {name}"
        out.append((path, cmd))
        out += _commands(cmd, path)
    return out


COMMANDS = _commands(typer.main.get_command(app), "seamline")


def test_commands_exist() -> None:
    names = {path for path, _ in COMMANDS}
    assert {
        "seamline advise",
        "seamline interview",
        "seamline models",
        "seamline knowledge validate",
    } <= names


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_every_command_has_help_and_is_documented(path: str, command: Any) -> None:
    assert (command.help or "").strip(), f"{path} has no help text"
    text = "\n".join(d.read_text(encoding="utf-8") for d in DOCS)
    assert path in text, f"`{path}` is not documented in README.md or docs/*.md"


def test_knowledge_reference_is_current() -> None:
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "scripts" / "gen_knowledge_docs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    current = (ROOT / "docs" / "knowledge-reference.md").read_text(encoding="utf-8")
    assert current == module.render(), "run: .venv/bin/python scripts/gen_knowledge_docs.py"


def test_the_readme_shows_real_advise_output() -> None:
    import os
    import subprocess
    import sys

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = "$ .venv/bin/seamline advise examples/pre_seed_mvp.yaml\n"
    start = readme.index(command) + len(command)
    shown = readme[start : readme.index("```", start)].rstrip()
    env = dict(os.environ, COLUMNS="100", TERM="dumb")
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "from seamline.cli import main; main()",
            "advise",
            "examples/pre_seed_mvp.yaml",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=True,
    )
    assert run.stdout.rstrip() == shown, "refresh the advise output in README.md"
