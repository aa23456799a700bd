"""Views of the groups domain: working groups, joining, requests, roles, settings.

The group page shows data of higher domains (documents, open consultations, deadlines,
comments per category) through the "group_page" hook: each provider registered with
`hooks.register(app, "group_page", provider)` is called as `provider(group=g, user=u)` and
returns `{"panels": [(template_name, ctx), ...]}`. The page renders every panel in order with
`{% include template_name %}` where the partial sees its own dict as `ctx` (also `panel`),
plus `group` and `current_user`. A panel brings its own <section> and h2, and must use a
bounded number of queries whatever the size of the group.
"""

from __future__ import annotations

import logging

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from consult.core import hooks, permissions
from consult.core.forms import show_refusal
from consult.core.permissions import require
from consult.extensions import db
from consult.groups import queries, services, userdata
from consult.groups.forms import (
    AppointChairForm,
    ApproveForm,
    DeclineForm,
    JoinForm,
    LeaveForm,
    PreferencesForm,
    RoleForm,
    SettingsForm,
)
from consult.groups.models import ROLES, Membership, WorkingGroup

logger = logging.getLogger(__name__)
bp = Blueprint("groups", __name__, url_prefix="/groups")
bp.record_once(userdata.register)


def _group(slug: str) -> WorkingGroup:
    return db.first_or_404(db.select(WorkingGroup).where(WorkingGroup.slug == slug))


def _membership(group: WorkingGroup, membership_id: int) -> Membership:
    membership = db.get_or_404(Membership, membership_id)
    if membership.group_id != group.id:
        abort(404)
    return membership


def _own_membership(slug: str) -> tuple[WorkingGroup, Membership]:
    """The group and the current user's approved membership of it (403 if not a member)."""
    group = _group(slug)
    require(permissions.is_member(current_user, group))
    membership = queries.membership_of(current_user, group)
    assert membership is not None  # is_member found an approved one
    return group, membership


@bp.get("/")
def list_groups() -> str:
    return render_template("groups/list.html", summaries=queries.list_groups())


@bp.get("/<slug>/")
def show_group(slug: str) -> str:
    group = _group(slug)
    membership = queries.membership_of(current_user, group)
    sees_everyone = permissions.is_member(current_user, group) or permissions.is_admin(current_user)
    preferences = None
    if membership is not None and membership.is_active:
        preferences = PreferencesForm(obj=membership, formdata=None)
    return render_template(
        "groups/show.html",
        group=group,
        membership=membership,
        leaders=queries.group_leaders(group),
        balance=queries.member_balance(group),
        directory=queries.member_directory(group, everyone=sees_everyone),
        sees_everyone=sees_everyone,
        pending=(
            queries.count_pending(group) if permissions.can_manage_group(current_user, group) else 0
        ),
        preferences=preferences,
        panels=hooks.collect("group_page", group=group, user=current_user).get("panels", []),
    )


@bp.route("/<slug>/join", methods=["GET", "POST"])
def join_group(slug: str) -> str | Response:
    group = _group(slug)
    require(permissions.can_join_group(current_user, group))
    eligible = queries.is_eligible(current_user, group)
    form = JoinForm()
    if form.validate_on_submit():
        try:
            services.request_membership(
                group, current_user, role=form.role.data or "", statement=form.statement.data or ""
            )
        except services.MembershipError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(
                _(
                    "Your request to join %(name)s has been sent to its chairs. "
                    "You will be told of their decision by e-mail.",
                    name=group.name,
                ),
                "success",
            )
            return redirect(url_for("groups.show_group", slug=group.slug))
    elif not form.is_submitted():
        form.role.data = "member" if eligible else "observer"
    return render_template(
        "groups/join.html",
        group=group,
        form=form,
        eligible=eligible,
        membership=queries.membership_of(current_user, group),
        ineligible_reason=None if eligible else queries.ineligible_reason(current_user, group),
    )


@bp.route("/<slug>/leave", methods=["GET", "POST"])
def leave_group(slug: str) -> str | Response:
    group, membership = _own_membership(slug)
    form = LeaveForm()
    if form.validate_on_submit():
        try:
            services.leave_group(membership, user=current_user)
        except services.MembershipError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("You have left %(name)s.", name=group.name), "success")
            return redirect(url_for("groups.show_group", slug=group.slug))
    return render_template("groups/leave.html", group=group, membership=membership, form=form)


@bp.route("/<slug>/notifications", methods=["GET", "POST"])
def edit_preferences(slug: str) -> str | Response:
    group, membership = _own_membership(slug)
    form = PreferencesForm(obj=membership)
    if form.validate_on_submit():
        services.update_preferences(
            membership,
            notify_versions=bool(form.notify_versions.data),
            notify_deadlines=bool(form.notify_deadlines.data),
            listed_publicly=bool(form.listed_publicly.data),
        )
        db.session.commit()
        flash(_("Your preferences for this working group are saved."), "success")
        return redirect(url_for("groups.show_group", slug=group.slug))
    return render_template("groups/preferences.html", group=group, form=form)


@bp.get("/<slug>/requests")
def list_requests(slug: str) -> str:
    group = _group(slug)
    require(permissions.can_manage_group(current_user, group))
    return render_template(
        "groups/requests.html", group=group, requests=queries.pending_requests(group)
    )


def _request_page(
    group: WorkingGroup,
    membership: Membership,
    *,
    approve: ApproveForm | None = None,
    decline: DeclineForm | None = None,
) -> str:
    """The request with its two decisions; the form just posted, if any, keeps its input."""
    if approve is None:
        approve = ApproveForm(prefix="approve", formdata=None)
        approve.role.data = membership.role
    return render_template(
        "groups/request.html",
        group=group,
        membership=membership,
        eligible=queries.is_eligible(membership.user, group),
        approve=approve,
        decline=decline or DeclineForm(prefix="decline", formdata=None),
    )


def _decidable(slug: str, membership_id: int) -> tuple[WorkingGroup, Membership]:
    group = _group(slug)
    require(permissions.can_manage_group(current_user, group))
    return group, _membership(group, membership_id)


@bp.get("/<slug>/requests/<int:membership_id>")
def show_request(slug: str, membership_id: int) -> str:
    group, membership = _decidable(slug, membership_id)
    return _request_page(group, membership)


@bp.post("/<slug>/requests/<int:membership_id>/approve")
def approve_request(slug: str, membership_id: int) -> str | Response:
    group, membership = _decidable(slug, membership_id)
    form = ApproveForm(prefix="approve")
    if form.validate_on_submit():
        try:
            services.approve_request(membership, role=form.role.data or "", actor=current_user)
        except services.MembershipError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(
                _(
                    "%(person)s is now %(role)s of %(name)s; they have been told by e-mail.",
                    person=membership.user.display_name,
                    role=membership.role_noun,
                    name=group.name,
                ),
                "success",
            )
            return redirect(url_for("groups.list_requests", slug=group.slug))
    return _request_page(group, membership, approve=form)


@bp.post("/<slug>/requests/<int:membership_id>/decline")
def decline_request(slug: str, membership_id: int) -> str | Response:
    group, membership = _decidable(slug, membership_id)
    form = DeclineForm(prefix="decline")
    if form.validate_on_submit():
        try:
            services.decline_request(membership, reason=form.reason.data or "", actor=current_user)
        except services.MembershipError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(
                _(
                    "The request of %(person)s was declined; "
                    "they have been told by e-mail with your reason.",
                    person=membership.user.display_name,
                ),
                "success",
            )
            return redirect(url_for("groups.list_requests", slug=group.slug))
    return _request_page(group, membership, decline=form)


def _roles_page(group: WorkingGroup, appoint: AppointChairForm | None = None) -> str:
    return render_template(
        "groups/roles.html",
        group=group,
        directory=queries.member_directory(group, everyone=True, per_page=50),
        appoint=appoint or AppointChairForm(formdata=None),
    )


@bp.get("/<slug>/roles")
def list_roles(slug: str) -> str:
    group = _group(slug)
    require(permissions.can_manage_group(current_user, group))
    return _roles_page(group)


@bp.post("/<slug>/chairs")
def appoint_chair(slug: str) -> str | Response:
    group = _group(slug)
    require(permissions.can_appoint_chair(current_user, group))
    form = AppointChairForm()
    if form.validate_on_submit():
        try:
            membership = services.appoint_chair(
                group, email=form.email.data or "", actor=current_user
            )
        except services.MembershipError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(
                _(
                    "%(person)s is now a chair of %(name)s.",
                    person=membership.user.display_name,
                    name=group.name,
                ),
                "success",
            )
            return redirect(url_for("groups.list_roles", slug=group.slug))
    return _roles_page(group, form)


def _role_choices(group: WorkingGroup, membership: Membership) -> list[SelectChoice]:
    allowed = permissions.assignable_roles(current_user, group)
    return [
        SelectChoice(key, label)
        for key, label in ROLES.items()
        if key in allowed and key != membership.role
    ]


@bp.route("/<slug>/members/<int:membership_id>/role", methods=["GET", "POST"])
def change_role(slug: str, membership_id: int) -> str | Response:
    group = _group(slug)
    membership = _membership(group, membership_id)
    require(permissions.can_change_role(current_user, membership))
    form = RoleForm()
    form.role.choices = _role_choices(group, membership)
    if form.validate_on_submit():
        try:
            services.change_role(membership, role=form.role.data or "", actor=current_user)
        except services.MembershipError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(
                _(
                    "%(person)s is now %(role)s of %(name)s.",
                    person=membership.user.display_name,
                    role=membership.role_noun,
                    name=group.name,
                ),
                "success",
            )
            return redirect(url_for("groups.list_roles", slug=group.slug))
    return render_template("groups/role.html", group=group, membership=membership, form=form)


@bp.route("/<slug>/settings", methods=["GET", "POST"])
def edit_settings(slug: str) -> str | Response:
    group = _group(slug)
    require(permissions.can_configure_group(current_user, group))
    form = SettingsForm(obj=group)
    if form.validate_on_submit():
        try:
            services.update_settings(
                group,
                mandate=form.mandate.data or "",
                admission_rule=form.admission_rule.data or "",
                observers_may_comment=bool(form.observers_may_comment.data),
                actor=current_user,
            )
        except services.MembershipError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("The settings of %(name)s are saved.", name=group.name), "success")
            return redirect(url_for("groups.show_group", slug=group.slug))
    return render_template("groups/settings.html", group=group, form=form)
