"""Slides and other files of an event (issue 19, item 4): upload with the outcome, refusal,
listing on the event page, download per role, removal by a chair (audited)."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from consult.attachments.models import Attachment
from consult.attachments.samples import make_docx, make_odp, make_pdf, make_pptx
from consult.attachments.storage import PRESENTATION_TYPES, stage_bytes
from consult.core.models import AuditEvent
from consult.db import utcnow
from consult.events import services
from consult.events.models import Event
from tests import factories


def _event(group: Any, **fields: Any) -> tuple[Event, Any]:
    start = utcnow().replace(microsecond=0) - timedelta(days=2)
    chair = factories.MembershipFactory(group=group, role="chair").user
    values = {
        "title": "Plenary",
        "kind": "plenary",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "online_url": "",
        "access": "verified",
        "capacity": None,
    } | fields
    return services.create_event(group, chair, [], **values), chair


def _with_file(event: Event, chair: Any, name: str = "slides.pdf") -> Attachment:
    staged = stage_bytes(make_pdf([["Timeline of the drafting"]]), name, PRESENTATION_TYPES)
    return services.record_outcome(
        event, chair, files=[staged], minutes="", recording_url="", slides_url=""
    )[0]


def _outcome(client: Any, event: Event, files: Any, minutes: str = "Typed minutes.") -> Any:
    return client.post(
        f"/events/{event.id}/outcome",
        data={"minutes": minutes, "recording_url": "https://v.example.eu/r", "files": files},
        content_type="multipart/form-data",
    )


def _count(db: Any) -> int:
    return int(db.session.scalar(select(func.count(Attachment.id))))


@pytest.fixture
def group(db: Any) -> Any:
    return factories.GroupFactory()


def test_chair_uploads_slides_and_documents_listed_on_the_event_page(
    client: Any, db: Any, login_as: Any, group: Any
) -> None:
    event, _chair = _event(group)
    login_as("chair", group)
    files = [
        (io.BytesIO(make_pdf([["Timeline"]])), "slides.pdf"),
        (io.BytesIO(make_pptx(["Timeline"])), "deck.pptx"),
        (io.BytesIO(make_odp(["Timeline"])), "deck.odp"),
        (io.BytesIO(make_docx(["Handout"])), "handout.docx"),
    ]
    response = _outcome(client, event, files)
    assert response.status_code == 302
    rows = services.files_of(event)
    assert [(f.filename, f.file_type) for f in rows] == [
        ("slides.pdf", "pdf"),
        ("deck.pptx", "pptx"),
        ("deck.odp", "odp"),
        ("handout.docx", "docx"),
    ]
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "event.outcome"))
    assert audit.one().data["after"]["files"][0] == "slides.pdf"

    login_as("visitor")
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "After the event" in page and "Typed minutes." in page
    for row in rows:
        assert f"/attachments/{row.id}/{row.filename}" in page
    assert "(PPTX, " in page and "(ODP, " in page  # type and size, language-neutral
    pptx = client.get(f"/attachments/{rows[1].id}/{rows[1].filename}")
    assert pptx.status_code == 200
    assert pptx.mimetype.endswith("presentationml.presentation")
    assert pptx.headers["Content-Disposition"].startswith("attachment;")
    pptx.close()


def test_the_outcome_form_offers_presentation_types(client: Any, login_as: Any, group: Any) -> None:
    event, _chair = _event(group)
    login_as("chair", group)
    page = client.get(f"/events/{event.id}/outcome").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    assert 'accept=".pdf,.pptx,.odp,.odt,.docx,' in page
    assert "PDF, PPTX, ODP, ODT, DOCX" in page


def test_a_refused_file_is_named_and_everything_typed_is_kept(
    client: Any, db: Any, login_as: Any, group: Any
) -> None:
    event, _chair = _event(group)
    login_as("chair", group)
    response = _outcome(
        client, event, [(io.BytesIO(b"GIF89a not slides"), "slides.pptx")], "My typed minutes."
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "slides.pptx is not a file of an accepted type (PDF, PPTX, ODP, ODT, DOCX)" in page
    assert "My typed minutes." in page and "https://v.example.eu/r" in page
    assert _count(db) == 0
    db.session.refresh(event)
    assert event.minutes == ""  # nothing saved


def test_too_many_files_are_refused_counting_those_already_there(
    app: Any, client: Any, db: Any, login_as: Any, group: Any
) -> None:
    event, chair = _event(group)
    for n in range(4):
        _with_file(event, chair, f"s{n}.pdf")
    login_as("chair", group)
    data = make_pdf([["x"]])
    response = _outcome(client, event, [(io.BytesIO(data), f"n{n}.pdf") for n in range(2)])
    assert response.status_code == 200
    assert "At most 5 files can be attached." in response.get_data(as_text=True)
    assert _count(db) == 4


def test_a_file_over_the_size_limit_is_named(
    app: Any, client: Any, db: Any, login_as: Any, group: Any
) -> None:
    event, _chair = _event(group)
    login_as("chair", group)
    app.config["ATTACHMENT_MAX_BYTES"] = 1024 * 1024
    try:
        big = make_pdf([["x"]], padding=1024 * 1024 + 10)
        # Encoded in memory: the test client spools a body over 500 KB to a temporary file
        # that it never closes (a ResourceWarning, an error under -W error).
        boundary, body = encode_multipart(
            MultiDict(
                [
                    ("minutes", "Kept minutes."),
                    ("recording_url", ""),
                    ("files", FileStorage(io.BytesIO(big), "huge.pdf")),
                ]
            )
        )
        response = client.post(
            f"/events/{event.id}/outcome",
            data=body,
            content_type=f"multipart/form-data; boundary={boundary}",
        )
    finally:
        app.config["ATTACHMENT_MAX_BYTES"] = 20 * 1024 * 1024
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "huge.pdf is larger than 1 MB" in page and "Kept minutes." in page
    assert _count(db) == 0


def test_a_request_too_large_gets_the_413_page(
    app: Any, client: Any, db: Any, login_as: Any, group: Any
) -> None:
    event, _chair = _event(group)
    login_as("chair", group)
    app.config["MAX_CONTENT_LENGTH"] = 2000
    try:
        response = _outcome(client, event, [(io.BytesIO(b"%PDF-" + b"0" * 5000), "big.pdf")])
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 5 * 20 * 1024 * 1024 + 1024 * 1024
    assert response.status_code == 413
    assert b"The files were too large" in response.data
    assert _count(db) == 0


# Who may download: whoever sees the event page; a members-only meeting's files only the
# group's members (observers included), its chairs and admins. Outsiders get 404.
@pytest.mark.parametrize(
    ("role", "open_event", "members_meeting"),
    [
        ("visitor", 200, 302),
        ("unverified", 200, 404),
        ("stakeholder", 200, 404),
        ("observer", 200, 200),
        ("member", 200, 200),
        ("moderator", 200, 200),
        ("vice_chair", 200, 200),
        ("chair", 200, 200),
        ("other_chair", 200, 404),
        ("admin", 200, 200),
    ],
)
def test_download_per_role(
    client: Any,
    login_as: Any,
    group: Any,
    role: str,
    open_event: int,
    members_meeting: int,
) -> None:
    public, chair = _event(group)
    closed, _ = _event(group, title="Members' meeting", access="members")
    public_file, closed_file = _with_file(public, chair), _with_file(closed, chair)
    login_as(role, group)
    for event, attachment, expected in (
        (public, public_file, open_event),
        (closed, closed_file, members_meeting),
    ):
        response = client.get(f"/attachments/{attachment.id}/{attachment.filename}")
        response.close()
        assert response.status_code == expected, (event.title, role)
        listed = attachment.filename in client.get(f"/events/{event.id}").get_data(as_text=True)
        assert listed == (expected == 200)


def test_chair_removes_a_file_audited(client: Any, db: Any, login_as: Any, group: Any) -> None:
    event, chair = _event(group)
    kept, removed = _with_file(event, chair, "kept.pdf"), _with_file(event, chair, "old.pdf")
    login_as("chair", group)
    outcome = client.get(f"/events/{event.id}/outcome").get_data(as_text=True)
    assert f"/events/{event.id}/files/{removed.id}/remove" in outcome
    response = client.post(f"/events/{event.id}/files/{removed.id}/remove")
    assert response.status_code == 302
    assert [f.filename for f in services.files_of(event)] == ["kept.pdf"]
    audit = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "event.file.remove")
    ).one()
    assert (audit.summary, audit.object_id) == ("old.pdf", event.id)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)  # shows the flash
    assert "old.pdf is removed from the event." in page
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "old.pdf" not in page and f"/attachments/{kept.id}/kept.pdf" in page


@pytest.mark.parametrize("role", ["member", "moderator", "other_chair", "stakeholder"])
def test_only_chairs_remove_files(
    client: Any, db: Any, login_as: Any, group: Any, role: str
) -> None:
    event, chair = _event(group)
    attachment = _with_file(event, chair)
    login_as(role, group)
    assert client.post(f"/events/{event.id}/files/{attachment.id}/remove").status_code == 403
    assert _count(db) == 1


def test_a_file_of_another_event_is_not_removed_through_this_one(
    client: Any, db: Any, login_as: Any, group: Any
) -> None:
    event, _chair = _event(group)
    other, other_chair = _event(factories.GroupFactory(), title="Elsewhere")
    attachment = _with_file(other, other_chair)
    login_as("chair", group)
    assert client.post(f"/events/{event.id}/files/{attachment.id}/remove").status_code == 404
    assert _count(db) == 1
