"""The API's resources: groups, documents, versions, provisions, comments, reports.

Every view loads through the domains' own queries and consult.core.permissions, with the
token's owner (or nobody) as the viewer, so the API shows exactly what the HTML shows them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import abort, request, url_for
from sqlalchemy import select
from werkzeug.routing import BuildError

from consult.api import schemas as s
from consult.api.http import (
    CACHE_PRIVATE,
    CACHE_SHORT,
    cache,
    decode_cursor,
    encode_cursor,
    next_url,
    operation,
    page_limit,
    viewer,
)
from consult.core.permissions import can_view
from consult.db import utcnow
from consult.drafts import queries as draft_queries
from consult.drafts.models import VISIBILITY_PUBLIC, Document, Version
from consult.extensions import db
from consult.groups.models import WorkingGroup

# Published text does not change; a provision's key follows renumbering in later versions, so
# shared caches keep it a day and revalidate with the ETag.
CACHE_PUBLISHED_TEXT = "public, max-age=86400"
KEY_SLOT = "KEY-SLOT"


def _url(endpoint: str, **values: Any) -> str:
    try:
        return url_for(endpoint, _external=True, **values)
    except BuildError:  # a page of a blueprint that is not registered
        return ""


def _attachment_ref(attachment: Any) -> s.AttachmentRef:
    """A file in the API: its download address applies its owner's visibility."""
    return s.AttachmentRef(
        id=attachment.id,
        filename=attachment.filename,
        type=attachment.file_type,
        size=attachment.size,
        sha256=attachment.blob.sha256,
        url=_url(
            "attachments.download_attachment",
            attachment_id=attachment.id,
            filename=attachment.filename,
        ),
    )


# --- loading (404 for anything the viewer may not see, as the HTML) ----------------------


def _document(slug: str) -> Document:
    document = draft_queries.get_document(slug)
    if document is None or not can_view(viewer(), document):
        abort(404)
    return document


def _version(slug: str, number: int) -> Version:
    document = _document(slug)
    version = draft_queries.get_version(document, number)
    if version is None or not can_view(viewer(), version):
        abort(404)
    return version


def _shared(version: Version) -> bool:
    """Whether the same answer may be given to anyone (public document, published version)."""
    return version.is_published and version.document.visibility == VISIBILITY_PUBLIC


def _cursor() -> str | None:
    return request.args.get("cursor")


# --- representations ------------------------------------------------------------------------


def _group_summary(group: WorkingGroup) -> s.GroupSummary:
    return s.GroupSummary(
        slug=group.slug,
        name=group.name,
        url=_url("api.get_group", slug=group.slug),
        html_url=_url("groups.show_group", slug=group.slug),
    )


def _document_summary(document: Document, current: Version | None) -> s.DocumentSummary:
    return s.DocumentSummary(
        slug=document.slug,
        title=document.title,
        visibility=document.visibility,  # type: ignore[arg-type]
        group=document.group.slug,
        current_version=current.number if current else None,
        url=_url("api.get_document", slug=document.slug),
        html_url=_url("drafts.show_document", slug=document.slug),
    )


def _version_fields(version: Version) -> dict[str, Any]:
    slug = version.document.slug
    return {
        "number": version.number,
        "status": version.status,
        "published_at": version.published_at,
        "opens_at": version.opens_at,
        "closes_at": version.closes_at,
        "consultation": version.window_state(utcnow()),
        "url": _url("api.get_version", slug=slug, number=version.number),
        "html_url": _url("drafts.show_version", slug=slug, number=version.number),
    }


# --- groups ---------------------------------------------------------------------------------


@operation(
    "/groups",
    response=s.GroupPage,
    summary="Working groups",
    example="/api/v1/groups",
    tag="groups",
    paginated=True,
)
def list_groups() -> s.GroupPage:
    """Every working group (groups are public; their members-only documents are not)."""
    after = decode_cursor(_cursor())
    limit = page_limit()
    stmt = select(WorkingGroup).order_by(WorkingGroup.id).limit(limit + 1)
    if after:
        stmt = stmt.where(WorkingGroup.id > after[0])
    groups = list(db.session.scalars(stmt))
    cursor = encode_cursor([groups[limit - 1].id]) if len(groups) > limit else None
    return s.GroupPage(
        items=[_group_summary(g) for g in groups[:limit]],
        next_cursor=cursor,
        next_url=next_url(cursor),
    )


@operation(
    "/groups/<slug>",
    response=s.Group,
    summary="A working group and its documents",
    example="/api/v1/groups/transparency-copyright",
    tag="groups",
)
def get_group(slug: str) -> s.Group:
    """The group's mandate and the documents of it the reader may see."""
    group = db.session.scalars(select(WorkingGroup).where(WorkingGroup.slug == slug)).first()
    if group is None:
        abort(404)
    documents = draft_queries.documents_of_group(group, viewer())
    return s.Group(
        **_group_summary(group).model_dump(),
        mandate=group.mandate,
        documents=[_document_summary(d, v) for d, v in documents],
    )


# --- documents and versions -------------------------------------------------------------


@operation(
    "/documents",
    response=s.DocumentPage,
    summary="Documents",
    example="/api/v1/documents",
    tag="documents",
    paginated=True,
)
def list_documents() -> s.DocumentPage:
    """Public documents, and members-only ones of the token owner's working groups."""
    after = decode_cursor(_cursor())
    limit = page_limit()
    stmt = (
        select(Document)
        .where(draft_queries.visible_documents_clause(viewer()))
        .order_by(Document.id)
        .limit(limit + 1)
    )
    if after:
        stmt = stmt.where(Document.id > after[0])
    documents = list(db.session.scalars(stmt))
    shown = documents[:limit]
    current: dict[int, Version] = {}
    if shown:
        for version in db.session.scalars(
            select(Version)
            .where(Version.document_id.in_([d.id for d in shown]), Version.status != "editing")
            .order_by(Version.number)
        ):
            current[version.document_id] = version
    cursor = encode_cursor([shown[-1].id]) if len(documents) > limit else None
    return s.DocumentPage(
        items=[_document_summary(d, current.get(d.id)) for d in shown],
        next_cursor=cursor,
        next_url=next_url(cursor),
    )


@operation(
    "/documents/<slug>",
    response=s.Document,
    summary="A document and its versions",
    example="/api/v1/documents/transparency",
    tag="documents",
)
def get_document(slug: str) -> s.Document:
    """The document with the versions the reader may see (drafts in editing: staff only)."""
    document = _document(slug)
    versions = [v for v in draft_queries.versions_of(document) if can_view(viewer(), v)]
    published = [v for v in versions if v.is_published]
    if document.visibility != VISIBILITY_PUBLIC:
        cache(CACHE_PRIVATE)
    return s.Document(
        **_document_summary(document, published[-1] if published else None).model_dump(),
        summary=document.summary,
        versions=[s.VersionSummary(**_version_fields(v)) for v in versions],
    )


@operation(
    "/documents/<slug>/versions/<int:number>",
    response=s.Version,
    summary="A version: status, consultation window, changelog",
    example="/api/v1/documents/transparency/versions/2",
    tag="versions",
)
def get_version(slug: str, number: int) -> s.Version:
    """One version of a document; its provisions, comments and report are linked."""
    version = _version(slug, number)
    cache(CACHE_SHORT if _shared(version) else CACHE_PRIVATE)
    values = {"slug": slug, "number": number}
    exports = {
        name: _url(endpoint, **values)
        for name, endpoint in (
            ("json", "opendata.export_json"),
            ("zip", "opendata.export_zip"),
            ("akoma_ntoso", "opendata.export_akn"),
        )
    }
    return s.Version(
        **_version_fields(version),
        document=slug,
        changelog=version.changelog,
        provisions_url=_url("api.list_provisions", **values),
        dispositions_url=_url("api.list_dispositions", **values),
        report_url=_url("api.get_report", **values),
        exports={k: v for k, v in exports.items() if v},
    )


@operation(
    "/documents/<slug>/versions/<int:number>/provisions",
    response=s.ProvisionList,
    summary="The provisions of a version, in document order",
    example="/api/v1/documents/transparency/versions/2/provisions",
    tag="versions",
)
def list_provisions(slug: str, number: int) -> s.ProvisionList:
    """Every provision's text in this version (one query, whatever its length)."""
    version = _version(slug, number)
    cache(CACHE_PUBLISHED_TEXT if _shared(version) else CACHE_PRIVATE)
    sections = draft_queries.sections_of(version)
    provision_of = {section.id: section.provision_id for section in sections}
    # url_for once per kind of link, not twice per provision (~300 of them).
    values = {"slug": slug, "number": number, "key": KEY_SLOT}
    comments_url = _url("api.list_comments", **values)
    html_url = _url("comments.show_provision", **values)
    items = []
    for section in sections:
        key = section.provision.key
        items.append(
            s.Provision(
                id=section.provision_id,
                key=key,
                section_id=section.id,
                parent_id=provision_of.get(section.parent_id) if section.parent_id else None,
                position=section.position,
                depth=section.depth,
                kind=section.kind,
                number=section.number,
                heading=section.heading,
                body=section.body,
                comments_url=comments_url.replace(KEY_SLOT, quote(key, safe="")),
                html_url=html_url.replace(KEY_SLOT, quote(key, safe="")),
            )
        )
    return s.ProvisionList(document=slug, version=number, items=items)
