"""Honest counts: staff apart, every total shown the sum of its parts (issue 11, part 6)."""

from __future__ import annotations

import re

from consult.comments import services as comments
from consult.comments.models import STAFF_KEY
from consult.extensions import db
from consult.moderation import report
from tests import factories
from tests.conftest import category
from tests.web.test_moderation_support import build_consultation, login


def _stakeholder(slug: str | None):
    if slug is None:
        return factories.UserFactory(organisation=None)
    organisation = factories.OrganisationFactory(category=category(slug))
    return factories.UserFactory(organisation=organisation)


def _consultation_with_staff(app):
    c = build_consultation(comments=0)
    section = c.sections[0]
    industry, academia = _stakeholder("industry"), _stakeholder("academia")
    first = comments.create_comment(section, user=industry, body="Industry view.")
    comments.create_comment(section, user=academia, body="Academic view.")
    comments.create_comment(section, user=_stakeholder(None), body="No category at all.")
    # The moderator belongs to an organisation with a category: still counted as staff.
    c.moderator.organisation = factories.OrganisationFactory(category=category("industry"))
    comments.create_reply(first, user=c.moderator, body="Thank you, we will look at it.")
    admin = factories.UserFactory(is_admin=True, organisation=None)
    comments.create_reply(first, user=admin, body="An administrator answers.")
    db.session.flush()
    return c, section


def test_staff_are_counted_apart_never_in_a_category(app, client, db):
    with app.test_request_context():
        c, section = _consultation_with_staff(app)
        counts = comments.counts_by_category(c.version)[section.id]
    assert counts[STAFF_KEY] == 2
    assert counts[category("industry").id] == 1
    assert counts[None] == 1
    assert sum(counts.values()) == 5


def _sum_of_parts(text: str) -> tuple[int, int]:
    match = re.search(r"<strong>(\d+) comments?</strong>:(.*?)</p>", text, re.S)
    assert match, text
    total = int(match.group(1))
    parts = re.findall(r"([A-Za-z][A-Za-z ]*?) (\d+)(?:,|\s*$)", match.group(2).strip())
    return total, sum(int(n) for _name, n in parts)


def test_every_total_shown_equals_the_sum_of_its_parts(app, client, db):
    with app.test_request_context():
        c, _section = _consultation_with_staff(app)
    login(client, factories.UserFactory())
    page = client.get(f"/docs/{c.slug}/v1/").get_data(as_text=True)
    assert "Working group staff 2" in page and "No category 1" in page
    total, parts = _sum_of_parts(page)
    assert total == parts == 5

    overview = client.get(c.url("comments/overview")).get_data(as_text=True)
    assert "Working group staff" in overview
    foot = re.search(r"<tfoot>(.*?)</tfoot>", overview, re.S).group(1)
    cells = [int(n) for n in re.findall(r">(\d+)</td>", foot)]
    assert cells[-1] == sum(cells[:-1]) == 5

    provision = client.get(f"/docs/{c.slug}/v1/{c.sections[0].provision.key}/")
    counts_table = re.search(r'consult-counts">(.*?)</table>', provision.get_data(as_text=True),
                             re.S).group(1)  # fmt: skip
    caption = int(re.search(r"(\d+) comments? on this provision", counts_table).group(1))
    numbers = [int(n) for n in re.findall(r"numeric\">(\d+)</td>", counts_table)]
    assert caption == sum(numbers) == 5

    group_page = client.get(f"/groups/{c.group.slug}/").get_data(as_text=True)
    balance = re.search(r"Bar chart with the same data as the table above:(.*?)</desc>",
                        group_page, re.S).group(1)  # fmt: skip
    assert "Working group staff" in balance and "No category" in balance
    shown = [(int(n), int(total)) for n, total in re.findall(r"\((\d+) of (\d+)\)", balance)]
    assert sum(n for n, _ in shown) == shown[0][1] == 5


def test_the_report_summary_adds_up_with_staff_apart(app, db):
    with app.test_request_context():
        c = build_consultation(comments=0)
        section = c.sections[0]
        comments.create_comment(section, user=_stakeholder("industry"), body="One.")
        comments.create_comment(section, user=c.chair, body="A chair's own top-level note.")
        rows, total = report.summary_by_category(c.version)
    by_name = {row.name: row.total for row in rows}
    assert by_name["Working group staff"] == 1 and by_name["Industry"] == 1
    assert sum(by_name.values()) == total.total == 2
