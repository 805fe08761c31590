"""Linked Data: every /id/... IRI dereferences to HTML or RDF."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("resources", __name__)
