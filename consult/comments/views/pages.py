"""The provision page with its threads, replies, the per-version overview and "My comments"."""

from __future__ import annotations

import logging
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from consult.attachments import services as attachments
from consult.comments import chart, pending, queries, services, threads
from consult.comments.counts import count_columns
from consult.comments.forms import CommentForm, ReplyForm
from consult.comments.language import prefill_language
from consult.comments.language_counts import counts_by_language
from consult.comments.models import KIND_LABELS, REPORT_REASONS, STATE_VISIBLE
from consult.comments.views import bp
from consult.comments.views.common import (
    RESCUE_COOKIE,
    comment_url,
    keep_and_sign_in,
    load_provision,
    provision_url,
)
from consult.comments.workspace import OWNER_COMMENT
from consult.core import hooks
from consult.core.languages import EU_LANGUAGES
from consult.core.numbers import bounded_int
from consult.core.pagination import page_number
from consult.core.permissions import can_moderate, comment_refusal, require
from consult.drafts.models import Section, Version
from consult.drafts.translations import reading_for
from consult.extensions import db, limiter

logger = logging.getLogger(__name__)


def _refusal_notice(version: Version, refusal: str | None) -> str | None:
    """The sentence shown instead of the form (closing time named when the window closed)."""
    from consult.core.timefmt import format_datetime
    from consult.db import utcnow

    if refusal is None:
        return None
    state = version.window_state(utcnow())
    if state == "closed" and version.closes_at is not None:
        return _("The consultation closed on %(date)s.", date=format_datetime(version.closes_at))
    if state == "upcoming" and version.opens_at is not None:
        return _("The consultation opens on %(date)s.", date=format_datetime(version.opens_at))
    return refusal


def _resume(form: Any, section: Section, parent_id: int | None) -> bool:
    """Fill the form from a stash kept when the session expired (?resume=token), once."""
    token = request.args.get("resume")
    if not token or not current_user.is_authenticated or request.method != "GET":
        return False
    fields = pending.take_pending_comment(
        token, section, parent_id, request.cookies.get(RESCUE_COOKIE)
    )
    db.session.commit()
    if not fields:
        return False
    for name, value in fields.items():
        field = getattr(form, name, None)
        if field is None:
            continue
        if name == "confidential":
            field.data = value in {"y", "on", "true", "1", "True"}
        else:
            field.data = value
    return True


def _filters(categories: list[Any]) -> tuple[list[int], set[str], bool]:
    by_slug = {c.slug: c for c in categories}
    chosen = [by_slug[s] for s in request.args.getlist("category") if s in by_slug]
    group = request.args.get("group") == "category"
    return [c.id for c in chosen], {c.slug for c in chosen}, group


# Generous for people, tight enough to slow down a script flooding a consultation.
POST_LIMIT = "20 per minute; 200 per hour"


@bp.route("/docs/<slug>/v<int:number>/<key>/", methods=["GET", "POST"])
@limiter.limit(POST_LIMIT, methods=["POST"])
def show_provision(slug: str, number: int, key: str) -> str | Response | tuple[str, int]:
    version, section = load_provision(slug, number, key)
    # A POST to a former key (renumbered while the form was open) is still served: no text lost.
    if section.provision.key != key and request.method != "POST":
        args: dict[str, Any] = request.args.to_dict(flat=False)
        canonical = section.provision.key
        target = url_for("comments.show_provision", slug=slug, number=number, key=canonical, **args)
        return redirect(target, 301)
    refusal = comment_refusal(current_user, version)
    form = CommentForm(section=section)
    refused_text = None
    status = 200
    if request.method == "POST":
        if not current_user.is_authenticated:
            return keep_and_sign_in(section, None, provision_url(section))
        if refusal is not None:
            refused_text, status = request.form.get("body", ""), 403
        elif form.validate_on_submit():
            try:
                comment = services.create_comment(
                    section,
                    user=current_user,
                    body=form.body.data or "",
                    kind=form.kind.data or "general",
                    quote=form.quote.data or "",
                    proposed_text=form.proposed_text.data or "",
                    proposal_scope=form.proposal_scope.data,
                    confidential=bool(form.confidential.data),
                    language=form.language.data,
                    quote_language=form.quote_language.data or None,
                )
                attachments.attach(OWNER_COMMENT, comment.id, form.files.staged, user=current_user)
            except (services.CommentError, attachments.AttachmentError) as error:
                db.session.rollback()
                form.form_errors.append(str(error))
            else:
                db.session.commit()
                flash(
                    _("Your confidential comment was sent to the chairs and moderators.")
                    if comment.is_confidential
                    else _("Your comment is published."),
                    "success",
                )
                return redirect(comment_url(comment))
    resumed = _resume(form, section, None)
    reading = reading_for(version, [section], request.args.get("text"))
    if request.method == "GET" and not form.quote_language.data and reading.is_translation:
        form.quote_language.data = reading.language
    prefill_language(form.language, form.body.data)
    return (
        render_template(
            "comments/provision.html",
            **_provision_context(version, section),
            reading=reading,
            form=form,
            refusal=_refusal_notice(version, refusal),
            refused_text=refused_text,
            resumed=resumed,
        ),
        status,
    )


def _provision_context(version: Version, section: Section) -> dict[str, Any]:
    categories = queries.categories()
    category_map = {c.id: c for c in categories}
    category_ids, chosen, group = _filters(categories)
    thread_id = bounded_int(request.args.get("thread"))
    moderator = can_moderate(current_user, version)
    counts = queries.section_counts(section, public_only=not moderator)
    view = threads.thread_view(
        section,
        current_user,
        category_ids=category_ids,
        group=group,
        thread_id=thread_id,
        page=page_number(),
        category_map=category_map,
    )
    extra = hooks.collect(
        "comment_thread", comments=[n.comment for n in view.nodes], user=current_user
    )
    return {
        "document": version.document,
        "version": version,
        "section": section,
        "view": view,
        "categories": categories,
        "category_map": category_map,
        "chosen": chosen,
        "grouped": group,
        "thread_id": thread_id,
        "counts": counts,
        "count_columns": count_columns(categories, {k for k, n in counts.items() if n}),
        "moderator": moderator,
        "dispositions": extra.get("dispositions", {}),
        "landings": extra.get("landings", {}),
        "attachment_files": attachments.attachments_of(
            OWNER_COMMENT, [n.comment.id for n in view.nodes if n.comment.parent_id is None]
        ),
        "kinds": KIND_LABELS,
        "report_reasons": REPORT_REASONS,
        "autosave_key": f"{provision_url(section)}#new",
        "max_length": current_app.config["COMMENT_MAX_LENGTH"],
    }


@bp.get("/comments/<int:comment_id>")
def show_comment(comment_id: int) -> Response:
    """Permalink of a comment: its thread on the provision page."""
    comment = queries.comment_or_404(comment_id, current_user)
    return redirect(comment_url(comment))


@bp.route("/comments/<int:comment_id>/reply", methods=["GET", "POST"])
@limiter.limit(POST_LIMIT, methods=["POST"])
def reply(comment_id: int) -> str | Response | tuple[str, int]:
    parent = queries.comment_or_404(comment_id, current_user)
    section = parent.section
    version = section.version
    refusal = comment_refusal(current_user, version)
    if refusal is None and parent.state != STATE_VISIBLE:
        refusal = _("This comment can no longer be answered.")
    form = ReplyForm()
    refused_text, status = None, 200
    if request.method == "POST":
        if not current_user.is_authenticated:
            return keep_and_sign_in(
                section, parent.id, url_for("comments.reply", comment_id=parent.id)
            )
        if refusal is not None:
            refused_text, status = request.form.get("body", ""), 403
        elif form.validate_on_submit():
            try:
                answer = services.create_reply(
                    parent,
                    user=current_user,
                    body=form.body.data or "",
                    language=form.language.data,
                )
            except services.CommentError as error:
                form.form_errors.append(str(error))
            else:
                db.session.commit()
                flash(_("Your reply is published."), "success")
                return redirect(comment_url(answer))
    resumed = _resume(form, section, parent.id)
    prefill_language(form.language, form.body.data)
    node = threads.single_node(parent, current_user)
    return (
        render_template(
            "comments/reply.html",
            parent=parent,
            node=node,
            section=section,
            version=version,
            document=version.document,
            form=form,
            refusal=_refusal_notice(version, refusal),
            refused_text=refused_text,
            resumed=resumed,
            moderator=can_moderate(current_user, version),
            autosave_key=f"{provision_url(section)}#reply-{parent.id}",
            max_length=current_app.config["COMMENT_MAX_LENGTH"],
        ),
        status,
    )


@bp.get("/comments/<int:comment_id>/history")
def comment_history(comment_id: int) -> str:
    comment = queries.comment_or_404(comment_id, current_user)
    own = current_user.is_authenticated and comment.author_id == current_user.id
    if comment.state != STATE_VISIBLE and not (own or can_moderate(current_user, comment)):
        abort(404)
    return render_template(
        "comments/history.html",
        comment=comment,
        section=comment.section,
        version=comment.section.version,
        revisions=queries.revisions_of(comment),
    )


@bp.get("/docs/<slug>/v<int:number>/comments/overview")
def overview(slug: str, number: int) -> str:
    version = queries.version_or_404(slug, number, current_user)
    moderator = can_moderate(current_user, version)
    language = request.args.get("language")
    language = language if language in EU_LANGUAGES else None
    rows, column_totals = queries.overview_rows(
        version, public_only=not moderator, language=language
    )
    categories = queries.categories()
    present = {key for key, n in column_totals.items() if n}
    columns = count_columns(categories, present)
    return render_template(
        "comments/overview.html",
        document=version.document,
        version=version,
        rows=rows,
        columns=columns,
        column_totals=column_totals,
        total=sum(column_totals.values()),
        moderator=moderator,
        confidential=queries.confidential_count(version) if moderator else 0,
        chart=chart.provision_chart(rows, columns),
        language=language,
        languages=counts_by_language(version, public_only=not moderator),
        extra=hooks.collect("comments_overview", version=version),
    )


@bp.get("/me/comments")
def my_comments() -> str:
    require(current_user.is_authenticated)
    page = queries.my_comments_page(current_user)
    extra = hooks.collect("my_comments", comments=[row[0] for row in page.items], user=current_user)
    return render_template(
        "comments/my_comments.html",
        page=page,
        dispositions=extra.get("dispositions", {}),
        landings=extra.get("landings", {}),
    )
