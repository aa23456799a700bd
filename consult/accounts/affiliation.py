"""Whom a person speaks for: the one answer every category, badge, eligibility and snapshot uses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, func

from consult.accounts.models import (
    PACT_NONE,
    TIE_CONFIRMED,
    Organisation,
    OrganisationMembership,
    StakeholderCategory,
    User,
)
from consult.core.lazytext import lazy_gettext as _l

# Stored as written (comments keep a snapshot of them), translated where shown: `_(label)`.
INDEPENDENT = "Independent expert"
UNCONFIRMED = "Individual (affiliation not confirmed)"
FORMER_PARTICIPANT = "Former participant"  # the name left on an erased account's comments
_CATALOGUE = (
    _l("Independent expert"),
    _l("Individual (affiliation not confirmed)"),
    _l("Former participant"),
)
STORED_LABELS = frozenset({INDEPENDENT, UNCONFIRMED, FORMER_PARTICIPANT})


def stored_label(value: str | None) -> str:
    """A name or label as stored, translated when it is one of ours ("Independent expert");
    anything else (an organisation's name) is shown as written. A Jinja filter."""
    from flask_babel import gettext

    if value in STORED_LABELS:
        return str(gettext(value))
    return value or ""


@dataclass(frozen=True)
class Affiliation:
    """The organisation a person may speak for (None: as an individual), and what follows."""

    organisation: Organisation | None
    category: StakeholderCategory | None
    label: str
    pending_organisation: Organisation | None = None  # named, not yet confirmed

    @property
    def pact_status(self) -> str:
        """The organisation's AI Pact status if verified, else "none" (nothing to show)."""
        org = self.organisation
        return org.pact_status if org is not None and org.pact_verified else PACT_NONE

    @property
    def pact_verified(self) -> bool:
        return self.pact_status != PACT_NONE


def speaking_for(user: Any) -> Affiliation:
    """Only a confirmed tie lets a person speak for an organisation; everyone else speaks as an
    individual with their own category (chosen at sign-up or in the profile)."""
    organisation = getattr(user, "organisation", None)
    own = getattr(user, "independent_category", None)
    if organisation is None:
        return Affiliation(None, own, INDEPENDENT)
    tie = getattr(user, "organisation_tie", None)
    if tie is not None and tie.status == TIE_CONFIRMED:
        return Affiliation(organisation, organisation.category, organisation.name)
    return Affiliation(None, own, UNCONFIRMED, pending_organisation=organisation)


def speaking_category_id() -> Any:
    """SQL twin of speaking_for(user).category.id, over `join_speaking_organisation`."""
    return func.coalesce(Organisation.category_id, User.independent_category_id)


def join_speaking_organisation(stmt: Select[Any]) -> Select[Any]:
    """Outer-join the organisation each selected User speaks for (only confirmed ties)."""
    return stmt.outerjoin(
        OrganisationMembership,
        and_(
            OrganisationMembership.user_id == User.id,
            OrganisationMembership.organisation_id == User.organisation_id,
            OrganisationMembership.status == TIE_CONFIRMED,
        ),
    ).outerjoin(Organisation, Organisation.id == OrganisationMembership.organisation_id)
