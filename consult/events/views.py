"""Event pages: schedule and change events, register, the waiting list, calendars, outcome.

Group pages and the home page list upcoming events through the "group_page" and "home_page"
hooks (consult/core/hooks.py), so groups and drafts never import this package.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse
from wtforms import SelectChoice

from consult.accounts.models import User
from consult.attachments import services as attachments
from consult.attachments.models import Attachment
from consult.core import hooks, permissions
from consult.core.forms import show_refusal
from consult.core.permissions import require
from consult.core.timefmt import local, parse_local
from consult.db import utcnow
from consult.drafts.models import Document, Section, Version
from consult.events import ics, queries, services
from consult.events.forms import (
    CalendarTokenForm,
    CancelEventForm,
    EventForm,
    InviteForm,
    OutcomeForm,
    QuestionForm,
    RegisterForm,
    RemoveFileForm,
    WaitingListForm,
    WithdrawForm,
)
from consult.events.models import TITLE_MAX, CalendarToken, Event
from consult.extensions import db
from consult.groups.models import WorkingGroup

logger = logging.getLogger(__name__)
bp = Blueprint("events", __name__, url_prefix="/events")
ICS = "text/calendar; charset=utf-8"


def _event(event_id: int) -> Event:
    event = db.get_or_404(Event, event_id)
    require(permissions.can_view(current_user, event.group))
    return event


def _status(event: Event) -> str | None:
    registration = services.registration_of(event, current_user)
    return registration.status if registration is not None else None


def _versions(group: WorkingGroup) -> list[Version]:
    stmt = (
        select(Version)
        .join(Document, Document.id == Version.document_id)
        .where(Document.group_id == group.id, Version.status != "editing")
        .order_by(Document.title, Version.number.desc())
    )
    return list(db.session.scalars(stmt.limit(100)))


def _prepare(form: EventForm, group: WorkingGroup) -> None:
    versions = _versions(group)
    form.version_id.choices = [SelectChoice(0, _("None"))] + [
        SelectChoice(
            v.id, _("%(title)s, version %(number)s", title=v.document.title, number=v.number)
        )
        for v in versions
    ]


def _agenda(form: EventForm) -> list[tuple[str, int | None]]:
    """Parse the agenda lines; 'Title | 1.2' links to provision 1.2 of the chosen version."""
    items: list[tuple[str, int | None]] = []
    for line in (form.agenda.data or "").splitlines():
        title, _sep, number = line.partition("|")
        title, number = title.strip()[:TITLE_MAX], number.strip()
        if not title:
            continue
        section_id = None
        if number:
            if not form.version_id.data:
                raise services.EventError(_("Choose the version the agenda refers to."))
            section_id = db.session.scalar(
                select(Section.id).where(
                    Section.version_id == form.version_id.data, Section.number == number[:20]
                )
            )
            if section_id is None:
                raise services.EventError(
                    _("The chosen version has no provision %(number)s.", number=number[:20])
                )
        items.append((title, section_id))
    return items[:50]


def _fields(form: EventForm) -> dict[str, Any]:
    return {
        "title": form.title.data.strip(),
        "kind": form.kind.data,
        "starts_at": parse_local(form.starts_at.data),
        "ends_at": parse_local(form.ends_at.data),
        "description": form.description.data or "",
        "online_url": (form.online_url.data or "").strip(),
        "place": (form.place.data or "").strip(),
        "access": form.access.data,
        "capacity": form.capacity.data,
    }


@bp.route("/groups/<slug>/new", methods=["GET", "POST"])
@login_required
def create_event(slug: str) -> str | BaseResponse:
    group = db.first_or_404(select(WorkingGroup).where(WorkingGroup.slug == slug))
    require(permissions.can_manage_event(current_user, group))
    form = EventForm()
    _prepare(form, group)
    if form.validate_on_submit():
        try:
            event = services.create_event(group, current_user, _agenda(form), **_fields(form))
        except services.EventError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("Event scheduled."), "success")
            return redirect(url_for("events.show_event", event_id=event.id))
    return render_template("events/form.html", form=form, group=group, event=None)


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit_event(event_id: int) -> str | BaseResponse:
    event = _event(event_id)
    require(permissions.can_manage_event(current_user, event))
    form = EventForm(obj=event)
    _prepare(form, event.group)
    if not form.is_submitted():
        form.starts_at.data = local(event.starts_at).replace(tzinfo=None)  # type: ignore[union-attr]
        form.ends_at.data = local(event.ends_at).replace(tzinfo=None)  # type: ignore[union-attr]
        first = next((item.section for item in event.agenda if item.section), None)
        form.version_id.data = first.version_id if first else 0
        form.agenda.data = "\n".join(
            item.title + (f" | {item.section.number}" if item.section else "")
            for item in event.agenda
        )
    if form.validate_on_submit():
        try:
            moved = services.update_event(event, current_user, _agenda(form), **_fields(form))
        except services.EventError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(
                _("Event updated. Participants were told of the new time.")
                if moved
                else _("Event updated."),
                "success",
            )
            return redirect(url_for("events.show_event", event_id=event.id))
    return render_template("events/form.html", form=form, group=event.group, event=event)


@bp.route("/<int:event_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel_event(event_id: int) -> str | BaseResponse:
    event = _event(event_id)
    require(permissions.can_manage_event(current_user, event))
    form = CancelEventForm()
    if form.validate_on_submit():
        try:
            services.cancel_event(event, current_user, form.reason.data.strip())
        except services.EventError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("Event cancelled; participants were told."), "success")
            return redirect(url_for("events.show_event", event_id=event.id))
    return render_template("events/cancel.html", form=form, event=event)


@bp.get("/<int:event_id>")
def show_event(event_id: int) -> str:
    return event_page(_event(event_id))


def event_page(
    event: Event, *, question_form: Any = None, invite_form: InviteForm | None = None
) -> str:
    """The event page; a refused question or invitation comes back in its form, as typed."""
    registration = services.registration_of(event, current_user)
    status = registration.status if registration is not None else None
    counts = queries.counts(event)
    full = event.capacity is not None and counts.get("registered", 0) >= event.capacity
    order = "time" if request.args.get("order") == "time" else "support"
    if question_form is None:
        question_form = question_form_for(event, formdata=None)
    return render_template(
        "events/show.html",
        event=event,
        status=status,
        now=utcnow(),
        order=order,
        counts=counts,
        full=full,
        waiting_position=queries.waiting_position(registration),
        files=services.files_of(event)
        if permissions.can_download_event_file(current_user, event)
        else [],
        registered_by_category=queries.registrations_by_category(event),
        attended_by_category=queries.registrations_by_category(event, attended=True),
        questions_by_category=queries.questions_by_category(event),
        questions=queries.questions(event, order),
        support=queries.support_by_category(event),
        supported=queries.supported_by(current_user, event),
        participants=services.participants(event, waiting=True)
        if permissions.can_manage_event(current_user, event)
        else [],
        register_form=(WaitingListForm if full else RegisterForm)(formdata=None),
        withdraw_form=WithdrawForm(formdata=None),
        invite_form=invite_form or InviteForm(formdata=None),
        question_form=question_form,
    )


def question_form_for(event: Event, **kwargs: Any) -> QuestionForm:
    form = QuestionForm(**kwargs)
    form.agenda_item_id.choices = [SelectChoice(0, _("None"))] + [
        SelectChoice(i.id, i.title) for i in event.agenda
    ]
    return form


@bp.post("/<int:event_id>/register")
@login_required
def register(event_id: int) -> BaseResponse:
    event = _event(event_id)
    status = _status(event)
    refusal = permissions.event_registration_refusal(current_user, event, status)
    if refusal is not None:
        flash(refusal, "error")
        return redirect(url_for("events.show_event", event_id=event.id))
    if RegisterForm().validate_on_submit():
        registration = services.register(event, current_user)
        db.session.commit()
        if registration.status == "waiting":
            flash(
                _(
                    "The event is full: you are number %(position)s on the waiting list and "
                    "will be told by e-mail if a place frees up.",
                    position=queries.waiting_position(registration),
                ),
                "success",
            )
        else:
            flash(_("You are registered."), "success")
    return redirect(url_for("events.show_event", event_id=event.id))


@bp.post("/<int:event_id>/withdraw")
@login_required
def withdraw(event_id: int) -> BaseResponse:
    event = _event(event_id)
    if WithdrawForm().validate_on_submit():
        try:
            services.cancel_registration(event, current_user)
        except services.EventError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Your registration is cancelled."), "success")
    return redirect(url_for("events.show_event", event_id=event.id))


@bp.post("/<int:event_id>/invite")
@login_required
def invite(event_id: int) -> BaseResponse | tuple[str, int]:
    event = _event(event_id)
    require(permissions.can_manage_event(current_user, event))
    form = InviteForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalars(select(User).where(User.email == email)).first()
        if user is None:
            form.email.errors.append(_("Nobody has an account with that e-mail address."))
        else:
            try:
                services.invite(event, user, current_user)
            except services.EventError as error:
                form.email.errors.append(str(error))
            else:
                db.session.commit()
                flash(_("%(name)s is invited.", name=user.display_name), "success")
                return redirect(url_for("events.show_event", event_id=event.id))
    return event_page(event, invite_form=form), 400


@bp.route("/<int:event_id>/outcome", methods=["GET", "POST"])
@login_required
def record_outcome(event_id: int) -> str | BaseResponse:
    event = _event(event_id)
    require(permissions.can_manage_event(current_user, event))
    form = OutcomeForm(obj=event)
    files = services.files_of(event)
    form.files.already = len(files)
    participants = services.participants(event)
    if form.validate_on_submit():
        try:
            services.record_outcome(
                event,
                current_user,
                files=form.files.staged,
                minutes=form.minutes.data or "",
                recording_url=(form.recording_url.data or "").strip(),
                slides_url=(form.slides_url.data or "").strip(),
            )
        except services.EventError as error:
            show_refusal(form, error)
        else:
            attended = {int(v) for v in request.form.getlist("attended") if v.isdigit()}
            services.record_attendance(event, current_user, attended)
            db.session.commit()
            flash(_("Minutes, files, links and attendance saved."), "success")
            return redirect(url_for("events.show_event", event_id=event.id))
    return render_template(
        "events/outcome.html",
        form=form,
        event=event,
        participants=participants,
        files=files,
        remove_form=RemoveFileForm(formdata=None),
    )


@bp.post("/<int:event_id>/files/<int:attachment_id>/remove")
@login_required
def remove_file(event_id: int, attachment_id: int) -> BaseResponse:
    event = _event(event_id)
    require(permissions.can_manage_event(current_user, event))
    attachment = db.get_or_404(Attachment, attachment_id)
    if attachment.owner_type != services.OWNER_EVENT or attachment.owner_id != event.id:
        abort(404)
    if RemoveFileForm().validate_on_submit():
        name = attachment.filename
        services.remove_file(event, attachment, current_user)
        db.session.commit()
        flash(_("%(name)s is removed from the event.", name=name), "success")
    return redirect(url_for("events.record_outcome", event_id=event.id))


def may_download_event_file(user: Any, event_id: int) -> bool:
    """Attachments of owner type "event": as the event page, members-only meetings closed."""
    return permissions.can_download_event_file(user, db.session.get(Event, event_id))


def _ics(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = ICS
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/<int:event_id>.ics")
def event_ics(event_id: int) -> Response:
    event = _event(event_id)
    links = (
        {event.id}
        if permissions.can_see_online_link(current_user, event, _status(event))
        else set()
    )
    return _ics(ics.calendar([event], event.title, links), f"event-{event.id}.ics")


@bp.get("/groups/<slug>.ics")
def group_ics(slug: str) -> Response:
    group = db.first_or_404(select(WorkingGroup).where(WorkingGroup.slug == slug))
    return _ics(ics.calendar(queries.group_events(group), group.name), f"{group.slug}.ics")


@bp.get("/my/<token>.ics")
def my_ics(token: str) -> Response:
    row = db.session.scalars(select(CalendarToken).where(CalendarToken.token == token[:64])).first()
    user = db.session.get(User, row.user_id) if row is not None else None
    if user is None or not user.is_active:
        abort(404)
    events = queries.events_of_user(user.id)
    links = queries.registered_ids(user.id, [e.id for e in events])
    return _ics(
        ics.calendar(events, _("My events (%(name)s)", name=user.display_name), links),
        "my-events.ics",
    )


@bp.route("/my", methods=["GET", "POST"])
@login_required
def my_events() -> str | BaseResponse:
    form = CalendarTokenForm()
    if form.validate_on_submit():
        services.calendar_token(current_user, renew=True)
        db.session.commit()
        flash(_("Your calendar has a new secret address; the old one no longer works."), "success")
        return redirect(url_for("events.my_events"))
    token = services.calendar_token(current_user)
    db.session.commit()
    return render_template(
        "events/my.html",
        events=queries.events_of_user(current_user.id),
        feed_url=url_for("events.my_ics", token=token.token, _external=True),
        form=form,
        now=utcnow(),
    )


def group_page_panel(group: Any, user: Any) -> dict[str, Any]:
    """Hook "group_page": upcoming and recent events of the group, and attendance and
    questions per stakeholder category (four queries)."""
    context = {
        "upcoming": queries.upcoming(group),
        "past": queries.past(group),
        "group": group,
        "may_create": permissions.can_manage_event(user, group),
    }
    participation = queries.group_participation(group)
    return {
        "panels": [
            ("events/_group_events.html", context),
            ("events/_group_participation.html", {"rows": participation, "group": group}),
        ]
    }


def home_page_panel(user: Any) -> dict[str, Any]:
    """Hook "home_page": upcoming events of every group (one query)."""
    return {"panels": [("events/_home_events.html", {"upcoming": queries.upcoming()})]}


def _register(state: Any) -> None:
    attachments.register_owner(state.app, services.OWNER_EVENT, may_download_event_file)
    hooks.register(state.app, "group_page", group_page_panel)
    hooks.register(state.app, "home_page", home_page_panel)


bp.record_once(_register)

from consult.events import question_views, report_views  # noqa: E402, F401 - routes register on bp
