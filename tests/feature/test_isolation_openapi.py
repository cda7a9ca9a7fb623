"""Every path and method of the served OpenAPI document, walked as a user of another company.

Generated from the live document, so paths added later (actions, batch, webhooks, data model
extensions) are walked too. A path that is not company data, ``/api/sys`` or ``/api/catalog``
must be named in ``NOT_COMPANY_BOUND`` with the reason it may answer otherwise.
"""

from __future__ import annotations

import re
from typing import Any

from conftest import Live
from feature.test_tokens import bearer, password_token

METHODS = ("get", "post", "put", "patch", "delete")

_OWN_SUBSCRIPTIONS = (
    "subscriptions belong to their user (another user's id is 404) and name only the "
    "user's companies: webhooks/test_subscriptions.py"
)
_ADMIN_ONLY = "admin scope, no company data: webhooks/test_custom_actions.py"
NOT_COMPANY_BOUND: dict[str, str] = {
    "/api/$batch": "checked per sub-request: walked by test_a_batch_reaches_no_other_company",
    "/api/webhooks": _OWN_SUBSCRIPTIONS,
    "/api/webhooks/{id}": _OWN_SUBSCRIPTIONS,
    "/api/webhooks/{id}/rotate-secret": _OWN_SUBSCRIPTIONS,
    "/api/webhooks/{id}/deliveries": _OWN_SUBSCRIPTIONS,
    "/api/webhooks/{id}/deliveries/replay": _OWN_SUBSCRIPTIONS,
    "/api/webhooks/{id}/deliveries/{deliveryId}/replay": _OWN_SUBSCRIPTIONS,
    "/api/webhooks/{id}/ping": _OWN_SUBSCRIPTIONS,
    "/api/customactions": _ADMIN_ONLY,
    "/api/customactions/{id}": _ADMIN_ONLY,
}
"""Authenticated paths that are not company-bound, with the reason."""


def concrete(path: str, company_no: int) -> str:
    """The path with ``{companyNo}`` filled in and every other parameter a plausible key."""
    path = path.replace("{companyNo}", str(company_no))
    return re.sub(r"\{[^}]+\}", "1", path)


def walk(live: Live, client: Any, document: dict[str, Any]) -> list[str]:
    wrong: list[str] = []
    for template, item in document["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None or operation.get("security") == []:
                continue
            company_bound = template.startswith("/api/{companyNo}/")
            other_scope = template.startswith(("/api/sys/", "/api/catalog/"))
            if not (company_bound or other_scope):
                if template not in NOT_COMPANY_BOUND:
                    wrong.append(f"{method.upper()} {template}: not company-bound; say why")
                continue
            path = concrete(template, 9999)
            body = {} if method in ("post", "put", "patch") else None
            response = client.request(method.upper(), path, json=body)
            expected = "LP303" if company_bound else "LP302"
            if response.status_code != 403 or response.json().get("code") != expected:
                wrong.append(
                    f"{method.upper()} {path}: {response.status_code} {response.text[:120]}"
                )
    return wrong


def test_every_documented_operation_refuses_another_company(live: Live) -> None:
    with live.client("bob") as bob:
        document = bob.get("/swagger/v1/swagger.json").json()
        operations = sum(1 for item in document["paths"].values() for m in METHODS if m in item)
        assert operations > 100
        assert walk(live, bob, document) == []


def test_a_token_of_another_company_is_refused_everywhere_too(live: Live) -> None:
    token = password_token(live, "bob")["access_token"]
    with bearer(live, token) as client:
        document = client.get("/swagger/v1/swagger.json").json()
        assert walk(live, client, document) == []


def test_a_batch_reaches_no_other_company(live: Live) -> None:
    """Every documented company and sys operation again, as sub-requests of one batch."""
    with live.client("bob") as bob:
        document = bob.get("/swagger/v1/swagger.json").json()
        requests: list[dict[str, Any]] = []
        for template, item in document["paths"].items():
            if not template.startswith(("/api/{companyNo}/", "/api/sys/", "/api/catalog/")):
                continue
            for method in METHODS:
                if method in item:
                    body = {} if method in ("post", "put", "patch") else None
                    requests.append(
                        {
                            "id": str(len(requests)),
                            "method": method.upper(),
                            "url": concrete(template, 9999),
                            "body": body,
                        }
                    )
        answer = bob.post(
            "/api/$batch",
            json={"requests": requests},
            headers={"Prefer": "odata.continue-on-error"},
        )
        assert answer.status_code == 200, answer.text
        responses = answer.json()["responses"]
        assert len(responses) == len(requests) > 100
        wrong = []
        for request, response in zip(requests, responses, strict=True):
            company_bound = "/api/9999/" in request["url"]
            # Paths with their own endpoints (OAuth clients, API users, fields) are no data
            # resources: a batch refuses them as bad paths before anything is read.
            allowed = {"LP303"} if company_bound else {"LP302", "LP104", "LP201"}
            if response["status"] not in (400, 403, 404) or response["body"]["code"] not in allowed:
                wrong.append(f"{request['method']} {request['url']}: {response}")
        assert wrong == []
