"""Forms of the events domain: schedule an event, register, questions, outcome."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
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

from consult.events.models import ACCESS, KINDS, TITLE_MAX, URL_MAX

WHEN = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
QUESTION_MAX = 2000
AGENDA_MAX = 5000
REASON_MAX = 500


def _url(label: str, description: str) -> StringField:
    return StringField(
        label,
        description=description,
        validators=[
            Optional(),
            Length(max=URL_MAX, message="Keep the link under 500 characters."),
            URL(require_tld=False, message="Enter a full web address starting with https://"),
        ],
    )


class EventForm(FlaskForm):
    title = StringField(
        "Title",
        validators=[DataRequired("Give the event a title."), Length(max=TITLE_MAX)],
    )
    kind = RadioField(
        "Kind of event",
        choices=[SelectChoice(k, v) for k, v in KINDS.items()],
        validators=[InputRequired("Choose the kind of event.")],
    )
    starts_at = DateTimeLocalField(
        "Starts", format=WHEN, description="Europe/Brussels time.",
        validators=[InputRequired("Enter when the event starts, e.g. 2026-12-03 10:00.")],
    )  # fmt: skip
    ends_at = DateTimeLocalField(
        "Ends", format=WHEN, description="Europe/Brussels time.",
        validators=[InputRequired("Enter when the event ends, e.g. 2026-12-03 12:00.")],
    )  # fmt: skip
    description = TextAreaField(
        "Description", description="Markdown. Up to 10,000 characters.",
        validators=[Optional(), Length(max=10_000)],
    )  # fmt: skip
    online_url = _url("Online link", "Shown only to registered participants.")
    place = StringField(
        "Place", description="Address or room, if people meet in person.",
        validators=[Optional(), Length(max=300)],
    )  # fmt: skip
    access = RadioField(
        "Who may register",
        choices=[SelectChoice(k, v) for k, v in ACCESS.items()],
        validators=[InputRequired("Choose who may register.")],
    )
    capacity = IntegerField(
        "Places", description="Leave empty for no limit. When full, people join a waiting list.",
        validators=[Optional(), NumberRange(min=1, max=100_000, message="Enter a number from 1.")],
    )  # fmt: skip
    version_id = SelectField("Version the agenda refers to", coerce=int, validate_choice=True)
    agenda = TextAreaField(
        "Agenda",
        description="One item per line. To link an item to a provision of the version chosen "
        "above, end the line with | and the provision's number, e.g. 'Transparency | 1.2'.",
        validators=[Optional(), Length(max=AGENDA_MAX)],
    )
    submit = SubmitField("Save event")


class CancelEventForm(FlaskForm):
    reason = TextAreaField(
        "Reason for cancelling",
        description="Registered participants read it in the e-mail telling them.",
        validators=[DataRequired("Give the reason for cancelling."), Length(max=REASON_MAX)],
    )
    submit = SubmitField("Cancel the event")


class RegisterForm(FlaskForm):
    submit = SubmitField("Register")


class WithdrawForm(FlaskForm):
    submit = SubmitField("Cancel my registration")


class InviteForm(FlaskForm):
    email = StringField(
        "E-mail address of the person to invite",
        validators=[DataRequired("Enter an e-mail address."), Length(max=254)],
    )
    submit = SubmitField("Invite")


class QuestionForm(FlaskForm):
    body = TextAreaField(
        "Your question",
        description="Up to 2,000 characters. Questions are public on the event page.",
        validators=[DataRequired("Write your question."), Length(max=QUESTION_MAX)],
    )
    agenda_item_id = SelectField("Agenda item (optional)", coerce=int, validate_choice=True)
    submit = SubmitField("Send question")


class SupportForm(FlaskForm):
    submit = SubmitField("Support")


class AnswerForm(FlaskForm):
    answer = TextAreaField(
        "Answer", description="Markdown.", validators=[Optional(), Length(max=10_000)]
    )
    in_meeting = BooleanField("Answered in the meeting")
    submit = SubmitField("Save answer")

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not self.in_meeting.data and not (self.answer.data or "").strip():
            self.answer.errors.append("Write an answer, or mark it answered in the meeting.")
            return False
        return True


class MergeForm(FlaskForm):
    into = IntegerField(
        "Number of the question it duplicates",
        validators=[InputRequired("Enter the number of the other question."), NumberRange(min=1)],
    )
    submit = SubmitField("Merge")


class ReasonForm(FlaskForm):
    reason = StringField(
        "Reason",
        validators=[DataRequired("Give a reason."), Length(max=REASON_MAX)],
    )
    submit = SubmitField("Send")


class OutcomeForm(FlaskForm):
    minutes = TextAreaField(
        "Minutes", description="Markdown.", validators=[Optional(), Length(max=50_000)]
    )
    recording_url = _url("Recording link", "Where the recording can be watched.")
    slides_url = _url("Slides link", "A link to the slides (PDF).")
    submit = SubmitField("Save")


class CalendarTokenForm(FlaskForm):
    submit = SubmitField("Make a new secret address")


class UpholdQuestionReportForm(FlaskForm):
    reason = StringField(
        _l("Reason for hiding (shown in place of the question)"),
        validators=[DataRequired(_l("Give a reason.")), Length(max=REASON_MAX)],
    )
    submit = SubmitField(_l("Hide the question"))


class DismissQuestionReportForm(FlaskForm):
    submit = SubmitField(_l("Keep the question"))
