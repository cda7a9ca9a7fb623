"""``Idempotency-Key`` on writes and ``$batch``: once per user and key, first answer replayed."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

from sqlalchemy import delete, select

from conftest import Live
from feature.helpers import assert_problem, unique_no
from feature.test_batch import _customers, responses
from feature.test_changelog import last_seq, log_rows
from ledgerport.store.database import Database
from ledgerport.store.idempotency import idempotency_keys


def key() -> str:
    return f"test-{uuid.uuid4()}"


def test_a_retried_post_is_created_once_and_answered_alike(live: Live) -> None:
    body = {"name": "Once AS", "customerNo": unique_no()}
    k = key()
    start = last_seq(live)
    with live.client() as client:
        first = client.post("/api/9999/associates", json=body, headers={"Idempotency-Key": k})
        again = client.post("/api/9999/associates", json=body, headers={"Idempotency-Key": k})
        assert first.status_code == again.status_code == 201
        assert again.content == first.content
        assert again.headers["location"] == first.headers["location"]
        assert again.headers["etag"] == first.headers["etag"]
        assert again.headers["idempotent-replayed"] == "true"
        assert "idempotent-replayed" not in first.headers
        assert len(_customers(client, body["customerNo"])) == 1
    assert len([r for r in log_rows(live, start) if r["resource"] == "associates"]) == 1


def test_the_same_key_with_another_request_is_422(live: Live) -> None:
    k = key()
    with live.client() as client:
        first = {"name": "First AS", "customerNo": unique_no()}
        assert (
            client.post(
                "/api/9999/associates", json=first, headers={"Idempotency-Key": k}
            ).status_code
            == 201
        )
        other = {"name": "Other AS", "customerNo": unique_no()}
        reused = client.post("/api/9999/associates", json=other, headers={"Idempotency-Key": k})
        assert_problem(reused, 422, "LP411")
        assert _customers(client, other["customerNo"]) == []


def test_keys_belong_to_their_user(live: Live) -> None:
    k = key()
    with live.client("alice") as alice, live.client("admin") as admin:
        a = alice.post(
            "/api/9999/associates",
            json={"name": "Alice AS", "customerNo": unique_no()},
            headers={"Idempotency-Key": k},
        )
        b = admin.post(
            "/api/9999/associates",
            json={"name": "Admin AS", "customerNo": unique_no()},
            headers={"Idempotency-Key": k},
        )
        assert a.status_code == b.status_code == 201
        assert a.json()["associateNo"] != b.json()["associateNo"]


def test_a_failed_request_stores_nothing_so_a_fixed_retry_runs(live: Live) -> None:
    k = key()
    customer_no = unique_no()
    with live.client() as client:
        bad = client.post(
            "/api/9999/associates",
            json={"customerNo": customer_no},
            headers={"Idempotency-Key": k},
        )
        assert_problem(bad, 400, "LP203")
        fixed = client.post(
            "/api/9999/associates",
            json={"customerNo": customer_no, "name": "Fixed AS"},
            headers={"Idempotency-Key": k},
        )
        assert fixed.status_code == 201
        assert "idempotent-replayed" not in fixed.headers


def test_put_and_patch_take_keys_and_bad_keys_are_400(live: Live) -> None:
    with live.client() as client:
        created = client.post(
            "/api/9999/associates", json={"name": "Patch AS", "customerNo": unique_no()}
        )
        url = created.headers["location"]
        k = key()
        first = client.patch(url, json={"city": "Bodø"}, headers={"Idempotency-Key": k})
        client.patch(url, json={"city": "Narvik"})
        replay = client.patch(url, json={"city": "Bodø"}, headers={"Idempotency-Key": k})
        assert replay.headers["idempotent-replayed"] == "true"
        assert replay.json() == first.json()
        assert client.get(url).json()["city"] == "Narvik"  # the replay changed nothing
        too_long = client.patch(url, json={"city": "X"}, headers={"Idempotency-Key": "k" * 300})
        assert_problem(too_long, 400, "LP106")


def test_a_replayed_batch_runs_nothing_again(live: Live) -> None:
    k = key()
    body = {"name": "Batch Once AS", "customerNo": unique_no()}
    requests = [{"id": "1", "method": "POST", "url": "9999/associates", "body": body}]
    with live.client() as client:
        first = client.post(
            "/api/$batch", json={"requests": requests}, headers={"Idempotency-Key": k}
        )
        again = client.post(
            "/api/$batch", json={"requests": requests}, headers={"Idempotency-Key": k}
        )
        assert responses(first)["1"]["status"] == 201
        assert again.content == first.content
        assert again.headers["idempotent-replayed"] == "true"
        assert len(_customers(client, body["customerNo"])) == 1


def test_a_batch_retried_after_a_crash_does_not_repeat_what_had_committed(live: Live) -> None:
    """The batch's own answer is lost (as if the process died before storing it); the
    answers of the requests that committed are kept under the key, so a retry replays them."""
    k = key()
    done, fresh = {"name": "Done AS", "customerNo": unique_no()}, {"name": "New AS"}
    requests = [{"id": "1", "method": "POST", "url": "9999/associates", "body": done}]
    with live.client() as client:
        first = responses(
            client.post("/api/$batch", json={"requests": requests}, headers={"Idempotency-Key": k})
        )
        _forget_batch_answer(live, "alice", k)
        # the retry after the crash: same request (a changed one would be refused)
        retried = client.post(
            "/api/$batch", json={"requests": requests}, headers={"Idempotency-Key": k}
        )
        assert responses(retried)["1"]["body"] == first["1"]["body"]
        assert "idempotent-replayed" not in retried.headers
        assert len(_customers(client, done["customerNo"])) == 1
        fresh["customerNo"] = unique_no()
        other = [{"id": "1", "method": "POST", "url": "9999/associates", "body": fresh}]
        _forget_batch_answer(live, "alice", k)
        reused = client.post(
            "/api/$batch", json={"requests": other}, headers={"Idempotency-Key": k}
        )
        assert_problem(reused, 422, "LP411")
        assert _customers(client, fresh["customerNo"]) == []


def _forget_batch_answer(live: Live, username: str, k: str) -> None:
    async def forget() -> None:
        database = Database.connect(live.settings.database_url, 1)
        try:
            async with database.write() as conn:
                await conn.execute(
                    delete(idempotency_keys).where(
                        idempotency_keys.c.username == username, idempotency_keys.c.idem_key == k
                    )
                )
                left = await conn.execute(
                    select(idempotency_keys.c.expires_at).where(
                        idempotency_keys.c.idem_key.startswith(k)
                    )
                )
                assert all(e > dt.datetime.now(dt.UTC) for (e,) in left)
        finally:
            await database.dispose()

    asyncio.run(forget())


def test_a_retried_batch_of_creates_replays_the_committed_part_and_runs_the_rest(
    live: Live,
) -> None:
    """Creates that went in together (one INSERT) keep their answers together; after a crash
    between two runs, the retry replays the first run and creates only the second."""
    k = key()
    bodies = [{"name": f"Run {i} AS", "customerNo": unique_no()} for i in range(4)]
    requests = [
        {"id": str(i), "method": "POST", "url": "9999/associates", "body": body}
        for i, body in enumerate(bodies)
    ]
    with live.client() as client:
        sent = {"requests": requests}
        first = responses(client.post("/api/$batch", json=sent, headers={"Idempotency-Key": k}))
        assert [first[str(i)]["status"] for i in range(4)] == [201] * 4
        # As if the process died after the run of 0 and 1 committed: 2 and 3 never were.
        _forget_batch_answer(live, "alice", k)
        for lost in ("2", "3"):
            _forget_batch_answer(live, "alice", f"{k}\x1f{lost}")
            gone = client.delete(first[lost]["headers"]["location"])
            assert gone.status_code == 204
        retried = responses(client.post("/api/$batch", json=sent, headers={"Idempotency-Key": k}))
        assert [retried[str(i)]["status"] for i in range(4)] == [201] * 4
        assert retried["0"]["body"] == first["0"]["body"]
        assert retried["1"]["body"] == first["1"]["body"]
        assert retried["2"]["body"]["associateNo"] != first["2"]["body"]["associateNo"]
        for body in bodies:
            assert len(_customers(client, body["customerNo"])) == 1
        replayed = client.post("/api/$batch", json=sent, headers={"Idempotency-Key": k})
        assert replayed.headers["idempotent-replayed"] == "true"
        assert responses(replayed) == retried
