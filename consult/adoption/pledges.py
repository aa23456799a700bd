"""AI Pact pledges, report rounds, implementation reports and reminders (flush, never commit)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from consult.accounts.models import PACT_CORE_PLEDGES, Organisation, User
from consult.accounts.organisations import representatives
from consult.adoption import signatory_reports
from consult.adoption.errors import AdoptionError
from consult.adoption.models import (
    PROGRESS,
    ImplementationReport,
    PactCommitment,
    Pledge,
    PledgeItem,
    PledgeRevision,
    ReportEntry,
    ReportReminder,
    ReportRound,
)
from consult.core import audit, outbox
from consult.core.lazytext import lazy_gettext as _l
from consult.db import utcnow
from consult.extensions import db


def ensure_core_commitments() -> None:
    """The three core commitments exist (idempotent; the migration seeds them too)."""
    present = set(db.session.scalars(select(PactCommitment.key)))
    for position, (key, title) in enumerate(PACT_CORE_PLEDGES.items()):
        if key not in present:
            db.session.add(PactCommitment(key=key, title=title, is_core=True, position=position))
    db.session.flush()


def commitments(include_retired: bool = False) -> list[PactCommitment]:
    stmt = select(PactCommitment).order_by(
        PactCommitment.is_core.desc(), PactCommitment.position, PactCommitment.id
    )
    if not include_retired:
        stmt = stmt.where(PactCommitment.retired_at.is_(None))
    return list(db.session.scalars(stmt))


def add_commitment(key: str, title: str, user: Any) -> PactCommitment:
    if db.session.scalar(select(PactCommitment.id).where(PactCommitment.key == key)):
        raise AdoptionError(_("A commitment with this key already exists."))
    position = (db.session.scalar(select(func.max(PactCommitment.position))) or 0) + 1
    commitment = PactCommitment(key=key, title=title, is_core=False, position=position)
    db.session.add(commitment)
    db.session.flush()
    audit.record(user, "commitment.add", commitment, f"Commitment {title} added")
    return commitment


def retire_commitment(commitment: PactCommitment, user: Any) -> None:
    """No longer offered to new pledges; kept on the pledges that hold it."""
    if commitment.is_core:
        raise AdoptionError(_("A core commitment cannot be retired."))
    if commitment.retired_at is not None:
        raise AdoptionError(_("This commitment is already retired."))
    commitment.retired_at = utcnow()
    db.session.flush()
    audit.record(user, "commitment.retire", commitment, f"Commitment {commitment.title} retired")


def pledge_of(organisation: Organisation) -> Pledge | None:
    return db.session.scalar(select(Pledge).where(Pledge.organisation_id == organisation.id))


def publish_pledge(organisation: Organisation, user: Any, texts: dict[int, str]) -> Pledge:
    """Publish a pledge: every core commitment and the chosen optional ones, each with a text."""
    if pledge_of(organisation) is not None:
        raise AdoptionError(_("This organisation has already published its pledge."))
    available = {c.id: c for c in commitments()}
    missing = [c.title for c in available.values() if c.is_core and not texts.get(c.id)]
    if missing:
        raise AdoptionError(
            _("Describe each core commitment: %(titles)s.", titles=", ".join(missing))
        )
    pledge = Pledge(organisation_id=organisation.id, pledged_at=utcnow(), submitted_by_id=user.id)
    db.session.add(pledge)
    db.session.flush()
    for commitment_id, text in texts.items():
        if commitment_id in available and text.strip():
            db.session.add(PledgeItem(pledge_id=pledge.id, commitment_id=commitment_id, text=text))
    db.session.flush()
    _snapshot(pledge, user)
    audit.record(
        user, "pledge.publish", pledge, f"{organisation.name} published its AI Pact pledge",
        after={"commitments": sorted(k for k, v in texts.items() if v.strip())},
    )  # fmt: skip
    return pledge


def _snapshot(pledge: Pledge, user: Any) -> PledgeRevision:
    """Record the pledge as it now stands (revision 1 when published, then one per edit)."""
    db.session.refresh(pledge, ["all_items"])
    number = (
        db.session.scalar(
            select(func.max(PledgeRevision.number)).where(PledgeRevision.pledge_id == pledge.id)
        )
        or 0
    ) + 1
    revision = PledgeRevision(
        pledge_id=pledge.id,
        number=number,
        created_at=utcnow(),
        created_by_id=getattr(user, "id", None),
        items=[
            {"commitment_id": i.commitment_id, "title": i.commitment.title, "text": i.text}
            for i in pledge.items
        ],
    )
    db.session.add(revision)
    db.session.flush()
    return revision


def edit_pledge(pledge: Pledge, user: Any, texts: dict[int, str]) -> None:
    """Change a pledge's texts, add or drop optional commitments; the earlier wording is kept
    as a dated revision, dropped commitments are ended (never deleted), all audited."""
    offered = {c.id: c for c in commitments()}
    current = {item.commitment_id: item for item in pledge.all_items}
    held = {cid for cid, item in current.items() if item.ended_at is None}
    core = [c for c in commitments(include_retired=True) if c.is_core]
    missing = [c.title for c in core if not texts.get(c.id, "").strip()]
    if missing:
        raise AdoptionError(_("Describe each core commitment: %(list)s.", list=", ".join(missing)))
    before = {cid: current[cid].text for cid in sorted(held)}
    if not revisions(pledge):  # published before pledges kept their history
        _snapshot(pledge, None)
    now = utcnow()
    for cid, text in texts.items():
        text = text.strip()
        item = current.get(cid)
        if not text:
            continue
        if item is None:
            if cid not in offered:  # a retired commitment is not offered to be added
                continue
            db.session.add(PledgeItem(pledge_id=pledge.id, commitment_id=cid, text=text))
        elif item.ended_at is not None:
            if cid not in offered:
                continue
            item.ended_at, item.text, item.updated_at = None, text, now
        elif item.text != text:
            item.text, item.updated_at = text, now
    for cid in held:
        if not texts.get(cid, "").strip():
            current[cid].ended_at = now
    db.session.flush()
    db.session.refresh(pledge, ["all_items"])
    after = {item.commitment_id: item.text for item in pledge.items}
    if after == before:
        raise AdoptionError(_("Nothing was changed."))
    pledge.revised_at = now
    _snapshot(pledge, user)
    audit.record(
        user, "pledge.edit", pledge, f"{pledge.organisation.name} edited its AI Pact pledge",
        before={"items": before}, after={"items": after},
    )  # fmt: skip


def revisions(pledge: Pledge) -> list[PledgeRevision]:
    return list(
        db.session.scalars(
            select(PledgeRevision)
            .where(PledgeRevision.pledge_id == pledge.id)
            .order_by(PledgeRevision.number.desc())
        )
    )


def pledges_query() -> Select[Any]:
    """Pledges by organisation name (for pagination)."""
    return select(Pledge).join(Organisation).order_by(func.lower(Organisation.name), Pledge.id)


def all_pledges() -> list[Pledge]:
    return list(db.session.scalars(pledges_query()))


def pledge_counts() -> dict[int, int]:
    """Pledging organisations per commitment, current items only (one query)."""
    rows = db.session.execute(
        select(PledgeItem.commitment_id, func.count())
        .where(PledgeItem.ended_at.is_(None))
        .group_by(PledgeItem.commitment_id)
    ).all()
    return {commitment_id: count for commitment_id, count in rows}


PLEDGE_FIELDS = [
    "organisation",
    "organisation_id",
    "pledged_at",
    "revised_at",
    "commitment_key",
    "commitment",
    "core",
    "text",
    "pledge_url",
]
REPORT_FIELDS = [
    "organisation",
    "organisation_id",
    "round",
    "due_on",
    "submitted_at",
    "commitment_key",
    "commitment",
    "status",
    "text",
    "report_url",
]


def pledge_records(url: Any) -> list[dict[str, Any]]:
    """Every pledge's current commitments, one record each (one query): open data.
    `url(endpoint, id)` makes the page's address."""
    rows = db.session.execute(
        select(Pledge, PledgeItem, PactCommitment, Organisation)
        .join(PledgeItem, PledgeItem.pledge_id == Pledge.id)
        .join(PactCommitment, PactCommitment.id == PledgeItem.commitment_id)
        .join(Organisation, Organisation.id == Pledge.organisation_id)
        .where(PledgeItem.ended_at.is_(None))
        .order_by(Pledge.id, PactCommitment.position, PactCommitment.id)
    ).all()
    return [
        {
            "organisation": organisation.name,
            "organisation_id": organisation.id,
            "pledged_at": pledge.pledged_at.isoformat(),
            "revised_at": pledge.revised_at.isoformat() if pledge.revised_at else None,
            "commitment_key": commitment.key,
            "commitment": commitment.title,
            "core": commitment.is_core,
            "text": item.text,
            "pledge_url": url("adoption.show_pledge", pledge_id=pledge.id),
        }
        for pledge, item, commitment, organisation in rows
    ]


def report_records(url: Any) -> list[dict[str, Any]]:
    """Every submitted implementation report, one record per commitment (one query)."""
    rows = db.session.execute(
        select(ImplementationReport, ReportEntry, ReportRound, PactCommitment, Organisation)
        .join(ReportEntry, ReportEntry.report_id == ImplementationReport.id)
        .join(ReportRound, ReportRound.id == ImplementationReport.round_id)
        .join(PactCommitment, PactCommitment.id == ReportEntry.commitment_id)
        .join(Pledge, Pledge.id == ImplementationReport.pledge_id)
        .join(Organisation, Organisation.id == Pledge.organisation_id)
        .order_by(ImplementationReport.submitted_at, ImplementationReport.id, ReportEntry.id)
    ).all()
    return [
        {
            "organisation": organisation.name,
            "organisation_id": organisation.id,
            "round": round_.title,
            "due_on": round_.due_on.isoformat(),
            "submitted_at": report.submitted_at.isoformat(),
            "commitment_key": commitment.key,
            "commitment": commitment.title,
            "status": entry.status,
            "text": entry.text,
            "report_url": url("adoption.show_report", report_id=report.id),
        }
        for report, entry, round_, commitment, organisation in rows
    ]


def create_round(title: str, due_on: date, user: Any) -> ReportRound:
    round_ = ReportRound(title=title, due_on=due_on, created_by_id=user.id)
    db.session.add(round_)
    db.session.flush()
    audit.record(user, "report_round.create", round_, f"Reports due on {due_on.isoformat()}")
    return round_


def rounds() -> list[ReportRound]:
    return list(db.session.scalars(select(ReportRound).order_by(ReportRound.due_on)))


def report_of(round_: ReportRound, pledge: Pledge) -> ImplementationReport | None:
    return db.session.scalar(
        select(ImplementationReport).where(
            ImplementationReport.round_id == round_.id, ImplementationReport.pledge_id == pledge.id
        )
    )


def submit_report(
    round_: ReportRound, pledge: Pledge, user: Any, entries: dict[int, tuple[str, str]]
) -> ImplementationReport:
    """A report: per pledged commitment a status and a text. Public once submitted."""
    if report_of(round_, pledge) is not None:
        raise AdoptionError(_("The report for this round has already been submitted."))
    pledged = {item.commitment_id for item in pledge.items}
    for commitment_id in pledged:
        status, _text = entries.get(commitment_id, ("", ""))
        if status not in PROGRESS:
            raise AdoptionError(_("Give a status for every commitment."))
    report = ImplementationReport(
        round_id=round_.id, pledge_id=pledge.id, submitted_at=utcnow(), submitted_by_id=user.id
    )
    db.session.add(report)
    db.session.flush()
    for commitment_id in pledged:
        status, text = entries[commitment_id]
        db.session.add(
            ReportEntry(report_id=report.id, commitment_id=commitment_id, status=status, text=text)
        )
    db.session.flush()
    audit.record(
        user, "report.submit", report,
        f"{pledge.organisation.name} reported for {round_.title}",
    )  # fmt: skip
    return report


@dataclass(frozen=True)
class Outstanding:
    round: ReportRound
    pledge: Pledge


def overdue(today: date | None = None) -> list[Outstanding]:
    """Reports whose round is past due and not submitted (two queries)."""
    today = today or utcnow().date()
    due = [r for r in rounds() if r.due_on < today]
    if not due:
        return []
    done = set(
        tuple(row)
        for row in db.session.execute(
            select(ImplementationReport.round_id, ImplementationReport.pledge_id)
        )
    )
    pledges = all_pledges()
    return [
        Outstanding(r, p)
        for r in due
        for p in pledges
        if (r.id, p.id) not in done and p.pledged_at.date() <= r.due_on
    ]


def progress() -> list[tuple[Any, dict[str, int]]]:
    """Per commitment, the latest submitted status counts (for the chart and its table)."""
    rows = db.session.execute(
        select(ReportEntry.commitment_id, ReportEntry.status, func.count()).group_by(
            ReportEntry.commitment_id, ReportEntry.status
        )
    ).all()
    by_commitment: dict[int, dict[str, int]] = {}
    for commitment_id, status, count in rows:
        by_commitment.setdefault(commitment_id, dict.fromkeys(PROGRESS, 0))[status] = count
    return [(c, by_commitment[c.id]) for c in commitments() if c.id in by_commitment]


def submitted_reports(
    limit: int | None = None, pledge: Pledge | None = None
) -> list[ImplementationReport]:
    """Submitted reports, newest first: all, the latest `limit`, or one pledge's."""
    stmt = select(ImplementationReport).order_by(
        ImplementationReport.submitted_at.desc(), ImplementationReport.id.desc()
    )
    if pledge is not None:
        stmt = stmt.where(ImplementationReport.pledge_id == pledge.id)
    return list(db.session.scalars(stmt.limit(limit)))


def _remind(round_: ReportRound, pledge: Pledge, kind: str) -> int:
    db.session.add(ReportReminder(round_id=round_.id, pledge_id=pledge.id, kind=kind))
    people: list[User] = list(representatives(pledge.organisation))
    subject = (
        _l("Your AI Pact report for %(title)s is overdue", title=round_.title)
        if kind == "overdue"
        else _l(
            "Your AI Pact report for %(title)s is due on %(date)s",
            title=round_.title,
            date=round_.due_on.isoformat(),
        )
    )
    for person in people:
        outbox.queue_template(
            person, subject, "adoption_report_reminder", round=round_, pledge=pledge, kind=kind
        )
    return len(people)


def send_reminders(today: date | None = None, progress_bar: Any = None) -> tuple[int, int]:
    """Remind representatives 30 and 7 days before a report is due and once it is overdue.

    Idempotent: each (round, pledge, kind) is remembered in report_reminders and sent once.
    Code signatories' chapter reports are reminded in the same run. Returns (reminders,
    e-mails)."""
    today = today or utcnow().date()
    sent = set(
        tuple(row)
        for row in db.session.execute(
            select(ReportReminder.round_id, ReportReminder.pledge_id, ReportReminder.kind)
        )
    )
    done = set(
        tuple(row)
        for row in db.session.execute(
            select(ImplementationReport.round_id, ImplementationReport.pledge_id)
        )
    )
    pledges = all_pledges()
    reminders = mails = 0
    for round_ in progress_bar(rounds()) if progress_bar else rounds():
        days = (round_.due_on - today).days
        kind = "overdue" if days < 0 else "7_days" if days <= 7 else "30_days" if days <= 30 else ""
        if not kind:
            continue
        for pledge in pledges:
            key = (round_.id, pledge.id)
            if key in done or (*key, kind) in sent or pledge.pledged_at.date() > round_.due_on:
                continue
            mails += _remind(round_, pledge, kind)
            reminders += 1
    db.session.flush()
    signatory_reminders, signatory_mails = signatory_reports.send_reminders(today)
    return reminders + signatory_reminders, mails + signatory_mails
