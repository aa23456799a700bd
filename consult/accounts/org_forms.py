"""Organisation forms: AI Pact declaration and verified e-mail domains."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from consult.accounts.models import PACT_CORE_PLEDGES, PACT_OPTIONAL_PLEDGES, PACT_STATUSES


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PactForm(FlaskForm):
    status = RadioField(
        "AI Pact status",
        choices=PACT_STATUSES,
        validators=[DataRequired("Choose the organisation's AI Pact status.")],
    )
    pledge_date = DateField(
        "Date of the pledge",
        validators=[Optional()],
        description="Pillar II only: the date the organisation signed its pledges.",
    )
    core_pledges = MultiCheckboxField(
        "Core pledges",
        choices=PACT_CORE_PLEDGES,
        description="Pillar II signatories commit to all three.",
    )
    optional_pledges = MultiCheckboxField(
        "Further pledges (optional)", choices=PACT_OPTIONAL_PLEDGES
    )
    submit = SubmitField("Declare status")


class DomainForm(FlaskForm):
    domain = StringField(
        "E-mail domain",
        validators=[DataRequired("Enter a domain such as example.org."), Length(max=253)],
        description="People who confirm an address there are confirmed members at once.",
    )
    submit = SubmitField("Add domain")
