"""Results of list, count and delta plans → status, headers and body (no Starlette here).

Lists answer ``{"@odata.count"?, "value": [...], "@odata.nextLink"?}`` (OData JSON §12),
plus Visma.net's ``metadata`` when ``pageSize`` was used, an RFC 8288 ``Link: <..>;
rel="next"`` header, and a weak ETag over the body so ``If-None-Match`` can answer 304.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from urllib.parse import urlencode

from ledgerport.codec import encode
from ledgerport.domain.context import Stored
from ledgerport.model import Entity, Field
from ledgerport.plan.cursor import seal_token, wire_values
from ledgerport.plan.lists import delta_binding
from ledgerport.plan.plan import DeltaPosition, ReadDelta, ReadList
from ledgerport.request.intent import ResourceRequest
from ledgerport.response import JSON, Outcome, collection_path, entity_body, not_modified
from ledgerport.store.lists import DeltaResult, ListResult

__all__ = ["count_outcome", "delta_outcome", "json_outcome", "page_outcome"]


def page_outcome(
    request: ResourceRequest, plan: ReadList, page: ListResult, secret: str
) -> Outcome:
    """The page's JSON: rows as the database wrote them, joined, with the annotations."""
    link = _next_link(request, plan, page, secret)
    parts: list[bytes] = [b"{"]
    if plan.count and page.count is not None:
        parts.append(b'"@odata.count":%d,' % page.count)
    if page.json_rows is not None:
        parts += [b'"value":[', ",".join(page.json_rows).encode(), b"]"]
    else:
        value = [_item(plan, page, i, row) for i, row in enumerate(page.rows)]
        parts += [b'"value":', encode(value)]
    headers: list[tuple[str, str]] = [("Content-Type", JSON)]
    if link is not None:
        parts += [b',"@odata.nextLink":', encode(link)]
        headers.append(("Link", f'<{link}>; rel="next"'))
    elif page.position is not None:
        since = DeltaPosition(page.position)
        parts += [b',"@odata.deltaLink":', encode(_delta_link(request, plan.entity, since, secret))]
    if plan.paging.page_size is not None:
        metadata = {"totalCount": page.count, "maxPageSize": plan.max_page_size}
        parts += [b',"metadata":', encode(metadata)]
    parts.append(b"}")
    if plan.prefer_applied is not None:
        headers.append(("Preference-Applied", f"odata.maxpagesize={plan.prefer_applied}"))
    return _tagged(request, headers, b"".join(parts))


def json_outcome(body: str, etag: str) -> Outcome:
    """One entity whose JSON the database wrote."""
    return Outcome(200, (("ETag", etag), ("Content-Type", JSON)), body.encode())


def count_outcome(count: int) -> Outcome:
    """``/$count`` answers a bare number as text/plain (OData URL conventions §4.8)."""
    return Outcome(200, (("Content-Type", "text/plain"),), str(count).encode())


def delta_outcome(
    request: ResourceRequest, plan: ReadDelta, result: DeltaResult, secret: str
) -> Outcome:
    value: list[dict[str, object]] = [_selected(plan.select, row) for row in result.changed]
    value.extend({"@removed": {"reason": "deleted"}, **key} for key in result.removed)
    link = _delta_link(request, plan.entity, result.position, secret)
    body: dict[str, object] = {"value": value}
    headers: list[tuple[str, str]] = [("Content-Type", JSON)]
    if result.more:
        body["@odata.nextLink"] = link
        headers.append(("Link", f'<{link}>; rel="next"'))
    else:
        body["@odata.deltaLink"] = link
    return Outcome(200, tuple(headers), encode(body))


def _tagged(request: ResourceRequest, headers: list[tuple[str, str]], body: bytes) -> Outcome:
    etag = f'W/"{hashlib.sha256(body).hexdigest()[:24]}"'
    if request.if_none_match and ("*" in request.if_none_match or etag in request.if_none_match):
        return not_modified(etag)
    headers.append(("ETag", etag))
    return Outcome(200, tuple(headers), body)


def _selected(select: Sequence[Field] | None, row: Stored) -> dict[str, object]:
    if select is None:
        return entity_body(row)
    return {"@odata.etag": row.etag, **{f.name: row.values[f.name] for f in select}}


def _item(plan: ReadList, page: ListResult, index: int, row: Stored) -> dict[str, object]:
    body = _selected(plan.select, row)
    for expand in plan.expand:
        inline = page.expanded[expand.name][index]
        if isinstance(inline, list):
            body[expand.name] = [entity_body(c) for c in inline]
        else:
            body[expand.name] = None if inline is None else entity_body(inline)
    return body


def _next_link(
    request: ResourceRequest, plan: ReadList, page: ListResult, secret: str
) -> str | None:
    shown = len(page.json_rows) if page.json_rows is not None else len(page.rows)
    if not page.more or page.last_order is None:
        return None
    query = list(plan.query)
    if plan.paging.page_size is not None:
        done = plan.offset + shown
        if plan.top is not None and done >= plan.top:
            return None
        if plan.top is not None:
            query.append(("$top", str(plan.top)))
        query.append(("pageSize", str(plan.paging.page_size)))
        query.append(("pageNumber", str(plan.paging.page_number + 1)))
        return _link(request, query)
    if plan.top is not None:
        if shown >= plan.top:
            return None
        query.append(("$top", str(plan.top - shown)))
    after = wire_values(list(page.last_order))
    token = seal_token(secret, plan.paging.binding, ["k", after, page.position])
    query.append(("$skiptoken", token))
    return _link(request, query)


def _link(request: ResourceRequest, query: list[tuple[str, str]]) -> str:
    path = collection_path(request.target)
    if request.target.rest == ("$delta",):
        path += "/$delta"
    return f"{request.base_url}{path}?{urlencode(query, safe='$,/:')}"


def _delta_link(
    request: ResourceRequest, entity: Entity, position: DeltaPosition, secret: str
) -> str:
    token = seal_token(secret, delta_binding(entity, request.target.company_no), position.wire())
    query: list[tuple[str, str]] = [("$deltatoken", token)]
    if request.options.select is not None:
        query.append(("$select", ",".join(request.options.select)))
    path = f"{collection_path(request.target)}/$delta"
    return f"{request.base_url}{path}?{urlencode(query, safe='$,/:')}"
