"""The public site-wide statistics page."""

from __future__ import annotations

from flask import render_template

from consult.db import utcnow
from consult.moderation import statistics
from consult.moderation.models import outcome_labels
from consult.moderation.views import bp


@bp.get("/statistics")
def statistics_page() -> str:
    stats = statistics.site_statistics(utcnow())
    return render_template("moderation/statistics.html", stats=stats, outcomes=outcome_labels())
