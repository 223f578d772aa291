"""advise, interview, models (filled in below)."""
