"""One HTTP attempt of one delivery, and what follows from its answer.

Standard Webhooks: 2xx is success; anything else (timeouts and refused connections too) is
retried on ``retry_schedule`` with jitter, or after ``Retry-After`` when the receiver sends one;
410 Gone disables the subscription; when the schedule is used up the delivery is dead-lettered.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import random
import time
from collections.abc import Sequence

import httpx

from ledgerport.events.claims import Claimed, Outcome
from ledgerport.events.guard import read_limited
from ledgerport.events.signing import signed_headers
from ledgerport.events.targets import UnsafeTarget

__all__ = ["attempt", "next_delay", "retry_after_seconds"]

MAX_RETRY_AFTER = 24 * 3600.0


def retry_after_seconds(value: str | None, now: dt.datetime) -> float | None:
    """RFC 9110 §10.2.3: seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return min(max((when - now).total_seconds(), 0.0), MAX_RETRY_AFTER)


def next_delay(
    schedule: Sequence[float], attempts_made: int, retry_after: float | None, rng: random.Random
) -> float | None:
    """Seconds until the next attempt after ``attempts_made`` attempts; None: dead-letter."""
    if attempts_made > len(schedule):
        return None
    if retry_after is not None:
        return retry_after
    base = schedule[attempts_made - 1]
    return base * rng.uniform(0.8, 1.2)


async def attempt(
    client: httpx.AsyncClient,
    url: str,
    secrets: Sequence[str],
    delivery: Claimed,
    *,
    now: dt.datetime,
    schedule: Sequence[float],
    rng: random.Random,
) -> Outcome:
    headers = signed_headers(secrets, delivery.message_id, now, delivery.payload)
    started = time.perf_counter()
    status: int | None = None
    error: str | None = None
    retry_after: float | None = None
    try:
        async with client.stream("POST", url, content=delivery.payload, headers=headers) as answer:
            body = await read_limited(answer)
            status = answer.status_code
            retry_after = retry_after_seconds(answer.headers.get("retry-after"), now)
    except UnsafeTarget as exc:
        error = f"refused by the SSRF guard: {exc}"
    except httpx.TimeoutException:
        error = "timed out"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    duration = (time.perf_counter() - started) * 1000
    made = delivery.attempts + 1
    if status is not None and 200 <= status < 300:
        return Outcome(delivery.id, now, duration, status, None, "succeeded")
    if status is not None:
        error = f"HTTP {status}: {body[:200].decode('utf-8', 'replace')}".rstrip(": ")
    if status == 410:
        reason = "the receiver answered 410 Gone"
        return Outcome(delivery.id, now, duration, status, error, "dead", disable_reason=reason)
    delay = next_delay(schedule, made, retry_after, rng)
    if delay is None:
        return Outcome(delivery.id, now, duration, status, error, "dead")
    later = now + dt.timedelta(seconds=delay)
    return Outcome(delivery.id, now, duration, status, error, "pending", next_attempt_at=later)
