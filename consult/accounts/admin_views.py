"""Admin blueprint: users, organisations and their AI Pact status, categories, audit log."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from consult.accounts import admin_services, pact, services
from consult.accounts import organisations as org_services
from consult.accounts.forms import (
    ActionForm,
    AuditFilterForm,
    CategoryForm,
    OrganisationFilterForm,
    OrganisationForm,
    RenameCategoryForm,
    SearchForm,
    category_choices,
)
from consult.accounts.models import (
    Organisation,
    PactChangeRequest,
    StakeholderCategory,
    User,
)
from consult.core.pagination import paginate
from consult.core.permissions import can_administer, require
from consult.extensions import db

admin_bp = Blueprint("admin", __name__, url_prefix="/admin")


@admin_bp.before_request
def _admins_only() -> None:
    # Every page here is for administrators only; checked before any object is loaded, so
    # non-admins get 403 (visitors the sign-in page) and learn nothing about which ids exist.
    require(can_administer(current_user))


def _actor() -> User:
    user: User = current_user._get_current_object()
    return user


def _done(message: str, endpoint: str, **values: Any) -> Response:
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(endpoint, **values))


def _refused(error: services.AccountError, endpoint: str, **values: Any) -> Response:
    flash(error.message, "error")
    return redirect(url_for(endpoint, **values))


def _page_size() -> int:
    return int(current_app.config["PAGE_SIZE"])


@admin_bp.get("/")
def index() -> str:
    return render_template(
        "admin/index.html",
        counts=admin_services.dashboard_counts(),
        failed_mail=admin_services.failed_mail(),
    )


# -- users -------------------------------------------------------------------------------


@admin_bp.get("/users")
def users() -> str:
    form = SearchForm(request.args)
    search = (form.q.data or "") if form.validate() else ""
    page = paginate(admin_services.users_query(search), per_page=_page_size())
    return render_template("admin/users.html", form=form, page=page, search=search)


@admin_bp.get("/users/<int:user_id>")
def show_user(user_id: int) -> str:
    user = db.get_or_404(User, user_id)
    return render_template(
        "admin/user.html",
        user=user,
        events=admin_services.recent_events_for(user),
    )


def _user_action(user_id: int, action: str) -> Response:
    user = db.get_or_404(User, user_id)
    if not ActionForm().validate_on_submit():
        flash(_("The form had expired. Try again."), "error")
        return redirect(url_for("admin.show_user", user_id=user.id))
    service, message = {
        "grant": (admin_services.grant_admin, f"{user.display_name} is now an administrator."),
        "revoke": (admin_services.revoke_admin, f"{user.display_name} is no longer an admin."),
        "disable": (admin_services.disable_user, f"{user.display_name}'s account is disabled."),
        "enable": (admin_services.enable_user, f"{user.display_name}'s account is enabled."),
    }[action]
    try:
        service(user, actor=_actor())
    except services.AccountError as error:
        return _refused(error, "admin.show_user", user_id=user.id)
    return _done(message, "admin.show_user", user_id=user.id)


@admin_bp.post("/users/<int:user_id>/grant-admin")
def grant_admin(user_id: int) -> Response:
    return _user_action(user_id, "grant")


@admin_bp.post("/users/<int:user_id>/revoke-admin")
def revoke_admin(user_id: int) -> Response:
    return _user_action(user_id, "revoke")


@admin_bp.post("/users/<int:user_id>/disable")
def disable_user(user_id: int) -> Response:
    return _user_action(user_id, "disable")


@admin_bp.post("/users/<int:user_id>/enable")
def enable_user(user_id: int) -> Response:
    return _user_action(user_id, "enable")


# -- organisations -----------------------------------------------------------------------


@admin_bp.get("/organisations")
def organisations() -> str:
    form = OrganisationFilterForm(request.args)
    form.category.choices = category_choices(services.all_categories(), blank=_("Any category"))
    form.validate()
    category = form.category.data or ""
    stmt = admin_services.organisations_query(
        search=form.q.data or "",
        category_id=int(category) if category.isdigit() else None,
        pact=form.pact.data or "",
        verified=form.verified.data or "",
    )
    page = paginate(stmt, per_page=_page_size())
    return render_template("admin/organisations.html", form=form, page=page)


@admin_bp.route("/organisations/<int:organisation_id>", methods=["GET", "POST"])
def show_organisation(organisation_id: int) -> str | Response:
    organisation = db.get_or_404(Organisation, organisation_id)
    form = OrganisationForm(
        categories=services.all_categories(),
        data={
            "name": organisation.name,
            "category": str(organisation.category_id),
            "country": organisation.country,
            "transparency_register_id": organisation.transparency_register_id or "",
        },
    )
    if form.validate_on_submit():
        try:
            admin_services.update_organisation(
                organisation,
                actor=_actor(),
                name=form.name.data or "",
                category=db.session.get_one(StakeholderCategory, int(form.category.data or 0)),
                country=form.country.data or "",
                transparency_register_id=(form.transparency_register_id.data or "").strip(),
            )
        except services.AccountError as error:
            getattr(form, error.field or "name").errors.append(error.message)
        else:
            return _done(
                f"{organisation.name} has been saved.",
                "admin.show_organisation",
                organisation_id=organisation.id,
            )
    return render_template(
        "admin/organisation.html",
        organisation=organisation,
        form=form,
        members=admin_services.members_of(organisation),
        events=admin_services.recent_events_for(organisation),
        change=pact.pending_change(organisation),
    )


@admin_bp.post("/organisations/<int:organisation_id>/verify")
def verify_organisation(organisation_id: int) -> Response:
    organisation = db.get_or_404(Organisation, organisation_id)
    back: dict[str, Any] = {"organisation_id": organisation.id}
    if not ActionForm().validate_on_submit():
        flash(_("The form had expired. Try again."), "error")
        return redirect(url_for("admin.show_organisation", **back))
    try:
        org_services.verify_organisation(organisation, actor=_actor())
    except services.AccountError as error:
        return _refused(error, "admin.show_organisation", **back)
    return _done(f"{organisation.name} is verified.", "admin.show_organisation", **back)


def _decide_change(request_id: int, approve: bool) -> Response:
    change = db.get_or_404(PactChangeRequest, request_id)
    back: dict[str, Any] = {"organisation_id": change.organisation_id}
    if not ActionForm().validate_on_submit():
        flash(_("The form had expired. Try again."), "error")
        return redirect(url_for("admin.show_organisation", **back))
    try:
        pact.decide_change(change, approve=approve, actor=_actor())
    except services.AccountError as error:
        return _refused(error, "admin.show_organisation", **back)
    message = (
        _("The AI Pact change was approved and verified.")
        if approve
        else _("The AI Pact change was declined.")
    )
    return _done(message, "admin.show_organisation", **back)


@admin_bp.post("/pact-changes/<int:request_id>/approve")
def approve_pact_change(request_id: int) -> Response:
    return _decide_change(request_id, approve=True)


@admin_bp.post("/pact-changes/<int:request_id>/decline")
def decline_pact_change(request_id: int) -> Response:
    return _decide_change(request_id, approve=False)


def _pact_action(organisation_id: int, verify: bool) -> Response:
    organisation = db.get_or_404(Organisation, organisation_id)
    back: dict[str, Any] = {"organisation_id": organisation.id}
    if not ActionForm().validate_on_submit():
        flash(_("The form had expired. Try again."), "error")
        return redirect(url_for("admin.show_organisation", **back))
    try:
        if verify:
            pact.verify_pact(organisation, actor=_actor())
        else:
            pact.revoke_pact_verification(organisation, actor=_actor())
    except services.AccountError as error:
        return _refused(error, "admin.show_organisation", **back)
    message = (
        f"{organisation.name}: {organisation.pact_label} verified."
        if verify
        else f"{organisation.name}: verification withdrawn."
    )
    return _done(message, "admin.show_organisation", **back)


@admin_bp.post("/organisations/<int:organisation_id>/verify-pact")
def verify_pact(organisation_id: int) -> Response:
    return _pact_action(organisation_id, verify=True)


@admin_bp.post("/organisations/<int:organisation_id>/revoke-pact")
def revoke_pact(organisation_id: int) -> Response:
    return _pact_action(organisation_id, verify=False)


# -- categories --------------------------------------------------------------------------


def _render_categories(
    add_form: CategoryForm | None = None, failed: tuple[int, RenameCategoryForm] | None = None
) -> str:
    categories = services.all_categories()
    rename_forms = {
        c.id: RenameCategoryForm(prefix=f"cat{c.id}", formdata=None, data={"name": c.name})
        for c in categories
    }
    if failed is not None:
        rename_forms[failed[0]] = failed[1]
    return render_template(
        "admin/categories.html",
        categories=categories,
        add_form=add_form or CategoryForm(formdata=None),
        rename_forms=rename_forms,
        usage=admin_services.category_usage(),
    )


@admin_bp.route("/categories", methods=["GET", "POST"])
def categories() -> str | Response:
    form = CategoryForm()
    if form.validate_on_submit():
        try:
            category = admin_services.add_category(form.name.data or "", actor=_actor())
        except services.AccountError as error:
            form.name.errors.append(error.message)
        else:
            return _done(_("Category “%(name)s” added.", name=category.name), "admin.categories")
    return _render_categories(add_form=form if request.method == "POST" else None)


@admin_bp.post("/categories/<int:category_id>/rename")
def rename_category(category_id: int) -> str | Response:
    category = db.get_or_404(StakeholderCategory, category_id)
    form = RenameCategoryForm(prefix=f"cat{category.id}")
    if form.validate_on_submit():
        try:
            admin_services.rename_category(category, form.name.data or "", actor=_actor())
        except services.AccountError as error:
            form.name.errors.append(error.message)
        else:
            return _done(
                _("Category renamed to “%(name)s”.", name=category.name), "admin.categories"
            )
    return _render_categories(failed=(category_id, form))


def _category_action(category_id: int, retire: bool) -> Response:
    category = db.get_or_404(StakeholderCategory, category_id)
    if not ActionForm().validate_on_submit():
        flash(_("The form had expired. Try again."), "error")
        return redirect(url_for("admin.categories"))
    try:
        if retire:
            admin_services.retire_category(category, actor=_actor())
        else:
            admin_services.unretire_category(category, actor=_actor())
    except services.AccountError as error:
        return _refused(error, "admin.categories")
    if retire:
        message = _("Category “%(name)s” retired.", name=category.name)
    else:
        message = _("Category “%(name)s” offered again.", name=category.name)
    return _done(message, "admin.categories")


@admin_bp.post("/categories/<int:category_id>/retire")
def retire_category(category_id: int) -> Response:
    return _category_action(category_id, retire=True)


@admin_bp.post("/categories/<int:category_id>/unretire")
def unretire_category(category_id: int) -> Response:
    return _category_action(category_id, retire=False)


# -- audit log ---------------------------------------------------------------------------


@admin_bp.get("/audit")
def audit_log() -> str:
    form = AuditFilterForm(request.args)
    action = (form.action.data or "") if form.validate() else ""
    page = paginate(admin_services.audit_query(action), per_page=_page_size())
    return render_template(
        "admin/audit.html", form=form, page=page, actions=admin_services.audit_actions()
    )
