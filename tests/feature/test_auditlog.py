"""``/api/{companyNo}/auditlog``: who (user and context user) changed what, and when."""

from __future__ import annotations

import datetime as dt

from conftest import Live
from feature.helpers import assert_problem, unique_no
from feature.test_tokens import bearer, password_token


def test_writes_appear_with_user_context_user_and_time(live: Live) -> None:
    customer_no = unique_no()
    before = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=5)
    with live.client("alice") as alice:
        created = alice.post(
            "/api/9999/associates", json={"name": "Audited", "customerNo": customer_no}
        )
        assert created.status_code == 201, created.text
        path = created.headers["location"]
        key = created.json()["associateNo"]
    token = password_token(live, "alice")["access_token"]
    with bearer(live, token) as client:
        assert client.patch(path, json={"name": "Audited again"}).status_code == 200
    with live.client("alice") as alice:
        entries = []
        url: str | None = "/api/9999/auditlog?$top=50"
        while url:
            page = alice.get(url)
            assert page.status_code == 200, page.text
            entries += page.json()["value"]
            url = page.json().get("@odata.nextLink")
        mine = [
            e for e in entries if e["resource"] == "associates" and e["key"] == {"associateNo": key}
        ]
        assert [e["operation"] for e in mine] == ["created", "updated"]
        assert {e["user"] for e in mine} == {"alice"}
        assert {e["contextUser"] for e in mine} == {"ALICE"}
        assert mine[1]["changes"] == {"name": "Audited again"}
        at = dt.datetime.fromisoformat(mine[0]["changedDateTime"].replace("Z", "+00:00"))
        assert before <= at <= dt.datetime.now(dt.UTC)
        one = alice.get(f"/api/9999/auditlog/{mine[0]['changeNo']}")
        assert one.json() == mine[0]
        assert_problem(alice.get("/api/9999/auditlog/99999999"), 404, "LP202")
        assert_problem(alice.get("/api/9999/auditlog?$top=x"), 400, "LP105")
        assert_problem(alice.post("/api/9999/auditlog", json={}), 405, "LP205")
        assert_problem(alice.delete(f"/api/9999/auditlog/{mine[0]['changeNo']}"), 405, "LP205")
    with live.client("bob") as bob:
        assert_problem(bob.get("/api/9999/auditlog"), 403, "LP303")
