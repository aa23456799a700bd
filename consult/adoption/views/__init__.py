"""Blueprint of the adoption domain; registers its panels on lower domains' pages."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from consult.core import hooks

bp = Blueprint("adoption", __name__)


def _register(state: Any) -> None:
    from consult.adoption.views.panels import organisation_panel, version_banner

    hooks.register(state.app, "version_page", version_banner)
    hooks.register(state.app, "organisation_page", organisation_panel)


bp.record_once(_register)

from consult.adoption.views import adopting, pact, register, reporting, signing  # noqa: E402, F401
