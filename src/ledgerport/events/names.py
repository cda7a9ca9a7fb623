"""Event names, derived generically from a change-log row, and subscription patterns.

A row's ``resource`` is the qualified name (``associates``, ``sys.companies``) and its
``operation`` is ``created``/``updated``/``deleted`` or the past tense of an action
(``released``), so the event is simply ``{resource}.{operation}``: a new action or a data model
extension gets its events without code here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["PATTERN", "event_type", "matches", "pattern_error"]

PATTERN = re.compile(r"\*|(?:(?:sys|catalog)\.)?[a-z][a-z0-9_]{0,62}\.(?:\*|[a-z][a-z0-9_]{0,39})")
"""``*``, ``resource.*`` or ``resource.operation`` (with ``sys.``/``catalog.`` prefixes)."""


def event_type(resource: str, operation: str) -> str:
    return f"{resource}.{operation}"


def matches(patterns: Iterable[str], event: str) -> bool:
    """Exact names, ``resource.*`` (every event of that resource) and ``*`` (everything)."""
    resource = event.rpartition(".")[0]
    for pattern in patterns:
        if pattern in ("*", event):
            return True
        if pattern.endswith(".*") and pattern[:-2] == resource:
            return True
    return False


def pattern_error(pattern: str, resources: Iterable[str]) -> str | None:
    """Why ``pattern`` cannot match any event of the model's ``resources``, or None."""
    if not PATTERN.fullmatch(pattern):
        return f"{pattern!r} is not an event name, 'resource.*' or '*'"
    if pattern == "*":
        return None
    resource = pattern.rpartition(".")[0]
    if resource not in set(resources):
        return f"{pattern!r} names no resource ({resource!r} is unknown)"
    return None
