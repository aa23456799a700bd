"""A person reads the public pages, downloads their data, then deletes their account."""

from __future__ import annotations

import json
import zipfile

from tests.e2e.conftest import check_accessibility, screenshot
from tests.e2e.steps import NEW_PASSWORD, flash, sign_up, unique, verify_from_mailbox


def test_public_pages_are_linked_from_the_footer_and_accessible(person):
    page = person().page
    page.goto("/")
    footer = page.get_by_role("contentinfo")
    for link, heading in (
        ("Privacy", "Privacy notice"),
        ("Accessibility", "Accessibility statement"),
        ("Participation rules", "Participation rules"),
        ("Statistics", "Statistics"),
    ):
        page.goto("/")
        footer.get_by_role("link", name=link, exact=True).click()
        assert page.get_by_role("heading", level=1).inner_text() == heading
        check_accessibility(page, heading)
    screenshot(page, "statistics")


def test_export_then_delete_account(person, tmp_path):
    page = person().page
    email = f"{unique('leaver')}@example.org"
    name = unique("Leaver")
    sign_up(page, name=name, email=email, organisation=unique("Leaving Org"), screens=False)
    verify_from_mailbox(page, email, screens=False)
    page.goto("/me/profile")
    page.get_by_role("link", name="Download your data, change your e-mail address").click()
    check_accessibility(page, "your data")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download your data").click()
    path = tmp_path / "data.zip"
    info.value.save_as(path)
    with zipfile.ZipFile(path) as archive:
        [account] = json.loads(archive.read("account.json"))
    assert account["email"] == email
    page.locator("#delete-password").fill("not the password")
    page.get_by_role("button", name="Delete my account").click()
    assert page.get_by_text("Your password is not correct.").first.is_visible()
    check_accessibility(page, "delete account with error")
    page.locator("#delete-password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    flash(page, "Your account has been deleted.")
    assert page.get_by_role("link", name="Sign in").is_visible()
