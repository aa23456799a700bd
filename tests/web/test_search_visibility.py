"""Search shows each role exactly what it may read: confidential, hidden, members-only, drafts."""

from __future__ import annotations

import pytest

from consult.comments.models import STATE_HIDDEN
from consult.extensions import db
from tests import factories

WORDS = ("alpaca", "bison", "caracal", "dingo", "eland", "fossa", "gerenuk")
PUBLIC, SECRET, ANSWER, HIDDEN, MEMBERS, MEMBERS_COMMENT, DRAFT = WORDS
EXPECTED = {
    "visitor": {PUBLIC},
    "stakeholder": {PUBLIC},
    "other_chair": {PUBLIC},
    "author": {PUBLIC, SECRET, ANSWER},
    "member": {PUBLIC, MEMBERS, MEMBERS_COMMENT},
    "moderator": {PUBLIC, SECRET, ANSWER, MEMBERS, MEMBERS_COMMENT, DRAFT},
    "admin": {PUBLIC, SECRET, ANSWER, MEMBERS, MEMBERS_COMMENT, DRAFT},
}


def _published(document, number, body):
    version = factories.VersionFactory(document=document, number=number, status="editing")
    section = factories.SectionFactory(version=version, body=body)
    version.status = "published"
    db.session.flush()
    return section


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_finds_only_what_it_may_read(client, login_as, role):
    group = factories.GroupFactory()
    user = login_as("stakeholder" if role == "author" else role, group=group)
    author = user if role == "author" else factories.UserFactory()
    public_doc = factories.DocumentFactory(group=group)
    section = _published(public_doc, 1, "Okapi text.")
    factories.CommentFactory(section=section, body=f"Okapi {PUBLIC}.")
    secret = factories.CommentFactory(
        section=section, author=author, is_confidential=True, body=f"Okapi {SECRET}."
    )
    factories.DispositionFactory(comment=secret, rationale=f"Okapi {ANSWER}.")
    factories.CommentFactory(section=section, body=f"Okapi {HIDDEN}.", state=STATE_HIDDEN)
    draft = factories.VersionFactory(document=public_doc, number=2, status="editing")
    factories.SectionFactory(version=draft, body=f"Okapi {DRAFT}.")
    members_doc = factories.DocumentFactory(group=group, visibility="members")
    members_section = _published(members_doc, 1, f"Okapi {MEMBERS}.")
    factories.CommentFactory(section=members_section, body=f"Okapi {MEMBERS_COMMENT}.")
    db.session.commit()

    page = client.get("/search", query_string={"q": "okapi"}).get_data(as_text=True)
    found = {word for word in WORDS if word in page}
    assert found == EXPECTED[role]
    # Facets count only what the role may read (no document title leaks through a facet).
    assert (members_doc.title in page) == (MEMBERS in EXPECTED[role])
    for word in set(WORDS) - EXPECTED[role]:
        direct = client.get("/search", query_string={"q": word}).get_data(as_text=True)
        assert "0 results" in direct
