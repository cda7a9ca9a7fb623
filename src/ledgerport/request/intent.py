"""What a client asked for, parsed from HTTP but not yet checked against the data model."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from ledgerport.model import Scope

__all__ = ["Method", "OrderKey", "Preferences", "QueryOptions", "ResourceRequest", "Target"]


class Method(StrEnum):
    GET = "GET"
    POST = "POST"
    PUT = "PUT"
    PATCH = "PATCH"
    DELETE = "DELETE"


@dataclass(frozen=True)
class Target:
    """``/api/{companyNo|sys|catalog}/{resource}/{rest...}``, segments percent-decoded."""

    scope: Scope
    company_no: int | None
    """The company of company data; None for sys and catalog."""
    resource: str
    rest: tuple[str, ...] = ()
    """Segments after the resource: key fields, then ``actions/...`` and the like."""


@dataclass(frozen=True)
class QueryOptions:
    """List options (OData system query options)."""

    top: int | None = None
    """``$top``: at most this many rows in all."""
    skip: int | None = None
    """``$skip``: leave out this many rows first."""
    filter: object | None = None
    """``$filter`` as odata-query's syntax tree (checked against the model by the planner)."""
    filter_text: str | None = None
    """``$filter`` as sent, to bind cursors to it."""
    select: tuple[str, ...] | None = None
    """``$select``: property names (paths checked by the planner)."""
    orderby: tuple[OrderKey, ...] = ()
    """``$orderby``: property paths and directions, in order."""
    expand: tuple[str, ...] = ()
    """``$expand``: child collections and single references by name."""
    count: bool = False
    """``$count=true``: add ``@odata.count``."""
    skiptoken: str | None = None
    """``$skiptoken``: the opaque cursor of a next link."""
    deltatoken: str | None = None
    """``$deltatoken``: the opaque position of a delta link."""
    page_size: int | None = None
    """Visma.net ``pageSize``."""
    page_number: int | None = None
    """Visma.net ``pageNumber`` (1-based)."""
    modified_since: dt.datetime | None = None
    """Visma.net ``lastModifiedDateTime``."""
    modified_condition: str = ">"
    """Visma.net ``lastModifiedDateTimeCondition``: one of ``> >= < <= =``."""
    assign_order: tuple[str, ...] | None = None
    """``$assignOrder``: fields assigned first, in this order (RedHorn's custom order)."""


@dataclass(frozen=True)
class OrderKey:
    """One ``$orderby`` item."""

    path: str
    """Property name (``name``) or reference path (``customer/name``)."""
    descending: bool = False


@dataclass(frozen=True)
class Preferences:
    """RFC 7240 ``Prefer`` header values ledgerport honours."""

    return_minimal: bool = False
    """``return=minimal``: answer writes with 204 and no body."""
    max_page_size: int | None = None
    """``odata.maxpagesize=N``: the client wants pages of at most N rows."""


@dataclass(frozen=True)
class ResourceRequest:
    """One request on a data resource, as batch and HTTP both produce it."""

    method: Method
    target: Target
    options: QueryOptions = QueryOptions()
    body: Mapping[str, object] | None = None
    if_match: tuple[str, ...] | None = None
    """Entity tags of ``If-Match``; ``("*",)`` for any."""
    if_none_match: tuple[str, ...] | None = None
    prefer: Preferences = Preferences()
    base_url: str = ""
    """Scheme and authority the client used, for ``Location`` and next links."""
