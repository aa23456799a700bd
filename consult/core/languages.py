"""Content languages: the 24 official EU languages (names in their own language) and detection.

The interface languages are consult.core.i18n's business; these are the languages a draft's
translation or a comment may be written in. Detection uses py3langid, whose model ships inside
the package (nothing is downloaded at run time), restricted to these 24 languages.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import Any

logger = logging.getLogger(__name__)

# ISO 639-1 code -> the language's name in that language (how its speakers look for it).
EU_LANGUAGES: dict[str, str] = {
    "bg": "български",
    "cs": "čeština",
    "da": "dansk",
    "de": "Deutsch",
    "el": "ελληνικά",
    "en": "English",
    "es": "español",
    "et": "eesti",
    "fi": "suomi",
    "fr": "français",
    "ga": "Gaeilge",
    "hr": "hrvatski",
    "hu": "magyar",
    "it": "italiano",
    "lt": "lietuvių",
    "lv": "latviešu",
    "mt": "Malti",
    "nl": "Nederlands",
    "pl": "polski",
    "pt": "português",
    "ro": "română",
    "sk": "slovenčina",
    "sl": "slovenščina",
    "sv": "svenska",
}
DEFAULT_LANGUAGE = "en"
DETECT = "detect"
# Below this probability (normalised over the 24 languages) a guess is not trusted.
MIN_CONFIDENCE = 0.5
MIN_LETTERS = 3


def language_name(code: str | None) -> str:
    """The endonym of a language code ('de' -> 'Deutsch'); the code itself when unknown."""
    return EU_LANGUAGES.get(code or "", code or "")


def language_choices() -> list[Any]:
    """WTForms choices (code, endonym), each option marked `lang` in its own language."""
    from wtforms.fields.choices import SelectChoice

    return [SelectChoice(code, name, {"lang": code}) for code, name in EU_LANGUAGES.items()]


@cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(EU_LANGUAGES))
    return identifier


def detect_language(text: str | None) -> str | None:
    """The EU language `text` is most likely written in, or None when unsure or too short."""
    if not text or sum(ch.isalpha() for ch in text) < MIN_LETTERS:
        return None
    code, probability = _identifier().classify(text)
    if probability < MIN_CONFIDENCE:
        return None
    return str(code)


def language_label(code: str | None) -> str:
    """A language's name in the interface language ('de' -> 'German' on an English page)."""
    from flask_babel import get_locale

    locale = get_locale()
    name = locale.languages.get(code or "") if locale is not None else None
    return str(name) if name else language_name(code)
