"""The refusal every account service raises, with the form field it belongs to."""

from __future__ import annotations


class AccountError(Exception):
    """A refused account change; `field` names the form field the message belongs to."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
