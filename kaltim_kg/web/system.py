"""System routes: /health."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("system", __name__)
