"""Tell constraint violations apart on both databases (SQLSTATE or SQLite's message).

Violations arrive wrapped by SQLAlchemy, or straight from asyncpg where a statement runs on
the driver (``store/reads.py``).
"""

from __future__ import annotations

from enum import StrEnum

import asyncpg
from sqlalchemy.exc import IntegrityError

__all__ = ["INTEGRITY_ERRORS", "Violation", "classify"]

INTEGRITY_ERRORS = (IntegrityError, asyncpg.IntegrityConstraintViolationError)
"""What a violated constraint raises, through SQLAlchemy or on the driver."""


class Violation(StrEnum):
    UNIQUE = "unique"
    FOREIGN_KEY = "foreign_key"
    COMPANY = "company"
    """The foreign key from company data to its company (``fk_<table>_company``)."""
    OTHER = "other"


_SQLSTATE = {"23505": Violation.UNIQUE, "23503": Violation.FOREIGN_KEY}


def classify(exc: BaseException) -> Violation:
    orig = exc.orig if isinstance(exc, IntegrityError) else exc
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if state in _SQLSTATE:
        kind = _SQLSTATE[state]
        driver = (
            orig if isinstance(orig, asyncpg.PostgresError) else getattr(orig, "__cause__", None)
        )
        constraint = getattr(driver, "constraint_name", None) or ""
        if kind is Violation.FOREIGN_KEY and constraint.endswith("_company"):
            return Violation.COMPANY
        return kind
    text = str(orig)
    if "UNIQUE constraint failed" in text or "PRIMARY KEY" in text or "duplicate key" in text:
        return Violation.UNIQUE
    if "FOREIGN KEY constraint failed" in text or "foreign key constraint" in text:
        return Violation.FOREIGN_KEY
    return Violation.OTHER
