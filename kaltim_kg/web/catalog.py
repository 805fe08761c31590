"""Dataset descriptions for portals: VoID (/.well-known/void) and DCAT (/catalog)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("catalog", __name__)


@bp.route("/catalog")
def dcat() -> str:
    return "TODO"


@bp.route("/.well-known/void")
def void() -> str:
    return "TODO"
