"""The JSON API's response bodies for stored audits (``/api/v1/audits``): what the OpenAPI spec declares.

As in :mod:`seamline.web.api_models`, responses are described, not re-validated on the way out: the
top-level keys are typed and required, extra keys are additions. ``audit.json`` and a document's record
are described in docs/audit.md (their keys are added to, never renamed).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Out(BaseModel):
    model_config = ConfigDict(extra="allow")


class AuditSummary(_Out):
    """A stored audit as lists show it."""

    id: int
    name: str
    source: str = Field(description="what was audited (the folder or manifest's name)")
    as_of: date = Field(description="the day the term figures count from")
    documents: int
    mislabels: int = Field(description="mislabel candidates")
    review_flags: int = Field(description="engagements flagged for review (a risk signal, no legal ruling)")
    created_at: datetime


class AuditList(_Out):
    """The workspace's stored audits, newest first."""

    audits: list[AuditSummary]


class Audit(AuditSummary):
    """A stored audit with its whole audit.json (docs/audit.md: what each figure means)."""

    audit: dict[str, Any]


class AuditDocumentSummary(_Out):
    """One document of a stored audit: the columns the filters read."""

    id: int
    audit_id: int
    path: str
    status: str = Field(description="checked or unreadable")
    vendor: str | None
    document_type: str | None
    claimed: str | None = Field(description="the model it is sold as")
    detected: str | None = Field(description="the model its terms describe")
    confidence: float | None
    mislabel: bool = Field(description="a mislabel candidate")
    mislabel_kind: str | None = Field(description="model, or not_an_engagement")
    review: bool = Field(description="flagged for review")
    value: float | None = Field(description="its annual value (the manifest's annual_value)")
    currency: str | None
    missing: list[str] = Field(description="checklist items missing where its detected model needs them")
    error: str | None = Field(description="why it could not be read")


class AuditDocument(AuditDocumentSummary):
    """One document of a stored audit with its whole documents.jsonl record (the check, with evidence)."""

    record: dict[str, Any]


class AuditDocumentPage(_Out):
    """A page of an audit's documents matching the filters, highest annual value first."""

    documents: list[AuditDocumentSummary]
    total: int = Field(description="documents matching the filters")
    limit: int
    next_cursor: str | None = Field(description="the cursor of the following page, null on the last")
    next: str | None = Field(description="the following page's URL, null on the last")
