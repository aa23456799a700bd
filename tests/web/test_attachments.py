"""Downloading attachments: headers, permission by the owner's visibility, the 413 page."""

from __future__ import annotations

from typing import Any

import pytest

from consult.attachments import services
from consult.attachments.samples import make_pdf
from consult.attachments.storage import stage_bytes
from tests import factories


@pytest.fixture
def secret_owner(app: Any) -> Any:
    """Owner type "test": owner 1 is public, owner 2 only for admins."""
    services.register_owner(
        app, "test", lambda user, owner_id: owner_id == 1 or bool(getattr(user, "is_admin", 0))
    )
    yield
    app.extensions["consult_attachment_owners"].pop("test")


def _attach(owner_id: int) -> Any:
    staged = stage_bytes(make_pdf([["position paper"]]), "Position <paper>.pdf")
    return services.attach("test", owner_id, [staged], user=factories.UserFactory())[0]


def test_download_is_an_attachment_with_its_real_type(client: Any, secret_owner: Any) -> None:
    attachment = _attach(1)
    response = client.get(f"/attachments/{attachment.id}/{attachment.filename}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "Position paper.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.data.startswith(b"%PDF-")
    response.close()


@pytest.mark.parametrize("role,status", [("visitor", 302), ("stakeholder", 404), ("admin", 200)])
def test_download_follows_the_owners_visibility(
    client: Any, login_as: Any, secret_owner: Any, role: str, status: int
) -> None:
    attachment = _attach(2)
    login_as(role)
    response = client.get(f"/attachments/{attachment.id}/x.pdf")
    response.close()
    assert response.status_code == status
    if status == 302:
        assert "/login" in response.headers["Location"]


def test_unknown_owner_type_is_never_downloadable(client: Any, login_as: Any) -> None:
    staged = stage_bytes(make_pdf([["x"]]), "x.pdf")
    attachment = services.attach("nobody", 1, [staged])[0]
    login_as("admin")
    assert client.get(f"/attachments/{attachment.id}/x.pdf").status_code == 404


def test_a_request_over_the_limit_gets_a_clear_page(app: Any, client: Any) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 1000
    try:
        response = client.post("/login", data={"email": "x" * 2000})
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 5 * 20 * 1024 * 1024 + 1024 * 1024
    assert response.status_code == 413
    assert b"The files were too large" in response.data
