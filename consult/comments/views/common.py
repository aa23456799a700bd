"""Helpers shared by the comment views: URLs, loading, the expired-session rescue, hooks."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from consult.comments import pending, profiles, queries, services, threads, userdata
from consult.comments.counts import count_columns
from consult.comments.models import LOCK_REASONS, Comment
from consult.core import hooks
from consult.core.forms import show_refusal
from consult.core.permissions import can_moderate, can_view
from consult.drafts.models import Section, Version
from consult.extensions import db

logger = logging.getLogger(__name__)


def provision_url(section: Section, **args: Any) -> str:
    version = section.version
    return url_for(
        "comments.show_provision",
        slug=version.document.slug,
        number=version.number,
        key=section.provision.key,
        **args,
    )


def comment_url(comment: Comment) -> str:
    """The comment in its thread (works whatever page of threads it is on)."""
    return provision_url(comment.section, thread=comment.root_id or comment.id) + (
        f"#comment-{comment.id}"
    )


def load_provision(slug: str, number: int, key: str) -> tuple[Version, Section]:
    version = queries.version_or_404(slug, number, current_user)
    return version, queries.section_or_404(version, key)


# --- the rest of an action view, once the comment is loaded and the user authorised ------


def comment_action(
    comment: Comment,
    form: Any,
    service: Callable[[], object],
    *,
    done: str,
    page: str,
    back: str | None = None,
    **context: Any,
) -> str | Response:
    """An action with a page of its own (delete, report, hide, uphold a report).

    On a valid POST: call the one `service`, commit, flash `done` and redirect to
    `back` (the comment in its thread by default). Otherwise, or when the service refuses,
    show `page` again: the comment as in its thread above the form, the refusal on the form.
    """
    if form.validate_on_submit():
        try:
            service()
        except services.CommentError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(done, "success")
            return redirect(back or comment_url(comment))
    return render_template(
        page,
        comment=comment,
        node=threads.single_node(comment, current_user),
        form=form,
        section=comment.section,
        version=comment.section.version,
        **context,
    )


def button_action(form: Any, service: Callable[[], object], *, done: str, back: str) -> Response:
    """A one-button action (unhide, dismiss a report): call the one service, commit, flash
    `done`; a refusal is flashed instead. Either way, go back to `back`."""
    if form.validate_on_submit():
        try:
            service()
        except services.CommentError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(done, "success")
    return redirect(back)


# --- nothing lost when the session expired ------------------------------------------------


def _same_origin() -> bool:
    """The POST came from one of our pages (or the browser sent no origin information)."""
    host = request.host_url.rstrip("/")
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        return origin.rstrip("/") == host
    referrer = request.headers.get("Referer")
    if referrer:
        parts = urlsplit(referrer)
        return f"{parts.scheme}://{parts.netloc}" == host
    return True


RESCUE_COOKIE = "consult_rescue"


def stash_and_sign_in(section: Section, parent_id: int | None, target: str) -> Response | None:
    """Keep what was typed server-side and send the author to sign in, then back to the form.

    The stash holds untrusted text for a day; it is only ever shown escaped inside a textarea
    of the same form and must be submitted again (with a valid CSRF token) to be published.
    It is bounded (field sizes, stashes per address, rows in all) and tied to this browser by
    a cookie, so a resume link pre-fills nobody else's form. None when it cannot be kept.
    """
    if not pending.may_stash(get_remote_address()):
        return None
    secret = request.cookies.get(RESCUE_COOKIE) or secrets.token_urlsafe(24)
    stash = pending.stash_pending_comment(section, parent_id, request.form, secret)
    if stash is None:
        return None
    db.session.commit()
    sep = "&" if "?" in target else "?"
    back = f"{target}{sep}resume={stash.token}"
    if current_user.is_authenticated:
        flash(_("The form had expired. Check your comment below and send it again."), "warning")
        response = redirect(back)
    else:
        flash(
            _("Your session had expired. Sign in again and your comment will be waiting."), "info"
        )
        response = redirect(url_for("accounts.login", next=back))
    response.set_cookie(
        RESCUE_COOKIE,
        secret,
        max_age=int(pending.PENDING_LIFETIME.total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )
    return response


def keep_and_sign_in(section: Section, parent_id: int | None, target: str) -> Response:
    """An anonymous POST to a comment form: keep the text if the bounds allow, then sign in."""
    response = stash_and_sign_in(section, parent_id, target)
    if response is not None:
        return response
    flash(_("Sign in to comment. What you typed could not be kept: send it again."), "warning")
    return redirect(url_for("accounts.login", next=target))


def _rescue_target() -> tuple[Section, int | None, str] | None:
    """The form an expired POST was meant for, if it is a comment or reply form we can show."""
    args = request.view_args or {}
    try:
        if request.endpoint == "comments.show_provision":
            _version, section = load_provision(args["slug"], args["number"], args["key"])
            return section, None, provision_url(section)
        if request.endpoint == "comments.reply":
            parent = queries.comment_or_404(args["comment_id"], current_user)
            return parent.section, parent.id, url_for("comments.reply", comment_id=parent.id)
    except HTTPException:
        return None
    return None


def rescue_expired_comment(error: Exception) -> Response | None:
    """CSRF failure on a comment form (the session expired): keep the text, don't lose it."""
    if request.method != "POST" or not request.form.get("body") or not _same_origin():
        return None
    target = _rescue_target()
    if target is None:
        return None
    section, parent_id, url = target
    logger.info("comment form posted with an expired session: kept for re-submission")
    return stash_and_sign_in(section, parent_id, url)


# --- hook providers -----------------------------------------------------------------------


def version_page_counts(version: Any, sections: Any = None, user: Any = None) -> dict[str, Any]:
    """Comment counts per section and category for the drafts version page (two or three
    queries), and a panel linking to the overview (and, for moderators, the reports)."""
    moderator = can_moderate(user, version)
    counts = services.counts_by_category(version, public_only=not moderator)
    totals = {sid: sum(cells.values()) for sid, cells in counts.items()}
    panel = {
        "version": version,
        "total": sum(totals.values()),
        "moderator": moderator,
        "open_reports": queries.open_report_count(version) if moderator else 0,
    }
    return {
        "comment_counts": counts,
        "comment_categories": count_columns(
            queries.categories(), {k for cells in counts.values() for k, n in cells.items() if n}
        ),
        "comment_totals": totals,
        "comment_counts_include_confidential": moderator,
        "panels": [("comments/_version_panel.html", panel)] if version.status != "editing" else [],
    }


def group_page_balance(group: Any, user: Any = None) -> dict[str, Any]:
    """The share of public comments per stakeholder category in the group's documents."""
    rows = queries.group_balance(group, user)
    total = sum(n for _category, n, _share in rows)
    return {"panels": [("comments/_group_balance.html", {"rows": rows, "total": total})]}


def version_audience(version: Any) -> dict[str, Any]:
    """Everyone who commented on the version: told when its window changes (one query)."""
    return {"people": queries.commenters_of(version)}


def register_app_hooks(app: Any) -> None:
    hooks.register(app, "version_page", version_page_counts)
    hooks.register(app, "version_audience", version_audience)
    hooks.register(app, "group_page", group_page_balance)
    userdata.register(app)
    profiles.register(app)
    app.extensions.setdefault("consult_csrf_rescue", []).append(rescue_expired_comment)
    app.jinja_env.globals["comment_url"] = comment_url
    app.jinja_env.globals["LOCK_REASONS"] = LOCK_REASONS
    app.jinja_env.globals.setdefault("can_view", can_view)
