"""Signed declaration PDFs: type checked from the content, size limited, stored by content hash."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from consult.adoption.errors import AdoptionError

DEFAULT_MAX_BYTES = 5 * 1024 * 1024


def storage_dir() -> Path:
    configured = current_app.config.get("SIGNATURE_UPLOAD_DIR")
    path = Path(configured) if configured else Path(current_app.instance_path) / "signatures"
    path.mkdir(parents=True, exist_ok=True)
    return path


def check_pdf(data: bytes) -> None:
    """Refuse anything that is not a readable PDF within the size limit."""
    limit = int(current_app.config.get("SIGNATURE_MAX_BYTES", DEFAULT_MAX_BYTES))
    if len(data) > limit:
        raise AdoptionError(
            _("The signed form must be at most %(size)s MB.", size=limit // (1024 * 1024))
        )
    if not data.startswith(b"%PDF-"):
        raise AdoptionError(_("The signed form must be a PDF file."))
    try:
        reader = PdfReader(io.BytesIO(data))
        if len(reader.pages) < 1:
            raise AdoptionError(_("The signed form has no pages."))
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise AdoptionError(_("The signed form could not be read as a PDF.")) from error


def store_pdf(data: bytes) -> str:
    """Check and store a PDF; returns its name (the SHA-256 of its content, plus .pdf)."""
    check_pdf(data)
    name = hashlib.sha256(data).hexdigest() + ".pdf"
    target = storage_dir() / name
    if not target.exists():
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
    return name


def pdf_file(name: str) -> Path:
    return storage_dir() / Path(name).name
