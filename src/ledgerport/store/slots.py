"""Connection slots: requests wait for a database connection in the order they came.

SQLAlchemy's asyncio pool hands a returned connection to whoever asks first, so under load
a request that was already waiting can lose it again and again to newcomers (asyncio's queue
puts a woken getter that lost the race at the back); a few requests then wait for hundreds
of milliseconds while the rest fly. A semaphore as wide as the pool (asyncio's is first come,
first served) in front of every checkout keeps the pool itself from ever having waiters.

SQLite allows one writer at a time; its own wait for the lock is a busy handler that sleeps
and retries, so 32 writers of one process took turns at random (W1's p99 was over a second).
One slot for writes in front of BEGIN IMMEDIATE makes them queue in order instead; other
processes on the same file still meet SQLite's busy timeout.
"""

from __future__ import annotations

import asyncio

from ledgerport.errors import DatabaseBusy

__all__ = ["Slots"]

WAIT_SECONDS = 30.0
"""As long as SQLAlchemy's pool would wait before giving up."""


class Slots:
    def __init__(
        self,
        size: int,
        *,
        wait_seconds: float = WAIT_SECONDS,
        busy: str = "Every database connection is busy; retry shortly.",
    ) -> None:
        self._free = asyncio.Semaphore(size)
        self._wait = wait_seconds
        self._busy = busy

    def held(self) -> Slots:
        """``async with slots.held():`` one slot, waited for in order of arrival."""
        return self

    async def __aenter__(self) -> None:
        if self._free.locked():
            try:
                async with asyncio.timeout(self._wait):
                    await self._free.acquire()
            except TimeoutError:
                raise DatabaseBusy(self._busy, headers={"Retry-After": "1"}) from None
        else:
            await self._free.acquire()  # free: returns at once

    async def __aexit__(self, *_exc: object) -> None:
        self._free.release()
