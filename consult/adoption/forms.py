"""Adoption forms: adopt a version, define a code, sign, withdraw, pledge, report."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import URL, DataRequired, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from consult.core.lazytext import lazy_gettext as _l


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AdoptForm(FlaskForm):
    adopted_on = DateField(_l("Date of adoption"), validators=[DataRequired(_l("Enter the date."))])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
    link = StringField(
        _l("Link"),
        validators=[Optional(), URL(message=_l("Enter a full web address.")), Length(max=500)],
        description=_l("For example the assessment of the chapter's adequacy."),
    )
    submit = SubmitField(_l("Put forward for adoption"))


class CodeForm(FlaskForm):
    title = StringField(
        _l("Title"), validators=[DataRequired(_l("Enter a title.")), Length(max=250)]
    )
    slug = StringField(
        _l("Address"),
        validators=[
            DataRequired(_l("Enter an address.")),
            Length(max=80),
            Regexp(
                r"^[a-z0-9]+(-[a-z0-9]+)*$",
                message=_l("Use lower-case letters, digits, dashes."),
            ),
        ],
        description=_l("Shown in /code/<address>/signatories."),
    )
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=2000)])
    chapters = MultiCheckboxField(_l("Chapters"), coerce=int)
    submit = SubmitField(_l("Create the code"))


class SignForm(FlaskForm):
    chapters = MultiCheckboxField(_l("Chapters to sign"), coerce=int)
    signatory_name = StringField(
        _l("Name of the signatory"),
        validators=[DataRequired(_l("Enter the name.")), Length(max=120)],
    )
    signatory_function = StringField(
        _l("Function"), validators=[DataRequired(_l("Enter the function.")), Length(max=120)]
    )
    authority = TextAreaField(
        _l("Authority to bind the organisation"),
        validators=[DataRequired(_l("State the signatory's authority.")), Length(max=2000)],
        description=_l("For example: managing director, empowered by the articles of association."),
    )
    pdf = FileField(_l("Signed form (PDF, at most 5 MB)"))
    submit = SubmitField(_l("Sign the declaration"))


class WithdrawForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for the withdrawal"),
        validators=[DataRequired(_l("Give the reason for the withdrawal.")), Length(max=2000)],
    )
    submit = SubmitField(_l("Withdraw the signature"))


class ActionForm(FlaskForm):
    submit = SubmitField(_l("Confirm"))


class CommitmentForm(FlaskForm):
    key = StringField(
        _l("Key"),
        validators=[
            DataRequired(_l("Enter a key.")),
            Length(max=40),
            Regexp(r"^[a-z0-9_]+$", message=_l("Use lower-case letters, digits, underscores.")),
        ],
    )
    title = StringField(
        _l("Title"), validators=[DataRequired(_l("Enter a title.")), Length(max=200)]
    )
    submit = SubmitField(_l("Add the commitment"))


class RoundForm(FlaskForm):
    title = StringField(
        _l("Title"), validators=[DataRequired(_l("Enter a title.")), Length(max=200)]
    )
    due_on = DateField(_l("Due on"), validators=[DataRequired(_l("Enter the due date."))])
    submit = SubmitField(_l("Set the schedule"))
