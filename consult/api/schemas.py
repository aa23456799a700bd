"""Pydantic models of every API response; their JSON Schemas make the OpenAPI components."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorBody(Model):
    status: int = Field(description="The HTTP status code, repeated.")
    code: str = Field(description="A stable machine-readable code, e.g. not_found.")
    message: str = Field(description="A sentence for people.")


class Error(Model):
    """Every error answer of the API has this shape."""

    error: ErrorBody


class Category(Model):
    slug: str
    name: str


class Link(Model):
    href: str


class GroupSummary(Model):
    slug: str
    name: str
    url: str = Field(description="This group in the API.")
    html_url: str


class Group(GroupSummary):
    mandate: str = Field(description="Markdown.")
    documents: list[DocumentSummary]


class DocumentSummary(Model):
    slug: str
    title: str
    visibility: Literal["public", "members"]
    group: str = Field(description="Slug of the working group.")
    current_version: int | None = Field(description="The newest published version's number.")
    url: str
    html_url: str


class VersionSummary(Model):
    number: int
    status: Literal["editing", "published", "superseded"]
    published_at: datetime | None
    opens_at: datetime | None
    closes_at: datetime | None
    consultation: Literal["none", "upcoming", "open", "closed"]
    url: str
    html_url: str


class Document(DocumentSummary):
    summary: str = Field(description="Markdown.")
    versions: list[VersionSummary]


class Version(VersionSummary):
    document: str = Field(description="Slug of the document.")
    changelog: str = Field(description="Markdown.")
    provisions_url: str
    dispositions_url: str
    report_url: str
    exports: dict[str, str] = Field(description="Open-data downloads of this version's record.")


class Provision(Model):
    id: int = Field(description="Stable identity of the provision across versions.")
    key: str = Field(description="Its current URL key, e.g. c2-m3.")
    section_id: int = Field(description="The text of this provision in this version.")
    parent_id: int | None = Field(description="Provision id of the enclosing provision.")
    position: int
    depth: int
    kind: str
    number: str
    heading: str
    body: str = Field(description="Markdown.")
    comments_url: str
    html_url: str


class ProvisionList(Model):
    document: str
    version: int
    items: list[Provision]


class CategoryCount(Model):
    category: str | None = Field(description="Category slug; null for authors without one.")
    count: int


class Endorsements(Model):
    support: list[CategoryCount]
    oppose: list[CategoryCount]


class DispositionSummary(Model):
    outcome: str
    label: str
    rationale: str = Field(description="Markdown.")
    duplicate_of: int | None
    decided_at: datetime | None


class AttachmentRef(Model):
    id: int
    filename: str
    type: str = Field(
        description="pdf, odt or docx; event files also pptx or odp (judged from the content)."
    )
    size: int = Field(description="Bytes.")
    sha256: str
    url: str = Field(description="Download address (the comment's visibility applies).")


class Comment(Model):
    id: int
    provision_id: int
    version: int = Field(description="The version the comment was made on.")
    parent_id: int | None
    root_id: int | None
    state: Literal["visible", "hidden", "deleted"]
    created_at: datetime
    edited_at: datetime | None
    author: str | None = Field(description="Display name; null when hidden or deleted.")
    organisation: str | None
    category: str | None = Field(description="Stakeholder category slug at the time of writing.")
    author_role: str | None
    kind: str
    language: str = Field(description="The language the comment is written in (ISO 639-1).")
    confidential: bool
    quote: str | None
    quote_language: str | None = Field(
        description="The language of the translation the quote was taken from; null when it "
        "was taken from the version's own (authoritative) text."
    )
    body: str | None = Field(description="Markdown; null when hidden or deleted.")
    proposed_text: str | None
    proposal_scope: str | None
    endorsements: Endorsements
    disposition: DispositionSummary | None
    html_url: str
    attachments: list[AttachmentRef] = Field(
        default_factory=list, description="Position papers (top-level comments only)."
    )
    on_behalf: bool = Field(
        default=False, description="Approved by a representative: the organisation's voice."
    )


class Page(Model):
    next_cursor: str | None = Field(
        description="Pass as ?cursor= for the next page; null at the end."
    )
    next_url: str | None


class CommentPage(Page):
    items: list[Comment]


class Disposition(Model):
    comment_id: int
    provision_id: int
    provision_key: str
    outcome: str
    label: str
    rationale: str = Field(description="Markdown.")
    duplicate_of: int | None
    decided_at: datetime | None


class DispositionPage(Page):
    items: list[Disposition]


class GroupPage(Page):
    items: list[GroupSummary]


class DocumentPage(Page):
    items: list[DocumentSummary]


class Side(Model):
    section_id: int
    kind: str
    number: str
    heading: str
    body: str


class ComparisonRow(Model):
    provision_id: int
    key: str
    status: Literal["added", "removed", "moved", "renumbered", "edited", "unchanged"]
    flags: list[str]
    old: Side | None
    new: Side | None
    because_of: list[int] = Field(description="Ids of the comments that motivated the change.")


class Comparison(Model):
    document: str
    old: int
    new: int
    counts: dict[str, int]
    rows: list[ComparisonRow]


class ReportCategory(Model):
    category: str
    counts: dict[str, int] = Field(description="Outcome (or undecided) -> number of comments.")
    total: int


class ReportRow(Model):
    comment_id: int
    provision_key: str
    provision: str
    submitted_at: datetime
    category: str | None
    organisation: str
    kind: str
    language: str = Field(description="The language the comment is written in (ISO 639-1).")
    quote: str
    body: str
    proposed_text: str
    outcome: str | None
    rationale: str
    duplicate_of: int | None
    decided_at: datetime | None


class Report(Page):
    document: str
    version: int
    summary: list[ReportCategory] | None = Field(
        description="Dispositions per stakeholder category; on the first page only."
    )
    total: ReportCategory | None = Field(description="All categories; on the first page only.")
    csv_url: str
    items: list[ReportRow]


Group.model_rebuild()

COMPONENTS: list[type[BaseModel]] = [
    Error,
    GroupPage,
    Group,
    DocumentPage,
    Document,
    Version,
    ProvisionList,
    CommentPage,
    DispositionPage,
    Comparison,
    Report,
]


class EventSummary(Model):
    id: int
    title: str
    kind: str = Field(description="meeting, plenary, workshop or webinar.")
    status: str = Field(description="scheduled or cancelled.")
    access: str = Field(description="Who may register: members, verified or invitation.")
    starts_at: datetime
    ends_at: datetime
    group: GroupSummary
    url: str = Field(description="This event in the API.")
    html_url: str
    ics_url: str = Field(description="The event as an iCalendar file.")


class EventPage(Page):
    items: list[EventSummary]


class AgendaItem(Model):
    position: int
    title: str
    provision_key: str | None = Field(description="The provision the item is about, if any.")
    provision_number: str | None


class EventQuestion(Model):
    id: int
    body: str = Field(description="Plain text, as asked.")
    category: str | None = Field(description="The asker's stakeholder category slug.")
    agenda_item: str | None
    status: str = Field(description="open, answered, in_meeting or merged.")
    answer: str = Field(description="Markdown; empty until answered in writing.")
    support: int = Field(description="How many people support the question.")
    merged_into: int | None


class Event(EventSummary):
    description: str = Field(description="Markdown.")
    place: str
    capacity: int | None
    registered: int
    waiting: int
    registered_by_category: list[CategoryCount]
    attended_by_category: list[CategoryCount] = Field(
        description="After the event: attendance per category as the chairs recorded it."
    )
    agenda: list[AgendaItem]
    minutes: str = Field(description="Markdown; written after the event.")
    recording_url: str
    slides_url: str
    files: list[AttachmentRef] = Field(
        description="Slides and documents; a members-only meeting's only to its members."
    )
    questions: list[EventQuestion] = Field(description="In the order they were asked.")
