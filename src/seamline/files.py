"""Writing the user's output files: all or nothing.

Every command that writes a file (a situation, a chart, a report) goes through :func:`write_atomic`: the
bytes go to a temporary file beside the target, which is then renamed over it, so a failure never leaves
a partial file behind, and an existing file is replaced only by a complete one.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from seamline.errors import InputFileError, SeamlineError


def write_atomic(path: str | Path, data: bytes | str) -> None:
    """Write ``data`` (text is UTF-8 encoded) to ``path`` through a temporary file and a rename."""
    target = Path(path)
    folder = target.resolve().parent
    if not folder.is_dir():
        raise InputFileError(f"{target}: folder {target.parent} does not exist")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the output a normal file's mode
        os.replace(tmp, target)
    except OSError as exc:
        raise InputFileError(f"{target}: cannot write ({exc.strerror})") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def read_regular_bytes(
    path: str | Path,
    max_bytes: int,
    *,
    error: type[SeamlineError] = InputFileError,
    limit_name: str = "",
    expected: str = "a file",
) -> bytes:
    """Read a user's file of at most ``max_bytes`` bytes, refusing anything that is not a regular file.

    FIFOs, sockets and devices (``/dev/zero``), and links to them, are refused before any read: a FIFO
    would block for ever and a device would never end. The read itself is bounded too, so a file that
    grows while it is read cannot push past the limit. ``limit_name`` says which setting raises the limit.
    """
    p = Path(path)
    try:
        st = os.stat(p)  # follows links: a .txt link to /dev/zero is judged by what it points at
    except FileNotFoundError:
        raise error(f"{p}: no such file") from None
    except OSError as exc:
        raise error(f"{p}: cannot read ({exc.strerror})") from None
    if stat.S_ISDIR(st.st_mode):
        raise error(f"{p}: is a directory, expected {expected}")
    if not stat.S_ISREG(st.st_mode):
        raise error(f"{p}: is a {_kind_of(st.st_mode)}, not a regular file; expected {expected}")
    how = f" ({limit_name})" if limit_name else ""
    if st.st_size > max_bytes:
        raise error(f"{p}: file is {st.st_size} bytes, over the {max_bytes}-byte limit{how}")
    try:
        with open(p, "rb") as fh:
            raw = fh.read(max_bytes + 1)
    except OSError as exc:
        raise error(f"{p}: cannot read ({exc.strerror})") from None
    if len(raw) > max_bytes:
        raise error(f"{p}: file grew past the {max_bytes}-byte limit{how} while being read")
    return raw


def _kind_of(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special file"
