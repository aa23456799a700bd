"""Organisation and person pages: members, representatives, domains, AI Pact declaration."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from consult.accounts import organisations, pact, services
from consult.accounts.affiliation import speaking_for
from consult.accounts.forms import ActionForm, OrganisationForm
from consult.accounts.models import (
    PACT_CORE_PLEDGES,
    PACT_OPTIONAL_PLEDGES,
    PACT_PILLAR_II,
    Organisation,
    OrganisationDomain,
    OrganisationMembership,
    StakeholderCategory,
    User,
)
from consult.accounts.org_forms import DomainForm, PactForm
from consult.accounts.views import _field_error, bp
from consult.core import hooks
from consult.core.permissions import can_declare_pact, can_represent, can_view_person, require
from consult.extensions import db


def _actor() -> User:
    user: User = current_user._get_current_object()
    return user


def _back(organisation_id: int) -> Response:
    return redirect(url_for("accounts.show_organisation", organisation_id=organisation_id))


@bp.get("/organisations/<int:organisation_id>")
def show_organisation(organisation_id: int) -> str:
    organisation = db.get_or_404(Organisation, organisation_id)
    manager = can_represent(current_user, organisation)
    return render_template(
        "accounts/organisation.html",
        organisation=organisation,
        members=organisations.count_confirmed(organisation),
        listed=organisations.confirmed_members(organisation, listed_only=not manager),
        representatives=organisations.representatives(organisation),
        pending=organisations.pending_members(organisation) if manager else [],
        domains=organisations.domains_of(organisation) if manager else [],
        change=pact.pending_change(organisation) if manager else None,
        manager=manager,
        action_form=ActionForm(formdata=None),
        domain_form=DomainForm(formdata=None),
        panels=hooks.collect("organisation_page", organisation=organisation, user=current_user).get(
            "panels", []
        ),
    )


def _tie_action(tie_id: int) -> tuple[OrganisationMembership, bool]:
    """Load a tie, check the actor represents its organisation, and check the CSRF token."""
    tie = db.get_or_404(OrganisationMembership, tie_id)
    require(can_represent(current_user, tie.organisation))
    return tie, ActionForm().validate_on_submit()


def _run(tie: OrganisationMembership, action: Any, message: str) -> Response:
    try:
        action()
    except services.AccountError as error:
        flash(error.message, "error")
        return _back(tie.organisation_id)
    db.session.commit()
    flash(message, "success")
    return _back(tie.organisation_id)


@bp.post("/organisation-members/<int:tie_id>/<any(confirm,decline):decision>")
@login_required
def decide_member(tie_id: int, decision: str) -> Response:
    tie, valid = _tie_action(tie_id)
    if not valid:
        flash(_("The form had expired. Try again."), "error")
        return _back(tie.organisation_id)
    approve = decision == "confirm"
    return _run(
        tie,
        lambda: organisations.decide_member(tie, approve=approve, actor=_actor()),
        f"{tie.user.display_name} is {'now a confirmed member' if approve else 'not a member'}.",
    )


@bp.post("/organisation-members/<int:tie_id>/representative/<any(add,remove):change>")
@login_required
def set_representative(tie_id: int, change: str) -> Response:
    tie, valid = _tie_action(tie_id)
    if not valid:
        flash(_("The form had expired. Try again."), "error")
        return _back(tie.organisation_id)
    add = change == "add"
    return _run(
        tie,
        lambda: organisations.set_representative(tie, representative=add, actor=_actor()),
        f"{tie.user.display_name} is {'now' if add else 'no longer'} a representative.",
    )


@bp.post("/organisation-members/<int:tie_id>/remove")
@login_required
def remove_member(tie_id: int) -> Response:
    tie, valid = _tie_action(tie_id)
    if not valid:
        flash(_("The form had expired. Try again."), "error")
        return _back(tie.organisation_id)
    return _run(
        tie,
        lambda: organisations.remove_member(tie, actor=_actor()),
        f"{tie.user.display_name} no longer speaks for the organisation.",
    )


@bp.post("/organisations/<int:organisation_id>/domains")
@login_required
def add_domain(organisation_id: int) -> str | Response:
    organisation = db.get_or_404(Organisation, organisation_id)
    require(can_represent(current_user, organisation))
    form = DomainForm()
    if form.validate_on_submit():
        try:
            organisations.add_domain(organisation, form.domain.data or "", actor=_actor())
        except services.AccountError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("%(domain)s is now a verified domain.", domain=form.domain.data), "success")
    else:
        flash(
            " ".join(map(str, form.domain.errors)) or _("The form had expired. Try again."), "error"
        )
    return _back(organisation.id)


@bp.post("/organisation-domains/<int:domain_id>/remove")
@login_required
def remove_domain(domain_id: int) -> Response:
    row = db.get_or_404(OrganisationDomain, domain_id)
    organisation = db.session.get_one(Organisation, row.organisation_id)
    require(can_represent(current_user, organisation))
    if ActionForm().validate_on_submit():
        organisations.remove_domain(row, actor=_actor())
        db.session.commit()
        flash(_("The domain was removed."), "success")
    return _back(organisation.id)


@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@login_required
def edit_organisation(organisation_id: int) -> str | Response:
    organisation = db.get_or_404(Organisation, organisation_id)
    require(can_represent(current_user, organisation))
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
            organisations.update_details(
                organisation,
                name=form.name.data or "",
                category=db.session.get_one(StakeholderCategory, int(form.category.data or 0)),
                country=form.country.data or "",
                transparency_register_id=(form.transparency_register_id.data or "").strip(),
                actor=_actor(),
            )
        except services.AccountError as error:
            _field_error(form, error)
        else:
            db.session.commit()
            flash(_("The organisation's details have been saved."), "success")
            return _back(organisation.id)
    return render_template("accounts/organisation_edit.html", organisation=organisation, form=form)


@bp.route("/organisations/<int:organisation_id>/pact", methods=["GET", "POST"])
@login_required
def declare_pact(organisation_id: int) -> str | Response:
    organisation = db.get_or_404(Organisation, organisation_id)
    require(can_declare_pact(current_user, organisation))
    pledges = list(organisation.pact_pledges or [])
    form = PactForm(
        status=organisation.pact_status,
        pledge_date=organisation.pact_pledge_date,
        core_pledges=[p for p in pledges if p in PACT_CORE_PLEDGES],
        optional_pledges=[p for p in pledges if p in PACT_OPTIONAL_PLEDGES],
    )
    if form.validate_on_submit():
        try:
            request = pact.declare_pact(
                organisation,
                user=_actor(),
                status=form.status.data or "",
                pledge_date=form.pledge_date.data,
                pledges=[*(form.core_pledges.data or []), *(form.optional_pledges.data or [])],
            )
        except services.AccountError as error:
            _field_error(form, error)
        else:
            db.session.commit()
            if request is not None:
                flash(
                    _(
                        "Your change has been sent to the administrators. The verified status "
                        "stays as it is until they approve the change."
                    ),
                    "success",
                )
            else:
                flash(
                    _(
                        "The AI Pact status has been declared. An administrator will verify it "
                        "against the AI Pact's public list."
                    ),
                    "success",
                )
            return _back(organisation.id)
    return render_template(
        "accounts/pact.html", organisation=organisation, form=form, pillar_ii=PACT_PILLAR_II
    )


@bp.get("/people/<int:user_id>")
def show_person(user_id: int) -> str:
    person = db.get_or_404(User, user_id)
    if not can_view_person(current_user, person):
        abort(404)  # a person who did not choose to be listed has no public page
    return render_template(
        "accounts/person.html",
        person=person,
        speaks_for=speaking_for(person),
        panels=hooks.collect("person_page", person=person).get("panels", []),
    )
