"""factory_boy factories for every model; they flush into the test's session."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import factory
from factory.alchemy import SQLAlchemyModelFactory
from sqlalchemy import select

from consult.accounts.models import (
    Organisation,
    OrganisationMembership,
    StakeholderCategory,
    User,
)
from consult.accounts.services import hash_password
from consult.comments.models import Comment, CommentReport, Endorsement
from consult.db import utcnow
from consult.drafts.models import Document, Provision, ProvisionKey, Section, Version
from consult.extensions import db
from consult.groups.models import Membership, WorkingGroup
from consult.moderation.models import Disposition, Revision

PASSWORD = "correct horse battery staple"
_PASSWORD_HASH = hash_password(PASSWORD)  # hashing is slow by design: do it once


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


def closed_window(days_ago: int = 10) -> dict[str, Any]:
    """A consultation that ran for a month and closed `days_ago` days ago (an adoptable version)."""
    return {
        "opens_at": utcnow() - timedelta(days=days_ago + 30),
        "closes_at": utcnow() - timedelta(days=days_ago),
    }


def category(slug: str = "industry") -> StakeholderCategory:
    return db.session.scalars(
        select(StakeholderCategory).where(StakeholderCategory.slug == slug)
    ).one()


class OrganisationFactory(Base):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    category = factory.LazyFunction(lambda: category("industry"))
    country = "BE"


class UserFactory(Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    display_name = factory.Sequence(lambda n: f"User {n}")
    password_hash = _PASSWORD_HASH
    organisation = factory.SubFactory(OrganisationFactory)
    email_verified_at = factory.LazyFunction(utcnow)

    @factory.post_generation
    def tie(obj: User, create: bool, extracted: str | None, **kwargs: object) -> None:
        """A confirmed tie to the organisation, unless `tie="pending"`; `tie__representative`."""
        if obj.organisation is None or not create:
            return
        status = extracted or "confirmed"
        db.session.add(
            OrganisationMembership(
                organisation=obj.organisation,
                user=obj,
                status=status,
                is_representative=bool(kwargs.get("representative")),
                confirmed_via="admin" if status == "confirmed" else None,
            )
        )
        db.session.flush()
        db.session.expire(obj, ["organisation_tie"])


class GroupFactory(Base):
    class Meta:
        model = WorkingGroup

    slug = factory.Sequence(lambda n: f"group-{n}")
    name = factory.Sequence(lambda n: f"Working group {n}")
    mandate = "Draft the chapter."


class MembershipFactory(Base):
    class Meta:
        model = Membership

    group = factory.SubFactory(GroupFactory)
    user = factory.SubFactory(UserFactory)
    role = "member"
    status = "approved"
    decided_at = factory.LazyFunction(utcnow)


class DocumentFactory(Base):
    class Meta:
        model = Document

    group = factory.SubFactory(GroupFactory)
    slug = factory.Sequence(lambda n: f"doc-{n}")
    title = factory.Sequence(lambda n: f"Document {n}")
    summary = "A chapter of the code."
    visibility = "public"


class VersionFactory(Base):
    """A published version whose consultation window is open now."""

    class Meta:
        model = Version

    document = factory.SubFactory(DocumentFactory)
    number = factory.Sequence(lambda n: n + 1)
    status = "published"
    published_at = factory.LazyFunction(lambda: utcnow() - timedelta(days=2))
    opens_at = factory.LazyFunction(lambda: utcnow() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: utcnow() + timedelta(days=30))
    changelog = "First draft."


class ProvisionFactory(Base):
    class Meta:
        model = Provision

    document_id = 0
    key = factory.Sequence(lambda n: f"c1-m{n}")
    kind = "measure"


class SectionFactory(Base):
    """A section with its provision (and the provision's URL key) in a version."""

    class Meta:
        model = Section

    version = factory.SubFactory(VersionFactory)
    provision = factory.LazyAttribute(lambda o: ProvisionFactory(document_id=o.version.document_id))
    position = factory.Sequence(lambda n: n)
    depth = 0
    kind = "measure"
    number = factory.Sequence(lambda n: f"1.{n}")
    heading = factory.Sequence(lambda n: f"Measure heading {n}")
    body = "Signatories shall document the model and keep the documentation up to date."

    @factory.post_generation
    def provision_key(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            db.session.add(
                ProvisionKey(
                    document_id=self.provision.document_id,
                    key=self.provision.key,
                    provision_id=self.provision.id,
                )
            )
            db.session.flush()


class CommentFactory(Base):
    class Meta:
        model = Comment

    section = factory.SubFactory(SectionFactory)
    version_id = factory.LazyAttribute(lambda o: o.section.version_id)
    provision_id = factory.LazyAttribute(lambda o: o.section.provision_id)
    author = factory.SubFactory(UserFactory)
    organisation_id = factory.LazyAttribute(lambda o: o.author.organisation_id)
    organisation_name = factory.LazyAttribute(lambda o: o.author.organisation_label)
    category_id = factory.LazyAttribute(
        lambda o: o.author.category.id if o.author.category else None
    )
    kind = "general"
    body = factory.Sequence(lambda n: f"Comment number {n} on this measure.")


class EndorsementFactory(Base):
    class Meta:
        model = Endorsement

    comment = factory.SubFactory(CommentFactory)
    user = factory.SubFactory(UserFactory)
    stance = "support"


class ReportFactory(Base):
    class Meta:
        model = CommentReport

    comment = factory.SubFactory(CommentFactory)
    reporter = factory.SubFactory(UserFactory)
    reason = "spam"


class DispositionFactory(Base):
    class Meta:
        model = Disposition

    comment = factory.SubFactory(CommentFactory)
    outcome = "accepted"
    rationale = "Agreed; the text is clearer."
    decided_at = factory.LazyFunction(utcnow)


class RevisionFactory(Base):
    class Meta:
        model = Revision

    document_id = 0
    base_version_id = 0
    version_id = 0
