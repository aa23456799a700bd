"""Forms of the organisation workspace: a draft, a note, approval."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from consult.attachments.forms import AttachmentsField
from consult.comments.forms import max_length
from consult.comments.models import COMMENT_TEXT_MAX, PROPOSAL_PASSAGE, PROPOSAL_PROVISION
from consult.comments.text import passage_occurs
from consult.comments.workspace_models import WORKSPACE_NOTE_MAX
from consult.core.lazytext import lazy_gettext as _l

KIND_LABELS = {
    "general": _l("General"),
    "technical": _l("Technical"),
    "editorial": _l("Editorial"),
}
SCOPE_LABELS = {
    PROPOSAL_PROVISION: _l("The whole provision"),
    PROPOSAL_PASSAGE: _l("Only the quoted passage"),
}


class DraftForm(FlaskForm):
    """A workspace draft: the fields of a public comment, plus position papers."""

    section_id = SelectField(
        _l("Provision"), coerce=int, validators=[DataRequired(message=_l("Choose a provision."))]
    )
    kind = RadioField(
        _l("Kind of comment"),
        choices=[SelectChoice(k, v) for k, v in KIND_LABELS.items()],
        default="general",
        validators=[DataRequired(message=_l("Choose the kind of comment."))],
    )
    body = TextAreaField(
        _l("Comment"),
        validators=[
            DataRequired(message=_l("Enter the comment.")),
            Length(max=COMMENT_TEXT_MAX),
            max_length("The comment"),
        ],
        description=_l("You can use Markdown: *emphasis*, lists, [links](https://example.org)."),
    )
    quote = TextAreaField(
        _l("Quoted passage"),
        validators=[Optional(), Length(max=COMMENT_TEXT_MAX), max_length("The quoted passage")],
        description=_l("The exact words of the provision the comment is about."),
    )
    proposed_text = TextAreaField(
        _l("Proposed replacement text"),
        validators=[Optional(), Length(max=COMMENT_TEXT_MAX), max_length("The proposed text")],
    )
    proposal_scope = RadioField(
        _l("The proposed text replaces"),
        choices=[SelectChoice(k, v) for k, v in SCOPE_LABELS.items()],
        default=PROPOSAL_PROVISION,
        validators=[Optional()],
    )
    files = AttachmentsField(_l("Position papers"))
    revision = IntegerField(validators=[Optional(), NumberRange(min=1, max=1_000_000)])
    submit = SubmitField(_l("Save draft"))

    def __init__(self, *args: Any, sections: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sections = {s.id: s for s in sections or []}
        self.section_id.choices = [
            (s.id, f"{s.number} {s.heading}".strip()[:120]) for s in sections or []
        ]

    def validate_quote(self, field: Any) -> None:
        section = self.sections.get(self.section_id.data or 0)
        if field.data and section is not None and not passage_occurs(field.data, section):
            raise ValidationError(
                _l("The quoted passage must be copied exactly from the text of this provision.")
            )

    def validate_proposal_scope(self, field: Any) -> None:
        if not (self.proposed_text.data or "").strip():
            return
        if field.data == PROPOSAL_PASSAGE and not (self.quote.data or "").strip():
            raise ValidationError(_l("To replace only a passage, quote that passage."))


class NoteForm(FlaskForm):
    body = TextAreaField(
        _l("Internal note"),
        validators=[DataRequired(message=_l("Enter the note.")), Length(max=WORKSPACE_NOTE_MAX)],
        description=_l("Seen only by the members of your organisation."),
    )
    submit = SubmitField(_l("Add note"))


class ApproveForm(FlaskForm):
    """Approve one draft (a button) or several (checkboxes) at once."""

    draft_ids = SelectMultipleField(
        _l("Drafts to approve"),
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[DataRequired(message=_l("Choose at least one draft to approve."))],
    )
    submit = SubmitField(_l("Approve and publish"))
