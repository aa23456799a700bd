"""Forms of the groups domain: join, decide, leave, roles, settings, preferences."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from consult.accounts.forms import email_field
from consult.groups.models import ADMISSION_RULES, ROLE_MEMBER, ROLE_OBSERVER

STATEMENT_MAX = 2000
REQUEST_ROLE_CHOICES = [
    SelectChoice(ROLE_MEMBER, "Member: take part in drafting and comment on the group's drafts"),
    SelectChoice(ROLE_OBSERVER, "Observer: read the group's drafts, including members-only ones"),
]


class JoinForm(FlaskForm):
    role = RadioField(
        "Role you are asking for",
        choices=REQUEST_ROLE_CHOICES,
        validators=[InputRequired("Choose whether you want to be a member or an observer.")],
    )
    statement = TextAreaField(
        "Statement of interest",
        description="Why you want to take part and what you or your organisation bring "
        "(up to 2,000 characters). The chairs read it.",
        validators=[
            DataRequired("Write a short statement of interest."),
            Length(max=STATEMENT_MAX, message="Keep the statement under 2,000 characters."),
        ],
    )
    submit = SubmitField("Send request")


class ApproveForm(FlaskForm):
    role = RadioField(
        "Admit as",
        choices=[SelectChoice(ROLE_MEMBER, "Member"), SelectChoice(ROLE_OBSERVER, "Observer")],
        validators=[InputRequired("Choose member or observer.")],
    )
    submit = SubmitField("Approve request")


class DeclineForm(FlaskForm):
    reason = TextAreaField(
        "Reason for declining",
        description="The requester reads this in the e-mail telling them of the decision.",
        validators=[
            DataRequired("Give the reason for declining; the requester will read it."),
            Length(max=STATEMENT_MAX, message="Keep the reason under 2,000 characters."),
        ],
    )
    submit = SubmitField("Decline request")


class LeaveForm(FlaskForm):
    submit = SubmitField("Leave the working group")


class RoleForm(FlaskForm):
    role = RadioField("New role", validators=[InputRequired("Choose a role.")])
    submit = SubmitField("Change role")


class AppointChairForm(FlaskForm):
    email = email_field(
        "E-mail address of the new chair",
        required="Enter the e-mail address of the person to appoint.",
        invalid="Enter an e-mail address like name@example.org.",
        description="The person needs an account. They become a chair of this group at once.",
    )
    submit = SubmitField("Appoint chair")


class SettingsForm(FlaskForm):
    mandate = TextAreaField(
        "Mandate",
        description="What the group drafts and how it works. Markdown: **bold**, lists, links.",
        validators=[
            DataRequired("Write the group's mandate."),
            Length(max=20_000, message="Keep the mandate under 20,000 characters."),
        ],
    )
    admission_rule = RadioField(
        "Who may become a member",
        choices=[SelectChoice(key, label) for key, label in ADMISSION_RULES.items()],
        validators=[InputRequired("Choose an admission rule.")],
    )
    observers_may_comment = BooleanField("Observers may comment on members-only drafts")
    submit = SubmitField("Save settings")


class PreferencesForm(FlaskForm):
    notify_versions = BooleanField("E-mail me when a new version of a draft is published")
    notify_deadlines = BooleanField("E-mail me three days before a consultation closes")
    listed_publicly = BooleanField(
        "Show my name and organisation in the public list of members",
        description="Members always see each other; others see only those who choose this.",
    )
    submit = SubmitField("Save preferences")
