"""The one place that decides whether a principal may do a thing to a target.

Every path (single requests, batch sub-requests, actions) goes through ``authorize``.
"""

from __future__ import annotations

from ledgerport.auth.principal import Principal
from ledgerport.errors import CompanyForbidden, Forbidden
from ledgerport.model import Scope
from ledgerport.request.intent import Method, Target

__all__ = ["ADMIN_RESOURCES", "authorize", "required_scope"]

ADMIN_RESOURCES = frozenset({"apiusers", "oauthclients"})
"""``/api/sys`` resources that manage credentials: the ``admin`` scope as well as allow_sys."""


def required_scope(method: Method, target: Target | None = None) -> str:
    """The scope a credential needs for ``method`` on ``target``."""
    if target is not None and target.scope is Scope.SYS and target.resource in ADMIN_RESOURCES:
        return "admin"
    return "read" if method is Method.GET else "write"


def authorize(principal: Principal, target: Target, method: Method) -> None:
    """Raise Forbidden / CompanyForbidden unless ``principal`` may do ``method`` on ``target``."""
    if target.scope is Scope.COMPANY:
        assert target.company_no is not None
        if principal.grant(target.company_no) is None:
            raise CompanyForbidden(
                f"User {principal.username} has no access to company {target.company_no}."
            )
    elif target.scope is Scope.SYS and not principal.allow_sys:
        raise Forbidden(f"User {principal.username} may not use /api/sys (allow_sys is off).")
    elif target.scope is Scope.CATALOG and not principal.allow_catalog:
        raise Forbidden(
            f"User {principal.username} may not use /api/catalog (allow_catalog is off)."
        )
    scope = required_scope(method, target)
    if scope not in principal.scopes:
        raise Forbidden(f"This credential lacks the {scope!r} scope.")
