"""The signatory register: page with filters and counts, CSV and JSON downloads, Atom feed."""

from __future__ import annotations

from feedgen.feed import FeedGenerator
from flask import Response, current_app, render_template, request, url_for
from sqlalchemy import select

from consult.adoption import pledges, register, services, signatory_reports
from consult.adoption.models import PROGRESS, Code
from consult.adoption.views import bp
from consult.core.pagination import paginate
from consult.core.spreadsheets import download
from consult.db import utcnow
from consult.extensions import db

PER_PAGE = 50

ATOM = "application/atom+xml"


def _code(slug: str) -> Code:
    return db.first_or_404(select(Code).where(Code.slug == slug[:80]))


def _filters(code: Code) -> tuple[int | None, str | None]:
    chapter = request.args.get("chapter", type=int)
    if chapter not in {c.document_id for c in code.chapters}:
        chapter = None
    category = (request.args.get("category") or "")[:40] or None
    return chapter, category


@bp.get("/code/<slug>/signatories")
def show_register(slug: str) -> str:
    code = _code(slug)
    chapter, category = _filters(code)
    page = paginate(register.organisations_query(code, chapter, category), per_page=PER_PAGE)
    today = utcnow().date()
    return render_template(
        "adoption/register.html",
        code=code,
        page=page,
        rows=register.rows_for(code, page.items),
        counts=register.counts(code),
        signatory_overdue=signatory_reports.overdue(code, today),
        signatory_progress=signatory_reports.progress(code),
        signatory_reports=signatory_reports.recent_reports(code),
        statuses=PROGRESS,
        categories=register.categories(),
        chapter=chapter,
        category=category,
        adopted=services.code_is_adopted(code),
        adoptions=services.code_adoptions(code),
        overdue=pledges.overdue(),
    )


@bp.get("/code/<slug>/signatories.<any(csv,json):fmt>")
def export_register(slug: str, fmt: str) -> Response:
    code = _code(slug)
    chapter, category = _filters(code)
    records = register.as_records(code, register.build(code, chapter, category))
    return download("signatures", records, register.FIELDS, fmt, f"{code.slug}-signatories",
                    code=code.slug, title=code.title)  # fmt: skip


@bp.get("/code/<slug>/reports.<any(csv,json):fmt>")
def export_reports(slug: str, fmt: str) -> Response:
    """The signatories' implementation reports, one record per commitment reported on."""
    code = _code(slug)
    records = signatory_reports.report_records(
        code,
        lambda report_id: url_for(
            "adoption.show_signatory_report", report_id=report_id, _external=True
        ),
    )
    return download("reports", records, signatory_reports.REPORT_FIELDS, fmt,
                    f"{code.slug}-reports", code=code.slug, title=code.title)  # fmt: skip


@bp.get("/code/<slug>/signatures.atom")
def register_feed(slug: str) -> Response:
    code = _code(slug)
    page = url_for("adoption.show_register", slug=code.slug, _external=True)
    self_url = url_for("adoption.register_feed", slug=code.slug, _external=True)
    feed = FeedGenerator()
    feed.id(self_url)
    feed.title(f"New signatures of {code.title}")
    feed.author({"name": current_app.config["SITE_NAME"]})
    feed.link(href=page, rel="alternate", type="text/html")
    feed.link(href=self_url, rel="self", type=ATOM)
    feed.language("en")
    signatures = register.public_signatures(code)[-50:]
    feed.updated(max((s.verified_at for s in signatures if s.verified_at), default=code.created_at))
    titles = {c.document_id: c.document.title for c in code.chapters}
    for signature in reversed(signatures):
        url = url_for("adoption.show_signature", signature_id=signature.id, _external=True)
        entry = feed.add_entry(order="append")
        entry.id(url)
        entry.title(f"{signature.organisation.name} signed {code.title}")
        entry.link(href=url, rel="alternate", type="text/html")
        when = signature.verified_at or signature.submitted_at
        entry.published(when)
        entry.updated(signature.withdrawn_at or when)
        chapters = ", ".join(titles.get(c.document_id, "") for c in signature.chapters)
        entry.content(f"Chapters: {chapters}.", type="text")
    return Response(feed.atom_str(pretty=True), mimetype=ATOM)
