"""Downloading an attachment (always as a download, never shown inline) and the 413 page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, send_file
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from consult.attachments.models import Attachment
from consult.attachments.services import may_download
from consult.attachments.storage import blob_path, max_bytes, max_files
from consult.core.permissions import require_visible
from consult.extensions import db

bp = Blueprint("attachments", __name__)


@bp.get("/attachments/<int:attachment_id>/<path:filename>")
def download_attachment(attachment_id: int, filename: str) -> Response:
    attachment = db.get_or_404(Attachment, attachment_id)
    require_visible(may_download(current_user, attachment))
    path = blob_path(attachment.blob.sha256)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=attachment.media_type,
        as_attachment=True,
        download_name=attachment.filename,
        conditional=True,
        etag=attachment.blob.sha256,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def too_large(error: Any) -> tuple[str, int]:
    """413: the request was larger than MAX_CONTENT_LENGTH (all files together)."""
    return render_template(
        "attachments/too_large.html",
        title=_("The files were too large"),
        max_mb=max_bytes() // (1024 * 1024),
        max_files=max_files(),
    ), 413


def file_size(size: int) -> str:
    """1.2 MB, 340 KB: formatted for the locale."""
    from flask_babel import format_decimal

    if size >= 1024 * 1024:
        return _("%(n)s MB", n=format_decimal(round(size / (1024 * 1024), 1)))
    return _("%(n)s KB", n=format_decimal(max(1, round(size / 1024))))


def limits() -> dict[str, int]:
    return {"files": max_files(), "mb": max_bytes() // (1024 * 1024)}


def setup(app: Any) -> None:
    """Blueprint, 413 page and template helpers (called by app_setup)."""
    app.register_blueprint(bp)
    app.register_error_handler(413, too_large)
    app.jinja_env.filters["file_size"] = file_size
    app.jinja_env.globals["file_size"] = file_size
    app.jinja_env.globals["attachment_limits"] = limits
