"""scripts/system_deps.sh decides what to install, and how, from what a machine has: checked with a PATH of
fake commands (``id``, ``ldconfig``, ``sudo``, ``apt-get``, ``chromium``, ``pdftoppm``) that record what
they were asked, so nothing is installed or removed on this machine."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "system_deps.sh"
BASH = shutil.which("bash") or "/bin/bash"
PANGO = "\tlibpango-1.0.so.0 (libc6,x86-64) => /lib/libpango-1.0.so.0\n"
PANGOFT2 = "\tlibpangoft2-1.0.so.0 (libc6,x86-64) => /lib/libpangoft2-1.0.so.0\n"
ONE_LINE = (
    "missing system packages: chromium poppler-utils; "
    "install them with: sudo apt-get install -y chromium poppler-utils"
)


class Machine:
    """A bin folder standing in for the machine's commands; ``log`` holds every sudo/apt-get call."""

    def __init__(self, tmp: Path, *, uid: int = 1000, sudo: str | None = None, apt: str = "ok") -> None:
        self.bin = tmp / "bin"
        self.bin.mkdir()
        self.log = tmp / "calls.log"
        self.log.write_text("")
        self.libs = tmp / "ldconfig.out"
        self.libs.write_text("")
        for tool in ("bash", "env", "make"):  # what the script and the Makefile need to run at all
            if found := shutil.which(tool):
                (self.bin / tool).symlink_to(found)
        self._script("id", f"echo {uid}")
        self._script("ldconfig", f'while IFS= read -r line; do echo "$line"; done < "{self.libs}"')
        if sudo is not None:  # "ok": passwordless; "password": `sudo -n` refuses
            ok = "exit 0" if sudo == "ok" else "exit 1"
            self._script(
                "sudo",
                f'echo "sudo $*" >> "{self.log}"\n'
                f'[ "$1" = -n ] && [ "$2" = true ] && {ok}\n'
                f'[ "{sudo}" = ok ] || exit 1\nshift\nexec "$@"',
            )
        if apt != "absent":
            chmod = shutil.which("chmod") or "/bin/chmod"
            installs = (
                'for p in "$@"; do tool=; case "$p" in\n'
                "  chromium) tool=chromium;;\n"
                "  poppler-utils) tool=pdftoppm;;\n"
                f'  libpango-1.0-0) echo "{PANGO.strip()}" >> "{self.libs}";;\n'
                f'  libpangoft2-1.0-0) echo "{PANGOFT2.strip()}" >> "{self.libs}";;\n'
                "  *) continue;;\n"
                f'esac; [ -z "$tool" ] || {{ echo "exit 0" > "{self.bin}/$tool";\n'
                f'  {chmod} +x "{self.bin}/$tool"; }}\n'
                "done"
            )
            fail = "exit 100" if apt == "fails" else ""
            self._script(
                "apt-get",
                f'echo "apt-get $* [DEBIAN_FRONTEND=$DEBIAN_FRONTEND]" >> "{self.log}"\n{fail}\n'
                f'[ "$1" = install ] && {{ {installs}; }}\nexit 0',
            )

    def _script(self, name: str, body: str) -> None:
        path = self.bin / name
        path.write_text(f"#!/bin/sh\n{body}\n")
        path.chmod(0o755)

    def has(self, *commands: str, pango: bool = True) -> Machine:
        for name in commands:
            self._script(name, "exit 0")
        self.libs.write_text(PANGO + PANGOFT2 if pango else "")
        return self

    def run(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [BASH, str(SCRIPT), *args],
            env={"PATH": str(self.bin), "HOME": str(self.bin.parent), **env},
            capture_output=True,
            text=True,
            timeout=60,
        )

    def calls(self) -> list[str]:
        return self.log.read_text().splitlines()

    def present(self, name: str) -> bool:
        return (self.bin / name).exists()


def test_nothing_to_do_touches_neither_sudo_nor_apt(tmp_path: Path) -> None:
    machine = Machine(tmp_path, sudo="ok").has("chromium", "pdftoppm")
    result = machine.run("test")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert machine.calls() == []


def test_without_root_or_passwordless_sudo_it_stops_with_one_line(tmp_path: Path) -> None:
    machine = Machine(tmp_path, sudo="password").has()
    result = machine.run("test")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [ONE_LINE]
    assert machine.calls() == ["sudo -n true"]  # asked whether it may, installed nothing


def test_without_sudo_at_all_it_stops_with_the_same_line(tmp_path: Path) -> None:
    machine = Machine(tmp_path, sudo=None).has()
    result = machine.run()  # the default profile is test
    assert result.returncode == 1 and result.stderr.splitlines() == [ONE_LINE]
    assert machine.calls() == []


def test_passwordless_sudo_installs_what_is_missing(tmp_path: Path) -> None:
    machine = Machine(tmp_path, sudo="ok").has("chromium", pango=False)
    result = machine.run("test")
    assert result.returncode == 0, result.stderr
    assert machine.calls() == [
        "sudo -n true",
        "sudo -n env apt-get update -qq",
        "apt-get update -qq [DEBIAN_FRONTEND=]",
        "sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "
        "libpango-1.0-0 libpangoft2-1.0-0 poppler-utils",
        "apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 poppler-utils "
        "[DEBIAN_FRONTEND=noninteractive]",
    ]
    assert machine.present("pdftoppm")
    assert machine.run("test").returncode == 0  # and the next run has nothing to do
    assert len(machine.calls()) == 5


def test_root_installs_without_sudo(tmp_path: Path) -> None:
    machine = Machine(tmp_path, uid=0, sudo="ok").has()
    result = machine.run("test")
    assert result.returncode == 0, result.stderr
    assert machine.calls() == [
        "apt-get update -qq [DEBIAN_FRONTEND=]",
        "apt-get install -y -qq chromium poppler-utils [DEBIAN_FRONTEND=noninteractive]",
    ]
    assert machine.present("chromium") and machine.present("pdftoppm")


def test_a_failed_install_says_what_to_install(tmp_path: Path) -> None:
    machine = Machine(tmp_path, uid=0, apt="fails").has()
    result = machine.run("test")
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        "missing system packages: chromium poppler-utils; apt-get could not install them; "
        "install them with: sudo apt-get install -y chromium poppler-utils"
    )


def test_no_apt_get_names_the_debian_packages(tmp_path: Path) -> None:
    machine = Machine(tmp_path, uid=0, apt="absent").has("chromium", "pdftoppm", pango=False)
    result = machine.run("run")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "missing system packages: libpango-1.0-0 libpangoft2-1.0-0 (Debian names; no apt-get here): "
        "install them with your package manager"
    ]


def test_run_needs_only_pango(tmp_path: Path) -> None:
    machine = Machine(tmp_path, sudo="password").has()  # no chromium, no pdftoppm
    assert machine.run("run").returncode == 0
    assert machine.calls() == []


def test_skip_and_unknown_profile(tmp_path: Path) -> None:
    machine = Machine(tmp_path, sudo="password").has(pango=False)
    assert machine.run("test", SEAMLINE_SYSTEM_DEPS="skip").returncode == 0
    result = machine.run("everything")
    assert result.returncode == 2 and "expected test or run" in result.stderr


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_test_stops_before_installing_anything(tmp_path: Path) -> None:
    """`make test` on a machine without the packages and without sudo: one line, then make stops; the
    virtualenv is not built (no pip) and no test runs."""
    machine = Machine(tmp_path, sudo="password").has()
    result = subprocess.run(
        ["make", "--no-print-directory", "-C", str(ROOT), "test", "VENV=" + str(tmp_path / "venv")],
        env={"PATH": str(machine.bin), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    ours = [line for line in result.stderr.splitlines() if not line.startswith("make")]
    assert ours == [ONE_LINE]
    assert result.stdout == "" and not (tmp_path / "venv").exists()


def test_ci_and_make_share_the_script() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert "scripts/system_deps.sh test" in ci and "apt-get" not in ci
    makefile = (ROOT / "Makefile").read_text()
    assert "scripts/system_deps.sh test" in makefile and "scripts/system_deps.sh run" in makefile
    assert os.access(SCRIPT, os.X_OK)
