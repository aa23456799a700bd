"""Codes, adoption of chapters and signatures: state changes (flush, never commit), audited."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from consult.accounts.models import Organisation, User
from consult.adoption import pdfs
from consult.adoption.errors import AdoptionError
from consult.adoption.models import (
    ADOPTION_ADOPTED,
    ADOPTION_WITHDRAWN,
    SIGNATURE_PENDING,
    SIGNATURE_REJECTED,
    SIGNATURE_STATUS_WORDS,
    SIGNATURE_VERIFIED,
    Adoption,
    Code,
    CodeChapter,
    Signature,
    SignatureChapter,
)
from consult.core import audit, outbox
from consult.core.lazytext import lazy_gettext as _l
from consult.core.urls import email_url
from consult.db import utcnow
from consult.drafts.models import (
    STATUS_EDITING,
    STATUS_PUBLISHED,
    VISIBILITY_PUBLIC,
    Document,
    Version,
)
from consult.extensions import db
from consult.groups.update_models import KIND_ADOPTION
from consult.groups.updates import announce


def create_code(slug: str, title: str, summary: str, documents: list[Document], user: Any) -> Code:
    if db.session.scalar(select(Code.id).where(Code.slug == slug)) is not None:
        raise AdoptionError(_("Another code already has this address."))
    taken = db.session.scalars(
        select(CodeChapter.document_id).where(
            CodeChapter.document_id.in_([d.id for d in documents])
        )
    ).all()
    if taken:
        raise AdoptionError(_("A document can be a chapter of one code only."))
    if not documents:
        raise AdoptionError(_("Choose at least one chapter."))
    code = Code(slug=slug, title=title, summary=summary)
    db.session.add(code)
    db.session.flush()
    for position, document in enumerate(documents):
        db.session.add(CodeChapter(code_id=code.id, document_id=document.id, position=position))
    db.session.flush()
    audit.record(user, "code.create", code, f"Code {title} created", after={"slug": slug})
    return code


def adoption_of(version: Version) -> Adoption | None:
    """The version's live adoption (put forward or adopted); withdrawn ones are history."""
    return db.session.scalar(
        select(Adoption).where(
            Adoption.version_id == version.id, Adoption.status != ADOPTION_WITHDRAWN
        )
    )


def adoptions_of(version: Version) -> tuple[Adoption | None, list[Adoption]]:
    """The live adoption of the version, and those withdrawn as made in error, oldest first
    (one query: the version page's banner)."""
    rows = list(
        db.session.scalars(
            select(Adoption).where(Adoption.version_id == version.id).order_by(Adoption.id)
        )
    )
    live = next((a for a in rows if a.status != ADOPTION_WITHDRAWN), None)
    return live, [a for a in rows if a.status == ADOPTION_WITHDRAWN]


def is_final(version: Version) -> bool:
    """Published and the document's latest published version."""
    if version.status == STATUS_EDITING:
        return False
    later = db.session.scalar(
        select(Version.id).where(
            Version.document_id == version.document_id,
            Version.number > version.number,
            Version.status != STATUS_EDITING,
        )
    )
    return later is None


def consultation_blocks_adoption(version: Version) -> str | None:
    """Why the version cannot be put forward yet while its consultation is to come or under
    way (the record would say "adopted" while people are still asked for comments); None once
    it has closed, or for a version published without a consultation."""
    from consult.drafts.windows import announced_end, when

    state = version.window_state(utcnow())
    if state == "upcoming":
        return _(
            "The consultation on this version opens on %(start)s and has not taken place yet. "
            "A version can be put forward for adoption once its consultation has closed.",
            start=when(version.opens_at),
        )
    if state == "open":
        if version.closes_at is None:
            return _(
                "Comments on this version are open with no announced closing time. Set when the "
                "consultation closes; the version can be put forward for adoption after that."
            )
        return _(
            "Comments on this version are open until %(end)s. It can be put forward for "
            "adoption once the consultation has closed.",
            end=announced_end(version),
        )
    return None


def propose_adoption(
    version: Version, user: Any, adopted_on: date, note: str = "", link: str = ""
) -> Adoption:
    if not is_final(version):
        raise AdoptionError(_("Only the final published version of a chapter can be adopted."))
    blocked = consultation_blocks_adoption(version)
    if blocked:
        raise AdoptionError(blocked)
    if adoption_of(version) is not None:
        raise AdoptionError(_("This version has already been put forward for adoption."))
    adoption = Adoption(
        version_id=version.id,
        document_id=version.document_id,
        adopted_on=adopted_on,
        note=note,
        link=link,
        proposed_by_id=user.id,
        proposed_at=utcnow(),
    )
    db.session.add(adoption)
    db.session.flush()
    audit.record(
        user,
        "adoption.propose",
        adoption,
        f"{version.document.title} v{version.number} put forward for adoption",
        after={"adopted_on": adopted_on.isoformat(), "note": note, "link": link},
    )
    return adoption


def confirm_adoption(adoption: Adoption, user: Any) -> None:
    if adoption.is_adopted:
        raise AdoptionError(_("This adoption is already confirmed."))
    adoption.status = ADOPTION_ADOPTED
    adoption.confirmed_by_id = user.id
    adoption.confirmed_at = utcnow()
    db.session.flush()
    audit.record(
        user,
        "adoption.confirm",
        adoption,
        f"{adoption.version.document.title} v{adoption.version.number} adopted",
        after={"adopted_on": adoption.adopted_on.isoformat()},
    )
    _announce_adoption(adoption)


def _announce_adoption(adoption: Adoption) -> None:
    """Tell subscribers of the group (and of the site), for a public document."""
    version = adoption.version
    document = version.document
    if document.visibility != VISIBILITY_PUBLIC:
        return
    announce(
        KIND_ADOPTION,
        document.group_id,
        _l("Adopted: %(title)s", title=document.title),
        "update_adoption",
        version=version,
        document=document,
        link=email_url("drafts.show_version", slug=document.slug, number=version.number),
    )


def propose_unadoption(adoption: Adoption, user: Any, reason: str) -> None:
    """A chair asks to withdraw an adoption made in error; an administrator confirms it."""
    if not adoption.is_adopted:
        raise AdoptionError(_("Only a confirmed adoption can be withdrawn."))
    if adoption.withdrawal_proposed_at is not None:
        raise AdoptionError(_("The withdrawal of this adoption has already been asked for."))
    if not reason.strip():
        raise AdoptionError(_("Give the reason for the withdrawal."))
    adoption.withdrawal_reason = reason
    adoption.withdrawal_proposed_by_id = user.id
    adoption.withdrawal_proposed_at = utcnow()
    db.session.flush()
    audit.record(
        user,
        "adoption.withdraw_propose",
        adoption,
        f"Withdrawal of the adoption of {adoption.version.document.title} "
        f"v{adoption.version.number} asked for",
        after={"reason": reason},
    )


def confirm_unadoption(adoption: Adoption, user: Any) -> None:
    """Withdraw the adoption: kept and shown as withdrawn, with its reason and date."""
    if not adoption.withdrawal_pending:
        raise AdoptionError(_("No withdrawal of this adoption awaits confirmation."))
    adoption.status = ADOPTION_WITHDRAWN
    adoption.withdrawn_by_id = user.id
    adoption.withdrawn_at = utcnow()
    db.session.flush()
    audit.record(
        user,
        "adoption.withdraw",
        adoption,
        f"Adoption of {adoption.version.document.title} v{adoption.version.number} withdrawn",
        before={"status": ADOPTION_ADOPTED},
        after={"status": ADOPTION_WITHDRAWN, "reason": adoption.withdrawal_reason},
    )


def set_report_schedule(code: Code, months: int | None, user: Any) -> None:
    """Signatories report on each signed chapter every `months` months after signing."""
    before = code.report_months
    code.report_months = months or None
    db.session.flush()
    audit.record(
        user,
        "code.schedule",
        code,
        f"Reporting schedule of {code.title}: every {months} month(s)"
        if months
        else f"Reporting schedule of {code.title} removed",
        before={"report_months": before},
        after={"report_months": code.report_months},
    )


def adopted_versions(document_ids: list[int]) -> dict[int, Adoption]:
    """Confirmed adoptions by document id (one query)."""
    if not document_ids:
        return {}
    rows = db.session.scalars(
        select(Adoption).where(
            Adoption.document_id.in_(document_ids), Adoption.status == ADOPTION_ADOPTED
        )
    ).all()
    return {row.document_id: row for row in rows}


def code_adoptions(code: Code) -> dict[int, Adoption]:
    return adopted_versions([chapter.document_id for chapter in code.chapters])


def open_consultations(code: Code) -> dict[int, Version]:
    """The chapters not adopted whose current version is open for comments (one query)."""
    adopted = code_adoptions(code)
    waiting = [c.document_id for c in code.chapters if c.document_id not in adopted]
    if not waiting:
        return {}
    now = utcnow()
    versions = db.session.scalars(
        select(Version).where(Version.document_id.in_(waiting), Version.status == STATUS_PUBLISHED)
    )
    return {v.document_id: v for v in versions if v.window_state(now) == "open"}


def code_is_adopted(code: Code) -> bool:
    adopted = code_adoptions(code)
    return bool(code.chapters) and all(c.document_id in adopted for c in code.chapters)


def signed_chapter_ids(organisation: Organisation, code: Code) -> set[int]:
    """Chapters the organisation has signed (pending or verified, not withdrawn)."""
    rows = db.session.scalars(
        select(SignatureChapter.document_id)
        .join(Signature, Signature.id == SignatureChapter.signature_id)
        .where(
            Signature.code_id == code.id,
            Signature.organisation_id == organisation.id,
            Signature.withdrawn_at.is_(None),
            Signature.status != SIGNATURE_REJECTED,
        )
    ).all()
    return set(rows)


def sign_code(
    code: Code,
    organisation: Organisation,
    user: User,
    chapter_ids: list[int],
    signatory_name: str,
    signatory_function: str,
    authority: str,
    pdf_data: bytes | None = None,
) -> Signature:
    """Declare the organisation's signature of chosen (adopted) chapters; awaits verification."""
    adopted = code_adoptions(code)
    valid = {c.document_id for c in code.chapters}
    chosen = [i for i in dict.fromkeys(chapter_ids) if i in valid]
    if not chosen:
        raise AdoptionError(_("Choose at least one chapter to sign."))
    if any(i not in adopted for i in chosen):
        raise AdoptionError(_("Only adopted chapters can be signed."))
    already = signed_chapter_ids(organisation, code) & set(chosen)
    if already:
        raise AdoptionError(_("The organisation has already signed some of these chapters."))
    pdf_name = pdfs.store_pdf(pdf_data) if pdf_data else None
    signature = Signature(
        code_id=code.id,
        organisation_id=organisation.id,
        signatory_name=signatory_name,
        signatory_function=signatory_function,
        authority=authority,
        pdf_path=pdf_name,
        pdf_size=len(pdf_data) if pdf_data else None,
        status=SIGNATURE_PENDING,
        submitted_by_id=user.id,
        submitted_at=utcnow(),
    )
    db.session.add(signature)
    db.session.flush()
    for document_id in chosen:
        db.session.add(SignatureChapter(signature_id=signature.id, document_id=document_id))
    db.session.flush()
    audit.record(
        user,
        "signature.submit",
        signature,
        f"{organisation.name} signed {len(chosen)} chapter(s) of {code.title}",
        after={"chapters": chosen, "signatory": signatory_name, "pdf": bool(pdf_name)},
    )
    return signature


def _decide(signature: Signature, user: Any, status: str, action: str) -> None:
    if signature.status != SIGNATURE_PENDING:
        raise AdoptionError(_("This signature has already been decided."))
    signature.status = status
    signature.verified_by_id = user.id
    signature.verified_at = utcnow()
    db.session.flush()
    audit.record(
        user,
        action,
        signature,
        f"Signature of {signature.organisation.name}: {status}",
        before={"status": SIGNATURE_PENDING},
        after={"status": status},
    )
    submitter = db.session.get(User, signature.submitted_by_id) if signature else None
    if submitter is not None:
        outbox.notify(
            submitter,
            _l(
                "Your signature of %(title)s: %(status)s",
                title=signature.code.title,
                status=SIGNATURE_STATUS_WORDS.get(signature.status, signature.status),
            ),
            "adoption_signature_decided",
            signature=signature,
        )


def verify_signature(signature: Signature, user: Any) -> None:
    _decide(signature, user, SIGNATURE_VERIFIED, "signature.verify")


def reject_signature(signature: Signature, user: Any) -> None:
    _decide(signature, user, SIGNATURE_REJECTED, "signature.reject")


def withdraw_signature(signature: Signature, user: Any, reason: str) -> None:
    """Withdraw: kept and shown as withdrawn with the reason and date; nothing is erased."""
    if signature.withdrawn_at is not None:
        raise AdoptionError(_("This signature has already been withdrawn."))
    if signature.status == SIGNATURE_REJECTED:
        raise AdoptionError(_("A rejected signature cannot be withdrawn."))
    if not reason.strip():
        raise AdoptionError(_("Give the reason for the withdrawal."))
    signature.withdrawn_at = utcnow()
    signature.withdrawn_by_id = user.id
    signature.withdrawal_reason = reason
    db.session.flush()
    audit.record(
        user,
        "signature.withdraw",
        signature,
        f"{signature.organisation.name} withdrew its signature of {signature.code.title}",
        after={"reason": reason},
    )
