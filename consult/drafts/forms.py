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
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from consult.core.inputs import SingleLine
from consult.core.lazytext import lazy_gettext as _l
from consult.core.numbers import id_value
from consult.drafts.models import (
    CHANGELOG_MAX,
    DOCUMENT_SUMMARY_MAX,
    DOCUMENT_TITLE_MAX,
    SECTION_BODY_MAX,
    SECTION_HEADING_MAX,
    SECTION_KIND_LABELS,
    SECTION_NUMBER_MAX,
    VISIBILITIES,
)

MAX_IMPORT_BYTES = 2 * 1024 * 1024
_DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


class DocumentForm(FlaskForm):
    group_id = SelectField(_l("Working group"), coerce=id_value, validators=[DataRequired()])
    title = StringField(
        _l("Title"),
        validators=[
            SingleLine(),
            DataRequired(_l("Enter a title.")),
            Length(max=DOCUMENT_TITLE_MAX),
        ],
    )
    slug = StringField(
        _l("Web address"),
        description=(
            _l("Lower-case letters, digits and hyphens: the document will be at /docs/<address>/.")
        ),
        validators=[
            SingleLine(),
            DataRequired(_l("Enter a web address.")),
            Length(min=2, max=80),
            Regexp(
                r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
                message=_l("Use lower-case letters, digits and hyphens, e.g. 'transparency'."),
            ),
        ],
    )
    summary = TextAreaField(
        _l("Summary"), validators=[Optional(), Length(max=DOCUMENT_SUMMARY_MAX)]
    )
    visibility = RadioField(
        _l("Who may read it"),
        choices=[SelectChoice(k, v) for k, v in VISIBILITIES.items()],
        default="public",
        validators=[DataRequired(_l("Choose who may read the document."))],
    )
    submit = SubmitField(_l("Create document"))


class ImportForm(FlaskForm):
    upload = FileField(
        _l("Markdown file"),
        description=_l("A .md file of at most 2 MB."),
        validators=[FileAllowed(["md", "markdown", "txt"], _l("Upload a Markdown (.md) file."))],
    )
    text = TextAreaField(
        _l("Or paste the Markdown"),
        description=(
            _l(
                "Headings give the structure: '## Commitment 1: Title', '### Measure 1.1 Title', "
                "'## Open question 1', '## Recital (a)', '# Annex I'. The text below a heading is "
                "its body."
            )
        ),
        validators=[Optional(), Length(max=MAX_IMPORT_BYTES)],
    )
    submit = SubmitField(_l("Import"))

    def validate(self, extra_validators: Any = None) -> bool:
        if not super().validate(extra_validators):
            return False
        if bool(self.upload.data) == bool((self.text.data or "").strip()):
            self.text.errors = [*self.text.errors, "Upload a file or paste the text (not both)."]
            return False
        return True


class SectionForm(FlaskForm):
    number = StringField(
        _l("Number"),
        description=_l(
            "As printed, e.g. 2.3 for Measure 2.3. Changing it gives the provision a new "
            "web address; the old one keeps working."
        ),
        validators=[SingleLine(), Optional(), Length(max=SECTION_NUMBER_MAX)],
    )
    heading = StringField(
        _l("Heading"), validators=[SingleLine(), Optional(), Length(max=SECTION_HEADING_MAX)]
    )
    body = TextAreaField(
        _l("Text"),
        description=_l("Markdown: numbered paragraphs and lettered points are kept."),
        validators=[Optional(), Length(max=SECTION_BODY_MAX)],
    )
    # A hidden counter posted back as typed: anything but a small number is a tampered form.
    lock_version = HiddenField(validators=[Optional(), Regexp(r"^\d{1,9}$")])
    submit = SubmitField(_l("Save section"))


class PlacementMixin:
    parent_id = SelectField(_l("Inside"), coerce=id_value, default=0)
    after_id = SelectField(
        _l("After"),
        coerce=id_value,
        default=0,
        description=_l("A section directly inside the one chosen above."),
    )


class AddSectionForm(PlacementMixin, FlaskForm):
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice(k, v) for k, v in SECTION_KIND_LABELS.items()],
        default="measure",
    )
    number = StringField(
        _l("Number"), validators=[SingleLine(), Optional(), Length(max=SECTION_NUMBER_MAX)]
    )
    heading = StringField(
        _l("Heading"), validators=[SingleLine(), Optional(), Length(max=SECTION_HEADING_MAX)]
    )
    body = TextAreaField(_l("Text"), validators=[Optional(), Length(max=SECTION_BODY_MAX)])
    submit = SubmitField(_l("Add section"))


class MoveForm(PlacementMixin, FlaskForm):
    submit = SubmitField(_l("Move section"))


class ConfirmForm(FlaskForm):
    submit = SubmitField(_l("Confirm"))


class WindowTimesForm(FlaskForm):
    opens_at = DateTimeLocalField(_l("Opens"), format=_DATETIME_FORMATS, validators=[Optional()])
    closes_at = DateTimeLocalField(_l("Closes"), format=_DATETIME_FORMATS, validators=[Optional()])

    def validate_closes_at(self, field: DateTimeLocalField) -> None:
        if field.data and self.opens_at.data and field.data <= self.opens_at.data:
            raise ValidationError(_l("The consultation must close after it opens."))


class WindowForm(WindowTimesForm):
    reason = TextAreaField(
        _l("Why the window changes"),
        description=_l(
            "Shown on the version page and e-mailed to the working group and to "
            "everyone who commented on this version."
        ),
        validators=[Optional(), Length(max=1000)],
    )
    submit = SubmitField(_l("Change the window"))


class PublishForm(WindowTimesForm):
    changelog = TextAreaField(
        _l("What changed"),
        description=_l("Shown with the version and in the comparison. Required from version 2."),
        validators=[Optional(), Length(max=CHANGELOG_MAX)],
    )
    close_open_window = BooleanField(
        _l("Close the consultation on the previous version now, before its announced end")
    )
    submit = SubmitField(_l("Publish this version"))


class CompareForm(FlaskForm):
    """GET form picking two versions; works without JavaScript."""

    class Meta:
        csrf = False

    a = SelectField(_l("Compare version"), coerce=id_value)
    b = SelectField(_l("with version"), coerce=id_value)
    changes = BooleanField(_l("Show changed provisions only"), false_values=("", "0", "false"))
