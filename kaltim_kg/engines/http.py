"""HTTP to one engine: kept-alive connections, a deadline on every request, digest auth.

A query past its deadline is cut off by closing its connection: the engine sees the client
go (Oxigraph server then drops the query; Virtuoso also gets its own `timeout`, see
`kaltim_kg.engines.protocol`). A request that fails on a kept-alive connection the engine
had already closed is sent once more on a new one, which is safe for queries only; callers
say which requests may be repeated.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import re
import threading
import time
from dataclasses import dataclass, field
from email.message import Message

from kaltim_kg.engines.address import EngineAddress
from kaltim_kg.errors import EngineError, EngineUnreachable, QueryTimeout, QueryUnavailable

MAX_IDLE_CONNECTIONS = 32


@dataclass(frozen=True)
class EngineResponse:
    status: int
    headers: Message
    body: bytes

    def header(self, name: str) -> str:
        return self.headers.get(name, "") or ""

    def first_line(self) -> str:
        """The first line of the engine's message (Virtuoso's go on to echo the query)."""
        text = self.body[:2000].decode("utf-8", "replace").strip()
        return (text.splitlines()[0] if text else "")[:300] or f"status {self.status}"

    def reason(self) -> str:
        """The engine's own message, on one line and short."""
        text = self.body[:2000].decode("utf-8", "replace")
        return " ".join(text.split())[:300] or f"status {self.status}"


@dataclass
class _Digest:
    """RFC 7616 digest credentials (MD5, qop=auth), as Virtuoso asks for them."""

    user: str
    password: str
    realm: str = ""
    nonce: str = ""
    opaque: str | None = None
    qop: str | None = None
    count: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def accept(self, challenge: str) -> bool:
        if not challenge.lower().startswith("digest "):
            return False
        values = dict(re.findall(r'(\w+)="?([^",]*)"?', challenge[7:]))
        with self.lock:
            self.realm, self.nonce = values.get("realm", ""), values.get("nonce", "")
            self.opaque = values.get("opaque")
            qops = [q.strip() for q in values.get("qop", "").split(",") if q.strip()]
            self.qop = "auth" if "auth" in qops else None
            self.count = 0
        return bool(self.nonce)

    def header(self, method: str, uri: str) -> str | None:
        with self.lock:
            if not self.nonce:
                return None
            self.count += 1
            count = f"{self.count:08x}"
        md5 = lambda text: hashlib.md5(text.encode()).hexdigest()  # noqa: E731 (RFC 7616)
        ha1 = md5(f"{self.user}:{self.realm}:{self.password}")
        ha2 = md5(f"{method}:{uri}")
        cnonce = os.urandom(8).hex()
        parts = [
            f'username="{self.user}"',
            f'realm="{self.realm}"',
            f'nonce="{self.nonce}"',
            f'uri="{uri}"',
            'algorithm="MD5"',
        ]
        if self.qop:
            digest = md5(f"{ha1}:{self.nonce}:{count}:{cnonce}:auth:{ha2}")
            parts += ['qop="auth"', f"nc={count}", f'cnonce="{cnonce}"']
        else:
            digest = md5(f"{ha1}:{self.nonce}:{ha2}")
        parts.append(f'response="{digest}"')
        if self.opaque is not None:
            parts.append(f'opaque="{self.opaque}"')
        return "Digest " + ", ".join(parts)


class EngineHTTP:
    """Kept-alive connections to one engine, shared by the threads of a process."""

    def __init__(self, address: EngineAddress) -> None:
        self.address = address
        self._idle: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._digest = (
            _Digest(address.user, address.password or "") if address.user is not None else None
        )

    def _connection(self, timeout: float) -> http.client.HTTPConnection:
        with self._lock:
            if self._pid != os.getpid():  # forked: the parent's sockets are not ours
                self._idle, self._pid = [], os.getpid()
            conn = self._idle.pop() if self._idle else None
        if conn is None:
            factory = (
                http.client.HTTPSConnection
                if self.address.scheme == "https"
                else http.client.HTTPConnection
            )
            conn = factory(self.address.host, self.address.port, timeout=timeout)
        conn.timeout = timeout
        if conn.sock is not None:
            conn.sock.settimeout(timeout)
        return conn

    def _keep(self, conn: http.client.HTTPConnection) -> None:
        with self._lock:
            if len(self._idle) < MAX_IDLE_CONNECTIONS and self._pid == os.getpid():
                self._idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 30.0,
        max_bytes: int | None = None,
        repeatable: bool = True,
        authenticate: bool = False,
    ) -> EngineResponse:
        """Send one request; raise QueryTimeout past `timeout`, EngineUnreachable when the
        engine cannot be reached, QueryUnavailable for a body over `max_bytes`."""
        deadline = time.monotonic() + timeout
        headers = dict(headers or {})
        attempts = 2 if repeatable else 1
        if authenticate and self._digest is not None and not self._digest.nonce and body:
            # Fetch the challenge with a bodiless GET first: Virtuoso answers an unsigned
            # write with 401 before reading its body and resets the connection when the body
            # is large (a 20 MB graph upload failed so as the first write of a push).
            self._challenge(path, deadline)
        for attempt in range(3):
            if authenticate and self._digest is not None:
                authorization = self._digest.header(method, path)
                if authorization:
                    headers["Authorization"] = authorization
            response = self._send(method, path, body, headers, deadline, max_bytes, attempts)
            challenge = response.header("WWW-Authenticate")
            if (
                response.status == 401
                and authenticate
                and self._digest is not None
                and attempt < 2
                and self._digest.accept(challenge)
            ):
                continue  # first contact, or a stale nonce: answer the challenge
            if response.status == 401 and authenticate:
                who = "no credentials" if self._digest is None else "the credentials"
                raise EngineError(
                    f"{self.address.url} refused {who} (set KALTIM_KG_ENGINE_USER and "
                    "KALTIM_KG_ENGINE_PASSWORD)"
                )
            return response
        raise EngineError(f"{self.address.url}: authentication failed")  # pragma: no cover

    def _challenge(self, path: str, deadline: float) -> None:
        assert self._digest is not None
        response = self._send("GET", path, None, {"Accept": "*/*"}, deadline, 1_000_000, 2)
        if response.status == 401:
            self._digest.accept(response.header("WWW-Authenticate"))

    def _send(
        self,
        method: str,
        path: str,
        body: bytes | None,
        headers: dict[str, str],
        deadline: float,
        max_bytes: int | None,
        attempts: int,
    ) -> EngineResponse:
        for attempt in range(attempts):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise QueryTimeout("the engine did not answer within the timeout")
            conn = self._connection(remaining)
            reused = conn.sock is not None
            if reused and attempts == 1:
                conn.close()  # not repeatable: never risk a connection the engine closed
                reused = False
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read() if max_bytes is None else response.read(max_bytes + 1)
            except TimeoutError:
                conn.close()  # the engine sees its client go, and stops (Oxigraph server)
                raise QueryTimeout("the engine did not answer within the timeout") from None
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                if reused and attempt + 1 < attempts:
                    continue  # a kept-alive connection the engine had closed meanwhile
                raise EngineUnreachable(
                    f"engine {self.address.url} cannot be reached: {exc or type(exc).__name__}"
                ) from None
            if max_bytes is not None and len(data) > max_bytes:
                conn.close()
                raise QueryUnavailable(
                    f"the engine's answer is larger than {max_bytes // 1_000_000} MB"
                )
            if response.will_close:
                conn.close()
            else:
                self._keep(conn)
            return EngineResponse(response.status, response.headers, data)
        raise AssertionError("unreachable")  # pragma: no cover
