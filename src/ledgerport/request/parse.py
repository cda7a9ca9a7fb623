"""Parse the pieces of an HTTP request into a ResourceRequest (no database, no Starlette)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from urllib.parse import unquote

import msgspec

from ledgerport.codec import decode
from ledgerport.errors import (
    BadHeader,
    BadPath,
    BadQueryOption,
    MalformedBody,
    MethodNotAllowed,
    UnsupportedMediaType,
)
from ledgerport.model import Scope
from ledgerport.request.intent import (
    Method,
    Preferences,
    QueryOptions,
    ResourceRequest,
    Target,
)
from ledgerport.request.options import ODATA_OPTIONS, VISMA_OPTIONS, read_options

__all__ = [
    "BODY_METHODS",
    "parse_body",
    "parse_etags",
    "parse_method",
    "parse_options",
    "parse_prefer",
    "parse_target",
    "resource_request",
]

BODY_METHODS = frozenset({Method.POST, Method.PUT, Method.PATCH})

_COMPANY_NO = re.compile(r"[0-9]{1,9}")
_RESOURCE = re.compile(r"[a-z][a-z0-9_]{0,62}")

_ETAG = re.compile(r'\s*(\*|(?:W/)?"[^"]*")\s*(?:,|$)')


def parse_method(method: str) -> Method:
    try:
        return Method(method.upper())
    except ValueError:
        raise MethodNotAllowed(f"{method} is not a method of data resources.") from None


def parse_target(raw_path: str) -> Target:
    """Split ``/api/...`` on raw ``/`` before decoding, so ``%2F`` stays inside a key."""
    segments = raw_path.split("/")
    if len(segments) < 4 or segments[:2] != ["", "api"] or not segments[3]:
        raise BadPath("Expected /api/{companyNo|sys|catalog}/{resource}[/{key...}].")
    if segments[-1] == "" and len(segments) > 4:
        segments = segments[:-1]
    decoded = [unquote(s) for s in segments[2:]]
    first, resource, rest = decoded[0], decoded[1], tuple(decoded[2:])
    if not _RESOURCE.fullmatch(resource):
        raise BadPath(f"{resource!r} is not a resource name.")
    if first in ("sys", "catalog"):
        return Target(Scope(first), None, resource, rest)
    if not _COMPANY_NO.fullmatch(first) or int(first) == 0:
        raise BadPath(f"{first!r} is not a company number, 'sys' or 'catalog'.")
    return Target(Scope.COMPANY, int(first), resource, rest)


def parse_options(
    params: Sequence[tuple[str, str]], *, max_filter_length: int = 2000
) -> QueryOptions:
    """Read the OData and Visma.net list options; names are case-insensitive (OData 4.01)."""
    values: dict[str, str] = {}
    for name, value in params:
        key = name.lower()
        if not key.startswith("$") and key not in VISMA_OPTIONS:
            continue
        if key.startswith("$") and key not in ODATA_OPTIONS:
            raise BadQueryOption(f"Query option {name} is not supported.")
        if key in values:
            raise BadQueryOption(f"Query option {name} is given twice.")
        values[key] = value
    return read_options(values, max_filter_length=max_filter_length)


def parse_body(content_type: str | None, body: bytes) -> dict[str, object]:
    """A JSON object body, numbers with fractions kept exact as Decimal."""
    media = (content_type or "").split(";")[0].strip().lower()
    if media != "application/json" and not media.endswith("+json"):
        raise UnsupportedMediaType(
            f"Send the body as application/json, not {media or 'no content type'}."
        )
    charset = _param(content_type or "", "charset")
    if charset not in (None, "utf-8", "utf8"):
        raise UnsupportedMediaType(f"Send the body as UTF-8, not {charset}.")
    if not body.strip():
        raise MalformedBody("The request body is empty; send a JSON object.")
    try:
        value = decode(body)
    except msgspec.DecodeError as exc:
        raise MalformedBody(f"The request body is not valid JSON: {exc}.") from exc
    if not isinstance(value, dict):
        raise MalformedBody("The request body must be a JSON object.")
    return value


def _param(content_type: str, name: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == name:
            return value.strip().strip('"').lower()
    return None


def parse_etags(header: str | None, name: str) -> tuple[str, ...] | None:
    """``If-Match`` / ``If-None-Match``: ``*`` or a list of entity tags (RFC 9110 §13.1)."""
    if header is None:
        return None
    tags: list[str] = []
    position = 0
    while position < len(header):
        match = _ETAG.match(header, position)
        if match is None:
            raise BadHeader(f"{name} must be * or a list of quoted entity tags.")
        tags.append(match.group(1))
        position = match.end()
    if not tags:
        raise BadHeader(f"{name} must be * or a list of quoted entity tags.")
    return tuple(tags)


def parse_prefer(header: str | None) -> Preferences:
    """RFC 7240: unknown preferences are ignored; ``odata.maxpagesize`` (OData §8.2.8.3)."""
    if not header:
        return Preferences()
    tokens = {p.strip().lower() for p in header.split(",")}
    max_page_size = None
    for token in tokens:
        name, _, value = token.partition("=")
        if name.strip() == "odata.maxpagesize":
            value = value.strip().strip('"')
            if not value.isdigit() or len(value) > 9 or int(value) < 1:
                raise BadHeader("Prefer: odata.maxpagesize must be a whole number of at least 1.")
            max_page_size = int(value)
    return Preferences(return_minimal="return=minimal" in tokens, max_page_size=max_page_size)


def resource_request(
    method: Method,
    raw_path: str,
    query: Sequence[tuple[str, str]],
    headers: Mapping[str, str],
    body: object,
    base_url: str,
    *,
    max_filter_length: int = 2000,
) -> ResourceRequest:
    """One request from its parts; HTTP requests and batch sub-requests both come here.

    ``headers`` have lower-case names; ``body`` is the decoded JSON (None when there is none).
    """
    target = parse_target(raw_path)
    action = body is None and "actions" in target.rest  # actions may come without a body
    if method in BODY_METHODS and not isinstance(body, dict) and not action:
        raise MalformedBody("The request body must be a JSON object.")
    return ResourceRequest(
        method=method,
        target=target,
        options=parse_options(query, max_filter_length=max_filter_length),
        body=body if isinstance(body, dict) else None,
        if_match=parse_etags(headers.get("if-match"), "If-Match"),
        if_none_match=parse_etags(headers.get("if-none-match"), "If-None-Match"),
        prefer=parse_prefer(headers.get("prefer")),
        base_url=base_url,
    )
