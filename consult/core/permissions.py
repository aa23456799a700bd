"""The one policy module: can_view / can_comment / can_moderate / can_publish and friends.

Views call `require(...)`; templates call the same functions (registered as Jinja globals).
Group roles live on approved memberships; `admin` is the only global role. The functions
look at objects by their table so this lowest layer needs no import of the domains above.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NoReturn

from flask import abort
from flask_login import current_user

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
        return "Sign in to comment."
    if not user.is_active:
        return "Your account is disabled."
    if not user.is_verified:
        return "Confirm your e-mail address before commenting."
    if not can_view(user, version):
        return "You cannot see this draft."
    if version.status == "editing":
        return "This version has not been published yet."
    state = version.window_state(now or utcnow())
    if state != "open":
        return {
            "none": "This version is not open for comments.",
            "upcoming": "The consultation on this version has not opened yet.",
            "closed": "The consultation on this version has closed.",
        }[state]
    document = _document(version)
    if document.visibility != "public" and not is_admin(user):
        role = group_role(user, document.group_id)
        if role == "observer" and not document.group.observers_may_comment:
            return "Observers of this working group may read but not comment."
    return None


def can_comment(user: Any, version: Any) -> bool:
    return comment_refusal(user, version) is None


def can_edit_comment(user: Any, comment: Any, now: datetime | None = None) -> bool:
    """Authors edit or delete their own comments while the window is open."""
    if not _authenticated(user) or comment.author_id != user.id or comment.state != "visible":
        return False
    return comment.section.version.window_state(now or utcnow()) == "open"


def can_administer(user: Any) -> bool:
    return is_admin(user)


def can_declare_pact(user: Any, organisation: Any) -> bool:
    """Declare an organisation's AI Pact status: its verified members, and admins."""
    if is_admin(user):
        return True
    return (
        _authenticated(user)
        and user.is_active
        and user.is_verified
        and user.organisation_id is not None
        and user.organisation_id == organisation.id
    )


def require(allowed: bool) -> None:
    """Abort unless allowed: anonymous users go to sign-in, others get 403."""
    if allowed:
        return
    _deny()


def require_visible(allowed: bool) -> None:
    """404 unless allowed, so existence is not leaked; a signed-out reader signs in first.

    A members-only link followed while signed out leads to the sign-in page and back here;
    a signed-in reader who may not see the page gets the same 404 as for a missing one.
    """
    if allowed:
        return
    if not _authenticated(current_user):
        _deny()
    abort(404)


def _deny() -> NoReturn:
    from consult.extensions import login_manager

    if not _authenticated(current_user):
        abort(login_manager.unauthorized())
    abort(403)


TEMPLATE_GLOBALS = {
    "can_view": can_view,
    "can_comment": can_comment,
    "comment_refusal": comment_refusal,
    "can_moderate": can_moderate,
    "can_publish": can_publish,
    "can_manage_group": can_manage_group,
    "can_configure_group": can_configure_group,
    "can_join_group": can_join_group,
    "can_change_role": can_change_role,
    "can_appoint_chair": can_appoint_chair,
    "can_edit_comment": can_edit_comment,
    "can_administer": can_administer,
    "can_declare_pact": can_declare_pact,
    "is_member": is_member,
    "group_role": group_role,
}
