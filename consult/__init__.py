"""Consult: drafting a code of practice with its stakeholders."""

from __future__ import annotations

import logging
import os
from typing import Any

from flask import Flask

BASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def create_app(config: str | type | None = None, **overrides: Any) -> Flask:
    """Application factory: `config` is a name ("testing") or a class from config.py."""
    from config import CONFIGS

    if config is None or isinstance(config, str):
        name = config or os.environ.get("CONSULT_ENV")
        if not name or name not in CONFIGS:
            # Development mode opens /dev/mailbox (every reset link) and signs sessions with a
            # public key: it must be asked for, never what a forgotten setting falls back to.
            raise RuntimeError(
                "Set CONSULT_ENV=production (or CONSULT_ENV=development for a local run; "
                "`make run` sets it)"
            )
        config_class = CONFIGS[name]
    else:
        config_class = config
    if hasattr(config_class, "validate"):
        config_class.validate()
    app = Flask(
        __name__,
        template_folder=os.path.join(BASE_DIR, "templates"),
        static_folder=os.path.join(BASE_DIR, "static"),
        instance_path=os.path.join(BASE_DIR, "instance"),
    )
    app.config.from_object(config_class)
    app.config.update(overrides)
    logging.basicConfig(level=app.config["LOG_LEVEL"])
    os.makedirs(app.instance_path, exist_ok=True)

    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=count
        )

    from consult.app_setup import configure

    configure(app)
    return app
