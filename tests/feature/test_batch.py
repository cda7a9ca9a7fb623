"""``POST /api/$batch`` through real HTTPS, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import httpx

from conftest import Live
from feature.helpers import assert_problem, error_fields, unique_no
from feature.test_changelog import last_seq, log_rows


def batch(client: httpx.Client, requests: list[dict[str, Any]], **headers: str) -> httpx.Response:
    return client.post("/api/$batch", json={"requests": requests}, headers=headers)


def responses(response: httpx.Response) -> dict[str, dict[str, Any]]:
    assert response.status_code == 200, response.text
    return {r["id"]: r for r in response.json()["responses"]}


def customer(name: str = "Batch AS", **fields: object) -> dict[str, object]:
    return {"name": name, "customerNo": unique_no(), **fields}


def test_requests_run_in_order_and_refer_to_earlier_answers(live: Live) -> None:
    with live.client() as client:
        answer = batch(
            client,
            [
                {"id": "1", "method": "POST", "url": "/api/9999/associates", "body": customer()},
                {
                    "id": "2",
                    "method": "POST",
                    "url": "9999/orders",
                    "body": {"customerNo": "$1.customerNo", "yourReference": "$1.name"},
                },
                {"id": "3", "method": "PATCH", "url": "$1", "body": {"city": "Tromsø"}},
                {"id": "4", "method": "GET", "url": "$2"},
            ],
        )
        got = responses(answer)
        assert [r["id"] for r in answer.json()["responses"]] == ["1", "2", "3", "4"]
        created = got["1"]["body"]
        assert got["1"]["status"] == 201
        assert got["1"]["headers"]["location"].endswith(
            f"/api/9999/associates/{created['associateNo']}"
        )
        order = got["2"]["body"]
        assert got["2"]["status"] == 201
        assert order["customerNo"] == created["customerNo"]  # a number, not a string
        assert order["yourReference"] == "Batch AS"
        assert got["3"]["status"] == 200
        assert got["3"]["body"]["city"] == "Tromsø"
        assert got["4"]["status"] == 200
        assert got["4"]["body"]["orderNo"] == order["orderNo"]
        stored = client.get(got["1"]["headers"]["location"]).json()
        assert stored["city"] == "Tromsø"


def test_a_failure_stops_the_batch_unless_continue_on_error(live: Live) -> None:
    first, third = customer(), customer()
    requests = [
        {"id": "a", "method": "POST", "url": "9999/associates", "body": first},
        {"id": "b", "method": "POST", "url": "9999/associates", "body": {"nme": "typo"}},
        {"id": "c", "method": "POST", "url": "9999/associates", "body": third},
    ]
    with live.client() as client:
        stopped = responses(batch(client, requests))
        assert list(stopped) == ["a", "b"]
        assert stopped["a"]["status"] == 201
        assert stopped["b"]["status"] == 400
        assert stopped["b"]["headers"]["content-type"] == "application/problem+json"
        assert stopped["b"]["body"]["code"] == "LP203"
        assert {e["field"] for e in stopped["b"]["body"]["errors"]} >= {"nme"}
        assert _customers(client, third["customerNo"]) == []

        third["customerNo"] = unique_no()
        requests[0]["body"] = customer()
        went_on = responses(batch(client, requests, Prefer="odata.continue-on-error"))
        assert [r["status"] for r in went_on.values()] == [201, 400, 201]
        assert len(_customers(client, third["customerNo"])) == 1


def test_an_atomicity_group_commits_all_or_nothing_and_logs_nothing_when_it_fails(
    live: Live,
) -> None:
    kept, lost = customer("Kept AS"), customer("Lost AS")
    start = last_seq(live)
    with live.client() as client:
        got = responses(
            batch(
                client,
                [
                    {"id": "1", "method": "POST", "url": "9999/associates", "body": kept},
                    {
                        "id": "2",
                        "atomicityGroup": "g",
                        "method": "POST",
                        "url": "9999/associates",
                        "body": lost,
                    },
                    {
                        "id": "3",
                        "atomicityGroup": "g",
                        "method": "POST",
                        "url": "9999/orders",
                        "body": {"customerNo": "$2.customerNo", "orderDate": "not a date"},
                    },
                ],
                Prefer="odata.continue-on-error",
            )
        )
        assert got["1"]["status"] == 201
        assert got["2"]["status"] == 424
        assert got["2"]["atomicityGroup"] == "g"
        assert got["2"]["body"]["code"] == "LP109"
        assert "'3'" in got["2"]["body"]["detail"]
        assert got["3"]["status"] == 400
        assert "orderDate" in {e["field"] for e in got["3"]["body"]["errors"]}
        assert _customers(client, lost["customerNo"]) == []
        assert len(_customers(client, kept["customerNo"])) == 1
    logged = [r for r in log_rows(live, start) if r["resource"] == "associates"]
    assert len(logged) == 1  # only the request outside the group


def test_a_whole_group_commits_together(live: Live) -> None:
    with live.client() as client:
        got = responses(
            batch(
                client,
                [
                    {
                        "id": "c",
                        "atomicityGroup": "all",
                        "method": "POST",
                        "url": "9999/associates",
                        "body": customer(),
                    },
                    {
                        "id": "o",
                        "atomicityGroup": "all",
                        "method": "POST",
                        "url": "9999/orders",
                        "body": {"customerNo": "$c.customerNo"},
                    },
                    {"id": "read", "dependsOn": ["all"], "method": "GET", "url": "$o"},
                ],
            )
        )
        assert [got[i]["status"] for i in ("c", "o", "read")] == [201, 201, 200]
        assert client.get(got["o"]["headers"]["location"]).status_code == 200


def test_a_request_whose_dependency_failed_does_not_run(live: Live) -> None:
    skipped = customer()
    with live.client() as client:
        got = responses(
            batch(
                client,
                [
                    {"id": "1", "method": "GET", "url": "9999/associates/999999999"},
                    {
                        "id": "2",
                        "dependsOn": ["1"],
                        "method": "POST",
                        "url": "9999/associates",
                        "body": skipped,
                    },
                ],
                Prefer="odata.continue-on-error",
            )
        )
        assert got["1"]["status"] == 404
        assert got["2"]["status"] == 424
        assert got["2"]["body"]["code"] == "LP109"
        assert _customers(client, skipped["customerNo"]) == []


def test_references_to_missing_properties_or_bodies_are_clear_400s(live: Live) -> None:
    with live.client() as client:
        got = responses(
            batch(
                client,
                [
                    {
                        "id": "1",
                        "method": "POST",
                        "url": "9999/associates",
                        "body": customer(),
                        "headers": {"Prefer": "return=minimal"},
                    },
                    {
                        "id": "2",
                        "method": "POST",
                        "url": "9999/orders",
                        "body": {"customerNo": "$1.customerNo"},
                    },
                    {"id": "3", "method": "POST", "url": "9999/associates", "body": customer()},
                    {
                        "id": "4",
                        "method": "POST",
                        "url": "9999/orders",
                        "body": {"customerNo": "$3.noSuchField"},
                    },
                    {"id": "5", "method": "DELETE", "url": "$3"},
                    {"id": "6", "method": "GET", "url": "$5"},
                    {
                        "id": "7",
                        "method": "POST",
                        "url": "9999/associates",
                        "body": {"name": "$notAnId.name", "customerNo": unique_no()},
                    },
                ],
                Prefer="odata.continue-on-error",
            )
        )
        assert got["1"]["status"] == 204
        assert got["2"]["status"] == 400
        assert got["2"]["body"]["code"] == "LP107"
        assert "without a body" in got["2"]["body"]["detail"]
        assert got["4"]["status"] == 400
        assert "noSuchField" in got["4"]["body"]["detail"]
        assert got["5"]["status"] == 204
        assert got["6"]["status"] == 400
        assert "no entity" in got["6"]["body"]["detail"]
        assert got["7"]["status"] == 201
        assert got["7"]["body"]["name"] == "$notAnId.name"  # not a reference: left alone


def test_a_batch_cannot_reach_another_company(live: Live) -> None:
    with live.client("bob") as bob:
        theirs = bob.post("/api/1000/associates", json=customer("Bobs AS"))
        assert theirs.status_code == 201
        location = theirs.headers["location"].removeprefix(live.url)
    with live.client("alice") as alice:
        got = responses(
            batch(
                alice,
                [
                    {"id": "1", "method": "GET", "url": location},
                    {"id": "2", "method": "PATCH", "url": location, "body": {"name": "Mine"}},
                    {"id": "3", "method": "DELETE", "url": location},
                    {"id": "4", "method": "POST", "url": "1000/associates", "body": customer()},
                    {"id": "5", "method": "GET", "url": "/api/sys/apiusers"},
                ],
                Prefer="odata.continue-on-error",
            )
        )
        assert [got[i]["status"] for i in "12345"] == [403, 403, 403, 403, 403]
        assert got["4"]["body"]["code"] == "LP303"
    with live.client("bob") as bob:
        assert bob.get(location).json()["name"] == "Bobs AS"


def test_malformed_batches_are_refused_whole_pointing_at_the_request(live: Live) -> None:
    with live.client() as client:
        assert_problem(
            client.post(
                "/api/$batch", content=b"{not json", headers={"content-type": "application/json"}
            ),
            400,
            "LP107",
        )
        assert_problem(client.post("/api/$batch", json={"requests": []}), 400, "LP107")
        assert_problem(client.post("/api/$batch", json=[1, 2]), 400, "LP107")
        cases: list[tuple[list[dict[str, Any]], str]] = [
            (
                [
                    {"id": "1", "method": "GET", "url": "x"},
                    {"id": "1", "method": "GET", "url": "y"},
                ],
                "request '1'.id",
            ),
            ([{"id": "1", "method": "FETCH", "url": "9999/associates"}], "request '1'.method"),
            ([{"id": "1", "method": "GET"}], "request '1'.url"),
            ([{"id": "1", "method": "GET", "url": "$0/lines"}], "request '1'.url"),
            (
                [{"id": "1", "method": "GET", "url": "9999/associates", "dependsOn": ["2"]}],
                "request '1'.dependsOn",
            ),
            (
                [{"id": "1", "method": "GET", "url": "9999/associates", "colour": "red"}],
                "request '1'.colour",
            ),
            ([{"method": "GET", "url": "9999/associates"}], "requests[0].id"),
            (
                [
                    {"id": "1", "atomicityGroup": "g", "method": "GET", "url": "9999/associates"},
                    {"id": "2", "method": "GET", "url": "9999/associates"},
                    {"id": "3", "atomicityGroup": "g", "method": "GET", "url": "9999/associates"},
                ],
                "request '3'.atomicityGroup",
            ),
        ]
        for requests, field in cases:
            body = assert_problem(batch(client, requests), 400, "LP107")
            assert error_fields(body) == {field}, body
        wrong_type = client.post(
            "/api/$batch", content=b'{"requests": []}', headers={"content-type": "text/plain"}
        )
        assert_problem(wrong_type, 415, "LP102")
        assert_problem(client.post("/api/$batch", json={"requests": []}, auth=None), 401, "LP301")


def test_more_requests_than_the_limit_is_413(live: Live) -> None:
    limit = live.settings.server.max_batch_requests
    requests = [{"id": str(i), "method": "GET", "url": "x"} for i in range(limit + 1)]
    with live.client() as client:
        body = assert_problem(batch(client, requests), 413, "LP108")
        assert str(limit) in str(body["detail"])


def test_sub_request_bodies_and_paths_are_checked_like_single_requests(live: Live) -> None:
    with live.client() as client:
        got = responses(
            batch(
                client,
                [
                    {"id": "1", "method": "POST", "url": "9999/associates", "body": [1]},
                    {"id": "2", "method": "GET", "url": "/api/oauth/token"},
                    {"id": "3", "method": "GET", "url": "9999/nosuchthings"},
                    {"id": "4", "method": "GET", "url": "9999/associates?$bogus=1"},
                    {
                        "id": "5",
                        "method": "PATCH",
                        "url": "9999/associates/1",
                        "headers": {"If-Match": '"0-0"'},
                        "body": {"city": "Oslo"},
                    },
                ],
                Prefer="odata.continue-on-error",
            )
        )
        assert [got[i]["body"]["code"] for i in "1234"] == ["LP101", "LP104", "LP201", "LP105"]
        assert got["5"]["status"] in (404, 412)


def _customers(client: httpx.Client, customer_no: object) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    url: str | None = "/api/9999/associates?$top=1000"
    while url:
        page = client.get(url).json()
        found += [a for a in page["value"] if a["customerNo"] == customer_no]
        url = page.get("@odata.nextLink")
    return found
