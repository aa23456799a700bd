"""The public disposition-of-comments report of a version, as a page and as streamed CSV.

Hook point "report_page" (version, user): `panels` [(template, ctx)] shown under the downloads.
"""

from __future__ import annotations

from flask import Response, current_app, render_template, stream_with_context
from flask_login import current_user

from consult.attachments.services import attachments_of
from consult.comments.workspace import OWNER_COMMENT
from consult.core import hooks
from consult.core.pagination import paginate
from consult.core.permissions import can_view, require_visible
from consult.drafts.models import SECTION_KIND_LABELS
from consult.moderation import report, similarity
from consult.moderation.models import outcome_labels
from consult.moderation.traceability import landings_for
from consult.moderation.views import bp
from consult.moderation.views._load import load_version, nav_links


@bp.get("/docs/<slug>/v<int:number>/report", endpoint="report")
def report_page(slug: str, number: int) -> str:
    version = load_version(slug, number)
    require_visible(can_view(current_user, version))
    page = paginate(report.report_statement(version), per_page=current_app.config["PAGE_SIZE"])
    categories, total = report.summary_by_category(version)
    return render_template(
        "moderation/report.html",
        version=version,
        document=version.document,
        page=page,
        landings=landings_for((row.comment_id for row in page.items), current_user),
        categories=categories,
        languages=report.summary_by_language(version),
        total=total,
        columns=report.summary_columns(),
        campaigns=similarity.campaign_counts(version),
        outcomes=outcome_labels(),
        next_version=report.next_version(version),
        section_kinds=SECTION_KIND_LABELS,
        links=nav_links(version),
        extra=hooks.collect("report_page", version=version, user=current_user),
        files=attachments_of(OWNER_COMMENT, [row.comment_id for row in page.items]),
    )


@bp.get("/docs/<slug>/v<int:number>/report.csv")
def report_csv(slug: str, number: int) -> Response:
    version = load_version(slug, number)
    require_visible(can_view(current_user, version))
    viewer = current_user._get_current_object()  # the proxy is not for the generator
    return Response(
        stream_with_context(report.csv_lines(version, viewer)),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{report.csv_filename(version)}"',
            "Cache-Control": "no-store",
        },
    )


@bp.get("/docs/<slug>/v<int:number>/report.xlsx")
def report_xlsx(slug: str, number: int) -> Response:
    """The same report as a workbook, for people who open it in a spreadsheet."""
    version = load_version(slug, number)
    require_visible(can_view(current_user, version))
    return Response(
        report.xlsx_bytes(version, current_user),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": (
                f'attachment; filename="{report.csv_filename(version, "xlsx")}"'
            ),
            "Cache-Control": "no-store",
        },
    )
