"""The home page (/)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("home", __name__)


@bp.route("/")
def index() -> str:
    return "TODO"
