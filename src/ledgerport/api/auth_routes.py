"""The routes of the auth issue: OAuth endpoints, API users, OAuth clients, audit log.

Mounted before the generic ``/api/{path}`` route, which would otherwise take them.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from ledgerport.api.apiusers import apiuser_item, apiusers_collection
from ledgerport.api.audit import auditlog
from ledgerport.api.oauth import oauth_routes
from ledgerport.api.oauthclients import oauthclient_item, oauthclients_collection

__all__ = ["auth_routes"]


def auth_routes(data_methods: list[str]) -> list[BaseRoute]:
    return [
        *oauth_routes(),
        Route("/api/sys/apiusers", apiusers_collection, methods=["GET", "POST"]),
        Route("/api/sys/apiusers/{username}", apiuser_item, methods=["GET", "PATCH", "DELETE"]),
        Route("/api/sys/oauthclients", oauthclients_collection, methods=["GET", "POST"]),
        Route("/api/sys/oauthclients/{client_id}", oauthclient_item, methods=["GET", "DELETE"]),
        Route("/api/{company:int}/auditlog", auditlog, methods=data_methods),
        Route("/api/{company:int}/auditlog/{rest:path}", auditlog, methods=data_methods),
    ]
