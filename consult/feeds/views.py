"""Atom feeds (feedgen) and the <link rel="alternate"> tags pointing to them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, abort, current_app, request, url_for
from flask_babel import gettext as _
from jinja2 import pass_context

from consult.core.text import render
from consult.drafts.models import VISIBILITY_PUBLIC, Document, Version
from consult.feeds import queries
from consult.moderation.models import OUTCOMES

bp = Blueprint("feeds", __name__)
ATOM = "application/atom+xml"


def _feed(title: str, page: str, self_url: str, updated: datetime | None) -> FeedGenerator:
    feed = FeedGenerator()
    feed.id(self_url)
    feed.title(title)
    feed.author({"name": current_app.config["SITE_NAME"]})
    feed.link(href=page, rel="alternate", type="text/html")
    feed.link(href=self_url, rel="self", type=ATOM)
    feed.language("en")
    if updated is not None:
        feed.updated(updated)
    return feed


def _respond(feed: FeedGenerator) -> Response:
    return Response(feed.atom_str(pretty=True), mimetype=ATOM)


def _version_entries(feed: FeedGenerator, versions: list[Version]) -> None:
    for version in versions:
        url = url_for(
            "drafts.show_version", slug=version.document.slug, number=version.number, _external=True
        )
        entry = feed.add_entry(order="append")
        entry.id(url)
        entry.title(f"{version.document.title}: version {version.number}")
        entry.link(href=url, rel="alternate", type="text/html")
        when = version.published_at or version.created_at
        entry.published(when)
        entry.updated(when)
        entry.content(str(render(version.changelog or _("Published."))), type="html")


def _updated(versions: list[Version], fallback: datetime) -> datetime:
    return max((v.published_at or v.created_at for v in versions), default=fallback)


@bp.get("/docs/<slug>/versions.atom")
def document_versions(slug: str) -> Response:
    document = queries.public_document(slug[:80]) or abort(404)
    versions = queries.published_versions(document=document)
    feed = _feed(
        _("New versions of %(title)s", title=document.title),
        url_for("drafts.list_versions", slug=document.slug, _external=True),
        request.url,
        _updated(versions, document.created_at),
    )
    _version_entries(feed, versions)
    return _respond(feed)


@bp.get("/groups/<slug>/versions.atom")
def group_versions(slug: str) -> Response:
    group = queries.group_by_slug(slug[:80]) or abort(404)
    versions = queries.published_versions(group=group)
    feed = _feed(
        _("New versions in %(name)s", name=group.name),
        url_for("groups.show_group", slug=group.slug, _external=True),
        request.url,
        _updated(versions, group.created_at),
    )
    _version_entries(feed, versions)
    return _respond(feed)


@bp.get("/docs/<slug>/v<int:number>/dispositions.atom")
def version_dispositions(slug: str, number: int) -> Response:
    document = queries.public_document(slug[:80]) or abort(404)
    version = queries.public_version(document, number) if number < 2**31 else None
    if version is None:
        abort(404)
    rows = queries.decided_dispositions(version)
    feed = _feed(
        _(
            "Responses to comments on %(title)s, version %(number)s",
            title=document.title,
            number=version.number,
        ),
        url_for("drafts.show_version", slug=document.slug, number=version.number, _external=True),
        request.url,
        max((d.decided_at for d, *_ in rows), default=version.published_at or version.created_at),
    )
    for disposition, comment, section, key in rows:
        url = url_for(
            "comments.show_provision", slug=document.slug, number=version.number, key=key,
            _external=True, _anchor=f"comment-{comment.id}",
        )  # fmt: skip
        entry = feed.add_entry(order="append")
        entry.id(url_for("feeds.version_dispositions", slug=document.slug, number=version.number,
                         _external=True, _anchor=f"disposition-{disposition.id}"))  # fmt: skip
        label = OUTCOMES.get(disposition.outcome or "", "")
        who = comment.organisation_name or _("an independent stakeholder")
        entry.title(
            _(
                "%(outcome)s: comment by %(who)s on %(title)s",
                outcome=label,
                who=who,
                title=section.title,
            )
        )
        entry.link(href=url, rel="alternate", type="text/html")
        entry.published(disposition.decided_at)
        entry.updated(disposition.decided_at)
        entry.content(str(render(disposition.rationale or label)), type="html")
    return _respond(feed)


# --- <link rel="alternate"> on the pages these feeds follow --------------------------------

_VERSION_PAGES = {"drafts.show_version", "comments.show_provision", "moderation.report"}
_DOCUMENT_PAGES = _VERSION_PAGES | {"drafts.list_versions"}


@pass_context
def feed_links(context: Any) -> list[tuple[str, str]]:
    """(title, URL) of the feeds for the page being rendered, from objects it already has."""
    endpoint = request.endpoint or ""
    links = []
    group = context.get("group")
    if endpoint == "groups.show_group" and group is not None:
        links.append(
            (
                _("New versions in %(name)s", name=group.name),
                url_for("feeds.group_versions", slug=group.slug),
            )
        )
    document = context.get("document")
    if endpoint in _DOCUMENT_PAGES and isinstance(document, Document):
        if document.visibility != VISIBILITY_PUBLIC:
            return links
        links.append(
            (_("New versions of %(title)s", title=document.title),
             url_for("feeds.document_versions", slug=document.slug))
        )  # fmt: skip
        version = context.get("version")
        if endpoint in _VERSION_PAGES and isinstance(version, Version) and version.is_published:
            links.append(
                (_("Responses to comments on version %(number)s", number=version.number),
                 url_for("feeds.version_dispositions", slug=document.slug, number=version.number))
            )  # fmt: skip
    return links


@bp.record_once
def _register(state: Any) -> None:
    state.app.jinja_env.globals["feed_links"] = feed_links
