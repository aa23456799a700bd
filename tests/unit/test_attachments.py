"""The attachment store: type from content, size limit, sharded atomic writes, bounded text."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from consult.attachments import extract, services, storage
from consult.attachments.models import Attachment, Blob
from consult.attachments.samples import make_docx, make_odp, make_odt, make_pdf, make_pptx
from consult.attachments.storage import RefusedFile, stage, stage_bytes
from tests import factories


def test_types_are_judged_from_the_content_not_the_name(store: Path) -> None:
    assert stage_bytes(make_pdf([["x"]]), "paper.docx").file_type == "pdf"
    assert stage_bytes(make_odt(["x"]), "a.odt").file_type == "odt"
    docx = stage_bytes(make_docx(["x"]), "a.pdf")
    assert docx.file_type == "docx"
    assert docx.filename == "a.docx"  # the offered name follows the real type


@pytest.mark.parametrize(
    "data",
    [
        b"<html><script>alert(1)</script></html>",
        b"",
        b"PK\x03\x04 not a zip at all",
        b"GIF89a....",
    ],
)
def test_anything_else_is_refused_and_nothing_kept(store: Path, data: bytes) -> None:
    with pytest.raises(RefusedFile) as refused:
        stage(io.BytesIO(data), "evil.pdf")
    assert refused.value.reason == "type"
    assert [p for p in store.rglob("*") if p.is_file()] == []


def test_a_zip_that_is_not_a_text_document_is_refused(store: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<x/>")
    with pytest.raises(RefusedFile):
        stage_bytes(out.getvalue(), "sheet.odt")


def test_size_limit_stops_the_stream(app: Any, store: Path) -> None:
    app.config["ATTACHMENT_MAX_BYTES"] = 1000
    try:
        with pytest.raises(RefusedFile) as refused:
            stage(io.BytesIO(b"%PDF-" + b"0" * 5000), "big.pdf")
        assert refused.value.reason == "size"
    finally:
        app.config["ATTACHMENT_MAX_BYTES"] = 20 * 1024 * 1024
    assert [p for p in store.rglob("*") if p.is_file()] == []


def test_files_are_sharded_by_hash_and_written_once(store: Path) -> None:
    data = make_pdf([["same"]])
    first = stage_bytes(data, "a.pdf")
    second = stage_bytes(data, "b.pdf")
    assert first.sha256 == second.sha256
    path = storage.blob_path(first.sha256)
    assert path == store / first.sha256[:2] / first.sha256[2:4] / first.sha256
    assert path.read_bytes() == data
    assert list((store / "tmp").iterdir()) == []  # temp files renamed away


def test_text_is_extracted_from_each_type(store: Path) -> None:
    for data, kind in (
        (make_pdf([["Data provenance"], ["second page"]]), "pdf"),
        (make_odt(["Data provenance", "more"]), "odt"),
        (make_docx(["Data provenance"]), "docx"),
    ):
        staged = stage_bytes(data, "x")
        text, complete = extract.extract_text(storage.blob_path(staged.sha256), kind)
        assert "Data provenance" in text and complete


def test_a_long_pdf_is_cut_at_the_page_cap(app: Any, store: Path) -> None:
    app.config["ATTACHMENT_MAX_PAGES"] = 3
    try:
        staged = stage_bytes(make_pdf([[f"page {n}"] for n in range(10)]), "long.pdf")
        text, complete = extract.extract_text(storage.blob_path(staged.sha256), "pdf")
    finally:
        app.config["ATTACHMENT_MAX_PAGES"] = 300
    assert "page 2" in text and "page 3" not in text and not complete


def test_a_damaged_pdf_is_stored_without_text(store: Path) -> None:
    staged = stage_bytes(b"%PDF-1.4\ngarbage", "bad.pdf")
    text, complete = extract.extract_text(storage.blob_path(staged.sha256), "pdf")
    assert (text, complete) == ("", False)


def test_attach_shares_blobs_and_limits_the_count(db: Any, store: Path) -> None:
    user = factories.UserFactory()
    staged = stage_bytes(make_pdf([["shared words"]]), "p.pdf")
    services.attach("test", 1, [staged], user=user)
    services.attach("test", 2, [staged], user=user)
    assert db.session.query(Blob).filter_by(sha256=staged.sha256).count() == 1
    assert services.text_of("test", 2).endswith("shared words\n")
    with pytest.raises(services.AttachmentError):
        services.attach("test", 1, [staged] * 5)
    copies = services.copy_attachments("test", 1, "other", 9)
    assert [c.blob_id for c in copies] == [services.attachments_of("test", [1])[1][0].blob_id]
    assert db.session.query(Attachment).filter_by(owner_type="other").count() == 1


def test_the_file_limit_is_refused_in_the_readers_language(db: Any, store: Path) -> None:
    """The service's own refusal (the race past the form's check) is translated too."""
    from flask_babel import force_locale

    staged = stage_bytes(make_pdf([["words"]]), "p.pdf")
    with force_locale("de"), pytest.raises(services.AttachmentError) as refused:
        services.attach("test", 1, [staged] * 6)
    assert str(refused.value) == "Höchstens 5 Dateien können angehängt werden."


def test_presentations_are_accepted_only_where_the_owner_accepts_them(store: Path) -> None:
    """PPTX and ODP are recognised from their content, but only an owner that asks for
    presentation types (event slides) accepts them; position papers stay PDF, ODT, DOCX."""
    pptx, odp = make_pptx(["Timeline"]), make_odp(["Timeline"])
    assert stage_bytes(pptx, "s.pdf", storage.PRESENTATION_TYPES).file_type == "pptx"
    staged = stage_bytes(odp, "s", storage.PRESENTATION_TYPES)
    assert (staged.file_type, staged.filename) == ("odp", "s.odp")
    for data in (pptx, odp):
        with pytest.raises(RefusedFile) as refused:
            stage_bytes(data, "slides.pdf")  # the default: documents only
        assert refused.value.reason == "type"
    # A word-processing document is not taken for a presentation, nor the other way round.
    assert stage_bytes(make_docx(["x"]), "d", storage.PRESENTATION_TYPES).file_type == "docx"
    assert stage_bytes(make_odt(["x"]), "d", storage.PRESENTATION_TYPES).file_type == "odt"


def test_slide_text_is_extracted_from_odp_and_pptx(
    app: Any, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    staged = stage_bytes(make_odp(["Data provenance"]), "x", storage.PRESENTATION_TYPES)
    text, complete = extract.extract_text(storage.blob_path(staged.sha256), "odp")
    assert "Data provenance" in text and complete
    # A PPTX keeps one XML file per slide: read in slide order (slide 10 after slide 9).
    slides = [f"Slide {n} on data provenance" for n in range(1, 12)]
    staged = stage_bytes(make_pptx(slides), "x", storage.PRESENTATION_TYPES)
    text, complete = extract.extract_text(storage.blob_path(staged.sha256), "pptx")
    assert text.splitlines() == slides and complete
    # The character cap holds across slides.
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_CHARS", 40)
    text, complete = extract.extract_text(storage.blob_path(staged.sha256), "pptx")
    assert len(text) == 40 and not complete
