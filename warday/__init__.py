"""warday."""
