"""Password reset by e-mailed token, the profile page and changing the password."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from flask import g
from sqlalchemy import select

from consult.accounts import services
from consult.core.models import OutboxMessage
from consult.extensions import db as _db
from tests.factories import PASSWORD, UserFactory

NEW_PASSWORD = "harbour-violet-kettle-42"


def mails_to(address):
    return _db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_addr == address).order_by(OutboxMessage.id)
    ).all()


def status_of(client, url):
    """GET as that client: requests share the test's app context, so forget Flask-Login's
    cached user first (as login_as does) or one client would see the other's user."""
    g.pop("_login_user", None)
    return client.get(url).status_code


def reset_path(user):
    [mail] = [m for m in mails_to(user.email) if m.subject == "Reset your password"]
    match = re.search(r"http://localhost(/reset/\S+)", mail.body_text)
    assert match, mail.body_text
    return match.group(1)


def test_reset_request_answers_the_same_whether_or_not_the_account_exists(client, db):
    user = UserFactory(email="ada@example.org")
    known = client.post("/reset", data={"email": "ADA@example.org"})
    unknown = client.post("/reset", data={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    strip = lambda page: page.replace("ADA@example.org", "X").replace("nobody@example.org", "X")  # noqa: E731
    assert strip(known.get_data(as_text=True)) == strip(unknown.get_data(as_text=True))
    assert len(mails_to(user.email)) == 1
    assert mails_to("nobody@example.org") == []


def test_reset_request_needs_a_valid_address(client, db):
    response = client.post("/reset", data={"email": "not-an-address"})
    assert "Enter an e-mail address in the right format" in response.get_data(as_text=True)
    assert 'value="not-an-address"' in response.get_data(as_text=True)


def test_reset_sets_password_signs_in_and_ends_other_sessions(app, client, db):
    user = UserFactory(email="ada@example.org", email_verified_at=None)
    other_device = app.test_client()
    other_device.post("/login", data={"email": "ada@example.org", "password": PASSWORD})
    assert status_of(other_device, "/me/profile") == 200
    g.pop("_login_user", None)
    client.post("/reset", data={"email": "ada@example.org"})
    path = reset_path(user)
    assert "Choose a new password" in client.get(path).get_data(as_text=True)
    response = client.post(path, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/me/profile"
    assert status_of(client, "/me/profile") == 200  # signed in here
    assert status_of(other_device, "/me/profile") == 302  # signed out there
    assert services.authenticate("ada@example.org", NEW_PASSWORD) is not None
    assert services.authenticate("ada@example.org", PASSWORD) is None
    assert user.email_verified_at is not None  # the link proved the address
    assert any(m.subject == "Your password was changed" for m in mails_to(user.email))
    # Single use: the link was bound to the old password.
    again = client.post(path, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert again.status_code == 400
    assert "This reset link does not work" in again.get_data(as_text=True)


def test_reset_refuses_a_weak_password_and_keeps_the_old_one(client, db):
    user = UserFactory(email="ada@example.org", display_name="Ada Lovelace")
    client.post("/reset", data={"email": "ada@example.org"})
    path = reset_path(user)
    for weak, message in [("qwerty123456", "too easy to guess"), ("lovelace-1815-x", "your name")]:
        response = client.post(path, data={"password": weak, "password_confirm": weak})
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and message in page
    assert services.authenticate("ada@example.org", PASSWORD) is not None


def test_expired_and_tampered_reset_links(client, db):
    user = UserFactory(email="ada@example.org")
    client.post("/reset", data={"email": "ada@example.org"})
    path = reset_path(user)
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=3), tick=False):
        response = client.get(path)
    assert response.status_code == 400
    assert "This reset link has expired" in response.get_data(as_text=True)
    tampered = client.get(path.replace(".", "!", 1))
    assert tampered.status_code == 400
    assert "This reset link does not work" in tampered.get_data(as_text=True)
    # A verification token is not a reset token (different salt).
    verify_token = services.verification_token(user)
    assert client.get(f"/reset/{verify_token}").status_code == 400


def test_disabled_account_gets_no_reset_mail(client, db):
    user = UserFactory(email="ada@example.org", is_disabled=True)
    client.post("/reset", data={"email": "ada@example.org"})
    assert mails_to(user.email) == []


# -- profile --------------------------------------------------------------------------------


def test_profile_shows_email_state_and_organisation(client, login_as):
    user = login_as("unverified")
    page = client.get("/me/profile").get_data(as_text=True)
    assert user.email in page and "Not confirmed yet" in page
    assert user.organisation.name in page
    assert "Industry" in page
    login_as("stakeholder")
    assert "Confirmed" in client.get("/me/profile").get_data(as_text=True)


def test_profile_requires_sign_in(client, db):
    response = client.get("/me/profile")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_update_profile(client, login_as):
    user = login_as("stakeholder")
    response = client.post(
        "/me/profile",
        data={
            "display_name": "  Ada L. ",
            "bio": "Works on *evaluations*.",
            "notify_mode": "daily",
        },
    )
    assert response.status_code == 302
    assert user.display_name == "Ada L." and user.notify_mode == "daily"
    assert user.bio == "Works on *evaluations*."


def test_profile_errors_keep_input(client, login_as):
    user = login_as("stakeholder")
    response = client.post(
        "/me/profile", data={"display_name": "", "bio": "kept text", "notify_mode": "hourly"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter your name." in page and "kept text" in page
    assert user.notify_mode == "immediate"


def test_change_password(app, client, login_as):
    user = login_as("stakeholder")
    other_device = app.test_client()
    other_device.post("/login", data={"email": user.email, "password": PASSWORD})
    g.pop("_login_user", None)
    response = client.post(
        "/me/password",
        data={
            "current_password": "wrong",
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
        },
    )
    assert "Your current password is not correct." in response.get_data(as_text=True)
    response = client.post(
        "/me/password",
        data={
            "current_password": PASSWORD,
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert status_of(client, "/me/profile") == 200
    assert status_of(other_device, "/me/profile") == 302
    assert services.authenticate(user.email, NEW_PASSWORD) is not None


@pytest.mark.parametrize("new", ["short", "password12345"])
def test_change_password_validates_the_new_one(client, login_as, new):
    user = login_as("stakeholder")
    response = client.post(
        "/me/password",
        data={"current_password": PASSWORD, "password": new, "password_confirm": new},
    )
    assert response.status_code == 200 and "There is a problem" in response.get_data(as_text=True)
    assert services.authenticate(user.email, PASSWORD) is not None
