"""Demo data for accounts: organisations across the five categories, stakeholders, staff, an admin.

Every demo account signs in with the password "demo-password-123". The e-mail addresses are
fixed so the README can list them:

- admin@consult.example (administrator)
- chair-<group>@consult.example and vice-chair-<group>@consult.example for the groups
  transparency-copyright, risk-assessment, technical-mitigation and governance
- moderator-1@consult.example (transparency & copyright), moderator-2@consult.example (risk)
- stakeholders <firstname>.<category>@consult.example, e.g. ana.industry, ines.sme,
  quentin.academia, yara.civilsociety, gustav.opensource
- rui.unverified@consult.example: an account whose e-mail address is not confirmed yet
- paul.pending@consult.example: says he works for Northwind (a verified AI Pact pillar II
  company); its representatives have not confirmed him, so he speaks as an individual

The first person listed for each organisation below is its representative (ana.industry for
Northwind, clara.industry for Lumen, ...); Tallinn Text Labs is not yet verified by an
administrator, so niko.sme is only its provisional representative. Northwind has the verified
e-mail domain northwind-models.example.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from consult.accounts.models import (
    PACT_CORE_PLEDGES,
    PACT_NONE,
    PACT_PILLAR_I,
    PACT_PILLAR_II,
    TIE_CONFIRMED,
    TIE_PENDING,
    Organisation,
    OrganisationDomain,
    OrganisationMembership,
    StakeholderCategory,
    User,
)
from consult.accounts.pact import pact_snapshot
from consult.core import audit
from consult.db import utcnow
from consult.extensions import db

ADMIN_EMAIL = "admin@consult.example"
DEMO_PASSWORD = "demo-password-123"  # noqa: S105 - documented demo password
UNVERIFIED_ORGANISATION = 9  # Tallinn Text Labs OÜ: its representative is provisional
PENDING_EMAIL = "paul.pending@consult.example"
DEMO_DOMAIN = ("northwind-models.example", 0)
GROUP_SLUGS = ("transparency-copyright", "risk-assessment", "technical-mitigation", "governance")
V, D = "verified", "declared"

# name, category slug, country, register ID, pact status, verification, optional pledges
ORGANISATIONS: list[tuple[str, str, str, str | None, str, str | None, list[str]]] = [
    ("Northwind Foundation Models GmbH", "industry", "DE", "418227530911-62", PACT_PILLAR_II, V,
     ["human_oversight", "transparency_labelling"]),
    ("Lumen AI Systems SAS", "industry", "FR", "903318264725-08", PACT_PILLAR_II, V,
     ["risk_mitigation"]),
    ("Atlas Cloud Computing BV", "industry", "NL", "551902837461-17", PACT_PILLAR_I, V, []),
    ("Meridian Telecom SpA", "industry", "IT", "270641938552-43", PACT_PILLAR_I, V, []),
    ("Kestrel Robotics AB", "industry", "SE", None, PACT_NONE, None, []),
    ("Iberia Data Services SA", "industry", "ES", "684201395527-90", PACT_PILLAR_II, D,
     ["worker_information"]),
    ("Fjord Language Technologies Oy", "sme", "FI", "33120947816-55", PACT_PILLAR_I, V, []),
    ("Brightline Analytics Ltd", "sme", "IE", None, PACT_NONE, None, []),
    ("Vltava Vision s.r.o.", "sme", "CZ", "7720319845-21", PACT_PILLAR_II, V, []),
    ("Tallinn Text Labs OÜ", "sme", "EE", None, PACT_NONE, None, []),
    ("Porto Speech Lda", "sme", "PT", None, PACT_PILLAR_I, V, []),
    ("Institute for Trustworthy Machine Learning", "academia", "DE", None, PACT_NONE, None, []),
    ("Lyon Centre for Digital Ethics", "academia", "FR", None, PACT_NONE, None, []),
    ("Delft Institute for Responsible Computing", "academia", "NL", None, PACT_PILLAR_I, V, []),
    ("Warsaw Centre for AI Safety Research", "academia", "PL", None, PACT_NONE, None, []),
    ("Vienna School of Law and Technology", "academia", "AT", None, PACT_NONE, None, []),
    ("Digital Rights Alliance Europe", "civil-society", "BE", "129384756102-33", PACT_NONE,
     None, []),
    ("Creators' Guild for Fair Licensing", "civil-society", "FR", "846291037564-71",
     PACT_NONE, None, []),
    ("Consumer Voice Network", "civil-society", "BE", "302958174630-06", PACT_NONE, None, []),
    ("Algorithmic Accountability Watch", "civil-society", "DK", None, PACT_NONE, None, []),
    ("Children Online Safety Forum", "civil-society", "IE", "95017364821-48", PACT_NONE,
     None, []),
    ("Open Weights Collective", "open-source", "DE", None, PACT_PILLAR_I, V, []),
    ("Free Model Commons", "open-source", "FR", None, PACT_NONE, None, []),
    ("Open Evaluation Harness Project", "open-source", "NL", None, PACT_NONE, None, []),
    ("Nordic Open Data Foundation", "open-source", "NO", "611820473395-12", PACT_NONE,
     None, []),
]  # fmt: skip

# e-mail prefix, display name, organisation index (None: independent expert), bio
STAKEHOLDERS: dict[str, list[tuple[str, str, int | None, str]]] = {
    "industry": [
        ("ana", "Ana Ferreira", 0, "Policy lead for model documentation and evaluations."),
        ("bruno", "Bruno Keller", 0, ""),
        ("clara", "Clara Rossi", 1, "Head of responsible AI; previously a safety researcher."),
        ("dieter", "Dieter Hoffmann", 2, ""),
        ("elena", "Elena García", 5, "Data governance and copyright compliance."),
        ("filip", "Filip Jansen", 2, ""),
        ("greta", "Greta Lindqvist", 4, "Robotics product counsel."),
        ("hugo", "Hugo Moreau", 3, ""),
    ],
    "sme": [
        ("ines", "Inês Carvalho", 10, "Founder of a speech-recognition start-up."),
        ("jakob", "Jakob Virtanen", 6, ""),
        ("karin", "Karin Murphy", 7, "CTO; builds analytics on top of open models."),
        ("lars", "Lars Korhonen", 6, ""),
        ("marta", "Marta Dvořáková", 8, "Computer vision engineer."),
        ("niko", "Niko Tamm", 9, ""),
        ("olga", "Olga Svoboda", 8, ""),
        ("pavel", "Pavel Kask", 9, "Works on small language models for Baltic languages."),
    ],
    "academia": [
        ("quentin", "Quentin Laurent", 12, "Professor of philosophy of technology."),
        ("rosa", "Rosa Schmidt", 11, "Researches evaluations of dangerous capabilities."),
        ("stefan", "Stefan Bauer", 15, ""),
        ("tereza", "Tereza Kowalska", 14, "Systemic risk modelling."),
        ("ulla", "Ulla van Dijk", 13, ""),
        ("viktor", "Viktor Huber", 15, "Copyright and text-and-data-mining law."),
        ("wiebke", "Wiebke Sørensen", None, "Independent expert on AI auditing."),
        ("xavier", "Xavier Dubois", None, ""),
    ],
    "civil-society": [
        ("yara", "Yara Haddad", 16, "Digital rights campaigner."),
        ("zoltan", "Zoltán Kovács", 17, "Represents authors and illustrators."),
        ("amelie", "Amélie Girard", 17, ""),
        ("bastien", "Bastien Peeters", 18, "Consumer protection and redress."),
        ("chiara", "Chiara Esposito", 19, ""),
        ("dana", "Dana O'Sullivan", 20, "Child safety online."),
        ("emil", "Emil Andersen", None, "Independent journalist covering AI."),
        ("freya", "Freya Nielsen", None, ""),
    ],
    "open-source": [
        ("gustav", "Gustav Berg", 21, "Maintainer of an open-weights training library."),
        ("hanna", "Hanna Fischer", 21, ""),
        ("ivo", "Ivo de Boer", 23, "Builds open evaluation suites."),
        ("julia", "Julia Lefèvre", 22, ""),
        ("kai", "Kai Johansen", 24, "Open data licensing."),
        ("lena", "Lena Wagner", 21, ""),
        ("mateo", "Mateo Ruiz", 22, ""),
        ("nora", "Nora Eriksen", 24, ""),
    ],
}

# context key (also the e-mail local part), display name, bio
STAFF: list[tuple[str, str, str]] = [
    ("chair-transparency-copyright", "Marieke de Vries", "Professor of information law."),
    ("vice-chair-transparency-copyright", "Tomasz Nowak", "Researcher in copyright and AI."),
    ("chair-risk-assessment", "Ingrid Halvorsen", "Professor of risk and reliability."),
    ("vice-chair-risk-assessment", "Luca Bianchi", "Machine-learning safety researcher."),
    ("chair-technical-mitigation", "Sofia Papadopoulou", "Security engineer and researcher."),
    ("vice-chair-technical-mitigation", "Jonas Weber", "Works on model evaluations."),
    ("chair-governance", "Aoife Byrne", "Professor of corporate governance."),
    ("vice-chair-governance", "Pierre Lambert", "Former regulator; works on compliance."),
    ("moderator-1", "Camille Martin", "Moderator for the consultation secretariat."),
    ("moderator-2", "Anders Nilsson", "Moderator for the consultation secretariat."),
]


# Interface and e-mail languages chosen in the demo's profiles (issue 13).
DEMO_LOCALES = {"dieter": "de", "bastien": "fr"}  # not used by the journeys, which read English


def is_loaded() -> bool:
    return db.session.scalars(select(User.id).where(User.email == ADMIN_EMAIL)).first() is not None


def _email(prefix: str, category_slug: str) -> str:
    return f"{prefix}.{category_slug.replace('-', '')}@consult.example"


def load(context: dict[str, Any]) -> None:
    from consult.accounts.services import hash_password

    now = utcnow()
    password_hash = hash_password(DEMO_PASSWORD)  # argon2 is slow by design: hash once
    categories = {c.slug: c for c in db.session.scalars(select(StakeholderCategory))}

    admin = User(
        email=ADMIN_EMAIL,
        display_name="Demo Administrator",
        password_hash=password_hash,
        email_verified_at=now,
        is_admin=True,
    )
    db.session.add(admin)
    db.session.flush()
    context["admin"] = admin

    organisations: list[Organisation] = []
    for index, (name, slug, country, register_id, status, state, extra) in enumerate(ORGANISATIONS):
        pillar_ii = status == PACT_PILLAR_II
        organisations.append(
            Organisation(
                name=name,
                category=categories[slug],
                country=country,
                transparency_register_id=register_id,
                pact_status=status,
                pact_pledge_date=date(2025, 1, 15) + timedelta(days=23 * index)
                if pillar_ii
                else None,
                pact_pledges=[*PACT_CORE_PLEDGES, *extra] if pillar_ii else [],
                pact_verified_at=now - timedelta(days=40 - index) if state == V else None,
                pact_verified_by_id=admin.id if state == V else None,
            )
        )
    db.session.add_all(organisations)
    db.session.flush()
    for organisation in organisations:
        if organisation.pact_verified_at is not None:
            audit.record(
                admin,
                "organisation.pact_verify",
                organisation,
                f"{organisation.name}: {organisation.pact_label} verified",
                after=pact_snapshot(organisation),
            )
    context["organisations"] = organisations

    stakeholders: list[User] = []
    for slug, people in STAKEHOLDERS.items():
        for prefix, name, org_index, bio in people:
            stakeholders.append(
                User(
                    email=_email(prefix, slug),
                    display_name=name,
                    password_hash=password_hash,
                    organisation=organisations[org_index] if org_index is not None else None,
                    independent_category=categories[slug] if org_index is None else None,
                    email_verified_at=now,
                    bio=bio,
                    listed_publicly=bool(bio),
                    notify_mode="daily" if len(stakeholders) % 5 == 4 else "immediate",
                    # Two people read the site and their e-mails in their own language.
                    locale=DEMO_LOCALES.get(prefix),
                )
            )
    staff = {
        key: User(
            email=f"{key}@consult.example",
            display_name=name,
            password_hash=password_hash,
            independent_category=categories["academia"] if "chair" in key else None,
            email_verified_at=now,
            bio=bio,
        )
        for key, name, bio in STAFF
    }
    unverified = User(
        email="rui.unverified@consult.example",
        display_name="Rui Almeida",
        password_hash=password_hash,
        organisation=organisations[10],
        independent_category=categories["sme"],
        email_verified_at=None,
    )
    pending = User(
        email=PENDING_EMAIL,
        display_name="Paul Novak",
        password_hash=password_hash,
        organisation=organisations[0],
        independent_category=categories["industry"],
        email_verified_at=now,
        bio="Says he works on Northwind's model evaluations.",
    )
    db.session.add_all([*stakeholders, *staff.values(), unverified, pending])
    db.session.flush()
    _memberships(admin, organisations, [*stakeholders, unverified, pending], now)
    context["stakeholders"] = stakeholders
    context["staff"] = staff


def _memberships(
    admin: User, organisations: list[Organisation], people: list[User], now: Any
) -> None:
    """Verified organisations, confirmed ties (the first person listed represents the
    organisation), two pending people, and one verified e-mail domain."""
    for index, organisation in enumerate(organisations):
        if index != UNVERIFIED_ORGANISATION:
            organisation.verified_at = now - timedelta(days=60 - index)
    represented: set[int] = set()
    for person in people:
        if person.organisation is None:
            continue
        org_id = person.organisation.id
        pending = not person.is_verified or person.email == PENDING_EMAIL
        db.session.add(
            OrganisationMembership(
                organisation_id=org_id,
                user_id=person.id,
                status=TIE_PENDING if pending else TIE_CONFIRMED,
                is_representative=not pending and org_id not in represented,
                confirmed_via=None if pending else "admin",
                decided_by_id=None if pending else admin.id,
                decided_at=None if pending else now - timedelta(days=30),
            )
        )
        if not pending:
            represented.add(org_id)
    domain, org_index = DEMO_DOMAIN
    db.session.add(
        OrganisationDomain(
            organisation_id=organisations[org_index].id, domain=domain, added_by_id=admin.id
        )
    )
    db.session.flush()
    for person in people:  # their ties were read (as none) before the rows existed
        db.session.expire(person, ["organisation_tie"])
