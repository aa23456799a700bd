"""Adoption forms: adopt a version, define a code, sign, withdraw, pledge, report."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)
from wtforms.widgets import CheckboxInput, ListWidget

from consult.adoption.models import (
    ADOPTION_NOTE_MAX,
    AUTHORITY_MAX,
    CODE_SUMMARY_MAX,
    CODE_TITLE_MAX,
    COMMITMENT_TITLE_MAX,
    ENTRY_TEXT_MAX,
    LINK_MAX,
    ROUND_TITLE_MAX,
    SIGNATORY_MAX,
    WITHDRAWAL_REASON_MAX,
)
from consult.core.lazytext import lazy_gettext as _l


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AdoptForm(FlaskForm):
    adopted_on = DateField(_l("Date of adoption"), validators=[DataRequired(_l("Enter the date."))])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=ADOPTION_NOTE_MAX)])
    link = StringField(
        _l("Link"),
        validators=[Optional(), URL(message=_l("Enter a full web address.")), Length(max=LINK_MAX)],
        description=_l("For example the assessment of the chapter's adequacy."),
    )
    submit = SubmitField(_l("Put forward for adoption"))


class CodeForm(FlaskForm):
    title = StringField(
        _l("Title"), validators=[DataRequired(_l("Enter a title.")), Length(max=CODE_TITLE_MAX)]
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
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=CODE_SUMMARY_MAX)])
    chapters = MultiCheckboxField(_l("Chapters"), coerce=int)
    submit = SubmitField(_l("Create the code"))


class SignForm(FlaskForm):
    chapters = MultiCheckboxField(_l("Chapters to sign"), coerce=int)
    signatory_name = StringField(
        _l("Name of the signatory"),
        validators=[DataRequired(_l("Enter the name.")), Length(max=SIGNATORY_MAX)],
    )
    signatory_function = StringField(
        _l("Function"),
        validators=[DataRequired(_l("Enter the function.")), Length(max=SIGNATORY_MAX)],
    )
    authority = TextAreaField(
        _l("Authority to bind the organisation"),
        validators=[
            DataRequired(_l("State the signatory's authority.")),
            Length(max=AUTHORITY_MAX),
        ],
        description=_l("For example: managing director, empowered by the articles of association."),
    )
    pdf = FileField(_l("Signed form (PDF, at most 5 MB)"))
    submit = SubmitField(_l("Sign the declaration"))


class WithdrawForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for the withdrawal"),
        validators=[
            DataRequired(_l("Give the reason for the withdrawal.")),
            Length(max=WITHDRAWAL_REASON_MAX),
        ],
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
        _l("Title"),
        validators=[DataRequired(_l("Enter a title.")), Length(max=COMMITMENT_TITLE_MAX)],
    )
    submit = SubmitField(_l("Add the commitment"))


class RoundForm(FlaskForm):
    title = StringField(
        _l("Title"), validators=[DataRequired(_l("Enter a title.")), Length(max=ROUND_TITLE_MAX)]
    )
    due_on = DateField(_l("Due on"), validators=[DataRequired(_l("Enter the due date."))])
    submit = SubmitField(_l("Set the schedule"))


PROGRESS_CHOICES = [
    SelectChoice("not_started", _l("Not started")),
    SelectChoice("in_progress", _l("In progress")),
    SelectChoice("implemented", _l("Implemented")),
]


class UnadoptForm(FlaskForm):
    reason = TextAreaField(
        _l("Why the adoption was made in error"),
        validators=[
            DataRequired(_l("Give the reason for the withdrawal.")),
            Length(max=WITHDRAWAL_REASON_MAX),
        ],
        description=_l("Shown on the version page once an administrator confirms it."),
    )
    submit = SubmitField(_l("Ask to withdraw the adoption"))


class ScheduleForm(FlaskForm):
    report_months = IntegerField(
        _l("Months between reports"),
        validators=[
            Optional(),
            NumberRange(min=1, max=60, message=_l("Enter a number of months from 1 to 60.")),
        ],
        description=_l(
            "Each signatory reports on each signed chapter this many months after signing, "
            "and again every as many months. Leave empty for no reports."
        ),
    )
    submit = SubmitField(_l("Set the reporting schedule"))


class PledgeForm(FlaskForm):
    """One text per commitment (fields text_<commitment id>), added per request."""

    submit = SubmitField(_l("Publish the pledge"))

    def commitment_fields(self) -> list[Any]:
        return [field for field in self if field.name.startswith("text_")]


def build_pledge_form(
    commitments: Iterable[Any], texts: Mapping[int, str] | None = None, editing: bool = False
) -> PledgeForm:
    """The pledge form for the commitments on offer (core ones required), filled with `texts`."""
    fields: dict[str, Any] = {}
    for commitment in commitments:
        required = (
            [DataRequired(_l("Describe the core commitment “%(title)s”.", title=commitment.title))]
            if commitment.is_core
            else [Optional()]
        )  # fmt: skip
        fields[f"text_{commitment.id}"] = TextAreaField(
            commitment.title,
            validators=[*required, Length(max=ENTRY_TEXT_MAX)],
            description=_l("What the organisation commits to do.")
            if commitment.is_core
            else _l("What the organisation commits to do; leave empty not to pledge it."),
        )
    if editing:
        fields["submit"] = SubmitField(_l("Save the changes"))
    form_class = type("PledgeFormFor", (PledgeForm,), fields)
    data = {f"text_{cid}": text for cid, text in (texts or {}).items()}
    return form_class(data=data)


def pledge_texts(form: PledgeForm) -> dict[int, str]:
    return {
        int(field.name.removeprefix("text_")): (field.data or "").strip()
        for field in form.commitment_fields()
    }


class ProgressReportForm(FlaskForm):
    """Per item a status (status_<id>) and a text (text_<id>), added per request."""

    submit = SubmitField(_l("Submit the report"))

    def pairs(self) -> list[tuple[Any, Any]]:
        return [
            (self[name], self["text_" + name.removeprefix("status_")])
            for name in self._fields
            if name.startswith("status_")
        ]


def build_report_form(items: Iterable[tuple[int, str]]) -> ProgressReportForm:
    """A report form for (id, title) items: each a status and what was done."""
    fields: dict[str, Any] = {}
    for key, title in items:
        fields[f"status_{key}"] = RadioField(
            title,
            choices=PROGRESS_CHOICES,
            validators=[InputRequired(_l("Choose a status for “%(title)s”.", title=title))],
        )
        fields[f"text_{key}"] = TextAreaField(
            _l("What was done"), validators=[Optional(), Length(max=ENTRY_TEXT_MAX)]
        )
    return type("ProgressReportFormFor", (ProgressReportForm,), fields)()


def report_entries(form: ProgressReportForm) -> dict[int, tuple[str, str]]:
    return {
        int(status.name.removeprefix("status_")): (status.data or "", (text.data or "").strip())
        for status, text in form.pairs()
    }
