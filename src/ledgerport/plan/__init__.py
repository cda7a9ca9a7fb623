"""Intent + data model + principal → a checked plan (no SQL)."""
