"""A version's text as Akoma Ntoso 3.0 (OASIS LegalDocML): provisions as articles and points.

Every provision keeps its stable identity: `wId` (the permanent id, "prov_<id>") and `GUID`
are the same in every version, `eId` is its current URL key. The document holds the text only
(no comments), so its size is bounded by the draft's length: it is built as one tree.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from lxml import etree
from lxml.builder import ElementMaker

from consult.drafts import queries
from consult.drafts.models import Section, Version

NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
SCHEMA_PATH = Path(__file__).parent / "schemas" / "akomantoso30.xsd"
E = ElementMaker(namespace=NS, nsmap={None: NS})
# Our kinds of provision as Akoma Ntoso hierarchy elements (hcontainer names the others).
ELEMENTS = {
    "part": "part",
    "chapter": "chapter",
    "section": "section",
    "commitment": "article",
    "measure": "point",
    "paragraph": "paragraph",
}
_MARKUP = re.compile(r"^\s{0,3}(#{1,6}\s+|[-*+]\s+|\d+[.)]\s+|>\s?)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)")
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


def paragraphs(markdown: str) -> list[str]:
    """The Markdown text as plain paragraphs: one per block, list items one each."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", markdown or ""):
        lines = [ln for ln in block.splitlines() if ln.strip()]
        if lines and all(_MARKUP.match(ln) for ln in lines):
            out.extend(_plain(ln) for ln in lines)
        elif lines:
            out.append(_plain(" ".join(ln.strip() for ln in lines)))
    return [p for p in out if p]


def _plain(line: str) -> str:
    return _EMPHASIS.sub("", _MARKUP.sub("", line)).strip()


def _ident(value: str) -> str:
    return _ID_UNSAFE.sub("-", value) or "x"


def _identification(version: Version) -> Any:
    document = version.document
    date = (version.published_at or version.created_at).date().isoformat()
    work = f"/akn/eu/bill/{date[:4]}/{_ident(document.slug)}"
    expression = f"{work}/eng@v{version.number}"

    def common(this: str, uri: str) -> list[Any]:
        return [
            E.FRBRthis(value=this),
            E.FRBRuri(value=uri),
            E.FRBRdate(date=date, name="publication"),
            E.FRBRauthor(href="#group"),
        ]

    return E.identification(
        E.FRBRWork(*common(f"{work}/!main", work), E.FRBRcountry(value="eu")),
        E.FRBRExpression(
            *common(f"{expression}/!main", expression),
            E.FRBRversionNumber(value=str(version.number)),
            E.FRBRlanguage(language="eng"),
        ),
        E.FRBRManifestation(*common(f"{expression}/!main.xml", f"{expression}.akn")),
        source="#consult",
    )


def _references(version: Version, site_name: str) -> Any:
    group = version.document.group
    return E.references(
        E.TLCOrganization(eId="consult", href="/ontology/consult", showAs=site_name),
        E.TLCOrganization(
            eId="group", href=f"/ontology/group/{_ident(group.slug)}", showAs=group.name
        ),
        source="#consult",
    )


def _element(section: Section) -> Any:
    name = ELEMENTS.get(section.kind)
    attributes = {
        "eId": _ident(section.provision.key),
        "wId": f"prov_{section.provision_id}",
        "GUID": f"provision-{section.provision_id}",
    }
    if name is None:  # recital, open_question, annex: named containers
        name, attributes["name"] = "hcontainer", section.kind
    element = E(name, **attributes)
    if section.number:
        element.append(E.num(section.number))
    if section.heading:
        element.append(E.heading(section.heading))
    return element


def document(version: Version, site_name: str = "Consult") -> Any:
    """The Akoma Ntoso tree of the version: sections nested as in the table of contents."""
    sections = queries.sections_of(version)
    with_children = {s.parent_id for s in sections if s.parent_id}
    body = E.body()
    elements: dict[int, Any] = {}
    for section in sections:
        element = elements[section.id] = _element(section)
        text = [E.p(t) for t in paragraphs(section.body)]
        if section.id in with_children:
            if text:
                element.append(E.intro(*text))
        else:
            element.append(E.content(*(text or [E.p()])))
        parent = elements.get(section.parent_id) if section.parent_id else None
        (parent if parent is not None else body).append(element)
    return E.akomaNtoso(
        E.bill(
            E.meta(_identification(version), _references(version, site_name)),
            E.preface(
                E.p(E.docTitle(version.document.title)),
                E.p(f"Version {version.number} ({version.status})"),
            ),
            body,
            name="codeOfPractice",
            contains="originalVersion",
        )
    )


def to_bytes(version: Version, site_name: str = "Consult") -> bytes:
    return bytes(
        etree.tostring(
            document(version, site_name),
            xml_declaration=True,
            encoding="utf-8",
            pretty_print=True,
        )
    )


def validate(xml: bytes) -> list[str]:
    """Errors of the document against the vendored OASIS schema (empty when valid)."""
    schema = etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))
    tree = etree.fromstring(xml)
    if schema.validate(tree):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]
