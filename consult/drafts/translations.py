"""Translations of a version's text: import (per language) and reading a version in a language.

A version's own text is authoritative, in `Version.language`. A translation is imported as
Markdown with the same provision keys as the source, through the same parser as the source
(`parse_markdown`); a provision missing from the import is untranslated and shown in the source
language. A translation is read in later versions too, marked outdated where the source text of
the provision changed since it was translated (hashes of the source text compared).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from consult.core import audit
from consult.core.languages import EU_LANGUAGES, language_label, language_name
from consult.drafts.errors import DraftError, ImportErrors
from consult.drafts.importer import parse_markdown
from consult.drafts.models import SECTION_KINDS, Section, Version
from consult.drafts.queries import sections_of
from consult.drafts.translation_models import (
    TRANSLATION_BODY_MAX,
    TRANSLATION_HEADING_MAX,
    TRANSLATION_LABEL_MAX,
    SectionTranslation,
)
from consult.extensions import db

_LABEL_SEPARATORS = r"[ \t:.\-\u2013\u2014]*"


def source_hash(section: Any) -> str:
    """The fingerprint of a section's source text, kept with each translation of it."""
    text = f"{section.heading}\n\n{section.body}".encode()
    return hashlib.sha256(text).hexdigest()


def _split_label(section: Section, kind: str, number: str, heading: str) -> tuple[str, str]:
    """(label, title) of a translated heading: "Verpflichtung 1: Dokumentation" under the
    source's Commitment 1 gives ("Verpflichtung 1", "Dokumentation")."""
    if (kind, number) == (section.kind, section.number):
        return "", heading
    if section.number:
        match = re.match(
            rf"^(\S+(?: \S+)?) {re.escape(section.number)}(?![\w.]){_LABEL_SEPARATORS}(.*)$",
            heading,
        )
        if match:
            return f"{match.group(1)} {section.number}", match.group(2).strip()
    if kind != section.kind and section.kind != "section":
        return heading, ""  # a heading of its own ("Considérant a)"): shown as written
    return "", heading


@dataclass
class ImportResult:
    language: str
    translated: int
    untranslated: int
    replaced: int


def import_translation(version: Version, language: str, text: str, *, user: Any) -> ImportResult:
    """Store (or replace) the `language` translation of `version`; refuse unknown keys."""
    if language not in EU_LANGUAGES:
        raise DraftError(_("Choose one of the official languages of the EU."), field="language")
    if language == version.language:
        raise DraftError(
            _(
                "%(language)s is the authoritative language of this version: "
                "choose another language.",
                language=language_label(language),
            ),
            field="language",
        )
    parsed = parse_markdown(text, body_max=TRANSLATION_BODY_MAX)  # ImportErrors with lines
    sections = {s.provision.key: s for s in sections_of(version)}
    errors = [
        (
            item.line,
            _(
                "“%(key)s” is not a provision of version %(number)s: a translation can only "
                "have the keys of the source (e.g. “## Commitment 1: …” or “{#c1}”).",
                key=item.key,
                number=version.number,
            ),
        )
        for item in parsed
        if item.key not in sections
    ]
    rows: list[SectionTranslation] = []
    for item in parsed:
        section = sections.get(item.key)
        if section is None:
            continue
        label, title = _split_label(section, item.kind, item.number, item.heading)
        if len(title) > TRANSLATION_HEADING_MAX or len(label) > TRANSLATION_LABEL_MAX:
            errors.append((item.line, _("The heading is too long.")))
        rows.append(
            SectionTranslation(
                document_id=version.document_id,
                version_id=version.id,
                provision_id=section.provision_id,
                language=language,
                label=label,
                heading=title,
                body=item.body,
                source_hash=source_hash(section),
                imported_by_id=getattr(user, "id", None),
            )
        )
    if errors:
        raise ImportErrors(errors)
    replaced = db.session.execute(
        delete(SectionTranslation).where(
            SectionTranslation.version_id == version.id,
            SectionTranslation.language == language,
        )
    )
    db.session.add_all(rows)
    result = ImportResult(
        language=language,
        translated=len(rows),
        untranslated=len(sections) - len(rows),
        replaced=int(getattr(replaced, "rowcount", 0) or 0),
    )
    audit.record(
        user,
        "translation.import",
        version,
        summary=f"{language_name(language)} translation of version {version.number} "
        f"({'re-imported' if result.replaced else 'imported'})",
        after={
            "language": language,
            "translated": result.translated,
            "untranslated": result.untranslated,
            "replaced": result.replaced,
        },
    )
    db.session.flush()
    return result


# --- reading --------------------------------------------------------------------------------


class TranslatedSection:
    """A section as read in a language: the translation's text where there is one."""

    def __init__(
        self, section: Any, translation: SectionTranslation | None, outdated: bool = False
    ) -> None:
        self.section = section
        self.translation = translation
        self.outdated = outdated
        self.label = translation.label if translation is not None else ""
        self._heading = translation.heading if translation is not None else ""

    def __getattr__(self, name: str) -> Any:
        return getattr(self.section, name)

    @property
    def is_translated(self) -> bool:
        return self.translation is not None

    @property
    def heading(self) -> str:
        return self._heading if self.translation is not None else str(self.section.heading)

    @property
    def body(self) -> str:
        return self.translation.body if self.translation is not None else str(self.section.body)

    @property
    def title(self) -> str:
        if self.translation is None:
            return str(self.section.title)
        if self.label:
            return f"{self.label}: {self._heading}" if self._heading else self.label
        kind = SECTION_KINDS.get(self.section.kind, "")
        number = self.section.number
        prefix = (kind + (" " + number if number else "")) if kind != "Section" or number else ""
        return ": ".join(p for p in (prefix, self._heading) if p)


@dataclass
class LanguageLink:
    code: str
    name: str
    authoritative: bool
    current: bool
    imported_at: datetime | None = None


@dataclass
class Reading:
    """How a page shows a version's text: its language, the choice of languages, the sections."""

    version: Any
    language: str
    links: list[LanguageLink] = field(default_factory=list)
    sections: dict[int, TranslatedSection] = field(default_factory=dict)

    @property
    def is_translation(self) -> bool:
        return self.language != self.version.language

    @property
    def source_language(self) -> str:
        return str(self.version.language)

    @property
    def args(self) -> dict[str, str]:
        """Query arguments that keep this reading language on links (none for the source)."""
        return {"text": self.language} if self.is_translation else {}

    def show(self, section: Any) -> Any:
        """The section to display: its translation (or source fallback) when reading one."""
        return self.sections.get(section.id, section) if self.is_translation else section

    @property
    def counts(self) -> dict[str, int]:
        shown = list(self.sections.values())
        return {
            "translated": sum(1 for s in shown if s.is_translated),
            "untranslated": sum(1 for s in shown if not s.is_translated),
            "outdated": sum(1 for s in shown if s.outdated),
        }


def _languages_up_to(version: Version) -> dict[str, datetime]:
    """Languages translated in this version or an earlier one, with their newest import."""
    stmt = (
        select(SectionTranslation.language, func.max(SectionTranslation.imported_at))
        .join(Version, Version.id == SectionTranslation.version_id)
        .where(
            SectionTranslation.document_id == version.document_id,
            Version.number <= version.number,
        )
        .group_by(SectionTranslation.language)
    )
    return {language: when for language, when in db.session.execute(stmt)}


def _translations_for(version: Version, language: str) -> dict[int, SectionTranslation]:
    """Per provision, the newest translation in `language` at or before this version."""
    stmt = (
        select(SectionTranslation)
        .join(Version, Version.id == SectionTranslation.version_id)
        .where(
            SectionTranslation.document_id == version.document_id,
            SectionTranslation.language == language,
            Version.number <= version.number,
        )
        .order_by(Version.number)
    )
    latest: dict[int, SectionTranslation] = {}
    for row in db.session.scalars(stmt):
        latest[row.provision_id] = row
    return latest


def translate_sections(
    version: Version, sections: list[Any], language: str
) -> dict[int, TranslatedSection]:
    """{section id: TranslatedSection} of a version's sections in `language` (one query)."""
    translations = _translations_for(version, language)
    shown: dict[int, TranslatedSection] = {}
    for section in sections:
        row = translations.get(section.provision_id)
        outdated = row is not None and row.source_hash != source_hash(section)
        shown[section.id] = TranslatedSection(section, row, outdated)
    return shown


def reading_for(version: Version, sections: list[Any], requested: str | None) -> Reading:
    """The reading of `version` in the requested language (the source when not translated)."""
    available = _languages_up_to(version)
    source = str(version.language)
    language = requested if requested in available and requested != source else source
    links = [LanguageLink(source, language_name(source), True, language == source)]
    links += [
        LanguageLink(code, language_name(code), False, code == language, available[code])
        for code in sorted(available)
        if code != source
    ]
    reading = Reading(version=version, language=language, links=links)
    if reading.is_translation:
        reading.sections = translate_sections(version, sections, language)
    return reading


def translation_of(section: Any, language: str | None) -> TranslatedSection | None:
    """One section in `language`, if a translation of its provision exists up to its version."""
    version = section.version
    if not language or language == version.language:
        return None
    shown = translate_sections(version, [section], language).get(section.id)
    return shown if shown is not None and shown.is_translated else None


@dataclass
class TranslationSummary:
    language: str
    name: str
    provisions: int
    imported_at: datetime
    imported_by: str


def translations_of_version(version: Version) -> list[TranslationSummary]:
    """The translations imported for this very version: language, size, who and when."""
    from consult.accounts.models import User

    stmt = (
        select(
            SectionTranslation.language,
            func.count(SectionTranslation.id),
            func.max(SectionTranslation.imported_at),
            func.max(User.display_name),
        )
        .outerjoin(User, User.id == SectionTranslation.imported_by_id)
        .where(SectionTranslation.version_id == version.id)
        .group_by(SectionTranslation.language)
        .order_by(SectionTranslation.language)
    )
    return [
        TranslationSummary(code, language_name(code), int(n), when, who or "")
        for code, n, when, who in db.session.execute(stmt)
    ]


def compare_in(old: Version, new: Version, language: str) -> Any:
    """The comparison of two versions read in `language` (the word diff within one language).

    A provision is compared in translation where both versions have it translated, else in the
    source language, so a diff never sets one language against another.
    """
    from consult.drafts.diff import compare_sections

    old_sections, new_sections = sections_of(old), sections_of(new)
    old_shown = translate_sections(old, old_sections, language)
    new_shown = translate_sections(new, new_sections, language)
    old_by_provision = {s.provision_id: s for s in old_shown.values()}
    new_by_provision = {s.provision_id: s for s in new_shown.values()}
    for provision_id, shown in list(new_by_provision.items()):
        before = old_by_provision.get(provision_id)
        both = shown.is_translated and (before is None or before.is_translated)
        if not both:
            new_shown[shown.section.id] = TranslatedSection(shown.section, None)
            if before is not None:
                old_shown[before.section.id] = TranslatedSection(before.section, None)
    return compare_sections(
        old,
        new,
        [old_shown[s.id] for s in old_sections],
        [new_shown[s.id] for s in new_sections],
    )
