"""Open-data downloads of a version: record JSON, CSV per table, Data Package ZIP, Akoma Ntoso."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, stream_with_context
from flask_login import current_user

from consult.comments.queries import version_or_404
from consult.core import hooks
from consult.drafts.models import VISIBILITY_PUBLIC, Version
from consult.opendata import akn, writers
from consult.opendata.records import TABLES, TABLES_BY_NAME

bp = Blueprint("opendata", __name__)


def _headers(version: Version, filename: str) -> dict[str, str]:
    public = version.is_published and version.document.visibility == VISIBILITY_PUBLIC
    return {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "public, max-age=300" if public else "private, no-store",
        "Access-Control-Allow-Origin": "*" if public else "",
    }


def _stream(version: Version, chunks: Any, mimetype: str, filename: str) -> Response:
    headers = {k: v for k, v in _headers(version, filename).items() if v}
    return Response(stream_with_context(chunks), mimetype=mimetype, headers=headers)


@bp.get("/docs/<slug>/v<int:number>/open-data/record.json")
def export_json(slug: str, number: int) -> Response:
    version = version_or_404(slug, number, current_user)
    name = f"{writers.base_name(version)}-record.json"
    return _stream(version, writers.json_chunks(version), "application/json", name)


@bp.get("/docs/<slug>/v<int:number>/open-data/<table>.csv")
def export_csv(slug: str, number: int, table: str) -> Response:
    if table not in TABLES_BY_NAME:
        abort(404)
    version = version_or_404(slug, number, current_user)
    name = f"{writers.base_name(version)}-{table}.csv"
    return _stream(version, writers.csv_chunks(version, table), "text/csv", name)


@bp.get("/docs/<slug>/v<int:number>/open-data.zip")
def export_zip(slug: str, number: int) -> Response:
    version = version_or_404(slug, number, current_user)
    name = f"{writers.base_name(version)}-open-data.zip"
    return _stream(version, writers.zip_chunks(version), "application/zip", name)


@bp.get("/docs/<slug>/v<int:number>/akoma-ntoso.xml")
def export_akn(slug: str, number: int) -> Response:
    version = version_or_404(slug, number, current_user)
    body = akn.to_bytes(version, current_app.config["SITE_NAME"])
    headers = {
        k: v for k, v in _headers(version, f"{writers.base_name(version)}-akn.xml").items() if v
    }
    return Response(body, mimetype="application/akn+xml", headers=headers)


def links_panel(version: Version, **_: Any) -> dict[str, Any]:
    """Hooks "version_page" and "report_page": the version's open-data downloads."""
    return {"panels": [("opendata/_links.html", {"version": version, "tables": TABLES})]}


def _register(state: Any) -> None:
    hooks.register(state.app, "version_page", links_panel)
    hooks.register(state.app, "report_page", links_panel)


bp.record_once(_register)
