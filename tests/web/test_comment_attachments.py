"""Position papers on public comments (issue 17): upload, refusal, report, open data, API."""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy import func, select

from consult.attachments.models import Attachment
from consult.attachments.samples import make_docx, make_pdf
from consult.comments.models import Comment
from consult.search.models import SearchEntry
from tests import factories


def _section(db: Any) -> Any:
    version = factories.VersionFactory(status="editing")
    section = factories.SectionFactory(version=version, body="Providers shall keep records.")
    version.status = "published"
    db.session.commit()
    return section


def _url(section: Any, suffix: str = "") -> str:
    v = section.version
    return f"/docs/{v.document.slug}/v{v.number}/{suffix or section.provision.key + '/'}"


def test_a_comment_carries_position_papers(client: Any, db: Any, login_as: Any) -> None:
    section = _section(db)
    login_as("stakeholder")
    response = client.post(
        _url(section),
        data={
            "body": "See our paper.",
            "kind": "general",
            "files": [
                (io.BytesIO(make_pdf([["Provenance of synthetic data"]])), "paper.pdf"),
                (io.BytesIO(make_docx(["Annex on audits"])), "annex.docx"),
            ],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    comment = db.session.scalars(select(Comment)).one()
    assert db.session.scalar(select(func.count(Attachment.id))) == 2
    entry = db.session.scalars(
        select(SearchEntry).where(
            SearchEntry.kind == "comment", SearchEntry.object_id == comment.id
        )
    ).one()
    assert "synthetic data" in entry.body and "Annex on audits" in entry.body
    page = client.get(_url(section)).get_data(as_text=True)
    assert "paper.pdf" in page and "annex.docx" in page

    # The report page, its CSV (links), the open data and the API show them.
    report = client.get(_url(section, "report")).get_data(as_text=True)
    assert "paper.pdf" in report
    assert "2 position papers are attached" in report
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(_url(section, "report.csv")).get_data(as_text=True).lstrip("\ufeff")
            )
        )
    )
    assert rows[0]["attachments"].count("/attachments/") == 2
    table = client.get(_url(section, "open-data/attachments.csv")).get_data(as_text=True)
    assert "paper.pdf" in table and "docx" in table
    v = section.version
    api = client.get(
        f"/api/v1/documents/{v.document.slug}/versions/{v.number}/provisions/"
        f"{section.provision.key}/comments"
    ).get_json()
    assert [a["filename"] for a in api["items"][0]["attachments"]] == ["paper.pdf", "annex.docx"]


def test_a_refused_file_keeps_what_was_typed(client: Any, db: Any, login_as: Any) -> None:
    section = _section(db)
    login_as("stakeholder")
    response = client.post(
        _url(section),
        data={
            "body": "My carefully typed comment.",
            "kind": "technical",
            "files": (io.BytesIO(b"MZ\x90\x00 an executable"), "paper.pdf"),
        },
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "is not a PDF, ODT or DOCX file" in page
    assert "My carefully typed comment." in page
    assert db.session.scalar(select(func.count(Comment.id))) == 0


def test_too_many_files_are_refused(client: Any, db: Any, login_as: Any) -> None:
    section = _section(db)
    login_as("stakeholder")
    data = make_pdf([["x"]])
    response = client.post(
        _url(section),
        data={
            "body": "Six papers.",
            "kind": "general",
            "files": [(io.BytesIO(data), f"p{n}.pdf") for n in range(6)],
        },
        content_type="multipart/form-data",
    )
    assert "At most 5 files can be attached." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Comment.id))) == 0


def test_a_hidden_comments_file_is_not_downloadable(client: Any, db: Any, login_as: Any) -> None:
    from consult.attachments import services
    from consult.attachments.storage import stage_bytes

    comment = factories.CommentFactory(section=_section(db), state="hidden")
    item = services.attach("comment", comment.id, [stage_bytes(make_pdf([["x"]]), "x.pdf")])[0]
    db.session.commit()
    login_as("stakeholder")
    assert client.get(f"/attachments/{item.id}/x.pdf").status_code == 404
