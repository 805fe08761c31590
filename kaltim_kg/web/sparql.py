"""The SPARQL 1.1 Protocol endpoint at /sparql."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("sparql", __name__)
