"""Text that cannot take over a screen or a file: one definition for the CLI and every report format.

A name, a contract title or an evidence quote may carry characters a terminal or a viewer would obey rather
than show: C0 controls but tab and newline (escape sequences, ``\\r``, BEL), DEL, C1 controls, bidi
embeddings/overrides/isolates and marks (they reorder a line on screen), unpaired surrogates (undecodable
bytes kept by ``surrogateescape``) and the noncharacters U+FFFE/U+FFFF (invalid in XML, so in DOCX).
:func:`show_escaped` replaces each with a visible escape such as ``\\x1b`` or ``\\u202e``.
"""

from __future__ import annotations

import re

UNSAFE = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)
# Inside JSON strings json.dumps already escapes the C0 controls; these are the rest.
UNSAFE_IN_JSON = re.compile(
    r"[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)


def escape_char(match: re.Match[str]) -> str:
    """The visible escape of one unsafe character (for ``pattern.sub``)."""
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # one undecodable byte, as surrogateescape keeps it
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def show_escaped(text: str, *, carriage_returns_are_breaks: bool = False) -> str:
    """``text`` with every unsafe character shown as an escape; ``\\r\\n`` becomes ``\\n``, and so does a lone
    ``\\r`` when ``carriage_returns_are_breaks`` (documents), otherwise it is shown as ``\\x0d``."""
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if carriage_returns_are_breaks:
            text = text.replace("\r", "\n")
    return UNSAFE.sub(escape_char, text) if UNSAFE.search(text) else text
