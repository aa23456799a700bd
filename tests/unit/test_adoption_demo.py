"""The adoption part of the demo tells the story of issue 16."""

from __future__ import annotations

from sqlalchemy import func, select

from consult.adoption import pledges, register, services, signatory_reports
from consult.cli import DEMO_MODULES
from consult.comments.models import Comment
from consult.db import utcnow
from consult.moderation.models import Disposition


def test_demo_story(db):
    import importlib

    context: dict = {}
    for name in DEMO_MODULES:
        importlib.import_module(f"consult.{name}.demo").load(context)
    code = context["code"]
    # Copyright and safety adopted once their consultations closed; transparency is still
    # being consulted on, so the code is not adopted as a whole yet.
    now = utcnow()
    adoptions = services.code_adoptions(code)
    documents = context["documents"]
    assert set(adoptions) == {documents["copyright"].id, documents["safety-security"].id}
    for adoption in adoptions.values():
        assert adoption.version.window_state(now) == "closed"
        assert adoption.version.closes_at < adoption.confirmed_at < now
    assert not services.code_is_adopted(code)
    # Their comments were all answered after the window closed and before the adoption.
    for adoption in adoptions.values():
        version = adoption.version
        answered = db.session.execute(
            select(Comment.created_at, Disposition.decided_at, Disposition.outcome)
            .join(Disposition, Disposition.comment_id == Comment.id)
            .where(Comment.version_id == version.id)
        ).all()
        assert len(answered) >= 5
        assert db.session.scalar(
            select(func.count(Comment.id)).where(Comment.version_id == version.id)
        ) == len(answered)
        for created, decided, outcome in answered:
            assert version.opens_at < created < version.closes_at < decided < adoption.confirmed_at
            assert outcome != "accepted"  # adopted as consulted: nothing was taken in
    assert context["versions"]["transparency"][-1].window_state(now) == "open"
    rows = register.build(code)
    full = [
        r for r in rows if len(r.cells) == 2 and all(not c.withdrawn_at for c in r.cells.values())
    ]
    assert len(full) == 6
    for row in rows:  # every signature came after the adoption of what it signs
        for cell in row.cells.values():
            assert cell.signed_at > min(a.confirmed_at for a in adoptions.values())
    assert sum(1 for r in rows if len(r.cells) == 1) == 1
    assert sum(1 for r in rows if any(c.withdrawn_at for c in r.cells.values())) == 1
    assert len(pledges.all_pledges()) == 12
    assert len(pledges.submitted_reports()) == 11
    assert len(pledges.overdue()) == 1
    # Signatories report monthly per chapter: some reported, one chapter report is overdue.
    assert code.report_months == 1
    reports = signatory_reports.recent_reports(code)
    assert len(reports) == 5
    late = signatory_reports.overdue(code)
    assert [(d.title, d.period) for d in late] == [("Safety and security", 1)]
    assert signatory_reports.progress(code)
    # One pledge was edited (history of two revisions) and one commitment retired.
    assert sorted(len(pledges.revisions(p)) for p in pledges.all_pledges())[-1] == 2
    retired = [c for c in pledges.commitments(include_retired=True) if c.retired_at]
    assert len(retired) == 1 and pledges.pledge_counts()[retired[0].id] > 0
