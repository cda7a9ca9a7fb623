"""HTTP → what the user asked for: paths, query options, payloads, preferences (no SQL)."""
