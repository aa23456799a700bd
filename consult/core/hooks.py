"""Page extension points, so a lower domain's page can show a higher domain's data.

Domains depend downward only (moderation -> comments -> drafts -> groups -> accounts -> core).
The version page belongs to drafts but shows comment counts from comments; drafts calls
`collect("version_page", ...)` and comments registers a provider at blueprint setup. Each
provider returns a dict merged into the template context (lists under the same key are
concatenated, e.g. "panels": [("drafts/_group_documents.html", {...})]), and must use a
bounded number of queries regardless of the size of the data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app

Provider = Callable[..., dict[str, Any]]


def register(app: Any, point: str, provider: Provider) -> None:
    app.extensions.setdefault("consult_hooks", {}).setdefault(point, []).append(provider)


def collect(point: str, **kwargs: Any) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for provider in current_app.extensions.get("consult_hooks", {}).get(point, []):
        for key, value in provider(**kwargs).items():
            if isinstance(value, list) and isinstance(context.get(key), list):
                context[key] = context[key] + value
            else:
                context[key] = value
    return context
