"""The form chairs import a translation of a version with."""

from __future__ import annotations

from wtforms import SelectField, SubmitField
from wtforms.validators import DataRequired

from consult.core.languages import language_choices
from consult.core.lazytext import lazy_gettext as _l
from consult.drafts.forms import ImportForm


class TranslationImportForm(ImportForm):
    language = SelectField(
        _l("Language of the translation"),
        choices=language_choices(),
        validators=[DataRequired()],
        description=_l("Importing a language again replaces its earlier translation."),
    )
    submit = SubmitField(_l("Import the translation"))

    def exclude(self, source_language: str) -> None:
        """Offer every official language but the version's own."""
        self.language.choices = [c for c in language_choices() if c.value != source_language]
