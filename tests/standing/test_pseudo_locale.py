"""Pseudo-locale: every page in a language whose every message is ⟦English⟧; no bare English.

A catalogue is built at test time from the messages marked in the sources (msgstr = ⟦msgid⟧,
placeholders kept) and served as Greek, so Babel's dates and numbers are not English either.
Every GET route of the URL map (the permission matrix's world) is requested as an administrator
and as a stakeholder; any visible run of English words outside the markers is a string nobody
marked. Words that occur in the database (titles, names, comments: user content) are ignored.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from lxml import html
from sqlalchemy import Connection, String, Text, select

from consult.core import i18n
from consult.extensions import db as _db
from tests.standing.test_permission_matrix import routes, url_for_rule
from tests.standing.world import World, build_world, module_database, rolled_back, sign_in
from tests.translations import CLOSE, OPEN, write_pseudo_catalogue

PSEUDO = "el"
ROLES = ("admin", "stakeholder")
SKIP = {"static", "core.mailbox"}
# Not English prose: codes, formats, zone abbreviations, language names in their own language.
ALLOWED = {"cet", "cest", "utc", "english", "json", "csv", "api", "xml", "zip", "ics", "atom",
           "get", "url", "id", "ok", "pdf", "cc", "by", "oasis", "legaldocml", "akoma", "ntoso",
           "openapi", "etag", "cors", "frictionless"}  # fmt: skip
HIDDEN_TAGS = ("script", "style", "code", "pre", "textarea", "noscript")
ATTRIBUTES = ("placeholder", "aria-label", "title", "alt")
WORD = re.compile(r"[A-Za-z]{2,}")
MARKED = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")


@pytest.fixture(scope="module")
def pseudo(app: Flask, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    directory = Path(tmp_path_factory.mktemp("pseudo-translations"))
    write_pseudo_catalogue(directory, PSEUDO)
    babel = app.extensions["babel"]
    original = list(babel.translation_directories)
    babel.translation_directories[:] = [str(directory)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(i18n, "TRANSLATIONS_DIR", str(directory))
        yield
    babel.translation_directories[:] = original


@pytest.fixture(scope="module")
def world(app: Flask, pseudo: None) -> Iterator[tuple[World, Connection]]:
    with module_database(app) as connection:
        yield build_world(), connection


def content_words() -> set[str]:
    """Every word stored in the database: what users and the world wrote, not the interface."""
    words: set[str] = set()
    for table in _db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text)]
        if not columns:
            continue
        for row in _db.session.execute(select(*columns)):
            for value in row:
                if isinstance(value, str):
                    words.update(w.lower() for w in WORD.findall(value))
    return words


def visible_texts(page: str) -> list[str]:
    tree = html.fromstring(page)
    for element in tree.iter(*HIDDEN_TAGS):
        element.drop_tree()
    # Parts declared in another language: the API reference (English on purpose), language
    # names each in its own language, translated or original draft text.
    for element in tree.xpath(f"//body//*[@lang][not(@lang='{PSEUDO}')]"):
        element.drop_tree()
    texts = [" ".join(" ".join(tree.itertext()).split())]
    for attribute in ATTRIBUTES:
        texts.extend(str(value) for value in tree.xpath(f"//@{attribute}"))
    texts.extend(str(v) for v in tree.xpath("//input[@type='submit']/@value"))
    return texts


def unmarked(text: str, known: set[str]) -> list[str]:
    """Runs of English words left once every ⟦…⟧ (nested too) is taken out."""
    previous = None
    while previous != text:
        previous, text = text, MARKED.sub(" ¦ ", text)
    runs = []
    for run in text.split("¦"):
        words = [w for w in WORD.findall(run) if w.lower() not in known | ALLOWED]
        if words:
            runs.append(" ".join(run.split())[:120])
    return runs


def offenders(app: Flask, world: tuple[World, Connection]) -> dict[str, set[str]]:
    state, connection = world
    # Configured text (site name, controller, legal basis) is the operator's, like user content.
    configured = " ".join(str(v) for v in app.config.values() if isinstance(v, str))
    known = content_words() | {w.lower() for w in WORD.findall(configured)}
    client = app.test_client()
    client.set_cookie(i18n.LANG_COOKIE, PSEUDO)
    found: dict[str, set[str]] = defaultdict(set)
    for (endpoint, method), rule in sorted(routes(app).items()):
        blueprint = endpoint.split(".")[0]
        if method != "GET" or "@" in endpoint or endpoint in SKIP or blueprint in SKIP:
            continue
        url = url_for_rule(rule, state, endpoint)
        for role in ROLES:
            with rolled_back(connection):
                sign_in(client, state.users[role])
                response = client.get(url)
                if response.status_code != 200 or response.mimetype != "text/html":
                    response.close()
                    continue
                body = response.get_data(as_text=True)
                for text in visible_texts(body):
                    for run in unmarked(text, known):
                        found[run].add(f"{endpoint} ({role})")
    return found


def report(found: dict[str, set[str]]) -> str:
    lines = [f"{len(found)} unmarked text runs (text  <-  pages):"]
    for run, pages in sorted(found.items(), key=lambda item: sorted(item[1])):
        lines.append(f"  {run!r}  <-  {', '.join(sorted(pages)[:4])}")
    return "\n".join(lines)


def test_the_pseudo_language_is_served(app: Flask, world: tuple[World, Connection]) -> None:
    client = app.test_client()
    client.set_cookie(i18n.LANG_COOKIE, PSEUDO)
    with rolled_back(world[1]):
        page = client.get("/login").get_data(as_text=True)
    assert f'<html lang="{PSEUDO}"' in page
    assert f"{OPEN}Sign in{CLOSE}" in page


def test_marked_areas_show_no_unmarked_english(app: Flask, world: tuple[World, Connection]) -> None:
    found = offenders(app, world)
    assert not found, report(found)


def test_the_check_finds_english_outside_the_markers() -> None:
    page = (
        "<html><body><h1>⟦Your profile⟧</h1><p>⟦⟦AI Pact⟧ · declared⟧ (optional)</p>"
        "<script>var notText = 1;</script><div lang='en'>Generated reference</div>"
        "<input placeholder='Search here'><p>Organisation 1</p></body></html>"
    )
    found = [run for text in visible_texts(page) for run in unmarked(text, {"organisation"})]
    assert found == ["(optional) Organisation 1", "Search here"]
