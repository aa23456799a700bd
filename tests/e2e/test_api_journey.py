"""A researcher reads the API page, creates a token on their profile, uses it, revokes it."""

from __future__ import annotations

from tests.e2e.conftest import check_accessibility, screenshot, sign_in


def test_api_page_and_token_lifecycle(person):
    page = person().page
    page.goto("/api/")
    assert page.get_by_role("heading", level=1).inner_text() == "JSON API"
    check_accessibility(page, "api page")
    screenshot(page, "api-page")
    anonymous = page.request.get("/api/v1/documents")
    assert anonymous.status == 200 and anonymous.headers["access-control-allow-origin"] == "*"

    sign_in(page, "quentin.academia@consult.example")
    page.goto("/me/profile")
    page.get_by_label("Name of the new token").fill("Research notebook")
    page.get_by_role("button", name="Create a token").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Your new API token"
    check_accessibility(page, "new token")
    secret = page.locator("#new-token").inner_text()
    headers = {"Authorization": f"Bearer {secret}"}
    assert page.request.get("/api/v1/documents", headers=headers).status == 200

    page.goto("/me/profile")
    assert page.get_by_role("cell", name="Research notebook", exact=True).is_visible()
    check_accessibility(page, "profile with tokens")
    page.get_by_role("button", name="Revoke the token Research notebook").click()
    assert page.get_by_text("is revoked").first.is_visible()
    assert page.request.get("/api/v1/documents", headers=headers).status == 401
