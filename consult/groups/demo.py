"""Demo data for groups: the four working groups, their staff, members, observers, requests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from consult.accounts.affiliation import speaking_for
from consult.accounts.models import PACT_PILLAR_II, User
from consult.db import utcnow
from consult.extensions import db
from consult.groups import queries, services
from consult.groups.models import (
    ADMISSION_OPEN,
    ADMISSION_PACT,
    ROLE_CHAIR,
    ROLE_MEMBER,
    ROLE_MODERATOR,
    ROLE_OBSERVER,
    ROLE_VICE_CHAIR,
    STATUS_APPROVED,
    Membership,
    WorkingGroup,
)

TRANSPARENCY = """\
The working group drafts the **transparency** and **copyright** chapters of the code of
practice for providers of general-purpose AI models.

On transparency, it sets out what providers document about a model (architecture, training
process, data sources, compute and energy use, intended and prohibited uses) and how that
documentation reaches the AI Office and the downstream providers who build systems on the model.

On copyright, it describes the policy a provider puts in place to respect Union copyright law:
honouring machine-readable reservations of rights when crawling, excluding piracy domains,
handling complaints from rightsholders, and mitigating infringing outputs.

The group works in public consultation rounds. Members comment on every draft; the chairs
answer each comment in the disposition report published with the next version.
"""

RISK = """\
The working group drafts the chapter on **systemic risk assessment** for general-purpose AI
models with systemic risk.

It covers the taxonomy of systemic risks (for instance cyber-offence, chemical and biological
uplift, loss of control, large-scale manipulation), how providers identify and analyse them
across the model lifecycle, which evaluations they run before and after placing a model on the
market, and when external evaluators are involved.

It also drafts the commitments on serious incident reporting: what counts as a serious
incident, the deadlines for notifying the AI Office, and what a report contains.
"""

MITIGATION = """\
The working group drafts the **technical risk mitigation** measures that providers of models
with systemic risk apply once a risk has been assessed.

Topics include safety mitigations in training and deployment, staged release and access
controls, cybersecurity of model weights and infrastructure, and the monitoring that shows a
mitigation keeps working after release.

Membership is open to every verified stakeholder, because open-source developers and
researchers who do not belong to AI Pact organisations bring essential technical expertise.
"""

GOVERNANCE = """\
The working group drafts the **internal risk management and governance** chapter: how a
provider allocates responsibility for systemic risk, what its management body oversees, how
it keeps records of its assessments, and how it reports to the AI Office.

It also proposes how the code itself is reviewed and updated as the state of the art evolves.
"""

# slug, name, admission rule, observers may comment, mandate
GROUPS = [
    ("transparency-copyright", "Transparency and copyright", ADMISSION_PACT, False, TRANSPARENCY),
    ("risk-assessment", "Risk assessment for systemic risk", ADMISSION_PACT, False, RISK),
    ("technical-mitigation", "Technical risk mitigation", ADMISSION_OPEN, True, MITIGATION),
    ("governance", "Internal risk management and governance", ADMISSION_PACT, True, GOVERNANCE),
]
MODERATORS = {"moderator-1": "transparency-copyright", "moderator-2": "risk-assessment"}

# Statements of interest by stakeholder category, so each reads like its author's.
STATEMENTS = {
    "industry": [
        "We place general-purpose models on the EU market and want the documentation and "
        "copyright commitments to be precise enough to implement across our model families.",
        "We integrate general-purpose models into products for hospitals and need the "
        "information given to downstream providers to be specific enough to build on.",
    ],
    "sme": [
        "We fine-tune open models for European languages with a team of twelve; we want the "
        "measures to stay proportionate for small providers.",
        "As a start-up building on third-party models, we depend on the information that "
        "upstream providers must share and want to help define it.",
    ],
    "academia": [
        "Our lab evaluates frontier models for dangerous capabilities and can contribute to "
        "the design of the evaluation commitments.",
        "I research the energy use of training runs and can help define what providers should "
        "report about compute and energy.",
    ],
    "civil-society": [
        "As a civil-society organisation working on fundamental rights, we want incident "
        "reporting to cover harms to people, not only technical failures.",
        "We represent authors and performers; we want the copyright policy to give "
        "rightsholders a practical way to reserve their rights and to be heard.",
    ],
    "open-source": [
        "We maintain an open-weight model and its training code; we want the code to "
        "recognise what openly released models already publish.",
        "Our foundation hosts open datasets used for pre-training and can advise on data "
        "provenance and opt-out handling.",
    ],
}
GENERIC_STATEMENT = (
    "I follow the drafting of the code closely and would like to contribute to this group."
)
DECLINE_REASON = (
    "The group has reached the number of members it can work with in this drafting round. "
    "You are welcome to follow the public consultation and to ask again as an observer."
)


def _statement(user: User, index: int) -> str:
    category = user.category
    options = STATEMENTS.get(category.slug, []) if category is not None else []
    return options[index % len(options)] if options else GENERIC_STATEMENT


def load(context: dict[str, Any]) -> None:
    admin: User = context["admin"]
    staff: dict[str, User] = context["staff"]
    stakeholders: list[User] = context["stakeholders"]
    now = utcnow()
    groups: dict[str, WorkingGroup] = {}
    for position, (slug, name, rule, observers_comment, mandate) in enumerate(GROUPS):
        group = WorkingGroup(
            slug=slug,
            name=name,
            position=position,
            admission_rule=rule,
            observers_may_comment=observers_comment,
            mandate=mandate,
        )
        db.session.add(group)
        groups[slug] = group
    db.session.flush()

    def admit(group: WorkingGroup, user: User, role: str, days_ago: int, listed: bool) -> None:
        db.session.add(
            Membership(
                group=group,
                user=user,
                role=role,
                status=STATUS_APPROVED,
                statement=_statement(user, user.id) if role in (ROLE_MEMBER, ROLE_OBSERVER) else "",
                requested_at=now - timedelta(days=days_ago + 3),
                decided_at=now - timedelta(days=days_ago),
                decided_by_id=admin.id,
                listed_publicly=listed,
            )
        )

    for slug, group in groups.items():
        admit(group, staff[f"chair-{slug}"], ROLE_CHAIR, 60, True)
        admit(group, staff[f"vice-chair-{slug}"], ROLE_VICE_CHAIR, 60, True)
    for key, slug in MODERATORS.items():
        admit(groups[slug], staff[key], ROLE_MODERATOR, 55, True)

    # Each stakeholder takes part in about three groups in five (as member where the rule
    # allows, else observer) and has a pending request in one more.
    pending: list[tuple[WorkingGroup, User]] = []
    spare: dict[str, list[User]] = {slug: [] for slug in groups}
    for group_index, (slug, group) in enumerate(groups.items()):
        for index, user in enumerate(stakeholders):
            bucket = (index + group_index) % 5
            if bucket in (1, 2, 3):
                role = ROLE_MEMBER if queries.is_eligible(user, group) else ROLE_OBSERVER
                admit(group, user, role, 40 - index % 30, listed=index % 3 == 0)
            elif bucket == 4:
                pending.append((group, user))
            else:
                spare[slug].append(user)
    db.session.flush()

    for position, (group, user) in enumerate(pending):
        role = ROLE_MEMBER if queries.is_eligible(user, group) else ROLE_OBSERVER
        request = services.request_membership(
            group, user, role=role, statement=_statement(user, position)
        )
        request.requested_at = now - timedelta(days=position % 9, hours=position % 7)

    # One declined request and one member who left, in each group, through the services so
    # the audit trail and e-mails are those a real decision writes.
    for slug, group in groups.items():
        chair = staff[f"chair-{slug}"]
        spare_users = spare[slug]
        if len(spare_users) >= 2:
            declined, leaver = spare_users[0], spare_users[1]
            request = services.request_membership(
                group, declined, role=ROLE_OBSERVER, statement=_statement(declined, declined.id)
            )
            services.decline_request(request, reason=DECLINE_REASON, actor=chair)
            role = ROLE_MEMBER if queries.is_eligible(leaver, group) else ROLE_OBSERVER
            request = services.request_membership(
                group, leaver, role=role, statement=_statement(leaver, leaver.id)
            )
            services.approve_request(request, role=role, actor=chair)
            services.leave_group(request, user=leaver)
    # A pillar II organisation that declared but is not yet verified cannot be a member of a
    # pact group: it asks to observe (the chairs see the status beside the request).
    transparency = groups["transparency-copyright"]
    in_transparency = {user.id for g, user in pending if g is transparency}
    for user in stakeholders:
        organisation = speaking_for(user).organisation
        if (
            organisation is not None
            and organisation.pact_status == PACT_PILLAR_II
            and not organisation.pact_verified
            and user.id not in in_transparency
            and queries.membership_of(user, transparency) is None
        ):
            services.request_membership(
                transparency,
                user,
                role=ROLE_OBSERVER,
                statement="Our pledge under pillar II is awaiting verification; until then we "
                "would like to follow the transparency drafts as observers.",
            )
            break
    db.session.flush()
    context["groups"] = groups
