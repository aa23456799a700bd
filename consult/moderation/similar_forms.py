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

from consult.moderation.forms import RATIONALE_MAX
from consult.moderation.models import OUTCOMES

GROUP_OUTCOMES = {k: v for k, v in OUTCOMES.items() if k != "duplicate"}


class RebuildForm(FlaskForm):
    submit = SubmitField("Find similar comments again")


class GroupDispositionForm(FlaskForm):
    outcome = SelectField("Disposition", choices=GROUP_OUTCOMES, validators=[InputRequired()])
    rationale = TextAreaField(
        "Rationale",
        validators=[DataRequired("Explain the decision."), Length(max=RATIONALE_MAX)],
    )
    only_undecided = BooleanField("Only comments not yet decided", default=True)
    submit = SubmitField("Give this disposition to the group")


class DuplicatesForm(FlaskForm):
    original = SelectField("Original comment", coerce=int, validators=[InputRequired()])
    rationale = TextAreaField("Note (optional)", validators=[Optional(), Length(max=RATIONALE_MAX)])
    submit = SubmitField("Mark the others as duplicates")


class SplitForm(FlaskForm):
    comment_id = IntegerField(validators=[InputRequired()])
    submit = SubmitField("Split out")


class CampaignForm(FlaskForm):
    is_campaign = BooleanField("This group is a campaign")
    name = StringField("Campaign name (optional)", validators=[Optional(), Length(max=120)])
    submit = SubmitField("Save")


class DistributeForm(FlaskForm):
    version_id = HiddenField(validators=[InputRequired()])
    submit = SubmitField("Distribute unassigned comments")
