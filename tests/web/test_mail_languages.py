"""An administrator browsing in English acts; each recipient's e-mail subject is in their language.

The subject used to be translated when queued, in the language of whoever acted; now it is a lazy
string rendered in the recipient's profile language (German, French, or the site's English).
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from consult.accounts.models import User
from consult.core import outbox
from consult.core.models import Notification, OutboxMessage
from consult.extensions import db as _db
from tests import factories
from tests.web.test_comments_support import published_section
from tests.web.test_moderation_support import build_consultation, login

ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def readers(db: Any) -> dict[str, User]:
    """One recipient per language: a German and a French profile, and one without a choice."""
    return {
        "de": factories.UserFactory(locale="de", display_name="Dieter"),
        "fr": factories.UserFactory(locale="fr", display_name="Bastien"),
        "en": factories.UserFactory(locale=None, display_name="Erin"),
    }


def subjects(readers: dict[str, User]) -> dict[str, list[str]]:
    """Each reader's outbox subjects, by the reader's language."""
    found: dict[str, list[str]] = {}
    for language, user in readers.items():
        found[language] = list(
            _db.session.scalars(
                select(OutboxMessage.subject)
                .where(OutboxMessage.user_id == user.id)
                .order_by(OutboxMessage.id)
            )
        )
    return found


def english_admin(client: Any) -> User:
    admin = factories.UserFactory(is_admin=True, locale="en", display_name="Ada Admin")
    login(client, admin)
    return admin


def test_an_english_administrator_hides_comments_each_author_told_in_their_language(
    client: Any, readers: dict[str, User]
) -> None:
    section = published_section()
    comments = {
        lang: factories.CommentFactory(section=section, author=user)
        for lang, user in readers.items()
    }
    english_admin(client)
    for comment in comments.values():
        response = client.post(
            f"/comments/{comment.id}/hide", data={"reason": "Advertising."}, headers=ENGLISH
        )
        assert response.status_code == 302
    assert subjects(readers) == {
        "de": ["Ein Moderator hat Ihren Kommentar ausgeblendet"],
        "fr": ["Un modérateur a masqué votre commentaire"],
        "en": ["A moderator hid your comment"],
    }


def test_reporters_learn_the_outcome_in_their_language_outcome_word_included(
    client: Any, readers: dict[str, User]
) -> None:
    comment = factories.CommentFactory(section=published_section(), body="Off-topic rant.")
    reports = [factories.ReportFactory(comment=comment, reporter=user) for user in readers.values()]
    english_admin(client)
    response = client.post(
        f"/reports/{reports[0].id}/uphold", data={"reason": "Off-topic."}, headers=ENGLISH
    )
    assert response.status_code == 302 and comment.state == "hidden"
    n = comment.id
    assert subjects(readers) == {
        "de": [f"Ihre Meldung zu Kommentar #{n}: der Kommentar wurde ausgeblendet"],
        "fr": [f"Votre signalement du commentaire #{n} : le commentaire a été masqué"],
        "en": [f"Your report on comment #{n}: the comment was hidden"],
    }
    # The outcome word travels into the body too: it was translated for the moderator before.
    body = _db.session.scalars(
        select(OutboxMessage.body_text).where(OutboxMessage.user_id == readers["de"].id)
    ).one()
    assert "der Kommentar wurde ausgeblendet" in body


def test_a_disposition_reaches_the_author_in_their_language(
    client: Any, readers: dict[str, User]
) -> None:
    c = build_consultation(comments=0)
    comments = [
        factories.CommentFactory(section=c.sections[0], author=user) for user in readers.values()
    ]
    english_admin(client)
    for comment in comments:
        response = client.post(
            c.url(f"triage/{comment.id}"),
            data={"outcome": "accepted", "rationale": "Agreed."},
            headers=ENGLISH,
        )
        assert response.status_code == 302
    de, fr, en = (comment.id for comment in comments)
    assert subjects(readers) == {
        "de": [f"Ihr Kommentar #{de} wurde beantwortet: Angenommen"],
        "fr": [f"Votre commentaire n° {fr} a reçu une suite : Acceptée"],
        "en": [f"Your comment #{en} has been answered: Accepted"],
    }


def test_membership_decisions_follow_the_requester(client: Any, readers: dict[str, User]) -> None:
    group = factories.GroupFactory(name="Transparency")
    requests = [
        factories.MembershipFactory(
            group=group, user=user, role="observer", status="requested", decided_at=None
        )
        for user in readers.values()
    ]
    english_admin(client)
    for membership in requests:
        response = client.post(
            f"/groups/{group.slug}/requests/{membership.id}/approve",
            data={"approve-role": "observer"},
            headers=ENGLISH,
        )
        assert response.status_code == 302
    assert subjects(readers) == {
        "de": ["Ihr Antrag auf Beitritt zu Transparency: angenommen"],
        "fr": ["Votre demande pour rejoindre Transparency : approuvée"],
        "en": ["Your request to join Transparency: approved"],
    }


def test_organisation_verified_told_to_each_representative_in_their_language(
    client: Any, db: Any
) -> None:
    organisation = factories.OrganisationFactory(name="Northwind", verified_at=None)
    readers = {
        lang: factories.UserFactory(
            organisation=organisation, locale=lang, tie__representative=True
        )
        for lang in ("de", "fr", "en")
    }
    english_admin(client)
    response = client.post(f"/admin/organisations/{organisation.id}/verify", headers=ENGLISH)
    assert response.status_code == 302 and organisation.verified_at is not None
    assert subjects(readers) == {
        "de": ["Northwind wurde verifiziert"],
        "fr": ["Northwind a été vérifiée"],
        "en": ["Northwind has been verified"],
    }


def test_a_reply_is_announced_in_the_parent_authors_language(
    client: Any, readers: dict[str, User]
) -> None:
    section = published_section()
    parents = [factories.CommentFactory(section=section, author=user) for user in readers.values()]
    replier = factories.UserFactory(locale="en", display_name="Rita Replier")
    login(client, replier)
    for parent in parents:
        response = client.post(
            f"/comments/{parent.id}/reply", data={"body": "I agree."}, headers=ENGLISH
        )
        assert response.status_code == 302
    assert subjects(readers) == {
        "de": ["Rita Replier hat auf Ihren Kommentar geantwortet"],
        "fr": ["Rita Replier a répondu à votre commentaire"],
        "en": ["Rita Replier replied to your comment"],
    }


def test_the_daily_digest_subject_is_in_the_recipients_language(app: Any, db: Any) -> None:
    reader = factories.UserFactory(locale="de", notify_mode="daily")
    for text in ("one", "two"):
        _db.session.add(Notification(user_id=reader.id, subject=text, body_text=text))
    _db.session.flush()
    with app.test_request_context("/", headers=ENGLISH):
        assert outbox.build_digests(lambda user_id: _db.session.get(User, user_id)) == 1
    digest = _db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.user_id == reader.id)
    ).one()
    assert digest.subject == "Ihre tägliche Zusammenfassung: 2 Neuigkeiten"
