"""A user reaches only its own companies (more paths join with the auth issue)."""

from __future__ import annotations

import pytest

from conftest import Live
from feature.helpers import assert_problem, unique_no


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/9999/associates"),
        ("GET", "/api/9999/associates/1"),
        ("POST", "/api/9999/associates"),
        ("PUT", "/api/9999/associates/1"),
        ("PATCH", "/api/9999/associates/1"),
        ("DELETE", "/api/9999/associates/1"),
        ("GET", "/api/9999/orderlines/1/1"),
        ("GET", "/api/9999/nosuchresource"),
        ("GET", "/api/5555/associates"),
    ],
)
def test_another_company_answers_403(live: Live, method: str, path: str) -> None:
    with live.client("bob") as bob:
        response = bob.request(method, path, json={"name": "x"} if method != "GET" else None)
    assert_problem(response, 403, "LP303")


def test_foreign_data_is_untouched_by_a_refused_write(live: Live) -> None:
    customer_no = unique_no()
    with live.client("alice") as alice:
        created = alice.post(
            "/api/9999/associates", json={"name": "Mine", "customerNo": customer_no}
        )
        path = created.headers["location"]
    with live.client("bob") as bob:
        assert bob.patch(path, json={"name": "Stolen"}).status_code == 403
        assert bob.delete(path).status_code == 403
    with live.client("alice") as alice:
        assert alice.get(path).json()["name"] == "Mine"


def test_credentials_are_required_and_checked(live: Live) -> None:
    with live.client(None) as anonymous:
        response = anonymous.get("/api/9999/associates")
        assert_problem(response, 401, "LP301")
        assert response.headers["www-authenticate"].startswith("Basic")
        wrong = anonymous.get("/api/9999/associates", auth=("alice", "wrong"))
        assert_problem(wrong, 401, "LP301")
        unknown = anonymous.get("/api/9999/associates", auth=("mallory", "x"))
        assert_problem(unknown, 401, "LP301")
        assert unknown.json()["detail"] == wrong.json()["detail"]
        garbled = anonymous.get(
            "/api/9999/associates", headers={"Authorization": "Basic %%%not-base64"}
        )
        assert_problem(garbled, 401, "LP301")


def test_basic_is_refused_for_a_user_without_allow_basic(live: Live) -> None:
    with live.client("nobasic") as client:
        response = client.get("/api/9999/associates")
    body = assert_problem(response, 401, "LP301")
    assert "Basic" in str(body["detail"])


@pytest.mark.parametrize(
    ("content_type", "body"),
    [("application/json", b"{not json"), ("text/plain", b"x"), ("application/json", b"[]")],
)
def test_another_company_answers_403_before_the_body_is_read(
    live: Live, content_type: str, body: bytes
) -> None:
    with live.client("bob") as bob:
        response = bob.post(
            "/api/9999/associates", content=body, headers={"Content-Type": content_type}
        )
    assert_problem(response, 403, "LP303")
