"""The application factory."""

from kaltim_kg.web import BLUEPRINTS, create_app


def test_factory_registers_every_blueprint(settings):
    app = create_app(settings, {"TESTING": True})
    assert app.testing
    assert {m.bp.name for m in BLUEPRINTS} <= set(app.blueprints)
    assert app.config["KALTIM_KG_SETTINGS"].store_dir == settings.store_dir


def test_factory_without_test_config_is_not_testing(settings):
    assert not create_app(settings).testing
