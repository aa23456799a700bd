"""Forms of the drafts domain (times typed in the display zone, converted by the views)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from consult.core.inputs import SingleLine
from consult.core.numbers import id_value
from consult.drafts.models import SECTION_KINDS, VISIBILITIES

MAX_IMPORT_BYTES = 2 * 1024 * 1024
SECTION_BODY_MAX = 50_000
_DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


class DocumentForm(FlaskForm):
    group_id = SelectField("Working group", coerce=id_value, validators=[DataRequired()])
    title = StringField(
        "Title", validators=[SingleLine(), DataRequired("Enter a title."), Length(max=250)]
    )
    slug = StringField(
        "Web address",
        description=(
            "Lower-case letters, digits and hyphens: the document will be at /docs/<address>/."
        ),
        validators=[
            SingleLine(),
            DataRequired("Enter a web address."),
            Length(min=2, max=80),
            Regexp(
                r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
                message="Use lower-case letters, digits and hyphens, e.g. 'transparency'.",
            ),
        ],
    )
    summary = TextAreaField("Summary", validators=[Optional(), Length(max=5000)])
    visibility = RadioField(
        "Who may read it",
        choices=dict(VISIBILITIES),
        default="public",
        validators=[DataRequired("Choose who may read the document.")],
    )
    submit = SubmitField("Create document")


class ImportForm(FlaskForm):
    upload = FileField(
        "Markdown file",
        description="A .md file of at most 2 MB.",
        validators=[FileAllowed(["md", "markdown", "txt"], "Upload a Markdown (.md) file.")],
    )
    text = TextAreaField(
        "Or paste the Markdown",
        description=(
            "Headings give the structure: '## Commitment 1: Title', '### Measure 1.1 Title', "
            "'## Open question 1', '## Recital (a)', '# Annex I'. The text below a heading is "
            "its body."
        ),
        validators=[Optional(), Length(max=MAX_IMPORT_BYTES)],
    )
    submit = SubmitField("Import")

    def validate(self, extra_validators: Any = None) -> bool:
        if not super().validate(extra_validators):
            return False
        if bool(self.upload.data) == bool((self.text.data or "").strip()):
            self.text.errors = [*self.text.errors, "Upload a file or paste the text (not both)."]
            return False
        return True


class SectionForm(FlaskForm):
    number = StringField(
        "Number",
        description="As printed, e.g. 2.3 for Measure 2.3. Changing it gives the provision a new "
        "web address; the old one keeps working.",
        validators=[SingleLine(), Optional(), Length(max=20)],
    )
    heading = StringField("Heading", validators=[SingleLine(), Optional(), Length(max=300)])
    body = TextAreaField(
        "Text",
        description="Markdown: numbered paragraphs and lettered points are kept.",
        validators=[Optional(), Length(max=SECTION_BODY_MAX)],
    )
    # A hidden counter posted back as typed: anything but a small number is a tampered form.
    lock_version = HiddenField(validators=[Optional(), Regexp(r"^\d{1,9}$")])
    submit = SubmitField("Save section")


class PlacementMixin:
    parent_id = SelectField("Inside", coerce=id_value, default=0)
    after_id = SelectField(
        "After",
        coerce=id_value,
        default=0,
        description="A section directly inside the one chosen above.",
    )


class AddSectionForm(PlacementMixin, FlaskForm):
    kind = SelectField("Kind", choices=dict(SECTION_KINDS), default="measure")
    number = StringField("Number", validators=[SingleLine(), Optional(), Length(max=20)])
    heading = StringField("Heading", validators=[SingleLine(), Optional(), Length(max=300)])
    body = TextAreaField("Text", validators=[Optional(), Length(max=SECTION_BODY_MAX)])
    submit = SubmitField("Add section")


class MoveForm(PlacementMixin, FlaskForm):
    submit = SubmitField("Move section")


class ConfirmForm(FlaskForm):
    submit = SubmitField("Confirm")


class WindowTimesForm(FlaskForm):
    opens_at = DateTimeLocalField("Opens", format=_DATETIME_FORMATS, validators=[Optional()])
    closes_at = DateTimeLocalField("Closes", format=_DATETIME_FORMATS, validators=[Optional()])

    def validate_closes_at(self, field: DateTimeLocalField) -> None:
        if field.data and self.opens_at.data and field.data <= self.opens_at.data:
            raise ValidationError("The consultation must close after it opens.")


class WindowForm(WindowTimesForm):
    reason = TextAreaField(
        "Why the window changes",
        description="Shown on the version page and e-mailed to the working group and to "
        "everyone who commented on this version.",
        validators=[Optional(), Length(max=1000)],
    )
    submit = SubmitField("Change the window")


class PublishForm(WindowTimesForm):
    changelog = TextAreaField(
        "What changed",
        description="Shown with the version and in the comparison. Required from version 2.",
        validators=[Optional(), Length(max=20000)],
    )
    close_open_window = BooleanField(
        "Close the consultation on the previous version now, before its announced end"
    )
    submit = SubmitField("Publish this version")


class CompareForm(FlaskForm):
    """GET form picking two versions; works without JavaScript."""

    class Meta:
        csrf = False

    a = SelectField("Compare version", coerce=id_value)
    b = SelectField("with version", coerce=id_value)
    changes = BooleanField("Show changed provisions only", false_values=("", "0", "false"))
