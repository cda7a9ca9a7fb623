"""Server-side request forgery guard for webhook and custom-action targets.

Checked at every connection, not only at subscription: the host name is resolved when the
connection is made, every resolved address must be allowed, and the connection goes to that
address (pinned), so a DNS answer that changes between check and connect (rebinding) cannot
reach a private address. TLS still verifies the certificate for the host name (SNI), and the
``Host`` header is the name. Redirects are never followed and bodies are read up to a limit.
"""

from __future__ import annotations

import ipaddress
import socket
import typing
from dataclasses import dataclass
from urllib.parse import urlsplit

import anyio
import httpcore
import httpx

__all__ = [
    "AddressPolicy",
    "GuardedTransport",
    "UnsafeTarget",
    "guarded_client",
    "read_limited",
    "url_error",
]

MAX_RESPONSE_BYTES = 16 * 1024


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


class _PinnedBackend(httpcore.AsyncNetworkBackend):
    """Resolves, checks every address, then connects to the checked one."""

    def __init__(self, policy: AddressPolicy) -> None:
        self._policy = policy
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        addresses = [str(info[4][0]) for info in infos]
        for address in addresses:
            problem = self._policy.address_error(address)
            if problem:
                raise UnsafeTarget(f"{host} refused: {problem}")
        return await self._inner.connect_tcp(
            addresses[0], port, timeout, local_address, socket_options
        )

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise UnsafeTarget("unix sockets are not webhook targets")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport with the pinned, checked network backend (and no proxies)."""

    def __init__(self, policy: AddressPolicy, *, max_connections: int = 100) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=max_connections,
            max_keepalive_connections=max_connections,
            keepalive_expiry=30.0,
            network_backend=_PinnedBackend(policy),
        )


def guarded_client(
    policy: AddressPolicy, timeout: float, transport: httpx.AsyncBaseTransport | None = None
) -> httpx.AsyncClient:
    """The client every outgoing call uses; ``transport`` is for unit tests (MockTransport)."""
    return httpx.AsyncClient(
        transport=transport or GuardedTransport(policy),
        timeout=timeout,
        follow_redirects=False,
        trust_env=False,
    )


async def read_limited(response: httpx.Response, limit: int = MAX_RESPONSE_BYTES) -> bytes:
    """At most ``limit`` bytes of a streamed response body; the rest is not read."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size >= limit:
            break
    return b"".join(chunks)[:limit]
