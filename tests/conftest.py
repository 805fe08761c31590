"""Shared fixtures: one store built per session, the app over it, and its test client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kaltim_kg.config import Settings, load_settings
from kaltim_kg.store.publish import BuildResult, build
from kaltim_kg.web import create_app

# Real remote engines (Virtuoso, Oxigraph server) as session fixtures.
pytest_plugins = ["engine_servers"]


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The shipped facts built once into a session-wide store (read-only for tests)."""
    store_dir = tmp_path_factory.mktemp("store")
    return build(load_settings(env={}, store_dir=store_dir))


@pytest.fixture(scope="session")
def settings(built: BuildResult) -> Settings:
    return load_settings(env={}, store_dir=built.generation.path.parent.parent)


@pytest.fixture()
def app(settings: Settings) -> Flask:
    return create_app(settings, {"TESTING": True})


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture()
def fresh_store(tmp_path: Path) -> Iterator[Settings]:
    """Settings for a store of this test's own, empty until the test builds it."""
    yield load_settings(env={}, store_dir=tmp_path / "store")
