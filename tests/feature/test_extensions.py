"""Data model extensions through real HTTPS on SQLite and PostgreSQL, and across processes."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from conftest import PASSWORDS, Live
from feature.helpers import assert_problem, error_fields, unique_no
from feature.test_cli import Server


def field_name(stem: str) -> str:
    """A field name no earlier run of the same session used (tests share one database)."""
    return f"{stem}{uuid.uuid4().hex[:6]}"


@pytest.fixture
def tier(live: Live) -> Iterator[tuple[str, str]]:
    """A custom string field on associates (and a customer from before it), removed after."""
    name = field_name("loyaltyTier")
    with live.client("admin") as admin:
        before = admin.post(
            "/api/9999/associates", json={"name": "Før AS", "customerNo": unique_no()}
        )
        assert before.status_code == 201
        created = admin.post(
            "/api/sys/fields",
            json={
                "entity": "associates",
                "name": name,
                "type": "string",
                "length": 12,
                "default": "bronze",
                "label": "Loyalty tier",
            },
        )
        assert created.status_code == 201, created.text
        yield name, before.headers["location"]
        admin.delete(f"/api/sys/fields/associates/{name}")


def test_a_custom_field_is_at_once_readable_writable_validated_and_documented(
    live: Live, tier: tuple[str, str]
) -> None:
    tier, existing_url = tier
    with live.client("admin") as admin:
        shown = admin.get(f"/api/sys/fields/associates/{tier}").json()
        assert shown == {
            "entity": "associates",
            "name": tier,
            "type": "string",
            "length": 12,
            "nullable": True,
            "default": "bronze",
            "label": "Loyalty tier",
        }
    with live.client("alice") as alice:
        existing = alice.get(existing_url).json()
        assert existing[tier] == "bronze"  # existing rows got the default
        created = alice.post(
            "/api/9999/associates",
            json={"name": "Gull AS", "customerNo": unique_no(), tier: "gold"},
        )
        assert created.status_code == 201, created.text
        assert created.json()[tier] == "gold"
        url = created.headers["location"]
        assert alice.get(url).json()[tier] == "gold"
        too_long = alice.patch(url, json={tier: "platinum-plus"})
        assert error_fields(assert_problem(too_long, 400, "LP203")) == {tier}
        wrong_type = alice.patch(url, json={tier: 3})
        assert error_fields(assert_problem(wrong_type, 400, "LP203")) == {tier}
        defaulted = alice.post(
            "/api/9999/associates", json={"name": "Standard AS", "customerNo": unique_no()}
        )
        assert defaulted.json()[tier] == "bronze"
        gold = alice.get(
            "/api/9999/associates",
            params={
                "$filter": f"{tier} eq 'gold'",
                "$select": f"name,{tier}",
                "$orderby": f"{tier} desc,name",
            },
        )
        assert gold.status_code == 200, gold.text
        rows = [{k: v for k, v in r.items() if k != "@odata.etag"} for r in gold.json()["value"]]
        assert rows == [{"name": "Gull AS", tier: "gold"}]
        batched = alice.post(
            "/api/$batch",
            json={
                "requests": [
                    {
                        "id": "1",
                        "method": "PATCH",
                        "url": url.removeprefix(live.url),
                        "body": {tier: "silver"},
                    }
                ]
            },
        )
        assert batched.json()["responses"][0]["body"][tier] == "silver"
        document = alice.get("/swagger/v1/swagger.json").json()
    schema = document["components"]["schemas"]["Associate"]["properties"][tier]
    assert schema["maxLength"] == 12
    assert "Loyalty tier" in schema.get("description", "")


def test_changes_removal_restore_and_purge(live: Live) -> None:
    name = field_name("points")
    with live.client("admin") as admin:
        base = f"/api/sys/fields/associates/{name}"
        assert (
            admin.post(
                "/api/sys/fields",
                json={"entity": "associates", "name": name, "type": "string", "length": 5},
            ).status_code
            == 201
        )
        customer = admin.post(
            "/api/9999/associates",
            json={"name": "Poeng AS", "customerNo": unique_no(), name: "12345"},
        )
        url = customer.headers["location"]
        longer = admin.patch(base, json={"length": 8, "label": "Points"})
        assert longer.status_code == 200, longer.text
        assert (longer.json()["length"], longer.json()["label"]) == (8, "Points")
        assert admin.patch(url, json={name: "12345678"}).status_code == 200
        shorter = admin.patch(base, json={"length": 4})
        assert error_fields(assert_problem(shorter, 400, "LP203")) == {"length"}
        assert_problem(admin.patch(base, json={"type": "integer"}), 400, "LP203")

        assert admin.delete(base).status_code == 204
        assert name not in admin.get(url).json()
        assert_problem(admin.get(base), 404, "LP202")
        unknown = admin.patch(url, json={name: "1"})
        assert error_fields(assert_problem(unknown, 400, "LP203")) == {name}

        restored = admin.post(f"{base}/actions/restore")
        assert restored.status_code == 200, restored.text
        assert admin.get(url).json()[name] == "12345678"  # the data came back

        assert admin.delete(base).status_code == 204
        assert admin.delete(f"{base}?purge=true").status_code == 204
        assert_problem(admin.post(f"{base}/actions/restore"), 404, "LP202")


def test_bad_definitions_are_400s_naming_the_member(live: Live) -> None:
    cases: list[tuple[dict[str, Any], set[str]]] = [
        ({"entity": "associates", "name": "x1", "type": "money"}, {"type"}),
        ({"entity": "associates", "name": "Bad-Name", "type": "integer"}, {"name"}),
        ({"entity": "associates", "name": "city", "type": "string", "length": 5}, {"name"}),
        ({"entity": "associates", "name": "noLength", "type": "string"}, {"length"}),
        (
            {"entity": "associates", "name": "strict1", "type": "integer", "nullable": False},
            {"default"},
        ),
        ({"entity": "associates", "name": "when1", "type": "date", "default": "soon"}, {"default"}),
        ({"entity": "associates", "name": "odd1", "type": "integer", "colour": "red"}, {"colour"}),
        ({"name": "lost1", "type": "integer"}, {"entity"}),
        ({"entity": "auditlog", "name": "note1", "type": "integer"}, {"entity"}),
    ]
    with live.client("admin") as admin:
        for body, members in cases:
            answer = admin.post("/api/sys/fields", json=body)
            assert error_fields(assert_problem(answer, 400, "LP203")) == members, body
        missing = admin.post(
            "/api/sys/fields", json={"entity": "gadgets", "name": "x2", "type": "integer"}
        )
        assert error_fields(assert_problem(missing, 400, "LP203")) == {"entity"}
        assert_problem(
            admin.patch("/api/sys/fields/associates/city", json={"label": "x"}), 404, "LP202"
        )
    with live.client("alice") as alice:
        assert_problem(alice.get("/api/sys/fields"), 403, "LP302")
        assert_problem(
            alice.post(
                "/api/sys/fields", json={"entity": "associates", "name": "y", "type": "integer"}
            ),
            403,
            "LP302",
        )


def test_a_custom_table_is_a_resource_like_any_other(live: Live) -> None:
    name = f"cards{uuid.uuid4().hex[:6]}"
    definition = {
        "name": name,
        "title": "Loyalty card",
        "key": ["cardNo"],
        "fields": [
            {"name": "cardNo", "type": "integer"},
            {"name": "holder", "type": "string", "length": 80, "nullable": False},
            {"name": "points", "type": "decimal", "precision": 10, "scale": 1, "default": 0},
            {"name": "validTo", "type": "date"},
        ],
    }
    with live.client("admin") as admin:
        created = admin.post("/api/sys/tables", json=definition)
        assert created.status_code == 201, created.text
        assert created.json()["key"] == ["cardNo"]
        assert_problem(admin.post("/api/sys/tables", json=definition), 400, "LP203")
        bad = admin.post(
            "/api/sys/tables",
            json={"name": "x", "key": ["nope"], "fields": [{"name": "a", "type": "blob"}]},
        )
        assert {"name", "key", "fields[0].type"} <= error_fields(assert_problem(bad, 400, "LP203"))
    with live.client("alice") as alice:
        card = alice.post(
            f"/api/9999/{name}", json={"holder": "Kari Nordmann", "validTo": "2027-12-31"}
        )
        assert card.status_code == 201, card.text
        assert card.json()["cardNo"] >= 1
        assert card.json()["points"] == 0
        assert b'"points":0.0' in card.content
        url = card.headers["location"]
        assert alice.patch(url, json={"points": 12.5}).json()["points"] == 12.5
        missing = alice.post(f"/api/9999/{name}", json={"points": 1})
        assert error_fields(assert_problem(missing, 400, "LP203")) == {"holder"}
        assert len(alice.get(f"/api/9999/{name}").json()["value"]) == 1
    with live.client("bob") as bob:
        assert_problem(bob.get(url), 403, "LP303")
        assert bob.get(f"/api/1000/{name}").json()["value"] == []
    with live.client("admin") as admin:
        assert_problem(admin.delete(f"/api/sys/tables/{name}"), 409, "LP406")
        with live.client("alice") as alice:
            assert alice.delete(url).status_code == 204
        assert admin.delete(f"/api/sys/tables/{name}").status_code == 204
        assert_problem(admin.get(f"/api/9999/{name}"), 404, "LP201")


def test_a_field_added_through_one_process_is_usable_through_another_within_a_second(
    live: Live,
) -> None:
    other = Server(live.config_path.parent)
    try:
        other.wait_ready()
        name = field_name("region")
        with live.client("admin") as admin:
            added = admin.post(
                "/api/sys/fields",
                json={"entity": "associates", "name": name, "type": "string", "length": 10},
            )
            assert added.status_code == 201
        started = time.monotonic()
        with other.client(("alice", PASSWORDS["alice"])) as there:
            while True:
                answer = there.post(
                    "/api/9999/associates",
                    json={"name": "Region AS", "customerNo": unique_no(), name: "Nord"},
                )
                if answer.status_code == 201 or time.monotonic() - started > 1.0:
                    break
                time.sleep(0.05)
            assert answer.status_code == 201, answer.text
            assert answer.json()[name] == "Nord"
        with live.client("admin") as admin:
            admin.delete(f"/api/sys/fields/associates/{name}")
    finally:
        other.stop()
