"""Routes: ``pages`` (questionnaire, results, saved decisions, compare), ``contracts``, ``api`` (/api/v1)."""
