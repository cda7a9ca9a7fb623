"""ETags: If-Match makes writes conditional (412 when stale); If-None-Match gives 304."""

from __future__ import annotations

from conftest import Live
from feature.helpers import assert_problem


def test_if_match_with_the_current_etag_writes(live: Live) -> None:
    with live.client() as client:
        created = client.post("/api/9999/associates", json={"name": "Etag One"})
        path, etag = created.headers["location"], created.headers["etag"]
        updated = client.patch(path, json={"city": "Oslo"}, headers={"If-Match": etag})
        assert updated.status_code == 200
        assert updated.headers["etag"] != etag
        stale = client.patch(path, json={"city": "Bergen"}, headers={"If-Match": etag})
        body = assert_problem(stale, 412, "LP404")
        assert stale.headers["etag"] == updated.headers["etag"]
        assert "changed" in str(body["detail"])
        assert client.get(path).json()["city"] == "Oslo"
        assert_problem(client.delete(path, headers={"If-Match": etag}), 412, "LP404")
        assert client.delete(path, headers={"If-Match": updated.headers["etag"]}).status_code == 204


def test_if_match_star_and_lists(live: Live) -> None:
    with live.client() as client:
        created = client.post("/api/9999/associates", json={"name": "Etag Two"})
        path, etag = created.headers["location"], created.headers["etag"]
        assert client.patch(path, json={"city": "A"}, headers={"If-Match": "*"}).status_code == 200
        current = client.get(path).headers["etag"]
        listed = client.patch(path, json={"city": "B"}, headers={"If-Match": f"{etag}, {current}"})
        assert listed.status_code == 200


def test_if_none_match_answers_304_until_a_change(live: Live) -> None:
    with live.client() as client:
        created = client.post("/api/9999/associates", json={"name": "Etag Three"})
        path, etag = created.headers["location"], created.headers["etag"]
        cached = client.get(path, headers={"If-None-Match": etag})
        assert cached.status_code == 304
        assert cached.headers["etag"] == etag
        client.patch(path, json={"city": "Tromsø"})
        fresh = client.get(path, headers={"If-None-Match": etag})
        assert fresh.status_code == 200
        assert fresh.json()["city"] == "Tromsø"


def test_an_unchanged_put_keeps_the_etag(live: Live) -> None:
    with live.client() as client:
        created = client.post("/api/9999/associates", json={"name": "Etag Four"})
        path = created.headers["location"]
        again = client.patch(path, json={"name": "Etag Four"})
        assert again.headers["etag"] == created.headers["etag"]
