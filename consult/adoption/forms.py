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


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AdoptForm(FlaskForm):
    adopted_on = DateField("Date of adoption", validators=[DataRequired("Enter the date.")])
    note = TextAreaField("Note", validators=[Optional(), Length(max=2000)])
    link = StringField(
        "Link",
        validators=[Optional(), URL(message="Enter a full web address."), Length(max=500)],
        description="For example the assessment of the chapter's adequacy.",
    )
    submit = SubmitField("Put forward for adoption")


class CodeForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired("Enter a title."), Length(max=250)])
    slug = StringField(
        "Address",
        validators=[
            DataRequired("Enter an address."),
            Length(max=80),
            Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$", message="Use lower-case letters, digits, dashes."),
        ],
        description="Shown in /code/<address>/signatories.",
    )
    summary = TextAreaField("Summary", validators=[Optional(), Length(max=2000)])
    chapters = MultiCheckboxField("Chapters", coerce=int)
    submit = SubmitField("Create the code")


class SignForm(FlaskForm):
    chapters = MultiCheckboxField("Chapters to sign", coerce=int)
    signatory_name = StringField(
        "Name of the signatory", validators=[DataRequired("Enter the name."), Length(max=120)]
    )
    signatory_function = StringField(
        "Function", validators=[DataRequired("Enter the function."), Length(max=120)]
    )
    authority = TextAreaField(
        "Authority to bind the organisation",
        validators=[DataRequired("State the signatory's authority."), Length(max=2000)],
        description="For example: managing director, empowered by the articles of association.",
    )
    pdf = FileField("Signed form (PDF, at most 5 MB)")
    submit = SubmitField("Sign the declaration")


class WithdrawForm(FlaskForm):
    reason = TextAreaField(
        "Reason for the withdrawal",
        validators=[DataRequired("Give the reason for the withdrawal."), Length(max=2000)],
    )
    submit = SubmitField("Withdraw the signature")


class ActionForm(FlaskForm):
    submit = SubmitField("Confirm")


class CommitmentForm(FlaskForm):
    key = StringField(
        "Key",
        validators=[
            DataRequired("Enter a key."),
            Length(max=40),
            Regexp(r"^[a-z0-9_]+$", message="Use lower-case letters, digits, underscores."),
        ],
    )
    title = StringField("Title", validators=[DataRequired("Enter a title."), Length(max=200)])
    submit = SubmitField("Add the commitment")


class RoundForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired("Enter a title."), Length(max=200)])
    due_on = DateField("Due on", validators=[DataRequired("Enter the due date.")])
    submit = SubmitField("Set the schedule")
