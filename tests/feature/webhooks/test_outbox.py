"""The outbox is written in the write's own transaction: rolled back, it is gone too."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlalchemy import func, select

from feature.webhooks.helpers import subscribed
from feature.webhooks.support import HookLive
from ledgerport.store import changelog
from ledgerport.store.database import Database
from ledgerport.store.system import change_log
from ledgerport.store.webhook_tables import webhook_outbox


class Boom(Exception):
    pass


def _entry(name: str) -> changelog.ChangeEntry:
    return changelog.ChangeEntry(
        at=dt.datetime.now(dt.UTC),
        company_no=9999,
        resource="associates",
        operation="created",
        key={"associateNo": 987654},
        changes={"associateNo": 987654, "name": name},
        username="alice",
        context_user=None,
    )


def test_a_rolled_back_change_leaves_no_outbox_row_and_no_event(hooks: HookLive) -> None:
    path = hooks.path()

    async def roll_back() -> tuple[int, int]:
        database = Database.connect(hooks.live.settings.database_url, 1)
        try:
            async with database.read() as conn:
                before = await conn.scalar(select(func.count()).select_from(change_log))
            marked: list[int] = []

            async def write_then_fail() -> None:
                async with database.write() as conn:
                    await changelog.append(conn, [_entry("Rolled back")])
                    count = await conn.scalar(select(func.count()).select_from(webhook_outbox))
                    marked.append(int(count or 0))
                    raise Boom

            with pytest.raises(Boom):
                await write_then_fail()
            assert marked[0] >= 1  # the trigger wrote the marker inside the transaction
            async with database.read() as conn:
                after = await conn.scalar(select(func.count()).select_from(change_log))
            return int(before or 0), int(after or 0)
        finally:
            await database.dispose()

    with subscribed(hooks, path), hooks.client() as client:
        before, after = asyncio.run(roll_back())
        assert before == after
        client.post("/api/9999/associates", json={"name": "Committed"})
        got = hooks.receiver.wait_for(path, 1)
        asyncio.run(asyncio.sleep(0.5))
        assert len(hooks.receiver.requests(path)) == 1
    assert b"Committed" in got[0].body


def test_a_run_of_creates_in_a_batch_emits_an_event_per_row(hooks: HookLive) -> None:
    """Rows inserted together (one statement, one change-log insert) each get their event."""
    path = hooks.path()
    names = [f"Bulk event {i}" for i in range(5)]
    requests = [
        {"id": str(i), "method": "POST", "url": "9999/associates", "body": {"name": name}}
        for i, name in enumerate(names)
    ]
    with subscribed(hooks, path), hooks.client() as client:
        answer = client.post("/api/$batch", json={"requests": requests})
        assert answer.status_code == 200, answer.text
        assert {r["status"] for r in answer.json()["responses"]} == {201}
        got = hooks.receiver.wait_for(path, len(names))
    bodies = b"".join(request.body for request in got)
    for name in names:
        assert name.encode() in bodies
