"""Remote SPARQL engines (Virtuoso 7, Oxigraph server) behind one seam.

`address` reads an engine URL (CONTRACT §6), `http` talks to an engine (queries that can
be cut off, digest authentication), `results` turns an engine's answer into standard terms,
and `publication` pushes a generation's graphs and switches them live in one update.
"""
