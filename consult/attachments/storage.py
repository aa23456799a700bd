"""The file store: sharded by SHA-256, written through a temp file and an atomic rename.

Several hosts may share the directory (ATTACHMENTS_DIR, e.g. an NFS mount): a file's name is
its content's hash, so two hosts writing the same file write the same bytes, and a reader never
sees a half-written file (os.replace within one file system is atomic).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from flask import current_app

from consult.attachments.models import FILENAME_MAX

CHUNK = 64 * 1024
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_FILES = 5
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
ODP_MIMETYPE = b"application/vnd.oasis.opendocument.presentation"
DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
PPTX_MAIN = b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
# What an owner accepts: documents everywhere; an owner may add presentations (event slides).
DOCUMENT_TYPES = ("pdf", "odt", "docx")
PRESENTATION_TYPES = ("pdf", "pptx", "odp", "odt", "docx")


class RefusedFile(Exception):
    """An upload refused (type or size); `reason` is "type" or "size"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class StagedFile:
    """An upload checked and in the store; not yet linked to anything."""

    sha256: str
    size: int
    file_type: str
    filename: str


def root() -> Path:
    configured = current_app.config.get("ATTACHMENTS_DIR")
    path = Path(configured) if configured else Path(current_app.instance_path) / "attachments"
    path.mkdir(parents=True, exist_ok=True)
    return path


def max_bytes() -> int:
    return int(current_app.config.get("ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_files() -> int:
    return int(current_app.config.get("ATTACHMENT_MAX_FILES", DEFAULT_MAX_FILES))


def blob_path(sha256: str) -> Path:
    """Sharded: ab/cd/abcd..., so no directory holds more than a few hundred files."""
    return root() / sha256[:2] / sha256[2:4] / sha256


def sniff(path: Path) -> str | None:
    """pdf, odt, odp, docx or pptx, judged from the content (never from the name); None
    otherwise. Which of these an owner accepts is `stage`'s `types`."""
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and "content.xml" in names:
                with archive.open("mimetype") as member:
                    mimetype = member.read(len(ODP_MIMETYPE) + 1).strip()
                if mimetype == ODT_MIMETYPE:
                    return "odt"
                if mimetype == ODP_MIMETYPE:
                    return "odp"
            if "[Content_Types].xml" in names:
                with archive.open("[Content_Types].xml") as member:
                    types = member.read(256 * 1024)
                if "word/document.xml" in names and DOCX_MAIN in types:
                    return "docx"
                if "ppt/presentation.xml" in names and PPTX_MAIN in types:
                    return "pptx"
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError):
        return None
    return None


def clean_filename(name: str | None, file_type: str) -> str:
    """The name shown and offered on download: no directories or control characters, bounded,
    and ending with the extension of its real type."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>|:*?').strip(" .")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = stem[: FILENAME_MAX - 20] or "attachment"  # room for the extension
    return f"{stem}.{file_type}"


def stage(
    stream: IO[bytes], filename: str | None, types: tuple[str, ...] = DOCUMENT_TYPES
) -> StagedFile:
    """Stream an upload into the store in chunks (memory stays flat), checking size and type.

    Raises RefusedFile("size") past ATTACHMENT_MAX_BYTES, RefusedFile("type") for anything
    but `types` (PDF, ODT or DOCX unless the owner accepts more); nothing of a refused file
    is kept.
    """
    limit = max_bytes()
    directory = root() / "tmp"
    directory.mkdir(exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    handle = tempfile.NamedTemporaryFile(dir=directory, prefix="up-", delete=False)  # noqa: SIM115
    tmp = Path(handle.name)  # kept past the with: renamed into place below
    try:
        with handle:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise RefusedFile("size")
                digest.update(chunk)
                handle.write(chunk)
        file_type = sniff(tmp)
        if file_type not in types or size == 0:
            raise RefusedFile("type")
        sha = digest.hexdigest()
        target = blob_path(sha)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)  # atomic; the same content may already be there: same bytes
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return StagedFile(sha, size, file_type, clean_filename(filename, file_type))


def stage_bytes(data: bytes, filename: str, types: tuple[str, ...] = DOCUMENT_TYPES) -> StagedFile:
    """The same for content built in code (demo, tests, generated PDFs)."""
    import io

    return stage(io.BytesIO(data), filename, types)
