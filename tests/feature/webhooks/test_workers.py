"""Workers as separate processes on PostgreSQL: a killed worker loses nothing, two never
deliver the same attempt at once."""

from __future__ import annotations

import time
from collections import Counter

import pytest

from feature.webhooks.helpers import subscribed, verified
from feature.webhooks.receiver import Answer
from feature.webhooks.support import HookLive


def _postgres_only(hooks: HookLive) -> None:
    if hooks.worker is None:
        pytest.skip("separate worker processes are the PostgreSQL deployment")


def test_a_killed_worker_s_claims_return_to_the_pool(hooks: HookLive) -> None:
    _postgres_only(hooks)
    assert hooks.worker is not None
    path = hooks.path()
    # The first request hangs: the worker is killed while it waits for the answer.
    hooks.receiver.answer(path, Answer(204, delay=0.8))
    with subscribed(hooks, path) as sub, hooks.client() as client:
        client.post("/api/9999/associates", json={"name": "K1"})
        client.post("/api/9999/associates", json={"name": "K2"})
        hooks.receiver.wait_for(path, 1)
        hooks.worker.kill()
        time.sleep(1.0)
        assert len(hooks.receiver.requests(path)) == 1
        hooks.worker.start()
        got = hooks.receiver.wait_for(path, 3, timeout=20)
        names = [verified(sub["secret"], r)["data"]["entity"]["name"] for r in got]
    # At least once: K1 again (its claim expired), then K2, in order; nothing lost.
    assert names == ["K1", "K1", "K2"]
    assert got[0].headers["webhook-id"] == got[1].headers["webhook-id"]


def test_two_workers_never_send_the_same_attempt(hooks: HookLive) -> None:
    _postgres_only(hooks)
    assert hooks.worker is not None
    second = hooks.worker.spawn()
    hooks.worker.extra.append(second)
    paths = [hooks.path() for _ in range(4)]
    try:
        with (
            subscribed(hooks, paths[0]) as a,
            subscribed(hooks, paths[1]),
            subscribed(hooks, paths[2]),
            subscribed(hooks, paths[3]),
            hooks.client() as client,
        ):
            time.sleep(0.5)
            for index in range(40):
                client.post("/api/9999/associates", json={"name": f"Two {index}"})
            received = [hooks.receiver.wait_for(p, 40, timeout=30) for p in paths]
            time.sleep(0.5)
            received = [hooks.receiver.requests(p) for p in paths]
            for got in received:
                ids = Counter(r.headers["webhook-id"] for r in got)
                assert len(ids) == 40
                assert max(ids.values()) == 1
                sequences = [verified(a["secret"], r)["data"]["sequence"] for r in received[0]]
                assert sequences == sorted(sequences)
    finally:
        second.terminate()
        second.wait(10)
        hooks.worker.extra.remove(second)
