"""Thin HTTP endpoints: the only code that sees Starlette objects."""
