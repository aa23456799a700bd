"""Forms of updates by e-mail: subscribe, manage, confirm, unsubscribe, delete."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from consult.accounts.models import EMAIL_MAX
from consult.core.lazytext import lazy_gettext as _l

KIND_LABELS = {
    "versions": _l("New versions of drafts"),
    "consultations": _l("Consultations opening and closing"),
    "events": _l("Events announced, moved or cancelled"),
    "adoption": _l("Adoption of the code"),
}
LANGUAGE_LABELS = {"en": "English", "de": "Deutsch", "fr": "Français"}


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ChoicesForm(FlaskForm):
    site_wide = BooleanField(_l("Everything on this site (every working group)"))
    groups = MultiCheckboxField(_l("Working groups"), coerce=int, choices=[])
    kinds = MultiCheckboxField(
        _l("Kinds of update"),
        choices=[SelectChoice(value, label) for value, label in KIND_LABELS.items()],
        validators=[DataRequired(_l("Choose at least one kind of update."))],
    )
    language = SelectField(_l("Language of the e-mails"), choices=[])

    def validate_groups(self, field: MultiCheckboxField) -> None:
        if not self.site_wide.data and not field.data:
            raise ValidationError(_l("Choose the whole site or at least one working group."))


class SubscribeForm(ChoicesForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[
            DataRequired(_l("Enter your e-mail address.")),
            Email(_l("Enter an e-mail address in the right format, like name@example.org.")),
            Length(max=EMAIL_MAX),
        ],
    )
    submit = SubmitField(_l("Subscribe"))


class ManageForm(ChoicesForm):
    submit = SubmitField(_l("Save my choices"))


class ConfirmForm(FlaskForm):
    submit = SubmitField(_l("Confirm my subscription"))


class DeleteForm(FlaskForm):
    submit = SubmitField(_l("Delete my subscription"))


class UnsubscribeForm(FlaskForm):
    """No CSRF token: mail clients POST here with no session (RFC 8058 one-click)."""

    class Meta:
        csrf = False

    submit = SubmitField(_l("Unsubscribe"))
