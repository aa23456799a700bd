"""Journey: a visitor compares two versions and downloads the disposition report as CSV."""

from __future__ import annotations

import csv
import io
import re

from playwright.sync_api import expect

from tests.e2e.steps import look

HEADER = [
    "comment_id", "comment_url", "submitted_at", "provision_key", "provision", "category",
    "organisation", "kind", "quoted_passage", "comment", "proposed_text", "disposition",
    "rationale", "duplicate_of", "decided_at", "led_to", "led_to_url", "campaign", "language",
    "attachments",
]  # fmt: skip
OUTCOMES = {"Accepted", "Partly accepted", "Rejected", "Noted", "Duplicate", "Out of scope"}


def test_visitor_compares_versions_and_downloads_the_report(person):
    page = person().page
    page.goto("/docs/transparency/v2/")  # a link someone shared
    page.get_by_role("link", name="Compare with version 1").click()
    heading = page.get_by_role("heading", level=1, name="Version 1 compared with version 2")
    expect(heading).to_be_visible()
    look(page, "compare")
    summary = page.get_by_role("table", name=re.compile("^Provisions of version 2 compared"))
    expect(summary.get_by_role("columnheader", name="Edited")).to_be_visible()
    assert page.get_by_role("insertion").count() > 0
    assert page.get_by_role("deletion").count() > 0
    reasons = page.get_by_text(re.compile(r"^Changed in response to \d+ comments?$"))
    assert reasons.count() > 0, "some changes are traced to the comments behind them"
    reasons.first.click()

    # The disposition report of version 1 (the one whose comments shaped version 2).
    page.get_by_role("link", name="Read version 1").click()
    expect(page.get_by_role("heading", level=1, name="Transparency")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^What became of the comments on version 1")).click()
    expect(page.get_by_role("heading", level=1, name="Disposition of comments")).to_be_visible()
    look(page, "report")
    by_category = page.get_by_role("table", name="Dispositions by stakeholder category")
    expect(by_category.get_by_role("rowheader", name="Open source")).to_be_visible()

    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("^Download the report as CSV")).click()
    download = info.value
    assert download.suggested_filename == "transparency-v1-disposition-report.csv"
    raw = download.path().read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "a BOM, so spreadsheets read UTF-8"
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0] == HEADER
    assert len(rows) > 1
    assert all(len(row) == len(HEADER) for row in rows)
    decided = [row for row in rows[1:] if row[HEADER.index("disposition")] in OUTCOMES]
    assert decided, "version 1's comments all have a disposition in the demo"
    assert any(row[HEADER.index("led_to_url")].startswith("http") for row in decided)
