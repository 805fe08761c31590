"""Dataset descriptions for portals: VoID (/.well-known/void) and DCAT (/catalog)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("catalog", __name__)
