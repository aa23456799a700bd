"""Account forms: sign-in, sign-up, password reset, profile, administration."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from consult.accounts.countries import COUNTRIES, country_choices
from consult.accounts.models import (
    BIO_MAX,
    CATEGORY_NAME_MAX,
    DISPLAY_NAME_MAX,
    EMAIL_MAX,
    NOTIFY_MODES,
    ORGANISATION_NAME_MAX,
    PACT_STATUSES,
    REGISTER_ID_MAX,
    StakeholderCategory,
)
from consult.accounts.passwords import password_problem
from consult.core.i18n import available_languages, language_name, translated_choices
from consult.core.inputs import SingleLine
from consult.core.lazytext import lazy_gettext as _l

REGISTER_ID = re.compile(r"^\d{9,12}-\d{2}$")
AFFILIATIONS = {
    "existing": _l("My organisation is already registered here"),
    "new": _l("Register a new organisation"),
    "independent": _l("I am an independent expert (no organisation)"),
}


# Choices are WTForms' shorthand dicts ({value: label}, or {optgroup: {value: label}}).
def category_choices(
    categories: list[StakeholderCategory], blank: str = _l("Choose a category")
) -> dict[str, str]:
    return {"": str(blank)} | {
        str(c.id): _("%(name)s (retired)", name=c.name) if c.is_retired else c.name
        for c in categories
    }


def _country_choices() -> dict[str, Any]:
    groups = {label: dict(options) for label, options in country_choices().items()}
    return {"": _("Choose a country"), **groups}


def validate_register_id(form: Any, field: Field) -> None:
    if field.data and not REGISTER_ID.fullmatch(field.data.strip()):
        raise ValidationError(
            _l(
                "Enter the EU Transparency Register ID as 9 to 12 digits, a hyphen and 2 digits, "
                "for example 123456789012-34."
            )
        )


# Long enough for any passphrase; bounds the hashing work a request can ask for.
PASSWORD_MAX = 256
TOO_LONG = _l("Use at most %(n)s characters.", n=PASSWORD_MAX)


class PasswordRules:
    """WTForms validator applying the password rules with the form's e-mail and name."""

    def __init__(self, email_field: str | None = "email", name_field: str | None = None) -> None:
        self.email_field = email_field
        self.name_field = name_field

    def __call__(self, form: Any, field: Field) -> None:
        email = getattr(form, self.email_field).data if self.email_field else ""
        name = getattr(form, self.name_field).data if self.name_field else ""
        problem = password_problem(
            field.data or "",
            email=email or getattr(form, "_user_email", ""),
            display_name=name or getattr(form, "_user_name", ""),
        )
        if problem:
            raise ValidationError(problem)


def email_field(
    label: str = _l("E-mail address"),
    *,
    required: str = _l("Enter your e-mail address."),
    invalid: str = _l("Enter an e-mail address in the right format, like name@example.org."),
    **kwargs: Any,
) -> EmailField:
    """A required e-mail address field, with a message for each way it can be wrong."""
    return EmailField(
        label, validators=[DataRequired(required), Email(invalid), Length(max=EMAIL_MAX)], **kwargs
    )


def display_name_field() -> StringField:
    """The name a person is shown by next to their comments (sign-up and profile)."""
    return StringField(
        _l("Your name"),
        validators=[
            SingleLine(),
            DataRequired(_l("Enter your name.")),
            Length(max=DISPLAY_NAME_MAX),
        ],
        description=_l("Shown next to your comments."),
    )


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"), validators=[DataRequired(), Email(), Length(max=EMAIL_MAX)]
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(max=PASSWORD_MAX, message=TOO_LONG)]
    )
    remember = BooleanField(_l("Keep me signed in on this device"))
    submit = SubmitField(_l("Sign in"))


class SignupForm(FlaskForm):
    email = email_field(description=_l("We will send you a link to confirm it."))
    display_name = display_name_field()
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(_l("Enter a password.")),
            Length(max=PASSWORD_MAX, message=TOO_LONG),
            PasswordRules(email_field="email", name_field="display_name"),
        ],
    )
    password_confirm = PasswordField(
        _l("Confirm password"),
        validators=[
            DataRequired(_l("Enter the password again.")),
            Length(max=PASSWORD_MAX, message=TOO_LONG),
            EqualTo("password", _l("The two passwords do not match.")),
        ],
    )
    affiliation = RadioField(
        _l("Who do you speak for?"),
        choices=translated_choices(AFFILIATIONS),
        validators=[DataRequired(_l("Choose your organisation or say you are independent."))],
    )
    organisation_id = SelectField(_l("Organisation"), choices={}, validate_choice=False)
    own_category = SelectField(
        _l("Your own stakeholder category"),
        choices={},
        validate_choice=False,
        description=_l(
            "Shown with your comments until the organisation confirms you belong to "
            "it (at once if your address is on one of its verified e-mail domains)."
        ),
    )
    org_name = StringField(
        _l("Name of the organisation"),
        validators=[SingleLine(), Optional(), Length(max=ORGANISATION_NAME_MAX)],
    )
    org_category = SelectField(_l("Stakeholder category"), choices={}, validate_choice=False)
    org_country = SelectField(_l("Country of the head office"), choices={}, validate_choice=False)
    org_register_id = StringField(
        _l("EU Transparency Register ID"),
        validators=[SingleLine(), Optional(), Length(max=REGISTER_ID_MAX), validate_register_id],
        description=_l("If the organisation is registered, for example 123456789012-34."),
    )
    expert_category = SelectField(
        _l("Your stakeholder category"), choices={}, validate_choice=False
    )
    submit = SubmitField(_l("Create account"))

    def __init__(
        self,
        *args: Any,
        organisations: list[tuple[int, str, str]] | None = None,
        categories: list[StakeholderCategory] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._organisation_ids = {org_id for org_id, _, _ in organisations or []}
        self._category_ids = {c.id for c in categories or []}
        self.organisation_id.choices = {"": _("Choose your organisation")} | {
            str(org_id): f"{name} ({COUNTRIES.get(country, country)})"
            for org_id, name, country in organisations or []
        }
        self.org_category.choices = category_choices(categories or [])
        self.expert_category.choices = category_choices(categories or [])
        self.own_category.choices = category_choices(categories or [])
        self.org_country.choices = _country_choices()
        # Required when their option is chosen (checked in validate); labelled as such, and the
        # form is `novalidate`, so the browser does not insist on the hidden ones.
        for field in (
            self.organisation_id, self.own_category, self.org_name, self.org_category,
            self.org_country, self.expert_category,
        ):  # fmt: skip
            field.flags.required = True

    def _require(self, field: Field, message: str) -> bool:
        if not (field.data or "").strip():
            field.errors.append(message)
            return False
        return True

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        mode = self.affiliation.data
        if mode == "existing":
            picked = self.organisation_id.data
            if not picked or not picked.isdigit() or int(picked) not in self._organisation_ids:
                self.organisation_id.errors.append(_("Choose your organisation from the list."))
                valid = False
            if not self._category_valid(self.own_category):
                valid = False
        elif mode == "new":
            valid &= self._require(self.org_name, _("Enter the name of the organisation."))
            if not self._category_valid(self.org_category):
                valid = False
            if self.org_country.data not in COUNTRIES:
                self.org_country.errors.append(_("Choose the country of the head office."))
                valid = False
        elif mode == "independent" and not self._category_valid(self.expert_category):
            valid = False
        return valid

    def _category_valid(self, field: Field) -> bool:
        if not field.data or not field.data.isdigit() or int(field.data) not in self._category_ids:
            field.errors.append(_("Choose a stakeholder category."))
            return False
        return True


class ResendVerificationForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"), validators=[Optional(), Email(), Length(max=EMAIL_MAX)]
    )
    submit = SubmitField(_l("Send a new link"))


class ResetRequestForm(FlaskForm):
    email = email_field()
    submit = SubmitField(_l("Send me a reset link"))


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(_l("Enter a new password.")),
            Length(max=PASSWORD_MAX, message=TOO_LONG),
            PasswordRules(email_field=None),
        ],
    )
    password_confirm = PasswordField(
        _l("Confirm new password"),
        validators=[
            DataRequired(_l("Enter the new password again.")),
            Length(max=PASSWORD_MAX, message=TOO_LONG),
            EqualTo("password", _l("The two passwords do not match.")),
        ],
    )
    submit = SubmitField(_l("Set new password"))

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._user_email = getattr(user, "email", "")
        self._user_name = getattr(user, "display_name", "")


class ChangePasswordForm(ResetPasswordForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[
            DataRequired(_l("Enter your current password.")),
            Length(max=PASSWORD_MAX, message=TOO_LONG),
        ],
    )
    submit = SubmitField(_l("Change password"))


class ProfileForm(FlaskForm):
    display_name = display_name_field()
    bio = TextAreaField(
        _l("About you"),
        validators=[Optional(), Length(max=BIO_MAX)],
        description=_l("Optional. A sentence or two about your expertise. Markdown is allowed."),
    )
    own_category = SelectField(
        _l("Your own stakeholder category"),
        choices={},
        validate_choice=False,
        description=_l(
            "Used when you speak as an individual: as an independent expert, or while "
            "your organisation has not confirmed you."
        ),
    )
    listed_publicly = BooleanField(_l("List me publicly"))
    notify_mode = RadioField(
        _l("E-mail notifications"),
        choices=translated_choices(NOTIFY_MODES),
        validators=[DataRequired(_l("Choose how you want to be notified."))],
        description=_l("Replies to your comments, decisions on them, new versions and deadlines."),
    )
    locale = SelectField(
        _l("Language"),
        choices={},
        validate_choice=False,
        validators=[Optional(), Length(max=8)],
        description=_l("Of these pages and of the e-mails we send you."),
    )
    submit = SubmitField(_l("Save profile"))

    def __init__(
        self, *args: Any, categories: list[StakeholderCategory] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._category_ids = {c.id for c in categories or []}
        self.own_category.choices = category_choices(categories or [], blank=_("Not chosen"))
        self.locale.choices = {"": _("The language of your browser")} | {
            code: language_name(code) for code in available_languages()
        }

    def validate_own_category(self, field: Field) -> None:
        if field.data and (
            not str(field.data).isdigit() or int(field.data) not in self._category_ids
        ):
            raise ValidationError(_l("Choose a stakeholder category from the list."))


# -- administration ----------------------------------------------------------------------


class SearchForm(FlaskForm):
    """GET filters for the admin lists (no CSRF: they change nothing)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[SingleLine(), Optional(), Length(max=200)])


# Choice labels are translated when the form is built (WTForms wants plain strings in them).
def _pact_filter_choices() -> dict[str, str]:
    return {"": _("Any status"), **{key: str(label) for key, label in PACT_STATUSES.items()}}


def _verified_filter_choices() -> dict[str, str]:
    return {
        "": _("Any"),
        "yes": _("Verified"),
        "no": _("Declared, not yet verified"),
        "change": _("Change of a verified status requested"),
        "organisation": _("Organisation not yet verified"),
    }


class OrganisationFilterForm(SearchForm):
    category = SelectField(_l("Category"), choices={}, validate_choice=False)
    pact = SelectField(_l("AI Pact status"), choices=_pact_filter_choices, validate_choice=False)
    verified = SelectField(
        _l("Verification"), choices=_verified_filter_choices, validate_choice=False
    )


class AuditFilterForm(FlaskForm):
    """GET filter of the audit log (no CSRF: it changes nothing). Only a prefix of the action:
    it had inherited the lists' `q` box, which the page never showed nor used."""

    class Meta:
        csrf = False

    action = StringField(
        _l("Action starts with"),
        validators=[SingleLine(), Optional(), Length(max=80)],
        description=_l("For example “user.”, “organisation.pact” or “version.publish”."),
    )


class OrganisationForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[
            SingleLine(),
            DataRequired(_l("Enter a name.")),
            Length(max=ORGANISATION_NAME_MAX),
        ],
    )
    category = SelectField(_l("Stakeholder category"), choices={}, validate_choice=False)
    country = SelectField(_l("Country"), choices={}, validate_choice=False)
    transparency_register_id = StringField(
        _l("EU Transparency Register ID"),
        validators=[SingleLine(), Optional(), Length(max=REGISTER_ID_MAX), validate_register_id],
    )
    submit = SubmitField(_l("Save organisation"))

    def __init__(
        self, *args: Any, categories: list[StakeholderCategory] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._category_ids = {c.id for c in categories or []}
        self.category.choices = category_choices(categories or [])
        self.country.choices = _country_choices()
        self.category.flags.required = self.country.flags.required = True

    def validate_category(self, field: Field) -> None:
        if (
            not field.data
            or not str(field.data).isdigit()
            or int(field.data) not in self._category_ids
        ):
            raise ValidationError(_l("Choose a stakeholder category."))

    def validate_country(self, field: Field) -> None:
        if field.data not in COUNTRIES:
            raise ValidationError(_l("Choose a country."))


class CategoryForm(FlaskForm):
    name = StringField(
        _l("Category name"),
        validators=[SingleLine(), DataRequired(_l("Enter a name.")), Length(max=CATEGORY_NAME_MAX)],
    )
    submit = SubmitField(_l("Add category"))


class RenameCategoryForm(CategoryForm):
    submit = SubmitField(_l("Rename"))


class ActionForm(FlaskForm):
    """An empty form: a POST button whose only field is the CSRF token."""
