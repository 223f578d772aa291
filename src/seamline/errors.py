"""One hierarchy for every error a user can cause.

Each error says *what* went wrong, *where* (file, line, field or key) and *what was expected*.
The shells turn :class:`SeamlineError` into exit code 2 (CLI) or an HTTP 4xx JSON body (API);
anything else is a bug and is reported as such.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar


@dataclass
class Problem:
    """One located problem: ``where`` is a file, a field path or both (``file: key``)."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


@dataclass
class SeamlineError(Exception):
    """Base of every user-facing error.

    ``code`` is a stable snake_case id of the fault for the API's error body (None: the HTTP status's own,
    see :mod:`seamline.web.openapi`); a subclass names its own.
    """

    message: str
    problems: list[Problem] = field(default_factory=list)
    code: ClassVar[str | None] = None

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        if not self.problems:
            return self.message
        lines = [self.message, *(f"  - {p}" for p in self.problems)]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, object]:
        return {
            "error": type(self).__name__,
            "message": self.message,
            "problems": [{"where": p.where, "message": p.message} for p in self.problems],
        }


class InputFileError(SeamlineError):
    """A file the user gave cannot be read or parsed (missing, unreadable, invalid YAML/JSON)."""

    code = "unreadable_input"


class SituationError(SeamlineError):
    """A situation (questionnaire answers) has an unknown field or a wrong value."""

    code = "invalid_situation"


class KnowledgeError(SeamlineError):
    """The knowledge base (bundled or user-supplied) is invalid: the message names file and key."""

    code = "invalid_knowledge"


class UndeterminedError(SeamlineError):
    """The answers contradict each other so that no engagement model fits."""

    code = "undetermined"


class DocumentError(SeamlineError):
    """A document given for checking cannot be read (encrypted, no text layer, corrupt, too large)."""

    code = "unreadable_document"
