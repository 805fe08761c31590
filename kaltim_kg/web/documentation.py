"""Readable documentation of the ontology (/ontology) and shapes (/shapes)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("documentation", __name__)
