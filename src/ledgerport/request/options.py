"""OData system query options and Visma.net paging parameters → QueryOptions (syntax only).

Names are case-insensitive (OData 4.01 §5.1.1: ``$orderBy`` is ``$orderby``). Whether a field
exists or a value fits its type is the planner's question; here only the syntax is checked.
``$filter`` goes through odata-query's parser (a maintained OData v4 grammar), kept behind
``parse_filter`` so the rest of ledgerport never imports it.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping

from odata_query.exceptions import ODataException
from odata_query.grammar import ODataLexer, ODataParser

from ledgerport.errors import BadQueryOption
from ledgerport.request.intent import OrderKey, QueryOptions

__all__ = ["ODATA_OPTIONS", "VISMA_OPTIONS", "parse_filter", "read_options"]

ODATA_OPTIONS = frozenset(
    {
        "$top",
        "$skip",
        "$filter",
        "$select",
        "$orderby",
        "$expand",
        "$count",
        "$skiptoken",
        "$deltatoken",
        "$assignorder",
    }
)
VISMA_OPTIONS = {
    "pagesize": "pageSize",
    "pagenumber": "pageNumber",
    "lastmodifieddatetime": "lastModifiedDateTime",
    "lastmodifieddatetimecondition": "lastModifiedDateTimeCondition",
}
_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}(?:/[A-Za-z_][A-Za-z0-9_]{0,62}){0,3}")
_ORDER_ITEM = re.compile(rf"\s*({_PATH.pattern})(?:\s+(asc|desc))?\s*", re.IGNORECASE)
_CONDITIONS = {">": ">", ">=": ">=", "<": "<", "<=": "<=", "=": "=", "gt": ">", "ge": ">="}
_CONDITIONS |= {"lt": "<", "le": "<=", "eq": "="}
_MAX_LIST = 100


def read_options(values: Mapping[str, str], *, max_filter_length: int) -> QueryOptions:
    """``values``: lower-cased option name → raw value (each name at most once)."""
    filter_text = values.get("$filter")
    modified = values.get("lastmodifieddatetime")
    condition = values.get("lastmodifieddatetimecondition")
    if condition is not None and modified is None:
        raise BadQueryOption("lastModifiedDateTimeCondition needs lastModifiedDateTime.")
    return QueryOptions(
        top=_whole(values, "$top"),
        skip=_whole(values, "$skip"),
        filter=None if filter_text is None else parse_filter(filter_text, max_filter_length),
        filter_text=filter_text,
        select=_names(values, "$select"),
        orderby=_orderby(values.get("$orderby")),
        expand=_names(values, "$expand") or (),
        count=_boolean(values, "$count"),
        skiptoken=_token(values, "$skiptoken"),
        deltatoken=_token(values, "$deltatoken"),
        page_size=_whole(values, "pagesize", minimum=1),
        page_number=_whole(values, "pagenumber", minimum=1),
        modified_since=None if modified is None else _datetime(modified),
        modified_condition=_condition(condition),
        assign_order=_names(values, "$assignorder"),
    )


def parse_filter(text: str, max_length: int) -> object:
    """The syntax tree of a ``$filter`` expression (OData v4 ABNF, via odata-query)."""
    if not text.strip():
        raise BadQueryOption("$filter is empty.")
    if len(text) > max_length:
        raise BadQueryOption(f"$filter is longer than the limit of {max_length} characters.")
    try:
        return _parsed(text)
    except ODataException as exc:
        raise BadQueryOption(f"$filter is malformed: {_syntax_message(exc, text)}.") from None
    except (ValueError, TypeError, IndexError, RecursionError):
        raise BadQueryOption("$filter is malformed.") from None


@functools.lru_cache(maxsize=1000)
def _parsed(text: str) -> object:
    """Parsed once per text (the trees are never changed; lists are asked for again)."""
    return ODataParser().parse(ODataLexer().tokenize(text))


def _syntax_message(exc: ODataException, text: str) -> str:
    token = getattr(exc, "token", None)
    index = getattr(token, "index", None)
    if isinstance(index, int):
        return f"unexpected {text[index : index + 20]!r} at position {index + 1}"
    if "EOF" in str(exc) or token is None:
        return "it ends too early"
    return str(exc)


def _whole(values: Mapping[str, str], key: str, *, minimum: int = 0) -> int | None:
    raw = values.get(key)
    if raw is None:
        return None
    name = VISMA_OPTIONS.get(key, key)
    if not raw.isdigit() or len(raw) > 12 or int(raw) < minimum:
        raise BadQueryOption(f"{name} must be a whole number of at least {minimum}, not {raw!r}.")
    return int(raw)


def _boolean(values: Mapping[str, str], key: str) -> bool:
    raw = values.get(key)
    if raw is None or raw.lower() == "false":
        return False
    if raw.lower() == "true":
        return True
    raise BadQueryOption(f"{key} must be true or false, not {raw!r}.")


def _names(values: Mapping[str, str], key: str) -> tuple[str, ...] | None:
    raw = values.get(key)
    if raw is None:
        return None
    names = tuple(part.strip() for part in raw.split(","))
    if len(names) > _MAX_LIST:
        raise BadQueryOption(f"{key} names more than {_MAX_LIST} properties.")
    for name in names:
        if not _PATH.fullmatch(name):
            raise BadQueryOption(f"{key}: {name!r} is not a property name.")
    return names


def _orderby(raw: str | None) -> tuple[OrderKey, ...]:
    if raw is None:
        return ()
    items = raw.split(",")
    if len(items) > _MAX_LIST:
        raise BadQueryOption(f"$orderby has more than {_MAX_LIST} items.")
    keys: list[OrderKey] = []
    for item in items:
        match = _ORDER_ITEM.fullmatch(item)
        if match is None:
            raise BadQueryOption(
                f"$orderby: {item.strip()!r} is not a property name followed by asc or desc."
            )
        direction = (match.group(2) or "asc").lower()
        keys.append(OrderKey(match.group(1), descending=direction == "desc"))
    return tuple(keys)


def _token(values: Mapping[str, str], key: str) -> str | None:
    raw = values.get(key)
    if raw is not None and (not raw or len(raw) > 4096):
        raise BadQueryOption(f"{key} is not a token this server issued.")
    return raw


def _datetime(raw: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(raw.replace(" ", "+"))
    except ValueError:
        raise BadQueryOption(
            f"lastModifiedDateTime must be an ISO 8601 date and time, not {raw!r}."
        ) from None
    # Visma.net sends local times without an offset; ledgerport keeps time in UTC.
    try:
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
    except OverflowError:
        raise BadQueryOption(f"lastModifiedDateTime {raw!r} is out of range in UTC.") from None


def _condition(raw: str | None) -> str:
    if raw is None:
        return ">"
    condition = _CONDITIONS.get(raw.strip().lower())
    if condition is None:
        raise BadQueryOption(
            "lastModifiedDateTimeCondition must be one of > >= < <= = (or gt ge lt le eq), "
            f"not {raw!r}."
        )
    return condition
