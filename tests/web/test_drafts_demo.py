"""The drafts demo: realistic documents produced through the real import/edit/publish code."""

from __future__ import annotations

import re

from consult.accounts import demo as accounts_demo
from consult.db import utcnow
from consult.drafts import demo, services
from consult.groups import demo as groups_demo


def test_demo_documents_and_versions(client, db):
    context: dict = {}
    accounts_demo.load(context)
    groups_demo.load(context)
    demo.load(context)
    db.session.commit()
    now = utcnow()
    assert set(context["documents"]) == {"transparency", "copyright", "safety-security"}
    v1, v2 = context["versions"]["transparency"]
    assert (v1.status, v1.window_state(now)) == ("superseded", "closed")
    assert (v2.status, v2.window_state(now)) == ("published", "open")
    assert 25 <= (v2.closes_at - now).days <= 30
    for slug in ("copyright", "safety-security"):  # consulted on, closed, then adopted
        (only,) = context["versions"][slug]
        assert (only.status, only.window_state(now)) == ("published", "closed")

    comparison = services.compare_versions(v1, v2)
    counts = comparison.counts
    assert counts["added"] == 1 and counts["removed"] == 1
    assert counts["edited"] >= 4 and counts["renumbered"] == 1 and counts["moved"] == 1

    # Realistic shape: commitments with 3-14 measures of 20-600 words, open questions.
    for slug, versions in context["versions"].items():
        sections = services.sections_of(versions[-1])
        kinds = [s.kind for s in sections]
        assert "open_question" in kinds, slug
        for commitment in (s for s in sections if s.kind == "commitment"):
            measures = [s for s in sections if s.parent_id == commitment.id]
            assert 3 <= len(measures) <= 14, (slug, commitment.number)
            for measure in measures:
                words = len(measure.body.split())
                assert 20 <= words <= 600, (slug, measure.number, words)
        assert any(re.search(r"^\s+\(a\)", s.body, re.M) for s in sections), slug

    page = client.get("/docs/transparency/compare/v1...v2").get_data(as_text=True)
    assert "was Measure 1.4 in version 1" in page
    assert client.get("/docs/transparency/p/c1-m4").headers["Location"].endswith("/v2/#c3-m4")
