"""Forms of the events domain: schedule an event, register, questions, outcome."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import URL, DataRequired, InputRequired, Length, NumberRange, Optional

from consult.accounts.models import EMAIL_MAX
from consult.attachments.forms import AttachmentsField
from consult.attachments.storage import PRESENTATION_TYPES
from consult.core.lazytext import lazy_gettext as _l
from consult.events.models import (
    ACCESS,
    ANSWER_MAX,
    DESCRIPTION_MAX,
    KINDS,
    MINUTES_MAX,
    PLACE_MAX,
    QUESTION_MAX,
    REASON_MAX,
    TITLE_MAX,
    URL_MAX,
)

WHEN = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
AGENDA_MAX = 5000


def _url(label: Any, description: Any) -> StringField:
    return StringField(
        label,
        description=description,
        validators=[
            Optional(),
            Length(max=URL_MAX, message=_l("Keep the link under 500 characters.")),
            URL(require_tld=False, message=_l("Enter a full web address starting with https://")),
        ],
    )


class EventForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[DataRequired(_l("Give the event a title.")), Length(max=TITLE_MAX)],
    )
    kind = RadioField(
        _l("Kind of event"),
        choices=[SelectChoice(k, v) for k, v in KINDS.items()],
        validators=[InputRequired(_l("Choose the kind of event."))],
    )
    starts_at = DateTimeLocalField(
        _l("Starts"), format=WHEN, description=_l("Europe/Brussels time."),
        validators=[InputRequired(_l("Enter when the event starts, e.g. 2026-12-03 10:00."))],
    )  # fmt: skip
    ends_at = DateTimeLocalField(
        _l("Ends"), format=WHEN, description=_l("Europe/Brussels time."),
        validators=[InputRequired(_l("Enter when the event ends, e.g. 2026-12-03 12:00."))],
    )  # fmt: skip
    description = TextAreaField(
        _l("Description"), description=_l("Markdown. Up to 10,000 characters."),
        validators=[Optional(), Length(max=DESCRIPTION_MAX)],
    )  # fmt: skip
    online_url = _url(_l("Online link"), _l("Shown only to registered participants."))
    place = StringField(
        _l("Place"), description=_l("Address or room, if people meet in person."),
        validators=[Optional(), Length(max=PLACE_MAX)],
    )  # fmt: skip
    access = RadioField(
        _l("Who may register"),
        choices=[SelectChoice(k, v) for k, v in ACCESS.items()],
        validators=[InputRequired(_l("Choose who may register."))],
    )
    capacity = IntegerField(
        _l("Places"),
        description=_l("Leave empty for no limit. When full, people join a waiting list."),
        validators=[
            Optional(),
            NumberRange(min=1, max=100_000, message=_l("Enter a number from 1.")),
        ],
    )
    version_id = SelectField(_l("Version the agenda refers to"), coerce=int, validate_choice=True)
    agenda = TextAreaField(
        _l("Agenda"),
        description=_l(
            "One item per line. To link an item to a provision of the version chosen "
            "above, end the line with | and the provision's number, e.g. 'Transparency | 1.2'."
        ),
        validators=[Optional(), Length(max=AGENDA_MAX)],
    )
    submit = SubmitField(_l("Save event"))


class CancelEventForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for cancelling"),
        description=_l("Registered participants read it in the e-mail telling them."),
        validators=[DataRequired(_l("Give the reason for cancelling.")), Length(max=REASON_MAX)],
    )
    submit = SubmitField(_l("Cancel the event"))


class RegisterForm(FlaskForm):
    submit = SubmitField(_l("Register"))


class WaitingListForm(FlaskForm):
    """Registering for a full event: the button says what it does."""

    submit = SubmitField(_l("Join the waiting list"))


class WithdrawForm(FlaskForm):
    submit = SubmitField(_l("Cancel my registration"))


class InviteForm(FlaskForm):
    email = StringField(
        _l("E-mail address of the person to invite"),
        validators=[DataRequired(_l("Enter an e-mail address.")), Length(max=EMAIL_MAX)],
    )
    submit = SubmitField(_l("Invite"))


class QuestionForm(FlaskForm):
    body = TextAreaField(
        _l("Your question"),
        description=_l("Up to 2,000 characters. Questions are public on the event page."),
        validators=[DataRequired(_l("Write your question.")), Length(max=QUESTION_MAX)],
    )
    agenda_item_id = SelectField(_l("Agenda item (optional)"), coerce=int, validate_choice=True)
    submit = SubmitField(_l("Send question"))


class SupportForm(FlaskForm):
    submit = SubmitField(_l("Support"))


class AnswerForm(FlaskForm):
    answer = TextAreaField(
        _l("Answer"), description=_l("Markdown."), validators=[Optional(), Length(max=ANSWER_MAX)]
    )
    in_meeting = BooleanField(_l("Answered in the meeting"))
    submit = SubmitField(_l("Save answer"))

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not self.in_meeting.data and not (self.answer.data or "").strip():
            self.answer.errors.append(_l("Write an answer, or mark it answered in the meeting."))
            return False
        return True


class MergeForm(FlaskForm):
    into = IntegerField(
        _l("Number of the question it duplicates"),
        validators=[
            InputRequired(_l("Enter the number of the other question.")),
            NumberRange(min=1),
        ],
    )
    submit = SubmitField(_l("Merge"))


class ReasonForm(FlaskForm):
    reason = StringField(
        _l("Reason"),
        validators=[DataRequired(_l("Give a reason.")), Length(max=REASON_MAX)],
    )
    submit = SubmitField(_l("Send"))


class OutcomeForm(FlaskForm):
    minutes = TextAreaField(
        _l("Minutes"), description=_l("Markdown."), validators=[Optional(), Length(max=MINUTES_MAX)]
    )
    recording_url = _url(_l("Recording link"), _l("Where the recording can be watched."))
    slides_url = _url(
        _l("Slides link"), _l("Only if the slides are published elsewhere; otherwise upload them.")
    )
    files = AttachmentsField(
        _l("Slides and other files"),
        description=_l("Slides, handouts and other documents of the event."),
        types=PRESENTATION_TYPES,
    )
    submit = SubmitField(_l("Save"))


class RemoveFileForm(FlaskForm):
    submit = SubmitField(_l("Remove"))


class CalendarTokenForm(FlaskForm):
    submit = SubmitField(_l("Make a new secret address"))


class UpholdQuestionReportForm(FlaskForm):
    reason = StringField(
        _l("Reason for hiding (shown in place of the question)"),
        validators=[DataRequired(_l("Give a reason.")), Length(max=REASON_MAX)],
    )
    submit = SubmitField(_l("Hide the question"))


class DismissQuestionReportForm(FlaskForm):
    submit = SubmitField(_l("Keep the question"))
