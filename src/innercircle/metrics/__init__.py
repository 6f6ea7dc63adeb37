"""Per-account measures: engagement and tiers, care, hollow detection, alignment, segments."""
