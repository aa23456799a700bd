"""The API's blueprints: JSON resources (api), the human page /api/ and token management."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from consult.api import (  # noqa: F401 - their routes register on bp
    discussion,
    events,
    resources,
    userdata,
)
from consult.api import openapi as openapi_doc
from consult.api.forms import CreateTokenForm, RevokeTokenForm
from consult.api.http import OPERATIONS, PREFIX, bp
from consult.api.models import ApiToken
from consult.api.tokens import TokenError, create_token, revoke_token, tokens_of
from consult.core import hooks
from consult.extensions import db, limiter

__all__ = ["bp", "docs_bp"]
docs_bp = Blueprint("api_docs", __name__)


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 description of this API, generated from the code."""
    import json

    body = json.dumps(openapi_doc.document(current_app.config["SITE_NAME"]), indent=1)
    response = Response(body, mimetype="application/json")
    response.headers["Cache-Control"] = "public, max-age=300"
    response.add_etag()
    return response


@docs_bp.get("/api/")
def index() -> str:
    """The human page: every endpoint, its parameters and an example."""
    return render_template("api/index.html", operations=OPERATIONS, prefix=PREFIX)


def _profile_panel(user: Any, **_: Any) -> dict[str, Any]:
    """Hook "profile_page": the user's API tokens, with forms to create and revoke them."""
    context = {
        "tokens": tokens_of(user),
        "form": CreateTokenForm(formdata=None, prefix="token"),
        "revoke_form": RevokeTokenForm(formdata=None),
    }
    return {"panels": [("api/_tokens.html", context)]}


@docs_bp.post("/me/tokens")
@login_required
@limiter.limit("20 per hour")
def create_api_token() -> str | BaseResponse | tuple[str, int]:
    form = CreateTokenForm(prefix="token")
    if form.validate_on_submit():
        try:
            token, secret = create_token(current_user, form.name.data or "")
        except TokenError as error:
            form.name.errors = [str(error)]
        else:
            db.session.commit()
            # Shown once, in this answer only: never stored, never redirected through a URL.
            page = render_template("api/token_created.html", token=token, secret=secret)
            response = current_app.make_response(page)
            response.headers["Cache-Control"] = "no-store"
            return response
    return render_template("api/token_form.html", form=form), 400


@docs_bp.post("/me/tokens/<int:token_id>/revoke")
@login_required
def revoke_api_token(token_id: int) -> BaseResponse:
    token = db.get_or_404(ApiToken, token_id)
    if token.user_id != current_user.id:
        abort(404)
    form = RevokeTokenForm()
    if form.validate_on_submit():
        revoke_token(current_user, token)
        db.session.commit()
        flash(_("The token “%(name)s” is revoked: it no longer works.", name=token.name), "success")
    return redirect(url_for("accounts.profile") + "#api-tokens")


def _register(state: Any) -> None:
    hooks.register(state.app, "profile_page", _profile_panel)
    hooks.register(state.app, "user_data", userdata.user_data_files)
    hooks.register(state.app, "user_erase", userdata.erase_tokens)
    hooks.register(state.app, "purge", userdata.purge_steps)


docs_bp.record_once(_register)
