"""Forms of the similar-comments view and the desk: group answers, duplicates, split, campaign."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from consult.core.lazytext import lazy_gettext as _l
from consult.moderation.grouping_models import CAMPAIGN_NAME_MAX
from consult.moderation.models import OUTCOMES, RATIONALE_MAX, outcome_labels

GROUP_OUTCOMES = {k: v for k, v in OUTCOMES.items() if k != "duplicate"}


def _group_outcome_choices() -> dict[str, str]:
    return {k: v for k, v in outcome_labels().items() if k in GROUP_OUTCOMES}


class RebuildForm(FlaskForm):
    submit = SubmitField(_l("Find similar comments again"))


class GroupDispositionForm(FlaskForm):
    outcome = SelectField(
        _l("Disposition"), choices=_group_outcome_choices, validators=[InputRequired()]
    )
    rationale = TextAreaField(
        _l("Rationale"),
        validators=[DataRequired(_l("Explain the decision.")), Length(max=RATIONALE_MAX)],
    )
    only_undecided = BooleanField(_l("Only comments not yet decided"), default=True)
    submit = SubmitField(_l("Give this disposition to the group"))


class DuplicatesForm(FlaskForm):
    original = SelectField(_l("Original comment"), coerce=int, validators=[InputRequired()])
    rationale = TextAreaField(
        _l("Note (optional)"), validators=[Optional(), Length(max=RATIONALE_MAX)]
    )
    submit = SubmitField(_l("Mark the others as duplicates"))


class SplitForm(FlaskForm):
    comment_id = IntegerField(validators=[InputRequired()])
    submit = SubmitField(_l("Split out"))


class CampaignForm(FlaskForm):
    is_campaign = BooleanField(_l("This group is a campaign"))
    name = StringField(
        _l("Campaign name (optional)"), validators=[Optional(), Length(max=CAMPAIGN_NAME_MAX)]
    )
    submit = SubmitField(_l("Save"))


class DistributeForm(FlaskForm):
    version_id = HiddenField(validators=[InputRequired()])
    submit = SubmitField(_l("Distribute unassigned comments"))
