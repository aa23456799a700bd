"""Forms of the comments domain: comment, reply, edit, endorse, report, hide."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, Optional, ValidationError

from consult.attachments.forms import AttachmentsField
from consult.comments.language import language_field, quote_language_field, quote_language_of
from consult.comments.models import (
    COMMENT_TEXT_MAX,
    HIDE_REASON_MAX,
    KIND_LABELS,
    PROPOSAL_PASSAGE,
    PROPOSAL_PROVISION,
    REPORT_REASONS,
    STANCES,
)
from consult.core.lazytext import lazy_gettext as _l

SCOPES = {
    PROPOSAL_PROVISION: _l("The whole provision"),
    PROPOSAL_PASSAGE: _l("Only the quoted passage"),
}


def _choices(options: dict[str, Any]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in options.items()]


def max_length(field_label: Any) -> Any:
    """Length limit read from COMMENT_MAX_LENGTH at validation time (it is configurable)."""

    def _check(form: FlaskForm, field: Any) -> None:
        # Never above the column's bound, whatever the configuration says.
        limit = min(int(current_app.config["COMMENT_MAX_LENGTH"]), COMMENT_TEXT_MAX)
        if field.data and len(field.data) > limit:
            raise ValidationError(
                _(
                    "%(field)s must be %(limit)s characters or fewer (it has %(length)s).",
                    field=field_label,
                    limit=limit,
                    length=len(field.data),
                )
            )

    return _check


class ReplyForm(FlaskForm):
    body = TextAreaField(
        _l("Your reply"),
        validators=[DataRequired(message=_l("Enter your reply.")), max_length(_l("Your reply"))],
        description=_l("You can use Markdown: *emphasis*, lists, [links](https://example.org)."),
    )
    language = language_field()
    submit = SubmitField(_l("Send reply"))


class CommentForm(FlaskForm):
    """A top-level comment on a section; `section` is checked for the quoted passage."""

    body = TextAreaField(
        _l("Your comment"),
        validators=[
            DataRequired(message=_l("Enter your comment.")),
            max_length(_l("Your comment")),
        ],
        description=_l("You can use Markdown: *emphasis*, lists, [links](https://example.org)."),
    )
    language = language_field()
    kind = RadioField(
        _l("Kind of comment"),
        choices=_choices(KIND_LABELS),
        default="general",
        validators=[DataRequired(message=_l("Choose the kind of comment."))],
    )
    quote = TextAreaField(
        _l("Quoted passage"),
        validators=[Optional(), max_length(_l("The quoted passage"))],
        description=_l(
            "The exact words of the provision your comment is about. "
            "Copy and paste them from the text above."
        ),
    )
    quote_language = quote_language_field()
    proposed_text = TextAreaField(
        _l("Proposed replacement text"),
        validators=[Optional(), max_length(_l("The proposed text"))],
        description=_l("The wording you would like instead."),
    )
    proposal_scope = RadioField(
        _l("Your proposed text replaces"),
        choices=_choices(SCOPES),
        default=PROPOSAL_PROVISION,
        validators=[Optional()],
    )
    files = AttachmentsField(_l("Position papers"))
    confidential = BooleanField(
        _l("Confidential comment"),
        description=_l(
            "Only you, the chairs and the moderators of the working group will see it. "
            "It is left out of public pages, exports and counts."
        ),
    )
    submit = SubmitField(_l("Send comment"))

    def __init__(self, *args: Any, section: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.section = section

    def validate_quote(self, field: Any) -> None:
        if not field.data or self.section is None:
            return
        found, _language = quote_language_of(self.section, field.data, self.quote_language.data)
        if not found:
            raise ValidationError(
                _l("The quoted passage must be copied exactly from the text of this provision.")
            )

    def validate_proposal_scope(self, field: Any) -> None:
        if not (self.proposed_text.data or "").strip():
            return
        if field.data == PROPOSAL_PASSAGE and not (self.quote.data or "").strip():
            raise ValidationError(
                _l("To replace only a passage, quote that passage in “Quoted passage”.")
            )


class EditCommentForm(CommentForm):
    files = None  # type: ignore[assignment]  # files are attached when the comment is sent
    submit = SubmitField(_l("Save changes"))


class EditReplyForm(ReplyForm):
    submit = SubmitField(_l("Save changes"))


class EndorseForm(FlaskForm):
    stance = HiddenField(validators=[AnyOf([*STANCES, "withdraw"])])


class ReportForm(FlaskForm):
    reason = RadioField(
        _l("Why are you reporting this comment?"),
        choices=_choices(REPORT_REASONS),
        validators=[DataRequired(message=_l("Choose why you are reporting this comment."))],
    )
    note = TextAreaField(
        _l("Anything the moderators should know"),
        validators=[Optional(), max_length(_l("The note"))],
    )
    submit = SubmitField(_l("Send report"))


class HideForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for hiding"),
        validators=[
            DataRequired(message=_l("Give the reason for hiding this comment.")),
            Length(max=HIDE_REASON_MAX, message=_l("Keep the reason under 2,000 characters.")),
        ],
        description=_l("The author receives this reason by e-mail; moderators see it on the page."),
    )
    submit = SubmitField(_l("Hide comment"))


class ConfirmForm(FlaskForm):
    """A bare CSRF-protected confirmation (delete, unhide, dismiss a report)."""

    submit = SubmitField(_l("Confirm"))
