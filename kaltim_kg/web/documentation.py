"""Readable documentation of the ontology (/ontology) and shapes (/shapes)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("documentation", __name__)


@bp.route("/ontology")
def ontology() -> str:
    return "TODO"


@bp.route("/shapes")
def shapes() -> str:
    return "TODO"
