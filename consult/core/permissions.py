"""The one policy module: can_view / can_comment / can_moderate / can_publish and friends.

Views call `require(...)`; templates call the same functions (registered as Jinja globals).
Group roles live on approved memberships; `admin` is the only global role. The functions
look at objects by their table so this lowest layer needs no import of the domains above.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NoReturn

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import ObjectDeletedError

from consult.db import utcnow

MODERATING_ROLES = frozenset({"chair", "vice_chair", "moderator"})
CHAIR_ROLES = frozenset({"chair", "vice_chair"})


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def is_admin(user: Any) -> bool:
    return _authenticated(user) and bool(user.is_admin) and user.is_active


def group_role(user: Any, group_id: int | None) -> str | None:
    """The user's role in a working group, if their membership there is approved."""
    if not _authenticated(user) or group_id is None or not user.is_active:
        return None
    for membership in user.memberships:  # loaded once per request (selectin)
        if membership.group_id == group_id and membership.status == "approved":
            return str(membership.role)
    return None


def _group_id(obj: Any) -> int | None:
    """The working group an object belongs to (group, document, version, section, comment)."""
    table = getattr(obj, "__tablename__", None)
    if table == "working_groups":
        return int(obj.id)
    if table == "documents":
        return int(obj.group_id)
    if table == "versions":
        return int(obj.document.group_id)
    if table == "sections":
        return int(obj.version.document.group_id)
    if table == "comments":
        return _group_id(obj.section)
    if table == "revisions":
        return _group_id(obj.version)
    if table == "events":
        return int(obj.group_id)
    raise TypeError(f"no working group for {obj!r}")


def _document(obj: Any) -> Any:
    table = getattr(obj, "__tablename__", None)
    if table == "documents":
        return obj
    if table == "versions":
        return obj.document
    if table == "sections":
        return obj.version.document
    if table == "comments":
        return obj.section.version.document
    if table == "revisions":
        return obj.version.document
    return None


def _version(obj: Any) -> Any:
    table = getattr(obj, "__tablename__", None)
    if table == "versions":
        return obj
    if table == "sections":
        return obj.version
    if table == "comments":
        return obj.section.version
    return None


def is_member(user: Any, obj: Any) -> bool:
    """An approved member of the object's group, in any role (observers included)."""
    return group_role(user, _group_id(obj)) is not None


def can_moderate(user: Any, obj: Any) -> bool:
    """Triage, hide, record dispositions, prepare revisions: moderators, chairs, admins."""
    return is_admin(user) or group_role(user, _group_id(obj)) in MODERATING_ROLES


def can_publish(user: Any, obj: Any) -> bool:
    """Create documents and publish versions: chairs and vice-chairs of the group, admins."""
    return is_admin(user) or group_role(user, _group_id(obj)) in CHAIR_ROLES


def can_manage_group(user: Any, group: Any) -> bool:
    """Approve requests, appoint vice-chairs and moderators: chairs, vice-chairs, admins."""
    return can_publish(user, group)


def can_join_group(user: Any, group: Any) -> bool:
    """Ask to join a working group: any signed-in stakeholder whose e-mail is confirmed."""
    return _authenticated(user) and user.is_active and bool(user.is_verified)


def can_report(user: Any) -> bool:
    """Report a comment to the moderators: signed-in people whose e-mail is confirmed (a
    throw-away account cannot flood the moderators' queue)."""
    return _authenticated(user) and user.is_active and bool(user.is_verified)


def can_configure_group(user: Any, group: Any) -> bool:
    """Edit a group's mandate and admission settings: its chairs and admins."""
    return is_admin(user) or group_role(user, group.id) == "chair"


# The group roles each role may give or take away (admins: every role, chairs included).
ASSIGNABLE_ROLES = {
    "chair": frozenset({"vice_chair", "moderator", "member", "observer"}),
    "vice_chair": frozenset({"moderator", "member", "observer"}),
}
ALL_GROUP_ROLES = frozenset({"chair", "vice_chair", "moderator", "member", "observer"})


def assignable_roles(user: Any, group: Any) -> frozenset[str]:
    if is_admin(user):
        return ALL_GROUP_ROLES
    return ASSIGNABLE_ROLES.get(group_role(user, group.id) or "", frozenset())


def can_change_role(user: Any, membership: Any, role: str | None = None) -> bool:
    """Move an approved membership from its role to `role` (any assignable one if None).

    Both roles must be ones `user` may assign, so a vice-chair can neither appoint nor
    demote a vice-chair; only admins change their own role.
    """
    if not _authenticated(user) or membership.status != "approved":
        return False
    if membership.user_id == user.id and not is_admin(user):
        return False
    allowed = assignable_roles(user, membership.group)
    return membership.role in allowed and (role is None or role in allowed)


def can_appoint_chair(user: Any, group: Any) -> bool:
    return is_admin(user)


def can_view(user: Any, obj: Any) -> bool:
    """Read a group, document, version, section or comment."""
    table = getattr(obj, "__tablename__", None)
    if table == "working_groups":
        return True
    if table == "comments":
        if not can_view(user, obj.section.version):
            return False
        if obj.is_confidential:
            return (_authenticated(user) and obj.author_id == user.id) or can_moderate(user, obj)
        return True
    document = _document(obj)
    if document is None:
        raise TypeError(f"can_view does not know {obj!r}")
    if document.visibility != "public" and not (is_admin(user) or is_member(user, document)):
        return False
    version = _version(obj)
    if version is not None and version.status == "editing":
        return can_moderate(user, version)
    return True


def comment_refusal(user: Any, version: Any, now: datetime | None = None) -> str | None:
    """Why `user` may not comment on `version` now, as a sentence; None if they may."""
    if not _authenticated(user):
        return _("Sign in to comment.")
    if not user.is_active:
        return _("Your account is disabled.")
    if not user.is_verified:
        return _("Confirm your e-mail address before commenting.")
    if not can_view(user, version):
        return _("You cannot see this draft.")
    if version.status == "editing":
        return _("This version has not been published yet.")
    state = version.window_state(now or utcnow())
    if state != "open":
        return {
            "none": _("This version is not open for comments."),
            "upcoming": _("The consultation on this version has not opened yet."),
            "closed": _("The consultation on this version has closed."),
        }[state]
    document = _document(version)
    if document.visibility != "public" and not is_admin(user):
        role = group_role(user, document.group_id)
        if role == "observer" and not document.group.observers_may_comment:
            return _("Observers of this working group may read but not comment.")
    return None


def can_comment(user: Any, version: Any) -> bool:
    return comment_refusal(user, version) is None


def can_edit_comment(user: Any, comment: Any, now: datetime | None = None) -> bool:
    """Authors edit or delete their own comments while the window is open, until the comment
    is part of the record (answered, linked to a change, or the original of a duplicate)."""
    if not _authenticated(user) or comment.author_id != user.id or comment.state != "visible":
        return False
    if comment.locked_reason:
        return False
    return comment.section.version.window_state(now or utcnow()) == "open"


def can_use_desk(user: Any) -> bool:
    """The staff desk: admins and anyone who moderates or chairs a working group."""
    if is_admin(user):
        return True
    if not _authenticated(user) or not user.is_active:
        return False
    try:
        return any(m.status == "approved" and m.role in MODERATING_ROLES for m in user.memberships)
    except ObjectDeletedError:  # an error page after a rollback: the header link is optional
        return False


def can_administer(user: Any) -> bool:
    return is_admin(user)


def _confirmed_tie(user: Any, organisation: Any) -> Any:
    """The user's confirmed tie to `organisation` (verified e-mail, active account), or None."""
    if not (_authenticated(user) and user.is_active and user.is_verified):
        return None
    if organisation is None or user.organisation_id != organisation.id:
        return None
    tie = getattr(user, "organisation_tie", None)
    return tie if tie is not None and tie.status == "confirmed" else None


def is_representative(user: Any, organisation: Any) -> bool:
    """A confirmed representative of this organisation (provisional ones included)."""
    tie = _confirmed_tie(user, organisation)
    return bool(tie is not None and tie.is_representative)


def can_represent(user: Any, organisation: Any) -> bool:
    """Change an organisation's details and AI Pact declaration, decide who belongs to it,
    name representatives, manage its e-mail domains: its representatives, and admins."""
    return is_admin(user) or is_representative(user, organisation)


def can_use_workspace(user: Any, organisation: Any) -> bool:
    """An organisation's private workspace (co-drafted comments, internal notes): its
    confirmed members only; not admins, not moderators (issue 17)."""
    return _confirmed_tie(user, organisation) is not None


def can_approve_drafts(user: Any, organisation: Any) -> bool:
    """Approve the workspace's drafts, publishing them on the organisation's behalf."""
    return is_representative(user, organisation)


def can_declare_pact(user: Any, organisation: Any) -> bool:
    """Declare an organisation's AI Pact status (or ask to change a verified one)."""
    return can_represent(user, organisation)


def can_adopt(user: Any, document: Any) -> bool:
    """Propose a chapter's final version as adopted: chairs and vice-chairs of its group, admins."""
    return can_publish(user, document)


def can_confirm_adoption(user: Any) -> bool:
    """Confirm an adoption (it is shown as adopted only then): administrators only."""
    return is_admin(user)


def can_withdraw_adoption(user: Any, adoption: Any) -> bool:
    """Ask to withdraw an adoption made in error (an administrator confirms): as for adopting."""
    return adoption.is_adopted and can_adopt(user, adoption.version)


def can_sign(user: Any, organisation: Any) -> bool:
    """Sign a code, sign more chapters, withdraw: representatives of a verified organisation."""
    return (
        organisation is not None
        and organisation.verified_at is not None
        and is_representative(user, organisation)
    )


def can_verify_signature(user: Any) -> bool:
    """Verify or reject signatures, manage codes, commitments and report rounds: admins only."""
    return is_admin(user)


def can_view_signature(user: Any, signature: Any) -> bool:
    """A verified signature is public; before that only its organisation and admins see it."""
    if signature.status == "verified":
        return True
    return is_admin(user) or is_representative(user, signature.organisation)


def can_report_signatory(user: Any, signature: Any) -> bool:
    """File a signed chapter's implementation report: representatives of the signing
    organisation, while its signature is verified and not withdrawn."""
    return (
        signature.status == "verified"
        and signature.withdrawn_at is None
        and can_sign(user, signature.organisation)
    )


def can_pledge(user: Any, organisation: Any) -> bool:
    """Publish an AI Pact pledge and file its reports: representatives of a verified
    organisation that declared pillar II."""
    return can_sign(user, organisation) and organisation.pact_status == "pillar_ii"


def can_view_person(user: Any, person: Any) -> bool:
    """A person's public page: when they chose to be listed; always for themselves and admins."""
    if person is None or not person.is_active:
        return is_admin(user)
    if person.listed_publicly:
        return True
    return is_admin(user) or (_authenticated(user) and user.id == person.id)


def can_manage_event(user: Any, obj: Any) -> bool:
    """Create, edit, cancel events, invite, answer and merge questions, hide them, record
    minutes and attendance: the group's chairs and vice-chairs, and admins."""
    return can_publish(user, obj)


def event_registration_refusal(user: Any, event: Any, status: str | None) -> str | None:
    """Why `user` may not register for `event` (their registration status: `status`)."""
    # Whatever the person: a cancelled or past event takes no registration (not "sign in").
    if event.status == "cancelled":
        return _("This event has been cancelled.")
    if event.ends_at <= utcnow():
        return _("This event has taken place; registration is closed.")
    if not _authenticated(user):
        return _("Sign in to register.")
    if not (user.is_active and user.is_verified):
        return _("Confirm your e-mail address before registering.")
    if status in ("registered", "waiting"):
        return _("You are already registered.")
    if can_manage_event(user, event):
        return None
    if event.access == "members" and not is_member(user, event):
        return _("Only members of the working group may register.")
    if event.access == "invitation" and status != "invited":
        return _("This event is by invitation only.")
    return None


def can_register_event(user: Any, event: Any, status: str | None) -> bool:
    return event_registration_refusal(user, event, status) is None


def can_see_online_link(user: Any, event: Any, status: str | None) -> bool:
    """The online link: registered participants (not the waiting list), chairs and admins."""
    return status == "registered" or can_manage_event(user, event)


def can_download_event_file(user: Any, event: Any) -> bool:
    """Slides and other files of an event: whoever sees the event page; a members-only
    meeting's files only for the group's members (observers included), chairs and admins."""
    if event is None:
        return False
    if not can_view(user, event.group):
        return False
    if event.access == "members":
        return is_admin(user) or is_member(user, event)
    return True


def can_ask_question(user: Any, event: Any, status: str | None) -> bool:
    """Questions to the chairs: registered participants, until the event ends."""
    if not (_authenticated(user) and user.is_active and user.is_verified):
        return False
    if event.status == "cancelled" or event.ends_at <= utcnow():
        return False
    return status == "registered" or can_manage_event(user, event)


def can_support_question(user: Any, question: Any, event: Any) -> bool:
    """Support a question: any verified stakeholder but its author, while it is open."""
    if not (_authenticated(user) and user.is_active and user.is_verified):
        return False
    if question.author_id == user.id or question.status != "open" or question.hidden_reason:
        return False
    return event.status != "cancelled"


def can_moderate_questions(user: Any, obj: Any) -> bool:
    """Decide reports on questions (hide with a reason, or keep): as for comments, the group's
    moderators, chairs and vice-chairs, and admins."""
    return can_moderate(user, obj)


def can_report_question(user: Any, question: Any) -> bool:
    """As for comments: a confirmed e-mail address, and not one's own question."""
    return can_report(user) and question.author_id != user.id


def require(allowed: bool) -> None:
    """Abort unless allowed: anonymous users go to sign-in, others get 403."""
    if allowed:
        return
    _deny()


def require_visible(allowed: bool) -> None:
    """Like require(), but a signed-in person who may not see it gets 404, as if it did not
    exist: a members-only document must not be told apart from a missing one."""
    if allowed:
        return
    if _authenticated(current_user):
        abort(404)
    _deny()


def _deny() -> NoReturn:
    from consult.extensions import login_manager

    if not _authenticated(current_user):
        abort(login_manager.unauthorized())
    abort(403)


TEMPLATE_GLOBALS = {
    "can_view": can_view,
    "can_comment": can_comment,
    "can_use_workspace": can_use_workspace,
    "can_approve_drafts": can_approve_drafts,
    "comment_refusal": comment_refusal,
    "can_moderate": can_moderate,
    "can_publish": can_publish,
    "can_manage_group": can_manage_group,
    "can_configure_group": can_configure_group,
    "can_join_group": can_join_group,
    "can_report": can_report,
    "can_change_role": can_change_role,
    "can_appoint_chair": can_appoint_chair,
    "can_edit_comment": can_edit_comment,
    "can_administer": can_administer,
    "can_use_desk": can_use_desk,
    "can_declare_pact": can_declare_pact,
    "can_represent": can_represent,
    "can_view_person": can_view_person,
    "can_adopt": can_adopt,
    "can_confirm_adoption": can_confirm_adoption,
    "can_sign": can_sign,
    "can_verify_signature": can_verify_signature,
    "can_pledge": can_pledge,
    "can_report_signatory": can_report_signatory,
    "can_withdraw_adoption": can_withdraw_adoption,
    "is_member": is_member,
    "can_manage_event": can_manage_event,
    "can_register_event": can_register_event,
    "event_registration_refusal": event_registration_refusal,
    "can_see_online_link": can_see_online_link,
    "can_download_event_file": can_download_event_file,
    "can_ask_question": can_ask_question,
    "can_support_question": can_support_question,
    "can_report_question": can_report_question,
    "can_moderate_questions": can_moderate_questions,
    "group_role": group_role,
}
