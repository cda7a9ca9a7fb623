"""``Idempotency-Key``: run a write once per key and user, replay its first answer after.

Scoped to the calling user; the same key with a different request is 422, one still running
is 409, a stored answer is replayed (with ``Idempotent-Replayed: true``) until ``ttl_seconds``
have passed. A request that fails changes nothing and stores nothing, so the client may retry
it under the same key. Stored answers keep only the headers a replay needs and never hold a
secret: only data resources and ``$batch`` take keys, and their answers carry none.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncConnection

from ledgerport.auth.principal import Principal
from ledgerport.errors import BadHeader
from ledgerport.pipeline import Recorder
from ledgerport.response import Outcome
from ledgerport.services import Services
from ledgerport.store import idempotency as store

__all__ = [
    "LEASE",
    "answer_of",
    "check_key",
    "fingerprint",
    "idempotent",
    "outcome_of",
]

log = logging.getLogger("ledgerport")

LEASE = dt.timedelta(minutes=2)
"""How long a claim without an answer blocks retries (then its request is taken as dead)."""

_KEPT_HEADERS = frozenset({"content-type", "etag", "location", "preference-applied"})
_MAX_KEY = 255


def check_key(value: str | None) -> str | None:
    """The ``Idempotency-Key`` header value, or None; BadHeader when it is unusable."""
    if value is None:
        return None
    key = value.strip().strip('"')
    if not key or len(key) > _MAX_KEY or not key.isprintable() or not key.isascii():
        raise BadHeader(f"Idempotency-Key must be 1 to {_MAX_KEY} printable ASCII characters.")
    return key


def fingerprint(method: str, path: str, query: str, body: bytes) -> str:
    """What makes two requests "the same" under one key."""
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), query.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def answer_of(outcome: Outcome) -> store.Answer:
    headers = tuple((n, v) for n, v in outcome.headers if n.lower() in _KEPT_HEADERS)
    return store.Answer(outcome.status, headers, outcome.body)


def outcome_of(answer: store.Answer, *, replayed: bool = True) -> Outcome:
    extra = (("Idempotent-Replayed", "true"),) if replayed else ()
    return Outcome(answer.status, (*answer.headers, *extra), answer.body)


Runner = Callable[[Recorder, store.Claim], Awaitable[Outcome]]


async def idempotent(
    services: Services, principal: Principal, key: str, print_: str, runner: Runner
) -> Outcome:
    """Run ``runner`` once for (user, key); it gets the recorder to call inside its write."""
    database = services.database
    ttl = dt.timedelta(seconds=services.settings.idempotency.ttl_seconds)
    async with database.write() as conn:
        claim = await store.claim(
            conn, principal.username, key, print_, services.clock(), ttl=ttl, lease=LEASE
        )
    if claim.replay is not None:
        return outcome_of(claim.replay)
    recorded = False

    async def record(conn: AsyncConnection, outcome: Outcome) -> None:
        nonlocal recorded
        await store.finish(conn, principal.username, key, answer_of(outcome))
        recorded = True

    try:
        outcome = await runner(record, claim)
    except BaseException:
        try:
            async with database.write() as conn:
                await store.release(conn, principal.username, key)
        except Exception:
            log.warning("could not release an idempotency key; it frees itself after its lease")
        raise
    if not recorded:
        async with database.write() as conn:
            await store.finish(conn, principal.username, key, answer_of(outcome))
    return outcome
