"""The advisor: rank the engagement models for a situation, with cited reasons and warnings."""

from seamline.advisor.engine import advise
from seamline.advisor.result import Change, Ranked, Reason, Recommendation, Warning

__all__ = ["Change", "Ranked", "Reason", "Recommendation", "Warning", "advise"]
