"""Password rules, the country list and the Transparency Register ID format."""

from __future__ import annotations

import pytest

from consult.accounts.countries import COUNTRIES, EEA_CODES, EU_CODES, country_choices
from consult.accounts.forms import REGISTER_ID
from consult.accounts.passwords import common_passwords, password_problem


@pytest.fixture(autouse=True)
def _context(app):
    with app.app_context():
        yield


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("short-one", "at least 12 characters"),
        ("password1234", "too easy to guess"),
        ("Password2024!", "too easy to guess"),
        ("P@ssw0rd12345", "too easy to guess"),
        ("qwertyuiop123", "too easy to guess"),
        ("Iloveyou1234", "too easy to guess"),
        ("!!sunshine!!99", "too easy to guess"),
        ("passwordpassword", "repeated or keyboard pattern"),
        ("abcdefabcdef", "repeated or keyboard pattern"),
        ("123456789012", "repeated or keyboard pattern"),
        ("qwertyuiopasdf", "repeated or keyboard pattern"),
        ("aaaaaaaaaaaaaaaa", "too few different characters"),
        ("x" * 300, "256 characters or fewer"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password, expected):
    problem = password_problem(password)
    assert problem is not None and expected in problem


def test_password_may_not_contain_the_email_or_the_name():
    assert "e-mail" in password_problem("ada.lovelace-rocks!", email="ada.lovelace@example.org")
    assert "name" in password_problem("lovelace-rocks-99", display_name="Ada Lovelace")
    assert "name" in password_problem("my name is ADALOVELACE", display_name="Ada Lovelace")


@pytest.mark.parametrize(
    "password",
    ["correct horse battery staple", "violet-kettle-7-harbour", "Tram lines in Ghent, 1994"],
)
def test_good_passwords_pass(password):
    assert password_problem(password, email="ada@example.org", display_name="Ada Lovelace") is None


def test_minimum_length_comes_from_config(app):
    app.config["PASSWORD_MIN_LENGTH"] = 20
    try:
        assert "at least 20" in password_problem("violet-kettle-7-ha")
    finally:
        app.config["PASSWORD_MIN_LENGTH"] = 12


def test_common_password_list_is_shipped_and_lower_case():
    common = common_passwords()
    assert len(common) > 300
    assert {"password", "qwerty", "iloveyou", "letmein"} <= common
    assert all(word == word.lower() for word in common)


def test_country_list_is_complete_iso_3166():
    assert len(COUNTRIES) == 249
    assert all(len(code) == 2 and code.isupper() for code in COUNTRIES)
    assert len(EU_CODES) == 27
    non_eu = EEA_CODES - EU_CODES
    assert non_eu == {"IS", "LI", "NO"}
    groups = country_choices()
    assert [code for code, _ in groups["EU and EEA"]] == sorted(
        EEA_CODES, key=lambda code: COUNTRIES[code]
    )
    assert len(groups["Other countries"]) == 249 - 30


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("123456789-01", True),
        ("123456789012-34", True),
        ("12345678-01", False),
        ("1234567890123-01", False),
        ("123456789012-3", False),
        ("123456789012 34", False),
        ("ABC456789012-34", False),
        ("123456789012-34\n", False),
    ],
)
def test_transparency_register_id_format(value, valid):
    assert bool(REGISTER_ID.fullmatch(value)) is valid
