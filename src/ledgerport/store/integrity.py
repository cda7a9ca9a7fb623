"""Tell constraint violations apart on both databases (SQLSTATE or SQLite's message)."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy.exc import IntegrityError

__all__ = ["Violation", "classify"]


class Violation(StrEnum):
    UNIQUE = "unique"
    FOREIGN_KEY = "foreign_key"
    OTHER = "other"


_SQLSTATE = {"23505": Violation.UNIQUE, "23503": Violation.FOREIGN_KEY}


def classify(exc: IntegrityError) -> Violation:
    state = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    if state in _SQLSTATE:
        return _SQLSTATE[state]
    text = str(exc.orig)
    if "UNIQUE constraint failed" in text or "PRIMARY KEY" in text or "duplicate key" in text:
        return Violation.UNIQUE
    if "FOREIGN KEY constraint failed" in text or "foreign key constraint" in text:
        return Violation.FOREIGN_KEY
    return Violation.OTHER
