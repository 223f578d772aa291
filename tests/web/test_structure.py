"""The web shell depends downward only: app -> routes -> templating/service/store, never back."""

from __future__ import annotations

import ast
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "src" / "seamline" / "web"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


def test_no_module_below_the_app_imports_the_app() -> None:
    below = [p for p in WEB.rglob("*.py") if p.name != "app.py"]
    assert below
    offenders = {str(p.relative_to(WEB)): sorted(_imports(p) & {"seamline.web.app"}) for p in below}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_templating_does_not_import_routes() -> None:
    assert not {m for m in _imports(WEB / "templating.py") if m.startswith("seamline.web.routes")}
