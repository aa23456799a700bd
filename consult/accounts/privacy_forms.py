"""Forms for a person's data rights: export, leaving, changing e-mail address."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length

from consult.accounts.models import EMAIL_MAX
from consult.core.lazytext import lazy_gettext as _l


class ExportForm(FlaskForm):
    submit = SubmitField(_l("Download your data"))


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(_l("Enter your password to confirm.")), Length(max=200)],
    )
    submit = SubmitField(_l("Delete my account"))


class AdminEraseForm(FlaskForm):
    reason = StringField(
        _l("Request"),
        validators=[
            DataRequired(_l("Say whose request this is and when it was made.")),
            Length(max=300),
        ],
        description=_l("Who asked, when and how (kept in the audit log)."),
    )
    submit = SubmitField(_l("Delete this account"))


class ChangeEmailForm(FlaskForm):
    email = EmailField(
        _l("New e-mail address"),
        validators=[
            DataRequired(_l("Enter your new e-mail address.")),
            Email(_l("Enter an e-mail address in the correct format, like name@example.org.")),
            Length(max=EMAIL_MAX),
        ],
    )
    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(_l("Enter your password to confirm.")), Length(max=200)],
    )
    submit = SubmitField(_l("Send confirmation link"))
