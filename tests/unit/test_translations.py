"""The German and French catalogues: complete, nothing fuzzy, placeholders as in the English."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.translations import ROOT, placeholders, source_messages

LANGUAGES = ("de", "fr")


def catalogue(language: str):  # type: ignore[no-untyped-def]
    path = Path(ROOT, "consult", "translations", language, "LC_MESSAGES", "messages.po")
    with open(path, "rb") as po:
        return read_po(po, locale=language)


def test_the_sources_have_messages_marked() -> None:
    messages = source_messages()
    assert "Sign in" in messages and "Create an account" in messages
    assert ("%(num)s result", "%(num)s results") in messages


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_marked_message_is_translated(language: str) -> None:
    po = catalogue(language)
    problems = []
    for message in source_messages():
        key = message if isinstance(message, str) else message[0]
        entry = po.get(key)
        if entry is None:
            problems.append(f"missing (run `make messages`): {key!r}")
        elif entry.fuzzy:
            problems.append(f"fuzzy: {key!r}")
        elif not (all(entry.string) if isinstance(entry.string, tuple) else entry.string):
            problems.append(f"not translated: {key!r}")
    assert not problems, f"{language}: {len(problems)} problems\n" + "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders(language: str) -> None:
    problems = []
    for entry in catalogue(language):
        if not entry.id or not entry.string:
            continue
        if isinstance(entry.id, str):
            expected, strings = placeholders(entry.id), [entry.string]
        else:
            expected = placeholders(entry.id[0]) | placeholders(entry.id[1])
            strings = [text for text in entry.string if text]
        for text in strings:
            found = placeholders(text)
            # A singular may leave out the count ("one update"); nothing may be added or lost.
            if found - expected or (expected - found) - {"num"}:
                problems.append(f"{entry.id!r} -> {text!r}: {sorted(found)} != {sorted(expected)}")
    assert not problems, f"{language}:\n" + "\n".join(problems)
