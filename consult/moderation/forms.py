"""Moderation forms: triage filters (GET), bulk actions, dispositions, revision editing."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)
from wtforms.widgets import CheckboxInput, ListWidget

from consult.comments.models import KINDS
from consult.core.inputs import SingleLine
from consult.core.languages import language_choices
from consult.core.numbers import INT_MAX, id_value, optional_id
from consult.moderation.models import OUTCOMES
from consult.moderation.queue import SORTS

RATIONALE_MAX = 5000
NOTE_MAX = 2000


class RequiredUnlessDuplicate:
    """Marks the rationale as required in its label; `validate()` below applies the rule."""

    field_flags = {"required": True}

    def __call__(self, form: Any, field: Any) -> None:
        return None


class TriageFilterForm(FlaskForm):
    """The triage queue's filters; a GET form, so no CSRF token and bookmarkable URLs."""

    class Meta:
        csrf = False

    provision = SelectField("Provision", coerce=optional_id, validate_choice=False)
    category = SelectField("Stakeholder category", coerce=optional_id, validate_choice=False)
    kind = SelectField("Kind", choices={"": "Any kind", **KINDS}, validate_choice=False, default="")
    language = SelectField(
        _l("Language"),
        choices=[SelectChoice("", _l("Any language")), *language_choices()],
        validate_choice=False,
        default="",
    )
    proposal = SelectField(
        "Proposed text",
        choices={"": "With or without", "yes": "Proposes text", "no": "No proposal"},
        validate_choice=False,
        default="",
    )
    status = SelectField(
        "Disposition",
        choices={
            "": "Any",
            "undecided": "Not yet decided",
            "decided": "Decided (any outcome)",
            **OUTCOMES,
        },
        validate_choice=False,
        default="",
    )
    assignee = SelectField(
        "Assigned to",
        choices={"": "Anyone", "mine": "Me", "unassigned": "Nobody"},
        validate_choice=False,
        default="",
    )
    reported = BooleanField("Only comments reported by readers")
    sort = SelectField("Sort by", choices=dict(SORTS), validate_choice=False)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


BULK_ACTIONS = {
    "dispose": "Record the same disposition for all selected comments",
    "duplicate": "Mark the selected comments as duplicates of another comment",
    "assign": "Assign the selected comments to a moderator",
}


class BulkActionForm(FlaskForm):
    # Checkboxes are rendered by hand in each comment's <article>; values are comment ids.
    comment_ids = MultiCheckboxField("Comments", coerce=id_value, validate_choice=False)
    action = RadioField(
        "Action",
        choices=dict(BULK_ACTIONS),
        validators=[InputRequired("Choose an action.")],
    )
    outcome = SelectField("Disposition", choices={"": "Choose…", **OUTCOMES}, validate_choice=False)
    rationale = TextAreaField(
        "Rationale",
        description="Required for a disposition; optional for duplicates and assignments.",
        validators=[Optional(), Length(max=RATIONALE_MAX)],
    )
    duplicate_of = IntegerField(
        "Duplicate of comment number", validators=[Optional(), NumberRange(min=1, max=INT_MAX)]
    )
    # Its own id: the triage filters on the same page have an "assignee" select too.
    assignee = SelectField(
        "Moderator", coerce=optional_id, validate_choice=False, id="bulk-assignee"
    )
    submit = SubmitField("Apply to selected comments")

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        if not self.comment_ids.data:
            self.comment_ids.errors = [*self.comment_ids.errors, "Select at least one comment."]
            ok = False
        if self.action.data == "dispose":
            if not self.outcome.data:
                self.outcome.errors = [*self.outcome.errors, "Choose a disposition."]
                ok = False
            elif self.outcome.data == "duplicate":
                self.outcome.errors = [
                    *self.outcome.errors,
                    "To mark duplicates use the action for duplicates, with the original's number.",
                ]
                ok = False
            elif not (self.rationale.data or "").strip():
                self.rationale.errors = [
                    *self.rationale.errors,
                    "Explain the decision: a rationale is required (except for duplicates).",
                ]
                ok = False
        if self.action.data == "duplicate" and not self.duplicate_of.data:
            self.duplicate_of.errors = [
                *self.duplicate_of.errors,
                "Enter the number of the comment they duplicate.",
            ]
            ok = False
        return ok


class DispositionForm(FlaskForm):
    outcome = RadioField(
        "What was done with this comment?",
        choices=dict(OUTCOMES),
        validators=[InputRequired("Choose what was done with the comment.")],
    )
    rationale = TextAreaField(
        "Rationale",
        description="Shown publicly in the disposition report. Required except for duplicates.",
        validators=[RequiredUnlessDuplicate(), Optional(), Length(max=RATIONALE_MAX)],
    )
    duplicate_of = IntegerField(
        "Duplicate of comment number",
        description="Only for duplicates: the number of the original top-level comment on this "
        "version, e.g. 1234.",
        validators=[Optional(), NumberRange(min=1, max=INT_MAX)],
    )
    submit = SubmitField("Save disposition")

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        if self.outcome.data == "duplicate":
            if not self.duplicate_of.data and not self.duplicate_of.errors:
                self.duplicate_of.errors = [
                    *self.duplicate_of.errors,
                    "Enter the number of the comment this one duplicates.",
                ]
                ok = False
        elif self.outcome.data and not (self.rationale.data or "").strip():
            self.rationale.errors = [
                *self.rationale.errors,
                "Explain the decision: a rationale is required (except for duplicates).",
            ]
            ok = False
        return ok


class AssignForm(FlaskForm):
    assignee = SelectField("Assign to", coerce=optional_id, validate_choice=False)
    submit_assign = SubmitField("Assign")


# --- revision workspace ------------------------------------------------------------------


class OpenRevisionForm(FlaskForm):
    submit = SubmitField("Open a revision for the next version")


class SectionEditForm(FlaskForm):
    # A hidden counter posted back as typed: anything but a small number is a tampered form.
    lock_version = HiddenField(validators=[DataRequired(), Regexp(r"^\d{1,9}$")])
    number = StringField("Number", validators=[SingleLine(), Optional(), Length(max=20)])
    heading = StringField("Heading", validators=[SingleLine(), Optional(), Length(max=300)])
    body = TextAreaField("Text", validators=[Optional(), Length(max=50_000)])
    comment_ids = MultiCheckboxField(
        "Comments that motivated this change", coerce=id_value, validate_choice=False
    )
    note = TextAreaField(
        "Note on the change",
        description="Optional; shown to moderators in the workspace.",
        validators=[Optional(), Length(max=NOTE_MAX)],
    )
    submit = SubmitField("Save provision")


class AddSectionForm(FlaskForm):
    after = SelectField("Insert after", coerce=optional_id, validate_choice=False)
    parent = SelectField("Inside", coerce=optional_id, validate_choice=False)
    kind = SelectField("Kind", validate_choice=False)
    number = StringField("Number", validators=[SingleLine(), Optional(), Length(max=20)])
    heading = StringField("Heading", validators=[SingleLine(), Optional(), Length(max=300)])
    body = TextAreaField("Text", validators=[Optional(), Length(max=50_000)])
    comment_ids = MultiCheckboxField(
        "Comments that motivated this change", coerce=id_value, validate_choice=False
    )
    note = TextAreaField("Note on the change", validators=[Optional(), Length(max=NOTE_MAX)])
    submit = SubmitField("Add provision")


class MoveSectionForm(FlaskForm):
    after = SelectField("Move after", coerce=optional_id, validate_choice=False)
    parent = SelectField("Inside", coerce=optional_id, validate_choice=False)
    comment_ids = MultiCheckboxField(
        "Comments that motivated this change", coerce=id_value, validate_choice=False
    )
    note = TextAreaField("Note on the change", validators=[Optional(), Length(max=NOTE_MAX)])
    submit = SubmitField("Move provision")


class RemoveSectionForm(FlaskForm):
    comment_ids = MultiCheckboxField(
        "Comments that motivated this change", coerce=id_value, validate_choice=False
    )
    note = TextAreaField("Note on the change", validators=[Optional(), Length(max=NOTE_MAX)])
    confirm = BooleanField(
        "Remove this provision (and the provisions inside it) from the next version",
        validators=[DataRequired("Tick the box to confirm the removal.")],
    )
    submit = SubmitField("Remove provision")


class ApplyProposalForm(FlaskForm):
    submit = SubmitField("Apply proposal")


class PublishForm(FlaskForm):
    changelog = TextAreaField(
        "Changelog",
        description="What changed since the previous version and why, in a few paragraphs.",
        validators=[DataRequired("Write the changelog."), Length(max=20_000)],
    )
    opens_at = DateTimeLocalField(
        "Consultation opens",
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        description="Europe/Brussels time. Leave empty to publish without a consultation window.",
        validators=[Optional()],
    )
    closes_at = DateTimeLocalField(
        "Consultation closes",
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        description="Europe/Brussels time. Optional.",
        validators=[Optional()],
    )
    publish_anyway = BooleanField("Publish anyway, leaving these comments without a disposition")
    close_open_window = BooleanField(
        "Close the consultation on the previous version now, before its announced end"
    )
    submit = SubmitField("Publish the next version")
