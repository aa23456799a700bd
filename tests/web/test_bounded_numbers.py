"""Every id, page and number in a URL or form is bounded: out of range is a 404 or a form error."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from consult.core.numbers import INT_MAX, bounded_int
from consult.moderation.models import Disposition
from tests import factories
from tests.web.test_moderation_support import build_consultation, login

HUGE = "99999999999999999999"
OUT_OF_RANGE = (HUGE, str(INT_MAX + 1), "-1", "abc", "1e9", "0x10")
_ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def _int_routes(app: Flask) -> list[Any]:
    return sorted(
        (r for r in app.url_map.iter_rules() if "int" in {c for c, _ in _arguments(r.rule)}),
        key=lambda r: r.rule,
    )


def _arguments(rule: str) -> list[tuple[str, str]]:
    return [(conv or "default", name) for conv, name in _ARGUMENT.findall(rule)]


def _fill(rule: str, values: dict[str, str], number: str) -> str:
    def one(match: re.Match[str]) -> str:
        conv, name = match.group(1), match.group(2)
        return number if conv == "int" else values.get(name, "x")

    return _ARGUMENT.sub(one, rule)


@pytest.fixture
def consultation(client: Any, db: Any) -> Any:
    c = build_consultation(comments=2)
    admin = factories.UserFactory(is_admin=True)
    login(client, admin)
    return c


def test_bounded_int_refuses_what_an_integer_column_cannot_hold():
    assert bounded_int("12") == 12
    assert bounded_int(str(INT_MAX)) == INT_MAX
    for value in (*OUT_OF_RANGE, "0", "", None, " ", "1" * 5000):
        assert bounded_int(value) is None


def test_every_int_route_answers_404_for_huge_negative_and_non_numeric_ids(
    app: Flask, client: Any, consultation: Any
):
    c = consultation
    values = {"slug": c.slug, "key": c.sections[0].provision.key}
    routes = _int_routes(app)
    assert len(routes) > 15  # the walk really covers the URL map
    for rule in routes:
        for number in OUT_OF_RANGE:
            url = _fill(rule.rule, values, number)
            for method in sorted((rule.methods or set()) & {"GET", "POST"}):
                response = client.open(url, method=method, data={})
                assert response.status_code in {404, 405}, (method, url, response.status_code)


def test_query_string_numbers_out_of_range_never_fail(app: Flask, client: Any, consultation: Any):
    c = consultation
    comment = c.comments[0]
    key = c.sections[0].provision.key
    pages = [
        f"/docs/{c.slug}/v1/{key}/",
        f"/docs/{c.slug}/v1/report",
        f"/docs/{c.slug}/v1/triage",
        "/me/comments",
        f"/docs/{c.slug}/compare",
        "/admin/users",
        "/admin/audit",
        "/reports",
    ]
    for url in pages:
        for number in OUT_OF_RANGE:
            query = f"page={number}&thread={number}&a={number}&b={number}&provision={number}"
            response = client.get(f"{url}?{query}&category={number}&assignee={number}")
            assert response.status_code in {200, 302, 400, 404}, (url, number)
    assert client.get(f"/comments/{comment.id}/edit").status_code < 500


def test_duplicate_of_out_of_range_is_a_form_error_that_keeps_the_rationale(
    client: Any, consultation: Any, db: Any
):
    c = consultation
    comment = c.comments[0]
    login(client, c.moderator)
    response = client.post(
        c.url(f"triage/{comment.id}"),
        data={"outcome": "duplicate", "rationale": "Same point as before.", "duplicate_of": HUGE},
    )
    assert response.status_code in {200, 400}
    page = response.get_data(as_text=True)
    assert "Same point as before." in page
    assert "Number must be between 1 and" in page
    assert not db.session.scalars(
        db.select(Disposition).where(Disposition.comment_id == comment.id)
    ).first()


@pytest.mark.parametrize("field", ["comment_ids", "duplicate_of", "assignee"])
def test_bulk_triage_with_huge_numbers_is_a_form_error(client: Any, consultation: Any, field: str):
    c = consultation
    login(client, c.moderator)
    data = {"action": "duplicate", "comment_ids": str(c.comments[0].id), "duplicate_of": "1"}
    data[field] = HUGE
    response = client.post(c.url("triage"), data=data)
    assert response.status_code in {200, 400}


def test_nul_bytes_are_refused_with_a_message_before_the_database(client: Any, consultation: Any):
    c = consultation
    key = c.sections[0].provision.key
    response = client.post(c.url(f"{key}/"), data={"body": "Hello\x00world", "kind": "general"})
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)
    assert client.get(f"/docs/{c.slug}/v1/report?page=1\x00").status_code == 400
    assert client.get(f"/docs/{c.slug}%00/").status_code == 404
