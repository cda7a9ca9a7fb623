"""Which webhook and custom-action targets are allowed: the policy and the URL check.

Kept apart from the guarded HTTP transport (``events.guard``) so that checking a URL does not
load an HTTP client: serving processes check URLs, the dispatcher and custom actions send.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from ledgerport.config import Settings

__all__ = ["AddressPolicy", "UnsafeTarget", "policy_of", "url_error"]


class UnsafeTarget(Exception):
    """The target resolves to an address the policy refuses (the message says which)."""


@dataclass(frozen=True)
class AddressPolicy:
    allow_private: bool = False
    allow_http: bool = False

    def address_error(self, address: str) -> str | None:
        ip = ipaddress.ip_address(address)
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if self.allow_private:
            return None
        for flag in ("loopback", "link_local", "private", "multicast", "reserved", "unspecified"):
            if getattr(ip, f"is_{flag}"):
                return f"{address} is a {flag.replace('_', '-')} address"
        return None


def url_error(url: str, policy: AddressPolicy) -> str | None:
    """What is wrong with ``url`` as a target (scheme, host, literal address), or None."""
    try:
        parts = urlsplit(url)
        _ = parts.port
    except ValueError as exc:
        return f"not a valid URL: {exc}"
    if parts.scheme not in ("https", "http") or (parts.scheme == "http" and not policy.allow_http):
        return "must be an https URL" + ("" if policy.allow_http else " (http is not allowed)")
    if not parts.hostname:
        return "has no host"
    if parts.username or parts.password:
        return "must not carry a user name or password"
    try:
        ipaddress.ip_address(parts.hostname)
    except ValueError:
        return None
    problem = policy.address_error(parts.hostname)
    return f"refused: {problem}" if problem else None


def policy_of(settings: Settings) -> AddressPolicy:
    hooks = settings.webhooks
    return AddressPolicy(allow_private=hooks.allow_private_urls, allow_http=hooks.allow_http)
