"""Writing the user's output files: all or nothing.

Every command that writes a file (a situation, a chart, a report) goes through :func:`write_atomic`: the
bytes go to a temporary file beside the target, which is then renamed over it, so a failure never leaves
a partial file behind, and an existing file is replaced only by a complete one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from seamline.errors import InputFileError


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
