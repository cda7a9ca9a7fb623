"""Number series: "next", per-user intervals, exhaustion and uniqueness under concurrency."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from conftest import PASSWORDS, SERIES_USER_INTERVAL, Live, ServerThread
from feature.business_setup import SERIES, ensure_series
from feature.helpers import assert_problem, unique_no
from feature.test_cli import Server


@pytest.fixture(scope="module", autouse=True)
def series(live: Live) -> None:
    with live.client("admin") as client:
        ensure_series(client)


def _post_next(client: httpx.Client, field: str = "customerNo") -> httpx.Response:
    return client.post("/api/9999/associates", json={"name": "Neste AS", field: "next"})


def test_fifty_concurrent_creates_get_fifty_distinct_numbers(live: Live) -> None:
    with live.client() as client, ThreadPoolExecutor(max_workers=25) as pool:
        responses = list(pool.map(lambda _: _post_next(client), range(50)))
    assert [r.status_code for r in responses] == [201] * 50, [r.text for r in responses][:3]
    numbers = [r.json()["customerNo"] for r in responses]
    assert len(set(numbers)) == 50
    assert len({r.json()["associateNo"] for r in responses}) == 50


def test_two_servers_on_one_database_never_hand_out_a_number_twice(live: Live) -> None:
    """A second app (its own engine and pool, as another process has) on the same database."""
    second = ServerThread(
        live.settings, live.config_path, live.cert, live.cert.with_name("localhost.key")
    )
    second.start()
    try:
        other = Live(
            live.backend,
            f"https://localhost:{second.port}",
            live.settings,
            live.cert,
            live.config_path,
        )
        with live.client() as one, other.client() as two, ThreadPoolExecutor(16) as pool:
            clients = [one, two] * 20
            responses = list(pool.map(_post_next, clients))
    finally:
        second.stop()
    assert [r.status_code for r in responses] == [201] * 40, responses[0].text
    assert len({r.json()["customerNo"] for r in responses}) == 40


def test_two_server_processes_never_hand_out_a_number_twice(live: Live) -> None:
    """``ledgerport serve`` in a process of its own, on the same database as ``live``."""
    other = Server(live.config_path.parent, "--config", str(live.config_path), "--insecure-http")
    try:
        other.wait_ready(60)
        with (
            live.client() as one,
            other.client(("alice", PASSWORDS["alice"])) as two,
            ThreadPoolExecutor(16) as pool,
        ):
            two.timeout = httpx.Timeout(60)
            responses = list(pool.map(_post_next, [one, two] * 20))
    finally:
        other.stop()
    assert [r.status_code for r in responses] == [201] * 40, responses[0].text
    assert len({r.json()["customerNo"] for r in responses}) == 40


def test_next_skips_numbers_taken_explicitly(live: Live) -> None:
    with live.client() as client:
        first = _post_next(client, "employeeNo")
        assert first.status_code == 201, first.text
        following = first.json()["employeeNo"] + 1
        explicit = client.post(
            "/api/9999/associates", json={"name": "Tatt AS", "employeeNo": following}
        )
        assert explicit.status_code == 201, explicit.text
        after = _post_next(client, "employeeNo")
        assert after.status_code == 201, after.text
        assert after.json()["employeeNo"] == following + 1


def test_a_users_own_interval_overrides_the_company_default(live: Live) -> None:
    start, end = SERIES_USER_INTERVAL
    with live.client("series") as client:
        mine = [_post_next(client) for _ in range(2)]
    assert [r.status_code for r in mine] == [201, 201], mine[0].text
    assert [r.json()["customerNo"] for r in mine] == [start, start + 1]
    with live.client("alice") as client:
        other = _post_next(client)
    assert other.status_code == 201
    assert not start <= other.json()["customerNo"] <= end


def test_an_exhausted_interval_is_a_409_naming_it(live: Live) -> None:
    first = unique_no() * 10
    path = "/api/9999/numberseries/associates.supplierNo"
    with live.client() as client:
        saved = client.get(path).json()
        narrow = {"fromNo": first, "toNo": first + 1, "nextNo": first}
        try:
            assert client.patch(path, json=narrow).status_code == 200
            made = [_post_next(client, "supplierNo") for _ in range(2)]
            assert [r.json()["supplierNo"] for r in made] == [first, first + 1]
            body = assert_problem(_post_next(client, "supplierNo"), 409, "LP407")
            assert "associates.supplierNo" in str(body["detail"])
        finally:
            wide = {k: saved[k] for k in ("fromNo", "toNo", "nextNo")}
            assert client.patch(path, json=wide).status_code == 200
        listed = client.get("/api/9999/numberseries").json()["value"]
        assert any(s["field"] == "associates.supplierNo" for s in listed)
        assert SERIES["associates.supplierNo"][0] <= saved["nextNo"]


def test_next_is_refused_on_a_field_without_a_series(live: Live) -> None:
    with live.client() as client:
        response = client.post("/api/9999/associates", json={"name": "next"})
        assert response.status_code == 201
        assert_problem(
            client.post("/api/9999/associates", json={"name": "X", "creditLimit": "next"}),
            400,
            "LP203",
        )


def test_a_bad_interval_is_refused_naming_the_fields(live: Live) -> None:
    with live.client() as client:
        bad_field = client.post(
            "/api/9999/numberseries", json={"field": "associates.name", "fromNo": 1, "toNo": 9}
        )
        body = assert_problem(bad_field, 400, "LP203")
        assert body["errors"] == [  # type: ignore[comparison-overlap]
            {
                "field": "field",
                "message": "'associates.name' is not a numbered field (resource.fieldName)",
            }
        ]
        path = "/api/9999/numberseries/associates.customerNo"
        inverted = client.patch(path, json={"fromNo": 10, "toNo": 5, "nextNo": 7})
        fields = {e["field"] for e in assert_problem(inverted, 400, "LP203")["errors"]}  # type: ignore[union-attr]
        assert fields == {"toNo", "nextNo"}
