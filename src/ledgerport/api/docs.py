"""``/swagger``: Swagger UI 5 and the OpenAPI document of the live data model. No auth.

Swagger UI's files come from the ``swagger-ui-bundle-v2`` package (no CDN: it works offline).
Every page is served with a Content-Security-Policy that allows only this origin (and the
inline styles Swagger UI sets); the page loads its configuration from a script file of its
own instead of an inline script.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import BaseRoute, Route
from swagger_ui_bundle import swagger_ui_path

from ledgerport.api.authn import services_of
from ledgerport.api.openapi import build_openapi
from ledgerport.codec import encode
from ledgerport.errors import NotFound
from ledgerport.model import Registry

__all__ = ["CONTENT_SECURITY_POLICY", "DOCUMENT_PATH", "DocumentCache", "docs_routes"]

DOCUMENT_PATH = "/swagger/v1/swagger.json"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
"""Only this origin; Swagger UI needs inline styles and data: images (its icons)."""

_SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

_EXCLUDED_FILES = frozenset({"index.html", "index.j2", "swagger-initializer.js"})
"""The package's own page and initializer (which point at the petstore): ours replace them."""

_INITIALIZER = "ledgerport-swagger.js"

_PAGE = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>ledgerport API</title>
<link rel="stylesheet" href="/swagger/swagger-ui.css">
<link rel="stylesheet" href="/swagger/index.css">
<link rel="icon" type="image/png" href="/swagger/favicon-32x32.png" sizes="32x32">
<link rel="icon" type="image/png" href="/swagger/favicon-16x16.png" sizes="16x16">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/swagger/swagger-ui-bundle.js" charset="utf-8"></script>
<script src="/swagger/ledgerport-swagger.js" charset="utf-8"></script>
</body>
</html>
"""

_INITIALIZER_JS = """\
window.addEventListener("load", function () {
  var origin = window.location.origin;
  var ui = SwaggerUIBundle({
    url: "DOCUMENT_PATH",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "BaseLayout",
    persistAuthorization: true,
    tryItOutEnabled: true,
    validatorUrl: null,
    oauth2RedirectUrl: origin + "/swagger/oauth2-redirect.html"
  });
  ui.initOAuth({ clientId: "swagger-ui", usePkceWithAuthorizationCodeGrant: true });
  window.ui = ui;
});
""".replace("DOCUMENT_PATH", DOCUMENT_PATH)


class DocumentCache:
    """Encoded OpenAPI documents by (registry version, server URL), a few at a time.

    The server URL comes from the request's Host header, so the cache is bounded: past
    ``limit`` entries it starts afresh rather than growing with every name a client sends.
    """

    def __init__(self, limit: int = 16) -> None:
        self._limit = limit
        self._documents: dict[tuple[int, str], bytes] = {}

    def get(self, registry: Registry, server_url: str) -> bytes:
        key = (registry.version, server_url)
        document = self._documents.get(key)
        if document is None:
            document = encode(build_openapi(registry, server_url=server_url))
            if len(self._documents) >= self._limit:
                self._documents.clear()
            self._documents[key] = document
        return document


def docs_routes(files: Path | None = None) -> list[BaseRoute]:
    """The routes of ``/swagger``; ``files`` is Swagger UI's directory (the package's)."""
    directory = Path(str(swagger_ui_path)) if files is None else files
    served = {
        p.name: p for p in directory.iterdir() if p.is_file() and p.name not in _EXCLUDED_FILES
    }
    cache = DocumentCache()

    async def document(request: Request) -> Response:
        origin = f"{request.url.scheme}://{request.url.netloc}"
        body = cache.get(services_of(request).registry, origin)
        return Response(body, media_type="application/json", headers={"Cache-Control": "no-cache"})

    async def page(request: Request) -> Response:
        return HTMLResponse(_PAGE, headers=_SECURITY_HEADERS)

    async def initializer(request: Request) -> Response:
        return Response(_INITIALIZER_JS, media_type="text/javascript", headers=_SECURITY_HEADERS)

    async def static(request: Request) -> Response:
        path = served.get(request.path_params["file"])
        if path is None:
            raise NotFound(f"There is nothing at {request.url.path}.")
        headers = {**_SECURITY_HEADERS, "Cache-Control": "public, max-age=3600"}
        return FileResponse(path, headers=headers)

    return [
        Route("/swagger", page, methods=["GET"]),
        Route(DOCUMENT_PATH, document, methods=["GET"]),
        Route(f"/swagger/{_INITIALIZER}", initializer, methods=["GET"]),
        Route("/swagger/{file}", static, methods=["GET"]),
    ]
