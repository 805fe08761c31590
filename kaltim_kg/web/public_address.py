"""The address every URL this server writes is built from, whatever `Host` a client sends.

Redirects, download links, DCAT, VoID, the dumps listing and cached results are all made
from the WSGI environ (`request.url_root`, `url_for(_external=True)`), so this middleware
fixes the environ before the app sees it:

- with `Settings.public_url`, the scheme, host and port are that URL's, for every request;
  `Host` and `X-Forwarded-*` from clients are ignored;
- otherwise, from a peer in `Settings.trusted_proxy`, werkzeug's ProxyFix believes one hop
  of `X-Forwarded-For/-Proto/-Host/-Port` (not `-Prefix`: the site lives at a host's root);
- otherwise `X-Forwarded-*` is ignored and `Host` must name this server (a loopback name or
  the address it listens on, any port): a forged one is a 400, so it never reaches a page, a
  redirect or a cache. `/health` and `/metrics` write no URLs and answer any `Host`, for
  probes.

From a trusted proxy, `X-Forwarded-For` also gives the client's address, so the per-client
query bound counts clients rather than the proxy.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from kaltim_kg.config import Settings

WSGIApp = Any
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::"})
ANY_HOST_PATHS = frozenset({"/health", "/metrics"})
FORWARDED = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_PREFIX",
    "HTTP_FORWARDED",
)


def host_name(host: str) -> str | None:
    """The lower-case name in a `Host` value ("[::1]:80" → "::1"), or None if malformed."""
    try:
        parts = urlsplit(f"//{host}")
        parts.port  # noqa: B018 -- raises on a port that is not a number
    except ValueError:
        return None
    return parts.hostname or None


class PublicAddress:
    """WSGI middleware: decide the scheme, host and prefix the app's URLs are made from."""

    def __init__(self, app: WSGIApp, settings: Settings) -> None:
        self.app = app
        self.proxied = ProxyFix(app, x_for=1, x_proto=1, x_host=1, x_port=1, x_prefix=0)
        self.trusted = tuple(ipaddress.ip_network(n) for n in settings.trusted_proxy)
        self.public = urlsplit(settings.public_url) if settings.public_url else None
        own = {settings.host.lower().strip("[]")} - WILDCARD_HOSTS
        self.own_names = LOOPBACK_NAMES | own

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        trusted = self._from_trusted_proxy(environ)
        if self.public is not None:
            if trusted:  # only the client's address: the public URL decides the rest
                forwarded_for = environ.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
                if forwarded_for:
                    environ["REMOTE_ADDR"] = forwarded_for
            self._drop_forwarded(environ)
            self._use_public_url(environ)
            return self.app(environ, start_response)
        if trusted:
            return self.proxied(environ, start_response)
        self._drop_forwarded(environ)
        host = environ.get("HTTP_HOST")
        if (
            host is not None
            and host_name(host) not in self.own_names
            and environ.get("PATH_INFO") not in ANY_HOST_PATHS
        ):
            return self._refuse(host)(environ, start_response)
        return self.app(environ, start_response)

    def _from_trusted_proxy(self, environ: dict[str, Any]) -> bool:
        if not self.trusted:
            return False
        try:
            peer = ipaddress.ip_address(environ.get("REMOTE_ADDR", ""))
        except ValueError:
            return False
        return any(peer in network for network in self.trusted)

    @staticmethod
    def _drop_forwarded(environ: dict[str, Any]) -> None:
        for name in FORWARDED:
            environ.pop(name, None)

    def _use_public_url(self, environ: dict[str, Any]) -> None:
        public = self.public
        assert public is not None
        environ["wsgi.url_scheme"] = public.scheme
        environ["HTTP_HOST"] = public.netloc
        environ["SERVER_NAME"] = public.hostname
        environ["SERVER_PORT"] = str(public.port or (443 if public.scheme == "https" else 80))
        environ["SCRIPT_NAME"] = ""

    @staticmethod
    def _refuse(host: str) -> Response:
        shown = host if len(host) <= 80 and host.isprintable() else host[:80].encode().hex()
        reason = (
            f"Bad Request: Host {shown!r} does not name this server; behind a proxy, start "
            "`kaltim-kg serve` with --public-url or --trusted-proxy\n"
        )
        return Response(
            reason,
            status=400,
            mimetype="text/plain",
            headers={"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"},
        )
