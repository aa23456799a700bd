"""Organisation forms: AI Pact declaration and verified e-mail domains."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from consult.accounts.models import (
    DOMAIN_MAX,
    PACT_CORE_PLEDGES,
    PACT_OPTIONAL_PLEDGES,
    PACT_STATUSES,
)
from consult.core.i18n import translated_choices
from consult.core.lazytext import lazy_gettext as _l


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PactForm(FlaskForm):
    status = RadioField(
        _l("AI Pact status"),
        choices=translated_choices(PACT_STATUSES),
        validators=[DataRequired(_l("Choose the organisation's AI Pact status."))],
    )
    pledge_date = DateField(
        _l("Date of the pledge"),
        validators=[Optional()],
        description=_l("Pillar II only: the date the organisation signed its pledges."),
    )
    core_pledges = MultiCheckboxField(
        _l("Core pledges"),
        choices=translated_choices(PACT_CORE_PLEDGES),
        description=_l("Pillar II signatories commit to all three."),
    )
    optional_pledges = MultiCheckboxField(
        _l("Further pledges (optional)"), choices=translated_choices(PACT_OPTIONAL_PLEDGES)
    )
    submit = SubmitField(_l("Declare status"))


class DomainForm(FlaskForm):
    domain = StringField(
        _l("E-mail domain"),
        validators=[
            DataRequired(_l("Enter a domain such as example.org.")),
            Length(max=DOMAIN_MAX),
        ],
        description=_l("People who confirm an address there are confirmed members at once."),
    )
    submit = SubmitField(_l("Add domain"))
