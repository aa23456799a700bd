"""Sign-up, e-mail verification, resending, the unverified banner and rate limits."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from consult import create_app
from consult.accounts.models import Organisation, StakeholderCategory, User
from consult.core.models import OutboxMessage
from consult.extensions import db as _db
from consult.extensions import limiter
from tests.factories import PASSWORD, OrganisationFactory, UserFactory, category

GOOD_PASSWORD = "violet-kettle-7-harbour"


def signup_data(**overrides):
    data = {
        "email": "nadia@example.org",
        "display_name": "Nadia Petrova",
        "password": GOOD_PASSWORD,
        "password_confirm": GOOD_PASSWORD,
        "affiliation": "new",
        "org_name": "Baltic Language Models AS",
        "org_category": str(category("sme").id),
        "org_country": "LV",
        "org_register_id": "123456789012-34",
    }
    data.update(overrides)
    return data


def count(model):
    return _db.session.scalar(select(func.count()).select_from(model))


def mails_to(address):
    return _db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_addr == address).order_by(OutboxMessage.id)
    ).all()


def link_in(message, path):
    match = re.search(rf"http://localhost(/{path}/[^\s]+)", message.body_text)
    assert match, message.body_text
    return match.group(1)


def test_signup_page_offers_active_categories_and_countries(client, db):
    retired = StakeholderCategory(slug="old", name="Old category", retired_at=datetime.now(UTC))
    db.session.add(retired)
    OrganisationFactory(name="Existing Org", country="FR")
    db.session.flush()
    page = client.get("/signup").get_data(as_text=True)
    assert "Create an account" in page
    assert "Civil society" in page and "Open source" in page
    assert "Old category" not in page
    assert "Existing Org (France)" in page
    assert '<optgroup label="EU and EEA">' in page and ">Latvia<" in page
    assert 'aria-controls="affiliation-new"' in page and "aria-expanded" not in page


def test_signup_with_new_organisation(client, db):
    response = client.post("/signup", data=signup_data())
    assert response.status_code == 302
    user = db.session.scalars(select(User).where(User.email == "nadia@example.org")).one()
    assert user.email_verified_at is None
    assert user.password_hash.startswith("$argon2id$")
    organisation = user.organisation
    assert organisation.name == "Baltic Language Models AS"
    assert organisation.category.slug == "sme"
    assert organisation.country == "LV"
    assert organisation.transparency_register_id == "123456789012-34"
    assert organisation.pact_status == "none"
    [mail] = mails_to("nadia@example.org")
    assert mail.subject == "Confirm your e-mail address" and mail.user_id == user.id
    home = client.get("/").get_data(as_text=True)
    assert "Nadia Petrova" in home  # signed in
    assert "We sent a link to nadia@example.org" in home
    assert "Resend the verification e-mail" in home


def test_signup_with_existing_organisation(client, db):
    organisation = OrganisationFactory(name="Lumen AI")
    response = client.post(
        "/signup",
        data=signup_data(
            email="Omar@Example.org",
            affiliation="existing",
            organisation_id=str(organisation.id),
            own_category=str(category("academia").id),
        ),
    )
    assert response.status_code == 302
    user = db.session.scalars(select(User).where(User.email == "omar@example.org")).one()
    assert user.organisation_id == organisation.id
    assert count(Organisation) == 1


def test_signup_as_independent_expert(client, db):
    response = client.post(
        "/signup",
        data=signup_data(affiliation="independent", expert_category=str(category("academia").id)),
    )
    assert response.status_code == 302
    user = db.session.scalars(select(User).where(User.email == "nadia@example.org")).one()
    assert user.organisation is None
    assert user.category.slug == "academia"
    assert user.organisation_label == "Independent expert"


def assert_refused(response, message, *, field_id):
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert f'<p id="{field_id}-error" class="govuk-error-message">' in page
    error_block = page.split(f'id="{field_id}-error"')[1][:400]
    assert message in error_block
    return page


def test_duplicate_email_case_insensitive_keeps_the_rest(client, db):
    UserFactory(email="nadia@example.org")
    before = (count(User), count(Organisation), count(OutboxMessage))
    response = client.post("/signup", data=signup_data(email="NADIA@example.org"))
    page = assert_refused(response, "already exists", field_id="email")
    assert 'value="NADIA@example.org"' in page
    assert 'value="Nadia Petrova"' in page
    assert 'value="Baltic Language Models AS"' in page
    assert 'value="123456789012-34"' in page
    assert '<option selected value="LV">' in page
    assert GOOD_PASSWORD not in page  # passwords are never sent back
    assert (count(User), count(Organisation), count(OutboxMessage)) == before


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "at least 12 characters"),
        ("Password2024!", "too easy to guess"),
        ("nadia-petrova-2024", "must not contain your e-mail address"),
        ("petrova-rules-99", "must not contain your name"),
    ],
)
def test_weak_password_refused_and_nothing_stored(client, db, password, message):
    before = (count(User), count(Organisation), count(OutboxMessage))
    response = client.post(
        "/signup", data=signup_data(password=password, password_confirm=password)
    )
    page = assert_refused(response, message, field_id="password")
    assert 'value="Baltic Language Models AS"' in page
    assert (count(User), count(Organisation), count(OutboxMessage)) == before


def test_password_confirmation_must_match(client, db):
    response = client.post("/signup", data=signup_data(password_confirm=GOOD_PASSWORD + "x"))
    assert_refused(response, "do not match", field_id="password_confirm")
    assert count(User) == 0


@pytest.mark.parametrize(
    "register_id", ["12345-67", "123456789012-345", "ABCDEFGHI-12", "1234567890"]
)
def test_malformed_register_id_refused(client, db, register_id):
    response = client.post("/signup", data=signup_data(org_register_id=register_id))
    page = assert_refused(response, "9 to 12 digits", field_id="org_register_id")
    assert f'value="{register_id}"' in page
    assert count(User) == 0 and count(Organisation) == 0


def test_new_organisation_needs_name_category_and_country(client, db):
    response = client.post(
        "/signup", data=signup_data(org_name="", org_category="", org_country="XX")
    )
    assert_refused(response, "Enter the name of the organisation", field_id="org_name")
    page = response.get_data(as_text=True)
    assert "Choose a stakeholder category" in page
    assert "Choose the country of the head office" in page
    assert count(User) == 0


def test_existing_organisation_name_is_refused_for_a_new_one(client, db):
    OrganisationFactory(name="Baltic Language Models AS")
    response = client.post("/signup", data=signup_data(org_name="baltic language models as"))
    assert_refused(response, "already registered", field_id="org_name")
    assert count(User) == 0 and count(Organisation) == 1


def test_retired_category_cannot_be_chosen(client, db):
    retired = StakeholderCategory(slug="old", name="Old category", retired_at=datetime.now(UTC))
    db.session.add(retired)
    db.session.flush()
    response = client.post(
        "/signup", data=signup_data(affiliation="independent", expert_category=str(retired.id))
    )
    assert_refused(response, "Choose a stakeholder category", field_id="expert_category")


def test_affiliation_and_organisation_are_required(client, db):
    response = client.post("/signup", data=signup_data(affiliation=""))
    assert "Choose your organisation or say you are independent" in response.get_data(as_text=True)
    response = client.post(
        "/signup", data=signup_data(affiliation="existing", organisation_id="999")
    )
    assert_refused(response, "Choose your organisation", field_id="organisation_id")
    assert count(User) == 0


def test_signed_in_user_is_sent_away_from_signup(client, login_as):
    login_as("stakeholder")
    response = client.get("/signup")
    assert response.status_code == 302 and response.headers["Location"] == "/me/profile"


# -- verification -------------------------------------------------------------------------


def signed_up(client):
    client.post("/signup", data=signup_data())
    return _db.session.scalars(select(User).where(User.email == "nadia@example.org")).one()


def test_verification_link_confirms_the_address(client, db):
    user = signed_up(client)
    [mail] = mails_to(user.email)
    response = client.get(link_in(mail, "verify"))
    assert response.status_code == 302
    assert user.email_verified_at is not None
    page = client.get("/").get_data(as_text=True)
    assert "is confirmed" in page
    assert "Resend the verification e-mail" not in page
    # Opening it again is harmless.
    assert client.get(link_in(mail, "verify")).status_code == 302


def test_tampered_verification_link(client, db):
    user = signed_up(client)
    path = link_in(mails_to(user.email)[0], "verify")
    response = client.get(path[:-3] + ("abc" if not path.endswith("abc") else "xyz"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This confirmation link does not work" in page
    assert "Send a new link" in page
    assert user.email_verified_at is None


def test_expired_verification_link_offers_a_new_one(client, db):
    user = signed_up(client)
    path = link_in(mails_to(user.email)[0], "verify")
    with time_machine.travel(datetime.now(UTC) + timedelta(days=3), tick=False):
        response = client.get(path)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This confirmation link has expired" in page
    assert "We will send a new link to nadia@example.org" in page
    assert user.email_verified_at is None
    client.post("/verify/resend")
    assert len(mails_to(user.email)) == 2


def test_link_stops_working_when_the_address_changes(client, db):
    user = signed_up(client)
    path = link_in(mails_to(user.email)[0], "verify")
    user.email = "nadia.new@example.org"
    db.session.commit()
    assert client.get(path).status_code == 400
    assert user.email_verified_at is None


def test_resend_for_anonymous_visitor_reveals_nothing(client, db):
    unverified = UserFactory(email="late@example.org", email_verified_at=None)
    UserFactory(email="done@example.org")
    answers = []
    for address in ("late@example.org", "done@example.org", "nobody@example.org"):
        response = client.post("/verify/resend", data={"email": address}, follow_redirects=True)
        answers.append(response.get_data(as_text=True).count("a new link is on its way"))
    assert answers == [1, 1, 1]
    assert len(mails_to(unverified.email)) == 1
    assert mails_to("done@example.org") == [] and mails_to("nobody@example.org") == []


def test_verified_user_gets_no_new_link(client, login_as):
    user = login_as("stakeholder")
    client.post("/verify/resend")
    assert mails_to(user.email) == []


def test_unverified_banner_only_for_unverified(client, login_as):
    login_as("unverified")
    assert "Confirm your e-mail address" in client.get("/").get_data(as_text=True)
    login_as("stakeholder")
    assert "Confirm your e-mail address" not in client.get("/").get_data(as_text=True)


# -- sign-in --------------------------------------------------------------------------------


def test_disabled_user_cannot_sign_in_and_is_signed_out(client, db):
    user = UserFactory(email="gone@example.org")
    client.post("/login", data={"email": "gone@example.org", "password": PASSWORD})
    assert "gone@example.org" in client.get("/me/profile").get_data(as_text=True)
    user.is_disabled = True
    db.session.commit()
    assert client.get("/me/profile").status_code == 302  # session no longer valid
    response = client.post("/login", data={"email": "gone@example.org", "password": PASSWORD})
    assert "not correct" in response.get_data(as_text=True)


@pytest.fixture
def limited_client(app, db):
    """A client of an app with rate limits on (the shared test app runs without them)."""
    limited = create_app(
        "testing", RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://", WTF_CSRF_ENABLED=False
    )
    # The `db` fixture binds the shared session to the test's connection, so this app sees
    # (and rolls back) the same data as the others.
    limiter.reset()
    try:
        yield limited.test_client()
    finally:
        limiter.reset()
        limiter.enabled = False  # the limiter is a singleton: leave it off for other tests
        with limited.app_context():
            _db.engine.dispose()


def test_eleventh_login_in_a_minute_gets_the_friendly_429(limited_client):
    for _ in range(10):
        response = limited_client.post(
            "/login", data={"email": "who@example.org", "password": "wrong-password"}
        )
        assert response.status_code == 200
    response = limited_client.post(
        "/login", data={"email": "who@example.org", "password": "wrong-password"}
    )
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Too many attempts" in page and "Wait a few minutes" in page
    assert limited_client.get("/login").status_code == 200  # reading is not limited


def test_reset_requests_are_rate_limited(limited_client):
    codes = [
        limited_client.post("/reset", data={"email": "who@example.org"}).status_code
        for _ in range(6)
    ]
    assert codes == [200] * 5 + [429]


def test_sign_in_is_throttled_per_account_whatever_the_address(limited_client):
    for attempt in range(10):
        response = limited_client.post(
            "/login",
            data={"email": "Target@example.org", "password": "wrong-password"},
            environ_overrides={"REMOTE_ADDR": f"198.51.100.{attempt + 1}"},
        )
        assert response.status_code == 200
    response = limited_client.post(
        "/login",
        data={"email": "target@example.org ", "password": "wrong-password"},
        environ_overrides={"REMOTE_ADDR": "203.0.113.99"},
    )
    assert response.status_code == 429
    other = limited_client.post(
        "/login",
        data={"email": "someone@example.org", "password": "wrong-password"},
        environ_overrides={"REMOTE_ADDR": "203.0.113.99"},
    )
    assert other.status_code == 200


def test_unverified_accounts_cannot_report_comments(client, login_as, db):
    from consult.comments.models import CommentReport
    from tests.web.test_moderation_support import build_consultation

    comment = build_consultation(comments=1).comments[0]
    db.session.commit()
    version = comment.section.version
    login_as("unverified")
    url = f"/docs/{version.document.slug}/v{version.number}/{comment.section.provision.key}/"
    page = client.get(url)
    assert page.status_code == 200
    assert f"/comments/{comment.id}/report" not in page.get_data(as_text=True)
    response = client.post(f"/comments/{comment.id}/report", data={"reason": "spam"})
    assert response.status_code == 403
    assert db.session.scalars(select(CommentReport)).all() == []
