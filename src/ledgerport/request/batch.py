"""``POST /api/$batch`` bodies (OData 4.01 JSON batch) → typed requests, before any of them runs.

Everything that can be checked without running a request is checked here, so a malformed
batch is refused whole with a problem that points at the request id: ids unique, methods
known, ``dependsOn`` and ``$<id>`` references naming earlier requests, atomicity groups
adjacent. References are recorded, not resolved: their values exist only once the requests
they name have run.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import msgspec

from ledgerport.codec import decode
from ledgerport.errors import BadBatch, BatchTooLarge, FieldError, UnsupportedMediaType
from ledgerport.request.intent import Method

__all__ = ["BatchItem", "BatchRequest", "PropertyRef", "parse_batch"]

_URL_REF = re.compile(r"\$([^/?.$]+)(.*)", re.DOTALL)
_VALUE_REF = re.compile(r"\$([^/?.$]+)\.([A-Za-z_][A-Za-z0-9_]*)")
_ID = re.compile(r"[A-Za-z0-9_.:~-]{1,64}")
_KNOWN_MEMBERS = frozenset(
    {"id", "method", "url", "headers", "body", "dependsOn", "atomicityGroup"}
)


@dataclass(frozen=True)
class PropertyRef:
    """A body value ``"$<id>.<property>"``: that property of request ``<id>``'s answer."""

    request_id: str
    name: str


@dataclass(frozen=True)
class BatchItem:
    id: str
    method: Method
    url: str
    """As sent; when ``url_ref`` is set, the part after ``$<id>``."""
    url_ref: str | None
    """``$<id>`` at the start of the URL: the entity request ``<id>`` created or changed."""
    headers: Mapping[str, str]
    """Lower-case names."""
    body: object
    """JSON as sent, with each ``"$<id>.<property>"`` string replaced by a PropertyRef."""
    depends_on: tuple[str, ...]
    """Explicit ``dependsOn`` plus every request a reference names (ids, not groups)."""
    atomicity_group: str | None


@dataclass(frozen=True)
class BatchRequest:
    items: tuple[BatchItem, ...]
    continue_on_error: bool
    """``Prefer: odata.continue-on-error`` on the batch: run on after a failure."""


def parse_batch(
    content_type: str | None, raw: bytes, *, max_requests: int, prefer: str | None
) -> BatchRequest:
    media = (content_type or "").split(";")[0].strip().lower()
    if media != "application/json":
        raise UnsupportedMediaType(
            f"Send a JSON batch (application/json), not {media or 'no content type'}."
        )
    try:
        document = decode(raw)
    except msgspec.DecodeError as exc:
        raise BadBatch(f"The batch body is not valid JSON: {exc}.") from exc
    if not isinstance(document, dict) or not isinstance(document.get("requests"), list):
        raise BadBatch('A batch is a JSON object with a "requests" array.')
    unknown = set(document) - {"requests"}
    if unknown:
        raise BadBatch(f"Unknown batch member(s): {', '.join(sorted(unknown))}.")
    requests = document["requests"]
    if not requests:
        raise BadBatch('The "requests" array is empty.')
    if len(requests) > max_requests:
        raise BatchTooLarge(
            f"The batch has {len(requests)} requests; at most {max_requests} are allowed "
            "(server.max_batch_requests)."
        )
    parser = _Parser()
    items = tuple(parser.item(position, raw_item) for position, raw_item in enumerate(requests))
    return BatchRequest(items, continue_on_error=_continue_on_error(prefer))


def _continue_on_error(prefer: str | None) -> bool:
    tokens = {p.strip().lower() for p in (prefer or "").split(",")}
    return bool(tokens & {"odata.continue-on-error", "continue-on-error"})


class _Parser:
    """Checks items in order, so every reference can be checked against what came before."""

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.groups: dict[str, tuple[str, ...]] = {}
        self.closed_groups: set[str] = set()
        self.current_group: str | None = None

    def item(self, position: int, raw: object) -> BatchItem:
        where = f"requests[{position}]"
        if not isinstance(raw, dict):
            raise BadBatch(f"{where} is not a JSON object.")
        request_id = raw.get("id")
        if isinstance(request_id, int) and not isinstance(request_id, bool):
            request_id = str(request_id)
        if not isinstance(request_id, str) or not _ID.fullmatch(request_id):
            raise _bad(where, "id", "needs an id: 1 to 64 letters, digits or _.:~-")
        where = f"request {request_id!r}"
        if request_id in self.ids or request_id in self.groups:
            raise _bad(where, "id", "is used twice in this batch")
        unknown = set(raw) - _KNOWN_MEMBERS
        if unknown:
            raise _bad(where, sorted(unknown)[0], "is not a member of a batch request")
        method = self._method(where, raw.get("method"))
        url, url_ref = self._url(where, raw.get("url"))
        headers = self._headers(where, raw.get("headers"))
        depends = self._depends_on(where, raw.get("dependsOn"))
        refs: set[str] = set()
        body = self._body(where, raw.get("body"), refs)
        if url_ref is not None:
            refs.add(url_ref)
        group = self._group(where, request_id, raw.get("atomicityGroup"))
        self.ids.add(request_id)
        implied = tuple(sorted(refs - set(depends)))
        return BatchItem(
            id=request_id,
            method=method,
            url=url,
            url_ref=url_ref,
            headers=headers,
            body=body,
            depends_on=depends + implied,
            atomicity_group=group,
        )

    def _method(self, where: str, value: object) -> Method:
        if not isinstance(value, str):
            raise _bad(where, "method", "needs a method (GET, POST, PUT, PATCH or DELETE)")
        try:
            return Method(value.upper())
        except ValueError:
            raise _bad(
                where, "method", f"{value!r} is not GET, POST, PUT, PATCH or DELETE"
            ) from None

    def _url(self, where: str, value: object) -> tuple[str, str | None]:
        if not isinstance(value, str) or not value:
            raise _bad(where, "url", "needs a url such as /api/9999/associates")
        match = _URL_REF.fullmatch(value)
        if match is None:
            return value, None
        ref, rest = match.group(1), match.group(2)
        if ref not in self.ids:
            raise _bad(where, "url", f"refers to ${ref}, which is no earlier request")
        if rest and not rest.startswith(("/", "?")):
            raise _bad(where, "url", f"{value!r}: after ${ref} comes / or ?")
        return rest, ref

    def _headers(self, where: str, value: object) -> dict[str, str]:
        if value is None:
            return {}
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise _bad(where, "headers", "must be an object of string values")
        return {str(k).lower(): v for k, v in value.items()}

    def _depends_on(self, where: str, value: object) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise _bad(where, "dependsOn", "must be an array of request or group ids")
        for name in value:
            if name not in self.ids and name not in self.groups:
                raise _bad(where, "dependsOn", f"{name!r} is no earlier request or group")
        expanded: list[str] = []
        for name in value:
            expanded.extend(self.groups.get(name, (name,)))
        return tuple(dict.fromkeys(expanded))

    def _body(self, where: str, value: object, refs: set[str]) -> object:
        if isinstance(value, str):
            match = _VALUE_REF.fullmatch(value)
            if match is not None and match.group(1) in self.ids:
                refs.add(match.group(1))
                return PropertyRef(match.group(1), match.group(2))
            return value
        if isinstance(value, dict):
            return {k: self._body(where, v, refs) for k, v in value.items()}
        if isinstance(value, list):
            return [self._body(where, v, refs) for v in value]
        return value

    def _group(self, where: str, request_id: str, value: object) -> str | None:
        if value is None:
            if self.current_group is not None:
                self.closed_groups.add(self.current_group)
                self.current_group = None
            return None
        if not isinstance(value, str) or not _ID.fullmatch(value):
            raise _bad(where, "atomicityGroup", "must be an id: 1 to 64 letters, digits or _.:~-")
        if value in self.ids:
            raise _bad(where, "atomicityGroup", f"{value!r} is already a request id")
        if value != self.current_group:
            if self.current_group is not None:
                self.closed_groups.add(self.current_group)
            if value in self.closed_groups:
                raise _bad(
                    where, "atomicityGroup", f"the requests of group {value!r} must be adjacent"
                )
            self.current_group = value
        self.groups[value] = (*self.groups.get(value, ()), request_id)
        return value


def _bad(where: str, member: str, message: str) -> BadBatch:
    return BadBatch(
        f"{where}: {member} {message}.", errors=[FieldError(f"{where}.{member}", message)]
    )
