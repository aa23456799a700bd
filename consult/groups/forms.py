"""Forms of the groups domain: join, decide, leave, roles, settings, preferences."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from consult.accounts.forms import email_field
from consult.core.lazytext import lazy_gettext as _l
from consult.groups.models import (
    ADMISSION_RULES,
    MANDATE_MAX,
    ROLE_MEMBER,
    ROLE_OBSERVER,
    STATEMENT_MAX,
)

REQUEST_ROLE_CHOICES = [
    SelectChoice(
        ROLE_MEMBER, _l("Member: take part in drafting and comment on the group's drafts")
    ),
    SelectChoice(
        ROLE_OBSERVER, _l("Observer: read the group's drafts, including members-only ones")
    ),
]


class JoinForm(FlaskForm):
    role = RadioField(
        _l("Role you are asking for"),
        choices=REQUEST_ROLE_CHOICES,
        validators=[InputRequired(_l("Choose whether you want to be a member or an observer."))],
    )
    statement = TextAreaField(
        _l("Statement of interest"),
        description=_l(
            "Why you want to take part and what you or your organisation bring "
            "(up to 2,000 characters). The chairs read it."
        ),
        validators=[
            DataRequired(_l("Write a short statement of interest.")),
            Length(max=STATEMENT_MAX, message=_l("Keep the statement under 2,000 characters.")),
        ],
    )
    submit = SubmitField(_l("Send request"))


class ApproveForm(FlaskForm):
    role = RadioField(
        _l("Admit as"),
        choices=[
            SelectChoice(ROLE_MEMBER, _l("Member")),
            SelectChoice(ROLE_OBSERVER, _l("Observer")),
        ],
        validators=[InputRequired(_l("Choose member or observer."))],
    )
    submit = SubmitField(_l("Approve request"))


class DeclineForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for declining"),
        description=_l("The requester reads this in the e-mail telling them of the decision."),
        validators=[
            DataRequired(_l("Give the reason for declining; the requester will read it.")),
            Length(max=STATEMENT_MAX, message=_l("Keep the reason under 2,000 characters.")),
        ],
    )
    submit = SubmitField(_l("Decline request"))


class LeaveForm(FlaskForm):
    submit = SubmitField(_l("Leave the working group"))


class RoleForm(FlaskForm):
    role = RadioField(_l("New role"), validators=[InputRequired(_l("Choose a role."))])
    submit = SubmitField(_l("Change role"))


class AppointChairForm(FlaskForm):
    email = email_field(
        _l("E-mail address of the new chair"),
        required=_l("Enter the e-mail address of the person to appoint."),
        invalid=_l("Enter an e-mail address like name@example.org."),
        description=_l("The person needs an account. They become a chair of this group at once."),
    )
    submit = SubmitField(_l("Appoint chair"))


class SettingsForm(FlaskForm):
    mandate = TextAreaField(
        _l("Mandate"),
        description=_l("What the group drafts and how it works. Markdown: **bold**, lists, links."),
        validators=[
            DataRequired(_l("Write the group's mandate.")),
            Length(max=MANDATE_MAX, message=_l("Keep the mandate under 20,000 characters.")),
        ],
    )
    admission_rule = RadioField(
        _l("Who may become a member"),
        choices=[SelectChoice(key, label) for key, label in ADMISSION_RULES.items()],
        validators=[InputRequired(_l("Choose an admission rule."))],
    )
    observers_may_comment = BooleanField(_l("Observers may comment on members-only drafts"))
    submit = SubmitField(_l("Save settings"))


class PreferencesForm(FlaskForm):
    notify_versions = BooleanField(_l("E-mail me when a new version of a draft is published"))
    notify_deadlines = BooleanField(_l("E-mail me three days before a consultation closes"))
    listed_publicly = BooleanField(
        _l("Show my name and organisation in the public list of members"),
        description=_l("Members always see each other; others see only those who choose this."),
    )
    submit = SubmitField(_l("Save preferences"))
