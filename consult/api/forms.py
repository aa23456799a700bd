"""Forms of the API area: creating and revoking personal access tokens."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from consult.api.models import TOKEN_NAME_MAX
from consult.core.lazytext import lazy_gettext as _l


class CreateTokenForm(FlaskForm):
    name = StringField(
        _l("Name of the new token"),
        description=_l("What it is for, so you recognise it later, e.g. “research notebook”."),
        validators=[
            DataRequired(message=_l("Enter a name for the token")),
            Length(
                max=TOKEN_NAME_MAX, message=_l("Use at most %(n)s characters", n=TOKEN_NAME_MAX)
            ),
        ],
    )


class RevokeTokenForm(FlaskForm):
    """A button; CSRF is all it carries."""
