"""A subscription request body → ``NewSubscription``, checked (no database, no HTTP).

Every field at fault is named in one ValidationFailed; companies outside the caller's own
are a 403, as everywhere else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal

from ledgerport.auth.principal import Principal
from ledgerport.errors import CompanyForbidden, FieldError, ValidationFailed
from ledgerport.events.names import pattern_error
from ledgerport.events.subscriptions import NewSubscription, Subscription
from ledgerport.events.targets import AddressPolicy, url_error

__all__ = ["subscription_input"]

_FIELDS = {"url", "events", "companies", "filter", "description", "enabled"}
_FIELD_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9_]{0,62}")
_SCALARS = (str, int, Decimal, bool)
MAX_EVENTS = 100
MAX_URL = 2000


def subscription_input(
    body: Mapping[str, object],
    principal: Principal,
    resources: Iterable[str],
    policy: AddressPolicy,
    current: Subscription | None = None,
) -> NewSubscription:
    """The subscription ``body`` asks for; with ``current`` (PATCH) absent fields are kept."""
    errors = [FieldError(k, "unknown field") for k in body if k not in _FIELDS]
    known = list(resources)

    def given(name: str, default: object) -> object:
        return body.get(name, default)

    url = given("url", current.url if current else None)
    if not isinstance(url, str) or not url or len(url) > MAX_URL:
        errors.append(FieldError("url", f"required: an https URL of at most {MAX_URL} characters"))
    elif problem := url_error(url, policy):
        errors.append(FieldError("url", problem))
    events = given("events", list(current.events) if current else None)
    if not isinstance(events, list) or not events or len(events) > MAX_EVENTS:
        errors.append(FieldError("events", "required: a list of 1 to 100 event names"))
    else:
        for index, pattern in enumerate(events):
            problem = (
                pattern_error(pattern, known) if isinstance(pattern, str) else "must be a string"
            )
            if problem:
                errors.append(FieldError(f"events[{index}]", problem))
    companies = _companies(given("companies", _listed(current)), errors)
    filter_ = _filter(given("filter", _filter_json(current)), errors)
    description = given("description", current.description if current else None)
    if description is not None and (not isinstance(description, str) or len(description) > 500):
        errors.append(FieldError("description", "must be a string of at most 500 characters"))
    enabled = given("enabled", current.enabled if current else True)
    if not isinstance(enabled, bool):
        errors.append(FieldError("enabled", "must be true or false"))
    if errors:
        raise ValidationFailed("The subscription is not valid.", errors=errors)
    if companies is not None:
        foreign = [c for c in companies if principal.grant(c) is None]
        if foreign:
            raise CompanyForbidden(
                f"User {principal.username} has no access to company "
                f"{', '.join(str(c) for c in foreign)}."
            )
    assert isinstance(url, str)
    assert isinstance(events, list)
    assert isinstance(enabled, bool)
    return NewSubscription(
        url=url,
        events=tuple(str(e) for e in dict.fromkeys(events)),
        companies=companies,
        filter=filter_,
        description=description if isinstance(description, str) else None,
        enabled=enabled,
    )


def _listed(current: Subscription | None) -> object:
    if current is None or current.companies is None:
        return None
    return list(current.companies)


def _filter_json(current: Subscription | None) -> object:
    if current is None or current.filter is None:
        return None
    return {k: list(v) for k, v in current.filter.items()}


def _companies(value: object, errors: list[FieldError]) -> tuple[int, ...] | None:
    if value is None:
        return None
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(c, int) and not isinstance(c, bool) and c > 0 for c in value)
    ):
        errors.append(
            FieldError("companies", "must be null or a non-empty list of company numbers")
        )
        return None
    return tuple(sorted(set(value)))


def _filter(value: object, errors: list[FieldError]) -> dict[str, tuple[object, ...]] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not value:
        errors.append(FieldError("filter", "must be null or an object of field: value(s)"))
        return None
    result: dict[str, tuple[object, ...]] = {}
    for name, accepted in value.items():
        values = accepted if isinstance(accepted, list) else [accepted]
        if not _FIELD_NAME.fullmatch(name):
            errors.append(FieldError(f"filter.{name}", "is not a field name"))
        elif not values or not all(isinstance(v, _SCALARS) for v in values):
            errors.append(
                FieldError(f"filter.{name}", "must be a value or a list of values (no objects)")
            )
        else:
            result[name] = tuple(values)
    return result
