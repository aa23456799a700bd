"""Moderation forms: triage filters (GET), bulk actions, dispositions, revision editing."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
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
from consult.core.lazytext import lazy_gettext as _l
from consult.core.numbers import INT_MAX, id_value, optional_id
from consult.drafts.models import (
    CHANGELOG_MAX,
    SECTION_BODY_MAX,
    SECTION_HEADING_MAX,
    SECTION_NUMBER_MAX,
)
from consult.moderation.models import N_, NOTE_MAX, RATIONALE_MAX, outcome_labels
from consult.moderation.queue import SORTS


class RequiredUnlessDuplicate:
    """Marks the rationale as required in its label; `validate()` below applies the rule."""

    field_flags = {"required": True}

    def __call__(self, form: Any, field: Any) -> None:
        return None


# Choice labels are translated when a form is built: WTForms wants plain strings in them.
def _kind_choices() -> dict[str, str]:
    return {"": _("Any kind"), **{key: _(str(label)) for key, label in KINDS.items()}}


def _proposal_choices() -> dict[str, str]:
    return {"": _("With or without"), "yes": _("Proposes text"), "no": _("No proposal")}


def _status_choices() -> dict[str, str]:
    return {
        "": _("Any"),
        "undecided": _("Not yet decided"),
        "decided": _("Decided (any outcome)"),
        **outcome_labels(),
    }


def _assignee_choices() -> dict[str, str]:
    return {"": _("Anyone"), "mine": _("Me"), "unassigned": _("Nobody")}


def _sort_choices() -> dict[str, str]:
    return {key: _(label) for key, label in SORTS.items()}


def _bulk_action_choices() -> dict[str, str]:
    return {key: _(label) for key, label in BULK_ACTIONS.items()}


def _bulk_outcome_choices() -> dict[str, str]:
    return {"": _("Choose…"), **outcome_labels()}


class TriageFilterForm(FlaskForm):
    """The triage queue's filters; a GET form, so no CSRF token and bookmarkable URLs."""

    class Meta:
        csrf = False

    provision = SelectField(_l("Provision"), coerce=optional_id, validate_choice=False)
    category = SelectField(_l("Stakeholder category"), coerce=optional_id, validate_choice=False)
    kind = SelectField(_l("Kind"), choices=_kind_choices, validate_choice=False, default="")
    language = SelectField(
        _l("Language"),
        choices=[SelectChoice("", _l("Any language")), *language_choices()],
        validate_choice=False,
        default="",
    )
    proposal = SelectField(
        _l("Proposed text"), choices=_proposal_choices, validate_choice=False, default=""
    )
    status = SelectField(
        _l("Disposition"), choices=_status_choices, validate_choice=False, default=""
    )
    assignee = SelectField(
        _l("Assigned to"), choices=_assignee_choices, validate_choice=False, default=""
    )
    reported = BooleanField(_l("Only comments reported by readers"))
    sort = SelectField(_l("Sort by"), choices=_sort_choices, validate_choice=False)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


BULK_ACTIONS = {
    "dispose": N_("Record the same disposition for all selected comments"),
    "duplicate": N_("Mark the selected comments as duplicates of another comment"),
    "assign": N_("Assign the selected comments to a moderator"),
}


class BulkActionForm(FlaskForm):
    # Checkboxes are rendered by hand in each comment's <article>; values are comment ids.
    comment_ids = MultiCheckboxField(_l("Comments"), coerce=id_value, validate_choice=False)
    action = RadioField(
        _l("Action"),
        choices=_bulk_action_choices,
        validators=[InputRequired(_l("Choose an action."))],
    )
    outcome = SelectField(_l("Disposition"), choices=_bulk_outcome_choices, validate_choice=False)
    rationale = TextAreaField(
        _l("Rationale"),
        description=_l("Required for a disposition; optional for duplicates and assignments."),
        validators=[Optional(), Length(max=RATIONALE_MAX)],
    )
    duplicate_of = IntegerField(
        _l("Duplicate of comment number"),
        validators=[Optional(), NumberRange(min=1, max=INT_MAX)],
    )
    # Its own id: the triage filters on the same page have an "assignee" select too.
    assignee = SelectField(
        _l("Moderator"), coerce=optional_id, validate_choice=False, id="bulk-assignee"
    )
    submit = SubmitField(_l("Apply to selected comments"))

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        if not self.comment_ids.data:
            self.comment_ids.errors = [*self.comment_ids.errors, _("Select at least one comment.")]
            ok = False
        if self.action.data == "dispose":
            if not self.outcome.data:
                self.outcome.errors = [*self.outcome.errors, _("Choose a disposition.")]
                ok = False
            elif self.outcome.data == "duplicate":
                self.outcome.errors = [
                    *self.outcome.errors,
                    _(
                        "To mark duplicates use the action for duplicates, "
                        "with the original's number."
                    ),
                ]
                ok = False
            elif not (self.rationale.data or "").strip():
                self.rationale.errors = [
                    *self.rationale.errors,
                    _("Explain the decision: a rationale is required (except for duplicates)."),
                ]
                ok = False
        if self.action.data == "duplicate" and not self.duplicate_of.data:
            self.duplicate_of.errors = [
                *self.duplicate_of.errors,
                _("Enter the number of the comment they duplicate."),
            ]
            ok = False
        return ok


class DispositionForm(FlaskForm):
    outcome = RadioField(
        _l("What was done with this comment?"),
        choices=outcome_labels,
        validators=[InputRequired(_l("Choose what was done with the comment."))],
    )
    rationale = TextAreaField(
        _l("Rationale"),
        description=_l("Shown publicly in the disposition report. Required except for duplicates."),
        validators=[RequiredUnlessDuplicate(), Optional(), Length(max=RATIONALE_MAX)],
    )
    duplicate_of = IntegerField(
        _l("Duplicate of comment number"),
        description=_l(
            "Only for duplicates: the number of the original top-level comment on this "
            "version, e.g. 1234."
        ),
        validators=[Optional(), NumberRange(min=1, max=INT_MAX)],
    )
    submit = SubmitField(_l("Save disposition"))

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        if self.outcome.data == "duplicate":
            if not self.duplicate_of.data and not self.duplicate_of.errors:
                self.duplicate_of.errors = [
                    *self.duplicate_of.errors,
                    _("Enter the number of the comment this one duplicates."),
                ]
                ok = False
        elif self.outcome.data and not (self.rationale.data or "").strip():
            self.rationale.errors = [
                *self.rationale.errors,
                _("Explain the decision: a rationale is required (except for duplicates)."),
            ]
            ok = False
        return ok


class AssignForm(FlaskForm):
    assignee = SelectField(_l("Assign to"), coerce=optional_id, validate_choice=False)
    submit_assign = SubmitField(_l("Assign"))


# --- revision workspace ------------------------------------------------------------------


class OpenRevisionForm(FlaskForm):
    submit = SubmitField(_l("Open a revision for the next version"))


class SectionEditForm(FlaskForm):
    # A hidden counter posted back as typed: anything but a small number is a tampered form.
    lock_version = HiddenField(validators=[DataRequired(), Regexp(r"^\d{1,9}$")])
    number = StringField(
        _l("Number"), validators=[SingleLine(), Optional(), Length(max=SECTION_NUMBER_MAX)]
    )
    heading = StringField(
        _l("Heading"), validators=[SingleLine(), Optional(), Length(max=SECTION_HEADING_MAX)]
    )
    body = TextAreaField(_l("Text"), validators=[Optional(), Length(max=SECTION_BODY_MAX)])
    comment_ids = MultiCheckboxField(
        _l("Comments that motivated this change"), coerce=id_value, validate_choice=False
    )
    note = TextAreaField(
        _l("Note on the change"),
        description=_l("Optional; shown to moderators in the workspace."),
        validators=[Optional(), Length(max=NOTE_MAX)],
    )
    submit = SubmitField(_l("Save provision"))


class AddSectionForm(FlaskForm):
    after = SelectField(_l("Insert after"), coerce=optional_id, validate_choice=False)
    parent = SelectField(_l("Inside"), coerce=optional_id, validate_choice=False)
    kind = SelectField(_l("Kind"), validate_choice=False)
    number = StringField(
        _l("Number"), validators=[SingleLine(), Optional(), Length(max=SECTION_NUMBER_MAX)]
    )
    heading = StringField(
        _l("Heading"), validators=[SingleLine(), Optional(), Length(max=SECTION_HEADING_MAX)]
    )
    body = TextAreaField(_l("Text"), validators=[Optional(), Length(max=SECTION_BODY_MAX)])
    comment_ids = MultiCheckboxField(
        _l("Comments that motivated this change"), coerce=id_value, validate_choice=False
    )
    note = TextAreaField(_l("Note on the change"), validators=[Optional(), Length(max=NOTE_MAX)])
    submit = SubmitField(_l("Add provision"))


class MoveSectionForm(FlaskForm):
    after = SelectField(_l("Move after"), coerce=optional_id, validate_choice=False)
    parent = SelectField(_l("Inside"), coerce=optional_id, validate_choice=False)
    comment_ids = MultiCheckboxField(
        _l("Comments that motivated this change"), coerce=id_value, validate_choice=False
    )
    note = TextAreaField(_l("Note on the change"), validators=[Optional(), Length(max=NOTE_MAX)])
    submit = SubmitField(_l("Move provision"))


class RemoveSectionForm(FlaskForm):
    comment_ids = MultiCheckboxField(
        _l("Comments that motivated this change"), coerce=id_value, validate_choice=False
    )
    note = TextAreaField(_l("Note on the change"), validators=[Optional(), Length(max=NOTE_MAX)])
    confirm = BooleanField(
        _l("Remove this provision (and the provisions inside it) from the next version"),
        validators=[DataRequired(_l("Tick the box to confirm the removal."))],
    )
    submit = SubmitField(_l("Remove provision"))


class ApplyProposalForm(FlaskForm):
    submit = SubmitField(_l("Apply proposal"))


class PublishForm(FlaskForm):
    changelog = TextAreaField(
        _l("Changelog"),
        description=_l("What changed since the previous version and why, in a few paragraphs."),
        validators=[DataRequired(_l("Write the changelog.")), Length(max=CHANGELOG_MAX)],
    )
    opens_at = DateTimeLocalField(
        _l("Consultation opens"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        description=_l(
            "Europe/Brussels time. Leave empty to publish without a consultation window."
        ),
        validators=[Optional()],
    )
    closes_at = DateTimeLocalField(
        _l("Consultation closes"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        description=_l("Europe/Brussels time. Optional."),
        validators=[Optional()],
    )
    publish_anyway = BooleanField(
        _l("Publish anyway, leaving these comments without a disposition")
    )
    close_open_window = BooleanField(
        _l("Close the consultation on the previous version now, before its announced end")
    )
    submit = SubmitField(_l("Publish the next version"))
