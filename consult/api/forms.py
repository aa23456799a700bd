"""Forms of the API area: creating and revoking personal access tokens."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from consult.api.models import TOKEN_NAME_MAX


class CreateTokenForm(FlaskForm):
    name = StringField(
        "Name of the new token",
        description="What it is for, so you recognise it later, e.g. “research notebook”.",
        validators=[
            DataRequired(message="Enter a name for the token"),
            Length(max=TOKEN_NAME_MAX, message=f"Use at most {TOKEN_NAME_MAX} characters"),
        ],
    )


class RevokeTokenForm(FlaskForm):
    """A button; CSRF is all it carries."""
