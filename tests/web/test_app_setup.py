"""Start-up: settings from the environment, examples loaded once, the serve command's help and errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from seamline.errors import SeamlineError
from seamline.settings import Settings, default_database_url
from seamline.store import open_store

ROOT = Path(__file__).resolve().parents[2]


def test_settings_from_env(tmp_path: Path) -> None:
    s = Settings.from_env(
        {"SEAMLINE_DATABASE_URL": f"sqlite:///{tmp_path}/a.db", "SEAMLINE_NO_EXAMPLES": "1"}
    )
    assert s.database_url.endswith("a.db") and not s.load_examples
    assert Settings.from_env({}, database_url="sqlite:///x.db").database_url == "sqlite:///x.db"
    with pytest.raises(SeamlineError, match="expected sqlite"):
        Settings.from_env({"SEAMLINE_DATABASE_URL": "mysql://u@h/db"})


def test_default_database_is_in_the_user_data_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_database_url() == f"sqlite:///{tmp_path}/seamline/seamline.db"


def test_examples_load_on_first_run_only(tmp_path: Path) -> None:
    from seamline.web.app import create_app

    url = f"sqlite:///{tmp_path}/ex.db"
    situations = [
        p for p in (ROOT / "examples").glob("*.yaml") if "portfolio" not in p.name and "vendor" not in p.name
    ]
    settings = Settings(database_url=url, examples_dir=ROOT / "examples", cost_trials=200)
    app = create_app(settings)
    count = app.state.store.count()
    assert count == len(situations) > 0
    app.state.store.engine.dispose()
    store = open_store(url)
    store.delete(store.list()[0].id)
    store.engine.dispose()
    again = create_app(settings)  # second start: examples are not loaded again
    assert again.state.store.count() == count - 1
    again.state.store.engine.dispose()


def test_serve_help_and_bad_database_url() -> None:
    from seamline.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["serve", "--help"])
    assert exc.value.code == 0
    with pytest.raises(SystemExit) as exc:
        main(["serve", "--database-url", "mysql://u@h/db", "--port", "8765"])
    assert exc.value.code == 2


def test_serve_refuses_a_bad_port(capsys: pytest.CaptureFixture[str]) -> None:
    from seamline.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["serve", "--port", "0"])
    assert exc.value.code == 2


def test_serve_refuses_a_port_in_use(capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    from seamline.cli import main

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(SystemExit) as exc:
            main(["serve", "--port", str(port), "--no-examples"])
    assert exc.value.code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err
