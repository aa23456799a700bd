"""Defects an outside probe found (issue 12): each test failed on the main it was found on."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.test_moderation_support import build_consultation


@pytest.mark.parametrize("suffix", ["report", "report.csv", "triage"])
@pytest.mark.parametrize("role", ["stakeholder", "other_chair"])
def test_members_only_report_and_triage_answer_404_like_a_missing_document(
    client: Any, login_as: Any, db: Any, suffix: str, role: str
):
    c = build_consultation(comments=1)
    c.document.visibility = "members"
    db.session.commit()
    login_as(role)
    hidden = client.get(c.url(suffix))
    missing = client.get(f"/docs/no-such-document/v1/{suffix}")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_data(as_text=True) == missing.get_data(as_text=True)


def test_reset_and_verification_links_ignore_the_request_host(client: Any, db: Any):
    from sqlalchemy import select

    from consult.core.models import OutboxMessage
    from tests.factories import UserFactory

    user = UserFactory(email="ada@example.org", email_verified_at=None)
    db.session.commit()
    client.post("/reset", data={"email": user.email}, base_url="http://evil.example")
    client.post(
        "/register",
        data={"email": "new@example.org"},
        base_url="http://evil.example",
    )
    mails = db.session.scalars(select(OutboxMessage)).all()
    assert mails
    for mail in mails:
        assert "evil.example" not in mail.body_text
    [reset] = [m for m in mails if m.subject == "Reset your password"]
    assert "http://localhost/reset/" in reset.body_text


def test_logout_ends_the_session_and_the_remember_cookie_server_side(app: Any, db: Any):
    from tests.factories import PASSWORD, UserFactory

    user = UserFactory(email="ada@example.org")
    db.session.commit()
    browser = app.test_client()
    response = browser.post(
        "/login", data={"email": "ada@example.org", "password": PASSWORD, "remember": "y"}
    )
    assert response.status_code == 302
    session_cookie = browser.get_cookie("session")
    remember_cookie = browser.get_cookie("remember_token")
    assert session_cookie is not None and remember_cookie is not None
    assert browser.get("/me/profile").status_code == 200

    browser.post("/logout")
    db.session.expire_all()
    g_reset()
    copied_session = app.test_client()
    copied_session.set_cookie("session", session_cookie.value)
    assert copied_session.get("/me/profile").status_code == 302
    g_reset()
    copied_remember = app.test_client()
    copied_remember.set_cookie("remember_token", remember_cookie.value)
    assert copied_remember.get("/me/profile").status_code == 302
    assert user.session_nonce


def g_reset() -> None:
    from flask import g

    # Requests share the test's app context: forget Flask-Login's cached user between clients.
    g.pop("_login_user", None)


def test_csv_neutralises_formulas_after_any_separator_and_xlsx_keeps_them_text(
    client: Any, db: Any
):
    import csv
    import io

    from openpyxl import load_workbook

    from consult.core.spreadsheets import safe_cell

    assert safe_cell("x;=1+1;") == "x;'=1+1;"
    assert safe_cell("a\t+cmd|' /C calc'!A0") == "a\t'+cmd|' /C calc'!A0"
    assert safe_cell('ok, "=HYPERLINK(1)') == "ok, \"'=HYPERLINK(1)"
    assert safe_cell("=SUM(A1)") == "'=SUM(A1)"
    assert safe_cell("plain text; nothing else") == "plain text; nothing else"

    c = build_consultation(comments=1, body="x;=1+1;|@SUM(A1)")
    db.session.commit()
    text = client.get(c.url("report.csv")).get_data(as_text=True)
    row = next(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert row["comment"] == "x;'=1+1;|'@SUM(A1)"
    for separator in ";\t|,":
        for cell in row["comment"].split(separator):
            assert not cell.startswith(("=", "+", "-", "@"))

    response = client.get(c.url("report.xlsx"))
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    header = [cell.value for cell in sheet[1]]
    body = sheet.cell(row=2, column=header.index("comment") + 1)
    assert body.value == "x;=1+1;|@SUM(A1)" and body.data_type == "s"


def test_names_refuse_line_breaks_and_admins_see_failed_mail(client: Any, login_as: Any, db: Any):
    from consult.core.models import OutboxMessage

    user = login_as("stakeholder")
    response = client.post(
        "/me/profile",
        data={"display_name": "Ada\r\nBcc: victim@example.org", "language": "en"},
    )
    assert "Use one line without line breaks" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert "\n" not in user.display_name

    db.session.add(
        OutboxMessage(
            to_addr="ada@example.org",
            subject="Broken",
            body_text="x",
            status="failed",
            last_error="cannot build the message: ValueError: linefeed",
        )
    )
    db.session.commit()
    login_as("admin")
    page = client.get("/admin/").get_data(as_text=True)
    assert "E-mails that could not be sent" in page and "cannot build the message" in page


def test_a_lost_database_connection_answers_503_and_keeps_the_comment(
    app: Any, client: Any, login_as: Any, db: Any, monkeypatch: Any
):
    from sqlalchemy.exc import OperationalError

    from consult.comments import services

    c = build_consultation(comments=0)
    login_as("stakeholder")
    db.session.commit()

    def restarted(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("INSERT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(services, "create_comment", restarted)
    key = c.sections[0].provision.key
    response = client.post(
        c.url(f"{key}/"), data={"body": "My <careful> comment.", "kind": "general"}
    )
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    page = response.get_data(as_text=True)
    assert "try again in a moment" in page
    assert "My &lt;careful&gt; comment." in page  # kept, escaped, in a form that resends it
    assert f'action="{c.url(key + "/")}"' in page
    assert 'name="kind" value="general"' in page
    assert "data-consult-unsent" in page


def test_hide_reason_is_bounded(client: Any, db: Any):
    from consult.comments.models import Comment
    from consult.core.models import OutboxMessage
    from tests.web.test_moderation_support import login

    c = build_consultation(comments=1)
    comment = c.comments[0]
    login(client, c.moderator)
    response = client.post(f"/comments/{comment.id}/hide", data={"reason": "x" * 1_000_000})
    assert "Keep the reason under 2,000 characters." in response.get_data(as_text=True)
    assert db.session.get(Comment, comment.id).state == "visible"
    assert not db.session.scalars(db.select(OutboxMessage)).all()
