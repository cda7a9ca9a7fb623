"""Opaque signed tokens: ``$skiptoken`` (keyset position) and ``$deltatoken`` (change-log position).

A token is ``base64url(JSON payload) "." base64url(HMAC-SHA256(secret, binding "|" payload))``
truncated to 128 bits. The binding names what the token belongs to (resource, company,
filter, order), so a token cannot be replayed against another query, and the secret is the
database's ``secret_key``, so every process accepts every other process's tokens.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

import msgspec

from ledgerport.errors import BadQueryOption
from ledgerport.model import FieldType

__all__ = ["binding", "open_token", "seal_token", "typed_values", "wire_values"]

_MAC_BYTES = 16


def binding(*parts: object) -> str:
    """A short digest of the parts a token is bound to."""
    text = "\x1f".join(repr(p) for p in parts)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def seal_token(secret: str, bound_to: str, payload: list[object]) -> str:
    data = msgspec.json.encode(payload)
    mac = hmac.new(secret.encode(), bound_to.encode() + b"|" + data, hashlib.sha256).digest()
    return f"{_b64(data)}.{_b64(mac[:_MAC_BYTES])}"


def open_token(secret: str, bound_to: str, token: str, option: str) -> list[object]:
    """The payload of a token this server sealed for ``bound_to``; else a 400 naming ``option``."""
    refused = BadQueryOption(
        f"{option} was not issued for this query (or has been altered); "
        "follow the links the server returns unchanged."
    )
    head, _, tail = token.partition(".")
    try:
        data, mac = _unb64(head), _unb64(tail)
    except (binascii.Error, ValueError):
        raise refused from None
    expected = hmac.new(secret.encode(), bound_to.encode() + b"|" + data, hashlib.sha256).digest()
    if not hmac.compare_digest(mac, expected[:_MAC_BYTES]):
        raise refused
    try:
        payload = msgspec.json.decode(data)
    except msgspec.DecodeError:
        raise refused from None
    if not isinstance(payload, list):
        raise refused
    return payload


def wire_values(values: Sequence[object]) -> list[object]:
    """Typed values → JSON-safe ones (decimals, dates and datetimes as text)."""
    out: list[object] = []
    for value in values:
        if isinstance(value, Decimal | dt.date):
            out.append(value.isoformat() if isinstance(value, dt.date) else str(value))
        else:
            out.append(value)
    return out


def typed_values(raw: Sequence[object], types: Sequence[FieldType]) -> tuple[object, ...]:
    """JSON values of a sealed token back to field types (the token was ours, so trusted)."""
    if len(raw) != len(types):
        raise BadQueryOption("$skiptoken does not fit this query's order.")
    out: list[object] = []
    try:
        for value, kind in zip(raw, types, strict=True):
            out.append(None if value is None else _typed(value, kind))
    except (ValueError, TypeError, InvalidOperation):
        raise BadQueryOption("$skiptoken does not fit this query's order.") from None
    return tuple(out)


def _typed(value: object, kind: FieldType) -> object:
    match kind:
        case FieldType.DECIMAL:
            return Decimal(str(value))
        case FieldType.DATE:
            return dt.date.fromisoformat(str(value))
        case FieldType.DATETIME:
            return dt.datetime.fromisoformat(str(value))
    return value


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
