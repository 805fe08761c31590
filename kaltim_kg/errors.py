"""The one hierarchy of errors the library raises; the CLI and web layers translate them."""

from __future__ import annotations

from pathlib import Path


class KaltimKGError(Exception):
    """Base of every error this package raises on purpose."""


class FactsError(KaltimKGError):
    """A curated data file is malformed or states something impossible."""

    def __init__(self, path: Path | str, line: int | None, reason: str) -> None:
        self.path = str(path)
        self.line = line
        self.reason = reason
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {reason}")


class FactsErrors(KaltimKGError):
    """Several FactsError found in one pass; reported together, one per line."""

    def __init__(self, errors: list[FactsError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


class ValidationFailed(KaltimKGError):
    """The SHACL gate rejected the graph; `lines` are `file:line: reason` messages."""

    def __init__(self, lines: list[str], report_text: str) -> None:
        self.lines = lines
        self.report_text = report_text
        super().__init__("\n".join(lines) or "SHACL validation failed")


class StoreError(KaltimKGError):
    """The store is missing, locked or unreadable."""


class AddressInUse(KaltimKGError):
    """`serve` was asked for a host and port something else already listens on."""


class LoadError(KaltimKGError):
    """An RDF file given to `load` could not be read or parsed."""


class QueryRejected(KaltimKGError):
    """The endpoint refuses a query before running it (update, SERVICE, too deep, bad syntax)."""


class QuerySyntaxError(QueryRejected):
    """The engine's parser rejected the query; the message carries the position."""


class QueryForbidden(QueryRejected):
    """The request asks for something a read-only, offline endpoint never does (an update)."""


class ResultNotRepresentable(KaltimKGError):
    """The answer cannot be written in the asked format (the engine's XML writers can
    produce XML that is not well formed); another format can carry it."""


class QueryUnavailable(KaltimKGError):
    """The query could not be answered now: timeout, overload or store trouble."""


class QueryTimeout(QueryUnavailable):
    """The query ran longer than the configured timeout and was stopped."""


class TooManyQueries(KaltimKGError):
    """The client already has as many queries running as one client may (HTTP 429)."""


class ShapesError(KaltimKGError):
    """The SHACL shapes use a feature the batched gate cannot check faithfully."""


class EngineError(KaltimKGError):
    """A remote engine is misnamed, refuses us, or a push to it failed."""


class EngineUnreachable(QueryUnavailable):
    """A remote engine cannot be reached (refused, reset, gone): another replica may answer."""


class EngineFailed(QueryUnavailable):
    """A remote engine answered, but with a failure of its own, not the query's (a server
    error, an unreadable answer, nothing pushed yet): another replica may answer."""


class ArticleError(KaltimKGError):
    """An article given to `extract` cannot be drafted from: empty, binary, too large,
    not Indonesian, or not reachable."""
