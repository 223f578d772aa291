"""Output files are written all or nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from seamline.errors import InputFileError
from seamline.files import write_atomic


def test_writes_text_and_bytes_with_a_normal_mode(tmp_path: Path) -> None:
    write_atomic(tmp_path / "a.txt", "héllo")
    write_atomic(tmp_path / "b.bin", b"\x00\x01")
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "héllo"
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\x01"
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "a.txt").stat().st_mode & 0o777 == 0o666 & ~umask


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="does not exist"):
        write_atomic(tmp_path / "nope" / "a.txt", "x")


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "keep.txt"
    target.write_text("old")

    def broken_replace(src: str, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(InputFileError, match="cannot write"):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]
