"""Text fingerprints of comments: a normalised-text hash and a MinHash signature of shingles."""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from collections.abc import Iterable
from functools import cache
from typing import Any

import numpy as np
from datasketch import LeanMinHash, MinHash
from sqlalchemy import ForeignKey, Index, LargeBinary, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from consult.db import Base
from consult.extensions import db

NUM_PERM = 64
SCHEME = "affine32"  # stored signatures stay comparable across datasketch releases
SHINGLE = 3  # words per shingle: a changed name spoils only the three shingles around it
_WORD = re.compile(r"\w+", re.UNICODE)


class CommentFingerprint(Base):
    """One public top-level comment's fingerprint, written when it is posted or edited."""

    __tablename__ = "comment_fingerprints"
    __table_args__ = (Index("ix_comment_fingerprints_version_hash", "version_id", "text_hash"),)

    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"))
    text_hash: Mapped[str] = mapped_column(String(64))
    minhash: Mapped[bytes] = mapped_column(LargeBinary(NUM_PERM * 8))


def comment_text(body: str, proposed_text: str = "") -> str:
    """What is compared: the comment and the text it proposes."""
    return f"{body}\n{proposed_text}" if proposed_text else body


def tokens(text: str) -> list[str]:
    """Lower-cased words after Unicode normalisation (Markdown punctuation falls away)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _WORD.findall(folded)


def text_hash(text: str) -> str:
    return hashlib.sha256(" ".join(tokens(text)).encode()).hexdigest()


def shingles(words: list[str]) -> set[str]:
    if len(words) < SHINGLE:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


@cache
def _permutations() -> Any:
    # Drawing the permutations costs more than hashing a comment: do it once per process.
    return MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME).permutations


def signature(words: list[str], shingled: set[str] | None = None) -> bytes:
    """MinHash of the word shingles (CRC-32 of each, stable across processes and fast), as
    NUM_PERM little-endian uint64s."""
    shingled = shingles(words) if shingled is None else shingled
    minhash = MinHash(
        num_perm=NUM_PERM, seed=1, scheme=SCHEME, hashfunc=zlib.crc32, permutations=_permutations()
    )
    minhash.update_batch([s.encode() for s in shingled])
    return np.asarray(minhash.hashvalues, dtype="<u8").tobytes()


def minhash_of(raw: bytes) -> LeanMinHash:
    return LeanMinHash(seed=1, scheme=SCHEME, hashvalues=np.frombuffer(raw, dtype="<u8"))


def fingerprint_values(body: str, proposed_text: str = "") -> tuple[str, bytes]:
    text = comment_text(body, proposed_text)
    words = tokens(text)
    return hashlib.sha256(" ".join(words).encode()).hexdigest(), signature(words)


def store_fingerprint(comment: Any) -> None:
    """(Re)write the fingerprint of a public top-level comment; others have none."""
    existing = db.session.get(CommentFingerprint, comment.id)
    if comment.parent_id is not None or comment.is_confidential:
        if existing is not None:
            db.session.delete(existing)
        return
    digest, minhash = fingerprint_values(comment.body, comment.proposed_text)
    if existing is None:
        existing = CommentFingerprint(comment_id=comment.id, version_id=comment.version_id)
        db.session.add(existing)
    existing.text_hash, existing.minhash = digest, minhash


def identical_ids(comment: Any, limit: int = 50) -> list[int]:
    """Other comments of the same version whose normalised text is the same (one query)."""
    own = select(CommentFingerprint.text_hash).where(CommentFingerprint.comment_id == comment.id)
    return list(
        db.session.scalars(
            select(CommentFingerprint.comment_id)
            .where(
                CommentFingerprint.version_id == comment.version_id,
                CommentFingerprint.text_hash == own.scalar_subquery(),
                CommentFingerprint.comment_id != comment.id,
            )
            .order_by(CommentFingerprint.comment_id)
            .limit(limit)
        )
    )


def drop_fingerprints(comment_ids: Iterable[int]) -> None:
    ids = list(comment_ids)
    if ids:
        db.session.execute(delete(CommentFingerprint).where(CommentFingerprint.comment_id.in_(ids)))
