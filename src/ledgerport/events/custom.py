"""Custom actions (Visma.net's custom buttons): an operator-registered service that a user
fires on one entity; ledgerport sends it a signed call and relays its answer.

The call is signed like a webhook (Standard Webhooks headers, the action's own ``whsec_``
secret), goes through the same SSRF guard, and has the webhook timeout.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import Row, delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from ledgerport.codec import decode, encode
from ledgerport.errors import (
    Conflict,
    FieldError,
    NotFound,
    UnknownAction,
    ValidationFailed,
)
from ledgerport.events.sealing import SecretBox, new_signing_secret
from ledgerport.events.targets import AddressPolicy, url_error
from ledgerport.store.database import Database
from ledgerport.store.webhook_tables import custom_actions as actions

__all__ = [
    "CustomAction",
    "CustomActions",
    "NewCustomAction",
    "custom_action_input",
]

_NAME = re.compile(r"[a-z][a-zA-Z0-9_-]{0,63}")
_FIELDS = {"name", "label", "resource", "url", "companies"}


@dataclass(frozen=True)
class NewCustomAction:
    name: str
    label: str
    resource: str
    url: str
    companies: tuple[int, ...] | None


@dataclass(frozen=True)
class CustomAction:
    id: int
    name: str
    label: str
    resource: str
    url: str
    companies: tuple[int, ...] | None
    secret: str
    """Sealed."""
    created_at: dt.datetime


def custom_action_input(
    body: Mapping[str, object], resources: Iterable[str], policy: AddressPolicy
) -> NewCustomAction:
    errors = [FieldError(k, "unknown field") for k in body if k not in _FIELDS]
    name, label, resource, url = (body.get(k) for k in ("name", "label", "resource", "url"))
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        errors.append(FieldError("name", "required: letters, digits, _ or -, starting a-z"))
    if not isinstance(label, str) or not 1 <= len(label) <= 200:
        errors.append(FieldError("label", "required: 1 to 200 characters"))
    if not isinstance(resource, str) or resource not in set(resources):
        errors.append(FieldError("resource", "required: a resource name such as 'orders'"))
    if not isinstance(url, str) or not url:
        errors.append(FieldError("url", "required: an https URL"))
    elif problem := url_error(url, policy):
        errors.append(FieldError("url", problem))
    companies = body.get("companies")
    if companies is not None and (
        not isinstance(companies, list)
        or not companies
        or not all(isinstance(c, int) and not isinstance(c, bool) and c > 0 for c in companies)
    ):
        errors.append(FieldError("companies", "must be null or a list of company numbers"))
    if errors:
        raise ValidationFailed("The custom action is not valid.", errors=errors)
    assert isinstance(name, str)
    assert isinstance(label, str)
    assert isinstance(resource, str)
    assert isinstance(url, str)
    listed: tuple[int, ...] | None = None
    if isinstance(companies, list):
        listed = tuple(sorted({int(c) for c in companies}))
    return NewCustomAction(name, label, resource, url, listed)


def _action(row: Row[tuple[object, ...]]) -> CustomAction:
    m = row._mapping
    companies = None if m["companies"] is None else tuple(decode(m["companies"]))
    return CustomAction(
        m["id"],
        m["name"],
        m["label"],
        m["resource"],
        m["url"],
        companies,
        m["secret"],
        m["created_at"],
    )


@dataclass(frozen=True)
class CustomActions:
    database: Database
    box: SecretBox

    async def create(self, new: NewCustomAction, now: dt.datetime) -> tuple[CustomAction, str]:
        secret = new_signing_secret()
        companies = None if new.companies is None else encode(list(new.companies)).decode()
        try:
            async with self.database.write() as conn:
                row = (
                    await conn.execute(
                        insert(actions)
                        .values(
                            name=new.name,
                            label=new.label,
                            resource=new.resource,
                            url=new.url,
                            companies=companies,
                            secret=self.box.seal(secret),
                            created_at=now,
                        )
                        .returning(actions)
                    )
                ).one()
        except IntegrityError:
            raise Conflict(
                f"{new.resource} already has a custom action named {new.name!r}."
            ) from None
        return _action(row), secret

    async def all(self) -> list[CustomAction]:
        async with self.database.read() as conn:
            rows = await conn.execute(select(actions).order_by(actions.c.id))
            return [_action(r) for r in rows]

    async def get(self, action_id: int) -> CustomAction:
        async with self.database.read() as conn:
            return await _found(conn, action_id)

    async def delete(self, action_id: int) -> None:
        async with self.database.write() as conn:
            await _found(conn, action_id)
            await conn.execute(delete(actions).where(actions.c.id == action_id))

    async def named(self, resource: str, name: str, company_no: int | None) -> CustomAction:
        async with self.database.read() as conn:
            row = (
                await conn.execute(
                    select(actions).where(actions.c.resource == resource, actions.c.name == name)
                )
            ).first()
        found = None if row is None else _action(row)
        if found is None or (
            company_no is not None
            and found.companies is not None
            and company_no not in found.companies
        ):
            raise UnknownAction(f"{resource} has no custom action {name!r} here.")
        return found


async def _found(conn: AsyncConnection, action_id: int) -> CustomAction:
    row = (await conn.execute(select(actions).where(actions.c.id == action_id))).first()
    if row is None:
        raise NotFound(f"There is no custom action {action_id}.")
    return _action(row)
