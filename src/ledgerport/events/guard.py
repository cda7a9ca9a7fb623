"""Server-side request forgery guard for webhook and custom-action targets.

Checked at every connection, not only at subscription: the host name is resolved when the
connection is made, every resolved address must be allowed, and the connection goes to that
address (pinned), so a DNS answer that changes between check and connect (rebinding) cannot
reach a private address. TLS still verifies the certificate for the host name (SNI), and the
``Host`` header is the name. Redirects are never followed and bodies are read up to a limit.
"""

from __future__ import annotations

import socket
import typing

import anyio
import httpcore
import httpx

from ledgerport.events.targets import AddressPolicy, UnsafeTarget

__all__ = ["GuardedTransport", "guarded_client", "read_limited"]

MAX_RESPONSE_BYTES = 16 * 1024


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
