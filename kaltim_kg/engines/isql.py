"""Virtuoso's SQL side, through its own client `isql` (Debian: `isql-vt`, from
virtuoso-opensource-7-bin) on the SQL port (KALTIM_KG_ENGINE_SQL_PORT, default 1111).

The push switches graphs in SQL because Virtuoso's SPARQL `MOVE`/`CLEAR` commit as they go:
a reader querying during a MOVE was seen counting 0 triples. Plain SQL on RDF_QUAD inside
one procedure call is one transaction, and readers (read committed) see the state before
it until it commits.
"""

from __future__ import annotations

import shutil
import subprocess

from kaltim_kg.engines.address import EngineAddress
from kaltim_kg.errors import EngineError

ISQL_NAMES = ("isql-vt", "isql")
SWITCH_PROCEDURE = "DB.DBA.KALTIM_KG_SWITCH"
ISQL_TIMEOUT = 3600.0

_PROCEDURE = f"""CREATE PROCEDURE {SWITCH_PROCEDURE} (in moves any, in drops any)
{{
  declare i int;
  for (i := 0; i < length (drops); i := i + 1)
    delete from DB.DBA.RDF_QUAD where G = iri_to_id (drops[i]);
  for (i := 0; i < length (moves); i := i + 2)
    {{
      delete from DB.DBA.RDF_QUAD where G = iri_to_id (moves[i + 1]);
      insert into DB.DBA.RDF_QUAD (G, S, P, O)
        select iri_to_id (moves[i + 1]), S, P, O from DB.DBA.RDF_QUAD
        where G = iri_to_id (moves[i]);
      delete from DB.DBA.RDF_QUAD where G = iri_to_id (moves[i]);
    }}
}}
;
"""


def _isql() -> str:
    for name in ISQL_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise EngineError(
        "pushing to Virtuoso needs its SQL client isql (Debian: apt-get install "
        "virtuoso-opensource-7-bin, command isql-vt)"
    )


def _sql_string(text: str) -> str:
    if "'" in text or "\\" in text or "\n" in text:
        raise EngineError(f"cannot pass {text!r} to Virtuoso's SQL")
    return f"'{text}'"


def _vector(items: list[str]) -> str:
    return "vector (" + ", ".join(_sql_string(i) for i in items) + ")"


def run_sql(address: EngineAddress, script: str) -> str:
    """Run a script through isql; raise EngineError with Virtuoso's first error line."""
    if address.user is None:
        raise EngineError(
            f"{address.url}: the switch runs in SQL and needs KALTIM_KG_ENGINE_USER and "
            "KALTIM_KG_ENGINE_PASSWORD"
        )
    command = [_isql(), f"{address.host}:{address.sql_port}", address.user, address.password or ""]
    try:
        done = subprocess.run(
            command,
            input=script,
            capture_output=True,
            text=True,
            timeout=ISQL_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        raise EngineError(f"{address.url}: isql did not finish in {ISQL_TIMEOUT:g} s") from None
    output = done.stdout + done.stderr
    for line in output.splitlines():
        if "*** Error" in line or "Connect failed" in line or "Bad login" in line:
            raise EngineError(f"{address.url} (SQL port {address.sql_port}): {line.strip()}")
    if done.returncode != 0:
        raise EngineError(f"{address.url}: isql exited with status {done.returncode}")
    return output


def switch_graphs(address: EngineAddress, moves: list[tuple[str, str]], drops: list[str]) -> None:
    """In one transaction: empty each `drops` graph, then replace each target graph of
    `moves` (staged, target) by its staged graph, which ends empty."""
    flat = [name for pair in moves for name in pair]
    script = _PROCEDURE + f"{SWITCH_PROCEDURE} ({_vector(flat)}, {_vector(drops)});\n"
    run_sql(address, script)
