"""Engine URLs: `virtuoso+http://HOST:PORT` or `oxigraph+http://HOST:PORT` (CONTRACT §6).

The scheme names the engine kind, so each engine's own endpoints are known without
configuration. Credentials and Virtuoso's SQL port come from the environment, never from
the URL, so they do not end up in logs, /health or shell history.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from kaltim_kg.errors import EngineError

KINDS = ("virtuoso", "oxigraph")
USER_VARIABLE = "KALTIM_KG_ENGINE_USER"
PASSWORD_VARIABLE = "KALTIM_KG_ENGINE_PASSWORD"
SQL_PORT_VARIABLE = "KALTIM_KG_ENGINE_SQL_PORT"
DEFAULT_SQL_PORT = 1111

# Each kind's endpoints: (query, update, graph store), relative to the engine's root.
_PATHS = {
    # Virtuoso's update and Graph Store endpoints that take digest authentication.
    "virtuoso": ("/sparql", "/sparql-auth", "/sparql-graph-crud-auth"),
    "oxigraph": ("/query", "/update", "/store"),
}


@dataclass(frozen=True)
class EngineAddress:
    """Where one engine listens and how to reach its endpoints."""

    kind: str
    scheme: str  # http or https
    host: str
    port: int
    user: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)
    sql_port: int = DEFAULT_SQL_PORT

    @property
    def url(self) -> str:
        """The engine URL as the command line takes it (no credentials)."""
        return f"{self.kind}+{self.scheme}://{self._netloc}"

    @property
    def _netloc(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @property
    def root(self) -> str:
        return f"{self.scheme}://{self._netloc}"

    @property
    def query_path(self) -> str:
        return _PATHS[self.kind][0]

    @property
    def update_path(self) -> str:
        return _PATHS[self.kind][1]

    @property
    def store_path(self) -> str:
        return _PATHS[self.kind][2]


def parse_engine_url(url: str, env: Mapping[str, str] | None = None) -> EngineAddress:
    """Read an engine URL; raise EngineError with the reason when it is not one."""
    env = os.environ if env is None else env
    parts = urlsplit(url.strip())
    kind, plus, scheme = parts.scheme.partition("+")
    if not plus or kind not in KINDS or scheme not in ("http", "https"):
        raise EngineError(
            f"{url!r}: an engine URL starts with virtuoso+http:// or oxigraph+http:// "
            "(or +https://)"
        )
    if parts.username or parts.password:
        raise EngineError(
            f"{url!r}: credentials go in {USER_VARIABLE} / {PASSWORD_VARIABLE}, not in the URL"
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise EngineError(f"{url!r}: give the engine's root only (HOST:PORT); its paths are known")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise EngineError(f"{url!r}: the port is not a number from 1 to 65535") from None
    if not parts.hostname:
        raise EngineError(f"{url!r}: no host")
    raw_sql_port = env.get(SQL_PORT_VARIABLE) or str(DEFAULT_SQL_PORT)
    if not raw_sql_port.isdigit():
        raise EngineError(f"{SQL_PORT_VARIABLE}: not a port number: {raw_sql_port!r}")
    return EngineAddress(
        kind=kind,
        scheme=scheme,
        host=parts.hostname,
        port=port,
        user=env.get(USER_VARIABLE) or None,
        password=env.get(PASSWORD_VARIABLE) or None,
        sql_port=int(raw_sql_port),
    )
