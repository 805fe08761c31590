"""Dumps at /dumps/ with checksums and cache validators."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("downloads", __name__)
