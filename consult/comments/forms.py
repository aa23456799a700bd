"""Forms of the comments domain: comment, reply, edit, endorse, report, hide."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, Optional, ValidationError

from consult.attachments.forms import AttachmentsField
from consult.comments.models import (
    KINDS,
    PROPOSAL_PASSAGE,
    PROPOSAL_PROVISION,
    REPORT_REASONS,
    STANCES,
)
from consult.comments.text import passage_occurs

SCOPES = {
    PROPOSAL_PROVISION: "The whole provision",
    PROPOSAL_PASSAGE: "Only the quoted passage",
}


def _choices(options: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in options.items()]


def max_length(field_label: str) -> Any:
    """Length limit read from COMMENT_MAX_LENGTH at validation time (it is configurable)."""

    def _check(form: FlaskForm, field: Any) -> None:
        limit = int(current_app.config["COMMENT_MAX_LENGTH"])
        if field.data and len(field.data) > limit:
            raise ValidationError(
                f"{field_label} must be {limit} characters or fewer (it has {len(field.data)})."
            )

    return _check


class ReplyForm(FlaskForm):
    body = TextAreaField(
        "Your reply",
        validators=[DataRequired(message="Enter your reply."), max_length("Your reply")],
        description="You can use Markdown: *emphasis*, lists, [links](https://example.org).",
    )
    submit = SubmitField("Send reply")


class CommentForm(FlaskForm):
    """A top-level comment on a section; `section` is checked for the quoted passage."""

    body = TextAreaField(
        "Your comment",
        validators=[DataRequired(message="Enter your comment."), max_length("Your comment")],
        description="You can use Markdown: *emphasis*, lists, [links](https://example.org).",
    )
    kind = RadioField(
        "Kind of comment",
        choices=_choices(KINDS),
        default="general",
        validators=[DataRequired(message="Choose the kind of comment.")],
    )
    quote = TextAreaField(
        "Quoted passage",
        validators=[Optional(), max_length("The quoted passage")],
        description="The exact words of the provision your comment is about. "
        "Copy and paste them from the text above.",
    )
    proposed_text = TextAreaField(
        "Proposed replacement text",
        validators=[Optional(), max_length("The proposed text")],
        description="The wording you would like instead.",
    )
    proposal_scope = RadioField(
        "Your proposed text replaces",
        choices=_choices(SCOPES),
        default=PROPOSAL_PROVISION,
        validators=[Optional()],
    )
    files = AttachmentsField(_l("Position papers"))
    confidential = BooleanField(
        "Confidential comment",
        description="Only you, the chairs and the moderators of the working group will see it. "
        "It is left out of public pages, exports and counts.",
    )
    submit = SubmitField("Send comment")

    def __init__(self, *args: Any, section: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.section = section

    def validate_quote(self, field: Any) -> None:
        if field.data and self.section is not None and not passage_occurs(field.data, self.section):
            raise ValidationError(
                "The quoted passage must be copied exactly from the text of this provision."
            )

    def validate_proposal_scope(self, field: Any) -> None:
        if not (self.proposed_text.data or "").strip():
            return
        if field.data == PROPOSAL_PASSAGE and not (self.quote.data or "").strip():
            raise ValidationError(
                "To replace only a passage, quote that passage in “Quoted passage”."
            )


class EditCommentForm(CommentForm):
    files = None  # type: ignore[assignment]  # files are attached when the comment is sent
    submit = SubmitField("Save changes")


class EditReplyForm(ReplyForm):
    submit = SubmitField("Save changes")


class EndorseForm(FlaskForm):
    stance = HiddenField(validators=[AnyOf([*STANCES, "withdraw"])])


class ReportForm(FlaskForm):
    reason = RadioField(
        "Why are you reporting this comment?",
        choices=_choices(REPORT_REASONS),
        validators=[DataRequired(message="Choose why you are reporting this comment.")],
    )
    note = TextAreaField(
        "Anything the moderators should know",
        validators=[Optional(), max_length("The note")],
    )
    submit = SubmitField("Send report")


# The reason is e-mailed to the author: bounded like every other text (issue 12).
REASON_MAX = 2000


class HideForm(FlaskForm):
    reason = TextAreaField(
        "Reason for hiding",
        validators=[
            DataRequired(message="Give the reason for hiding this comment."),
            Length(max=REASON_MAX, message="Keep the reason under 2,000 characters."),
        ],
        description="The author receives this reason by e-mail; moderators see it on the page.",
    )
    submit = SubmitField("Hide comment")


class ConfirmForm(FlaskForm):
    """A bare CSRF-protected confirmation (delete, unhide, dismiss a report)."""

    submit = SubmitField("Confirm")
