"""Results → status, headers and body: the last stage of the pipeline (no Starlette here)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from ledgerport.codec import encode
from ledgerport.domain.context import Stored
from ledgerport.model import Scope
from ledgerport.request.intent import Target

__all__ = [
    "Outcome",
    "collection_path",
    "entity_body",
    "entity_outcome",
    "entity_path",
    "no_content",
    "not_modified",
]

JSON = "application/json"


@dataclass(frozen=True)
class Outcome:
    """What the client receives: status, headers and a JSON body (or none)."""

    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None


def entity_body(stored: Stored) -> dict[str, object]:
    """The JSON object of an entity: its fields in model order and its ETag annotation."""
    body: dict[str, object] = {"@odata.etag": stored.etag, **stored.values}
    for name, rows in stored.children.items():
        body[name] = [entity_body(r) for r in rows]
    return body


def collection_path(target: Target) -> str:
    first = str(target.company_no) if target.scope is Scope.COMPANY else target.scope.value
    return f"/api/{first}/{target.resource}"


def entity_path(target: Target, stored: Stored) -> str:
    """The entity's URL path: key values as segments, each percent-encoded whole."""
    segments = "/".join(_segment(v) for v in stored.key.values())
    return f"{collection_path(target)}/{segments}"


def _segment(value: object) -> str:
    """A key value as one path segment (a whole number needs no escaping)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return quote(str(value), safe="")


def entity_outcome(
    stored: Stored,
    *,
    status: int = 200,
    minimal: bool = False,
    location: str | None = None,
) -> Outcome:
    headers: list[tuple[str, str]] = [("ETag", stored.etag)]
    if location is not None:
        headers.append(("Location", location))
    if minimal:
        return Outcome(204, (*headers, ("Preference-Applied", "return=minimal")))
    return Outcome(status, (*headers, ("Content-Type", JSON)), encode(entity_body(stored)))


def no_content() -> Outcome:
    return Outcome(204)


def not_modified(etag: str) -> Outcome:
    return Outcome(304, (("ETag", etag),))
