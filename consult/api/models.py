"""Personal access tokens for the JSON API: only a SHA-256 hash of each token is stored."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import User
from consult.db import Base, bounded_string, utcnow

TOKEN_NAME_MAX = 80


class ApiToken(Base):
    """A user's token for `Authorization: Bearer`; shown once at creation, revocable."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = bounded_string(TOKEN_NAME_MAX)
    # SHA-256 of the random token (hex): a 256-bit random secret needs no slow hash.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # the first characters, to recognise it
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
