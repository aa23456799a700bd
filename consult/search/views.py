"""The /search page: a GET form, facets with counts, ranked and highlighted results."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from consult.core.pagination import Page
from consult.moderation.models import outcome_labels
from consult.search.query import MAX_PAGE, MAX_QUERY, PER_PAGE, SORTS, Search, parse_terms, run

bp = Blueprint("search", __name__)


@bp.get("/search")
def search() -> str:
    query = Search.from_args(request.args)
    result = run(query, current_user)
    too_long = len(request.args.get("q") or "") > MAX_QUERY
    return render_template(
        "search/search.html",
        query=query,
        result=result,
        page=Page(result.hits, query.page, PER_PAGE, min(result.total, MAX_PAGE * PER_PAGE)),
        sorts=SORTS,
        searched=bool(query.text),
        usable=bool(parse_terms(query.text)),
        too_long=too_long,
        max_query=MAX_QUERY,
        outcome_labels=outcome_labels(),
    )
